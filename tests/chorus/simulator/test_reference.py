"""Reference lists: exemption motives, VAT rates, attachment types."""

from __future__ import annotations


def test_exemption_motives_in_both_spellings(sim):
    data = sim.ok("transverses/v1/recuperer/motifs/exonerationtva", {"codeLangue": "fr"})
    codes = [m["codeMotifExonerationTva"] for m in data["listeMotifsExonerationTva"]]
    assert "TVA_NON_APPLICABLE_293B" in codes
    assert [m["code"] for m in data["listeMotifs"]] == codes


def test_vat_rates(sim):
    data = sim.ok("transverses/v1/recuperer/tauxtva", {"codeLangue": "fr"})
    rates = {r["codeTauxTva"]: r["valeurTauxTva"] for r in data["listeTauxTva"]}
    assert rates["TVA20"] == 20.0 and rates["TVA5_5"] == 5.5
    assert len(data["listeTaux"]) == len(rates)


def test_attachment_types(sim):
    data = sim.ok("transverses/v1/recuperer/typespj", {"typeObjet": "FACTURE", "codeLangue": "fr"})
    assert data["listeTypePieceJointe"][0]["typeObjet"] == "FACTURE"
    assert {t["codeTypePieceJointe"] for t in data["listeTypePieceJointe"]} >= {"PJ_BON_COMMANDE", "PJ_AUTRE"}
