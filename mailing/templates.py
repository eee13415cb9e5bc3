"""The cabinet's wording of each kind of e-mail: defaults, placeholders, checks and rendering (no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDERS = {
    "numero": "numéro de la pièce",
    "document": "nom de la pièce (Facture, Facture d'acompte, Avoir, Devis)",
    "piece": "nom de la pièce en minuscules (facture, facture d'acompte…)",
    "montant_ttc": "montant TTC",
    "reste_du": "reste dû",
    "echeance": "date d'échéance",
    "date": "date de la pièce",
    "objet": "objet",
    "client": "nom du client",
    "cabinet": "raison sociale du cabinet",
}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class Kind:
    QUOTE = "quote"
    INVOICE = "invoice"
    CREDIT = "credit"
    REMINDER = "reminder"


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


_SIGNATURE = "\n\nNous restons à votre disposition pour toute question.\n\nCordialement,\n{cabinet}"

DEFAULTS = {
    Kind.QUOTE: Wording(
        "Devis {numero} — {cabinet}",
        "Bonjour,\n\nVeuillez trouver ci-joint notre devis n° {numero} ({objet}) d'un montant de {montant_ttc} TTC."
        + _SIGNATURE,
    ),
    Kind.INVOICE: Wording(
        "{document} {numero} — {cabinet}",
        "Bonjour,\n\nVeuillez trouver ci-joint notre {piece} n° {numero} du {date} d'un montant de "
        "{montant_ttc} TTC, payable au plus tard le {echeance}." + _SIGNATURE,
    ),
    Kind.CREDIT: Wording(
        "Avoir {numero} — {cabinet}",
        "Bonjour,\n\nVeuillez trouver ci-joint notre avoir n° {numero} du {date} d'un montant de {montant_ttc} TTC."
        + _SIGNATURE,
    ),
    Kind.REMINDER: Wording(
        "Relance — facture {numero} — {cabinet}",
        "Bonjour,\n\nSauf erreur de notre part, notre facture n° {numero} arrivée à échéance le {echeance} "
        "reste impayée : le reste dû s'élève à {reste_du}. Vous trouverez ci-joint notre courrier de relance."
        + _SIGNATURE,
    ),
}


def unknown_placeholders(text: str) -> list[str]:
    """The `{…}` of `text` that are not placeholders, in order of appearance."""
    return [name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]


def render(text: str, values: dict[str, str]) -> str:
    """Replaces each known `{placeholder}`; anything else between braces is left as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def known_list() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)
