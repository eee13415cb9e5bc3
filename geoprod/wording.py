"""French agreement of counted words: « 1 pièce vérifiée », « 2 pièces vérifiées », « 0 facture vue »."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """`n` followed by the words that agree with it; French keeps 0 and 1 in the singular. Without `plural`,
    each word of `singular` takes an s (« pièce vérifiée » → « pièces vérifiées »)."""
    if abs(n) < 2:
        return f"{n} {singular}"
    if plural is None:
        plural = " ".join(w if w.endswith(("s", "x", "z")) else w + "s" for w in singular.split(" "))
    return f"{n} {plural}"
