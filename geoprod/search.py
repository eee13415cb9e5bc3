"""What a list's search box understands, database-agnostic: an amount written the French way, a SIRET
typed with spaces. The lists build their filters from these (see the apps' selectors)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# « 1 300 », « 1300,00 », « 1 300,00 € », « 1.300,50 », « 1300.5 »: spaces of every kind, an optional euro sign.
_AMOUNT = re.compile(r"^\d{1,3}(?:[ .]\d{3})+(?:,\d{1,2})?$|^\d+(?:[,.]\d{1,2})?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_amount(text: str) -> Decimal | None:
    """The amount a search text means, or None when it is not an amount (a number, a name…)."""
    cleaned = _SPACES.sub(" ", text.replace("€", "")).strip()
    if not cleaned or not _AMOUNT.match(cleaned):
        return None
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", cleaned):
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01")) if value < Decimal("1e10") else None


def siret_prefix(text: str) -> str | None:
    """The digits of a SIRET or SIREN being typed (« 732 829 320 » → « 732829320 »), from 9 digits up."""
    compact = _SPACES.sub("", text)
    return compact if compact.isdigit() and 9 <= len(compact) <= 14 else None


def terms(text: str) -> str:
    """The search text with its spaces normalised (a pasted non-breaking space still finds the name)."""
    return _SPACES.sub(" ", text).strip()


def criteria(form) -> dict:
    """The filters of a list form that are valid: a bad date is shown next to its field while the other
    filters still apply (an unbound form filters nothing)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
