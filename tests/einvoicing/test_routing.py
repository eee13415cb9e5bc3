"""One routing decision per invoice, from the client's data and the VAT case."""

from __future__ import annotations

import pytest

from einvoicing.routing import BuyerFacts, Route, decide


def facts(**kw) -> BuyerFacts:
    base = dict(
        category="entreprise", receives_chorus=False, country="France", siren="552100554", vat_number=""
    )
    return BuyerFacts(**{**base, **kw})


@pytest.mark.parametrize(
    ("buyer", "vat_case", "route", "words"),
    [
        (facts(category="collectivite", receives_chorus=True), "", Route.CHORUS, "Chorus Pro"),
        (facts(receives_chorus=True), "", Route.CHORUS, "Chorus Pro"),  # private client marked for Chorus
        (facts(), "", Route.PA_B2B, "plateforme agréée du cabinet"),
        (facts(country=""), "", Route.PA_B2B, "01/09/2027"),
        (facts(category="particulier", siren=""), "", Route.EREPORTING_B2C, "flux 10.3"),
        (facts(category="particulier", country="Belgique", siren=""), "", Route.EREPORTING_B2C, "étranger"),
        (
            facts(country="Belgique", siren="", vat_number="BE0403170701"),
            "intracom",
            Route.EREPORTING_INTERNATIONAL,
            "10.1",
        ),
        (facts(), "autoliquidation", Route.EREPORTING_INTERNATIONAL, "international"),
        (facts(category="autre", siren="", vat_number=""), "", Route.EREPORTING_B2C, "non assujetti"),
        (facts(category="autre", vat_number="FR40303265045"), "", Route.PA_B2B, "plateforme agréée"),
        (facts(siren=""), "", Route.INCOMPLETE, "BR-FR-11"),
    ],
)
def test_route(buyer, vat_case, route, words):
    decision = decide(buyer, vat_case=vat_case)
    assert decision.route == route
    assert words in decision.explanation
