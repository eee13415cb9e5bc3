"""Factur-X flow deposit and its processing report, moving with the simulator clock."""

from __future__ import annotations

import pytest

from chorus.simulator import state
from tests.chorus.simulator.conftest import b64

DEPOSIT = "factures/v1/deposer/flux"
FACTURX_PDF = b"%PDF-1.7\n... /EmbeddedFile factur-x.xml <rsm:CrossIndustryInvoice> ... %%EOF"


def _flux(content: bytes = FACTURX_PDF, syntaxe: str = "IN_DP_E2_CII_FACTURX") -> dict:
    return {
        "idUtilisateurCourant": 0,
        "fichierFlux": b64(content),
        "nomFichier": "F-2026-0042.pdf",
        "syntaxeFlux": syntaxe,
        "avecSignature": False,
    }


def _report(sim, numero: str, detailed: bool = False) -> dict:
    sim.token = sim.get_token().json()["access_token"]
    operation = "transverses/v1/consulterCRDetaille" if detailed else "transverses/v1/consulterCR"
    return sim.ok(operation, {"numeroFluxDepot": numero})


def test_flux_is_deposited_then_integrated_over_time(sim):
    deposited = sim.ok(DEPOSIT, _flux())
    numero = deposited["numeroFluxDepot"]
    assert deposited["syntaxeFlux"] == "IN_DP_E2_CII_FACTURX"
    assert deposited["dateDepot"] == state.today().isoformat()
    seen = [_report(sim, numero)["etatCourantFlux"]]
    state.advance_clock(minutes=3)
    seen.append(_report(sim, numero)["etatCourantFlux"])
    state.advance_clock(minutes=10)
    seen.append(_report(sim, numero)["etatCourantFlux"])
    assert seen == ["IN_DEPOSE", "IN_EN_COURS_TRAITEMENT", "IN_INTEGRE"]


def test_detailed_report(sim):
    numero = sim.ok(DEPOSIT, _flux())["numeroFluxDepot"]
    state.advance_clock(minutes=15)
    report = _report(sim, numero, detailed=True)
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert report["nomFichier"] == "F-2026-0042.pdf"
    assert report["listeErreurTechnique"] == []


@pytest.mark.parametrize(
    ("content", "syntaxe"),
    [
        (b"%PDF-1.7 sans xml embarque", "IN_DP_E2_CII_FACTURX"),
        (b"PK\x03\x04", "IN_DP_E2_CII_FACTURX"),
        (b"not xml", "IN_DP_E1_UBL_INVOICE"),
    ],
)
def test_flux_failing_the_first_checks_ends_rejected(sim, content, syntaxe):
    numero = sim.ok(DEPOSIT, _flux(content, syntaxe))["numeroFluxDepot"]
    assert _report(sim, numero, detailed=True)["listeErreurTechnique"] == []
    state.advance_clock(minutes=15)
    report = _report(sim, numero, detailed=True)
    assert report["etatCourantDepotFlux"] == "IN_REJETE"
    assert report["listeErreurTechnique"][0]["libelleErreur"]


def test_xml_flux_is_accepted(sim):
    numero = sim.ok(DEPOSIT, _flux(b"<?xml version='1.0'?><Invoice/>", "IN_DP_E1_UBL_INVOICE"))[
        "numeroFluxDepot"
    ]
    state.advance_clock(minutes=15)
    assert _report(sim, numero)["etatCourantFlux"] == "IN_INTEGRE"


def test_flux_deposit_refuses_an_unknown_syntax(sim):
    sim.refused(DEPOSIT, _flux(syntaxe="FACTURX"))


def test_unknown_flux_is_refused(sim, rhone):
    sim.refused("transverses/v1/consulterCR", {"numeroFluxDepot": "CPP-FLUX-99999999"})
    sim.refused("transverses/v1/consulterCR", {"numeroFluxDepot": "CPP-FLUX-²"})
    numero = sim.ok(DEPOSIT, _flux())["numeroFluxDepot"]
    rhone.refused("transverses/v1/consulterCR", {"numeroFluxDepot": numero})
