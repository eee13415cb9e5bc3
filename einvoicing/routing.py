"""Where an invoice goes under the French e-invoicing reform: one decision per invoice, from the client's
data and the invoice's VAT case, explained in French (reform reference.md §1, §6–7).

- public buyer (or a client marked « destinataire Chorus Pro ») → Chorus Pro, unchanged;
- French VAT-registered company → e-invoice through the cabinet's Plateforme Agréée (flux 2);
- private individual, or a French body not registered for VAT (syndicat de copropriété, association) →
  e-reporting of the sale and of its payments (flux 10.3 / 10.4);
- foreign client → e-reporting of the international sale (flux 10.1 / 10.2), B2C abroad as 10.3.
Pure: no Django models, the caller passes the facts.
"""

from __future__ import annotations

import datetime
import enum
import re
from dataclasses import dataclass

# SMEs and micro-companies (every cabinet) must issue and e-report from this date (reference.md §1, [H]).
MANDATORY_FROM = datetime.date(2027, 9, 1)
FRANCE = frozenset({"", "france", "fr"})
# Autoliquidation / intracommunity services are international B2B whatever the address says.
INTERNATIONAL_VAT_CASES = frozenset({"autoliquidation", "intracom"})


class Route(enum.StrEnum):
    CHORUS = "chorus"
    PA_B2B = "pa_b2b"
    EREPORTING_B2C = "ereporting_b2c"
    EREPORTING_INTERNATIONAL = "ereporting_international"
    INCOMPLETE = "incomplete"


LABELS = {
    Route.CHORUS: "Chorus Pro",
    Route.PA_B2B: "Plateforme agréée",
    Route.EREPORTING_B2C: "E-reporting (particulier)",
    Route.EREPORTING_INTERNATIONAL: "E-reporting (international)",
    Route.INCOMPLETE: "À compléter",
}


@dataclass(frozen=True)
class BuyerFacts:
    category: str  # clients.models.Category value
    receives_chorus: bool
    country: str
    siren: str
    vat_number: str
    name: str = ""


@dataclass(frozen=True)
class Routing:
    route: Route
    explanation: str

    @property
    def label(self) -> str:
        return LABELS[self.route]

    @property
    def needs_platform(self) -> bool:
        return self.route == Route.PA_B2B

    @property
    def is_ereporting(self) -> bool:
        return self.route in (Route.EREPORTING_B2C, Route.EREPORTING_INTERNATIONAL)


def _is_siren(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{9}", value or ""))


def decide(buyer: BuyerFacts, *, vat_case: str = "") -> Routing:
    if buyer.receives_chorus:
        return Routing(
            Route.CHORUS,
            "Acheteur public : la facture est déposée dans Chorus Pro, comme aujourd'hui.",
        )
    abroad = buyer.country.strip().lower() not in FRANCE
    if buyer.category == "particulier":
        where = "établi à l'étranger" if abroad else "particulier"
        return Routing(
            Route.EREPORTING_B2C,
            f"Client {where} : la facture reste un PDF remis au client ; son montant est déclaré à "
            "l'administration par l'e-reporting (transactions et encaissements, flux 10.3 et 10.4).",
        )
    if abroad or vat_case in INTERNATIONAL_VAT_CASES:
        return Routing(
            Route.EREPORTING_INTERNATIONAL,
            "Client professionnel étranger : la facture est remise au client comme aujourd'hui ; ses données "
            "sont déclarées à l'administration par l'e-reporting international (flux 10.1 et 10.2).",
        )
    if buyer.category == "autre" and not buyer.vat_number:
        return Routing(
            Route.EREPORTING_B2C,
            "Client non assujetti à la TVA (copropriété, association…) : la vente est déclarée par "
            "l'e-reporting comme une vente à un particulier (flux 10.3 et 10.4). Si le client a un numéro de "
            "TVA, renseignez-le : la facture passera alors par la plateforme agréée.",
        )
    if not _is_siren(buyer.siren):
        return Routing(
            Route.INCOMPLETE,
            "Renseignez le SIRET du client : une entreprise française reçoit ses factures par la plateforme "
            "agréée, qui exige le SIREN de l'acheteur (règle BR-FR-11).",
        )
    return Routing(
        Route.PA_B2B,
        "Entreprise française assujettie à la TVA : cette facture sera transmise à la plateforme agréée du "
        f"cabinet (facture électronique), obligatoire à partir du {MANDATORY_FROM:%d/%m/%Y}.",
    )
