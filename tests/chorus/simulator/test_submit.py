"""factures/v1/soumettre: the accepted invoice, and each rule Chorus checks before accepting one."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date, timedelta

import pytest

from chorus.simulator.models import SimInvoice
from tests.chorus.simulator.conftest import GARONNE_ID, LYON, RHONE_ID, TOULOUSE

SUBMIT = "factures/v1/soumettre"


def _with(body: dict, section: str, **changes) -> dict:
    return body | {section: body[section] | changes}


def _refusal(sim, body: dict) -> int:
    return sim.refused(SUBMIT, body)["codeRetour"]


def test_accepted_invoice_reply(sim):
    body = sim.invoice("F-2026-0042")
    data = sim.ok(SUBMIT, body)
    assert data["identifiantFactureCPP"] > 8_500_000
    assert data["numeroFacture"] == "F-2026-0042"
    assert data["statutFacture"] == "DEPOSEE"
    assert data["dateDepot"] == date.today().isoformat()
    assert data["identifiantStructure"] == "81234567600017"
    fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).digest()
    assert base64.b64decode(data["empreinteCertificatDepot"]) == fingerprint


def test_accepted_invoice_keeps_the_routing_and_amounts(sim):
    sim.submit("F-2026-0043")
    invoice = SimInvoice.objects.get(numero="F-2026-0043")
    assert (invoice.recipient.siret, invoice.recipient_service.code, invoice.bank_account.id_coordonnee) == (
        TOULOUSE,
        "DGST",
        51001,
    )
    assert str(invoice.montant_ttc) == "1500.00"


def test_complementary_attachments_are_accepted(sim):
    extra = [
        {
            "pieceJointeComplementaireDesignation": "PV",
            "pieceJointeComplementaireId": sim.upload(),
            "pieceJointeComplementaireType": "",
        }
    ]
    sim.ok(SUBMIT, sim.invoice(pieceJointeComplementaire=extra))


def test_principal_attachment_from_ajouter_fichier_is_accepted(sim):
    principal = [{"pieceJointePrincipaleDesignation": "Facture", "pieceJointePrincipaleId": sim.upload()}]
    sim.ok(SUBMIT, sim.invoice(pieceJointePrincipale=principal))


def test_principal_attachment_as_a_single_object_is_accepted(sim):
    body = sim.invoice()
    sim.ok(SUBMIT, body | {"pieceJointePrincipale": body["pieceJointePrincipale"][0]})


def test_unknown_recipient_siret(sim):
    body = _with(sim.invoice(), "destinataire", codeDestinataire="73282932000074")
    assert _refusal(sim, body) == 20101


def test_inactive_recipient(sim):
    body = sim.invoice(destinataire={"codeDestinataire": "21310433400015"})
    assert _refusal(sim, body) == 20101


def test_private_structure_is_not_a_recipient(sim):
    assert _refusal(sim, sim.invoice(destinataire={"codeDestinataire": "79845612500011"})) == 20101


def test_missing_mandatory_service_code(sim):
    data = sim.refused(SUBMIT, sim.invoice(destinataire={"codeDestinataire": TOULOUSE}))
    assert data["codeRetour"] == 20102
    assert "code service" in data["libelle"]


@pytest.mark.parametrize("code", ["CADASTRE_ANCIEN", "INCONNU", "VOIRIE"])
def test_inactive_unknown_or_foreign_service(sim, code):
    body = sim.invoice(destinataire={"codeDestinataire": TOULOUSE, "codeServiceExecutant": code})
    assert _refusal(sim, body) == 20103


def test_public_invoices_service_is_refused(sim):
    body = sim.invoice(
        destinataire={"codeDestinataire": TOULOUSE, "codeServiceExecutant": "FACTURES_PUBLIQUES"}
    )
    assert _refusal(sim, body) == 20113


def test_engagement_required_by_the_structure(sim):
    body = sim.invoice(destinataire={"codeDestinataire": LYON})
    assert _refusal(sim, body) == 20104
    sim.ok(SUBMIT, _with(body, "references", numeroBonCommande="EJ-2026-118"))


def test_engagement_required_by_the_service(sim):
    body = sim.invoice(destinataire={"codeDestinataire": TOULOUSE, "codeServiceExecutant": "URBANISME"})
    assert _refusal(sim, body) == 20104
    sim.ok(SUBMIT, _with(body, "references", numeroBonCommande="EJ-2026-119"))


def test_service_and_engagement_both_required(sim):
    epf = "20004526800014"
    assert (
        _refusal(
            sim, sim.invoice(destinataire={"codeDestinataire": epf, "codeServiceExecutant": "DIR_TRAVAUX"})
        )
        == 20104
    )
    body = _with(sim.invoice(destinataire={"codeDestinataire": epf}), "references", numeroBonCommande="EJ-1")
    assert _refusal(sim, body) == 20102
    sim.ok(SUBMIT, _with(body, "destinataire", codeServiceExecutant="DIR_TRAVAUX"))


def test_engagement_or_service_rule(sim):
    departement = "22310001700019"
    assert _refusal(sim, sim.invoice("D-1", destinataire={"codeDestinataire": departement})) == 20104
    sim.ok(
        SUBMIT,
        sim.invoice(
            "D-2", destinataire={"codeDestinataire": departement, "codeServiceExecutant": "DIR_ROUTES"}
        ),
    )
    with_ej = _with(
        sim.invoice("D-3", destinataire={"codeDestinataire": departement}),
        "references",
        numeroBonCommande="EJ-9",
    )
    sim.ok(SUBMIT, with_ej)


def test_recipient_without_rules_accepts_neither(sim):
    sim.ok(SUBMIT, sim.invoice(destinataire={"codeDestinataire": "12345678200051"}))


def test_engagement_number_over_50_characters(sim):
    assert _refusal(sim, _with(sim.invoice(), "references", numeroBonCommande="E" * 51)) == 20002


def test_duplicate_number_for_the_same_supplier(sim, rhone):
    sim.submit("F-2026-0100")
    data = sim.refused(SUBMIT, sim.invoice("F-2026-0100"))
    assert data["codeRetour"] == 20105
    assert "F-2026-0100" in data["libelle"]
    other = rhone.invoice("F-2026-0100", fournisseur={"idFournisseur": RHONE_ID})
    rhone.ok(SUBMIT, other)


def test_avoir_needs_the_origin_number(sim):
    body = _with(sim.invoice("AV-2026-0001"), "references", typeFacture="AVOIR")
    assert _refusal(sim, body) == 20106
    sim.ok(SUBMIT, _with(body, "references", numeroFactureOrigine="F-2026-0001"))
    assert SimInvoice.objects.get(numero="AV-2026-0001").numero_facture_origine == "F-2026-0001"


def test_origin_number_is_ignored_on_an_invoice(sim):
    sim.ok(SUBMIT, _with(sim.invoice(), "references", numeroFactureOrigine="F-2025-0001"))
    assert SimInvoice.objects.get().numero_facture_origine == ""


def test_exemption_needs_a_motive(sim):
    body = _with(sim.invoice(), "references", typeTva="EXONERATION")
    assert _refusal(sim, body) == 20107
    sim.ok(SUBMIT, _with(body, "references", motifExonerationTva="TVA_NON_APPLICABLE_293B"))


@pytest.mark.parametrize("field", ["pieceJointePrincipale", "pieceJointeComplementaire"])
def test_unknown_attachment_id(sim, field):
    if field == "pieceJointePrincipale":
        body = sim.invoice(
            pieceJointePrincipale=[
                {"pieceJointePrincipaleDesignation": "F", "pieceJointePrincipaleId": 9_999_999}
            ]
        )
    else:
        body = sim.invoice(
            pieceJointeComplementaire=[
                {"pieceJointeComplementaireDesignation": "PV", "pieceJointeComplementaireId": 42}
            ]
        )
    data = sim.refused(SUBMIT, body)
    assert data["codeRetour"] == 20108


def test_attachment_of_another_account_is_unknown(sim, rhone):
    foreign = rhone.upload()
    body = sim.invoice(
        pieceJointePrincipale=[{"pieceJointePrincipaleDesignation": "F", "pieceJointePrincipaleId": foreign}]
    )
    assert _refusal(sim, body) == 20108


def test_pdf_mode_needs_a_principal_attachment(sim):
    assert _refusal(sim, sim.invoice(pieceJointePrincipale=[])) == 20100


@pytest.mark.parametrize(
    "totals",
    [
        {"montantHtTotal": 1250, "montantTVA": 250, "montantTtcTotal": 1500.01, "montantAPayer": 1500},
        {"montantHtTotal": 0.1, "montantTVA": 0.2, "montantTtcTotal": 0.31, "montantAPayer": 0.31},
        {"montantHtTotal": 1250, "montantTVA": 250, "montantTtcTotal": 1500, "montantAPayer": 1600},
    ],
)
def test_inconsistent_amounts(sim, totals):
    body = sim.invoice(montantTotal=totals)
    body.pop("ligneTva")
    assert _refusal(sim, body) == 20109


def test_decimal_arithmetic_accepts_exact_cents(sim):
    body = sim.invoice(
        montantTotal={"montantHtTotal": 0.1, "montantTVA": 0.2, "montantTtcTotal": 0.3, "montantAPayer": 0.3}
    )
    body.pop("ligneTva")
    sim.ok(SUBMIT, body)


def test_amount_with_three_decimals_is_refused(sim):
    body = _with(sim.invoice(), "montantTotal", montantHtTotal=1250.001)
    assert _refusal(sim, body) == 20002


def test_vat_lines_must_add_up(sim):
    lines = [
        {"ligneTvaTauxManuel": 20, "ligneTvaMontantBaseHtParTaux": 1200, "ligneTvaMontantTvaParTaux": 250}
    ]
    assert _refusal(sim, sim.invoice(ligneTva=lines)) == 20109


def test_net_to_pay_after_a_global_discount(sim):
    totals = {
        "montantHtTotal": 500,
        "montantTVA": 100,
        "montantTtcTotal": 600,
        "montantRemiseGlobaleTTC": 50,
        "montantAPayer": 550,
    }
    body = sim.invoice(montantTotal=totals)
    body.pop("ligneTva")
    sim.ok(SUBMIT, body)


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        (None, "modeDepot", "DEPOT_PAPIER"),
        ("references", "typeFacture", "ACOMPTE"),
        ("references", "typeTva", "TVA_INCONNUE"),
        ("references", "modePaiement", "CARTE"),
        ("references", "deviseFacture", "euro"),
        ("cadreDeFacturation", "codeCadreFacturation", "A99_INCONNU"),
    ],
)
def test_invalid_enum_values(sim, section, key, value):
    body = sim.invoice()
    body = body | {key: value} if section is None else _with(body, section, **{key: value})
    assert _refusal(sim, body) == 20002


@pytest.mark.parametrize(
    ("section", "key"),
    [
        (None, "modeDepot"),
        (None, "numeroFactureSaisi"),
        (None, "dateFacture"),
        (None, "montantTotal"),
        ("destinataire", "codeDestinataire"),
        ("fournisseur", "idFournisseur"),
        ("references", "typeFacture"),
        ("references", "modePaiement"),
        ("references", "deviseFacture"),
        ("montantTotal", "montantTtcTotal"),
        ("cadreDeFacturation", "codeCadreFacturation"),
    ],
)
def test_missing_mandatory_fields(sim, section, key):
    body = sim.invoice()
    if section is None:
        del body[key]
    else:
        body[section] = {k: v for k, v in body[section].items() if k != key}
    data = sim.refused(SUBMIT, body)
    assert data["codeRetour"] == 20100
    assert key in data["libelle"]


def test_invoice_number_format(sim):
    assert _refusal(sim, sim.invoice("F 2026 #1")) == 20002
    assert _refusal(sim, sim.invoice("F" * 36)) == 20002


def test_invoice_date_after_today(sim):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert _refusal(sim, sim.invoice(dateFacture=tomorrow)) == 20110


def test_invoice_date_must_be_a_date(sim):
    assert _refusal(sim, sim.invoice(dateFacture="27/11/2026")) == 20002


def test_comment_over_200_characters(sim):
    assert _refusal(sim, sim.invoice(commentaire="c" * 201)) == 20002


def test_supplier_not_attached_to_the_account(sim):
    assert _refusal(sim, sim.invoice(fournisseur={"idFournisseur": RHONE_ID})) == 20111


def test_unknown_bank_account(sim):
    body = sim.invoice(
        fournisseur={"idFournisseur": GARONNE_ID, "codeCoordonneesBancairesFournisseur": 51011}
    )
    assert _refusal(sim, body) == 20112


def test_unknown_supplier_service(sim):
    body = sim.invoice(fournisseur={"idFournisseur": GARONNE_ID, "idServiceFournisseur": 72001})
    assert _refusal(sim, body) == 20114
    sim.ok(SUBMIT, sim.invoice(fournisseur={"idFournisseur": GARONNE_ID, "idServiceFournisseur": 71001}))


def test_cotraitant_frame_needs_a_validator(sim):
    body = sim.invoice(cadreDeFacturation={"codeCadreFacturation": "A12_FACTURE_COTRAITANT"})
    assert _refusal(sim, body) == 20100


def test_saisie_api_numbers_the_invoice_itself(sim):
    body = sim.invoice(modeDepot="SAISIE_API")
    del body["numeroFactureSaisi"]
    data = sim.ok(SUBMIT, body)
    assert len(data["numeroFacture"]) == 20
    assert data["numeroFacture"].startswith(str(date.today().year))


def test_saisie_api_needs_the_vat_regime(sim):
    body = sim.invoice(modeDepot="SAISIE_API")
    del body["references"]["typeTva"]
    assert _refusal(sim, body) == 20100


def test_an_undocumented_top_level_field_is_refused(sim):
    # A top-level due date is in no public example of soumettre (chorus-api-reference.md §3.10).
    body = sim.invoice() | {"dateEcheancePaiement": "2026-12-27"}
    refusal = sim.refused(SUBMIT, body)
    assert refusal["codeRetour"] == 20121 and "dateEcheancePaiement" in refusal["libelle"]


def test_an_attachment_type_from_typespj_is_accepted(sim):
    extra = [
        {
            "pieceJointeComplementaireDesignation": "Plan",
            "pieceJointeComplementaireId": sim.upload(),
            "pieceJointeComplementaireType": "PJ_PLAN",
        }
    ]
    sim.ok(SUBMIT, sim.invoice(pieceJointeComplementaire=extra))


def test_an_attachment_type_outside_typespj_is_refused(sim):
    extra = [
        {
            "pieceJointeComplementaireDesignation": "Plan",
            "pieceJointeComplementaireId": sim.upload(),
            "pieceJointeComplementaireType": "PLAN",
        }
    ]
    assert _refusal(sim, sim.invoice(pieceJointeComplementaire=extra)) == 20123


def test_an_exemption_motive_outside_the_list_is_refused(sim):
    body = _with(sim.invoice(), "references", typeTva="EXONERATION", motifExonerationTva="ARTICLE_261")
    assert _refusal(sim, body) == 20122


def test_an_exemption_motive_from_the_list_is_accepted(sim):
    body = _with(sim.invoice(), "references", typeTva="EXONERATION", motifExonerationTva="EXONERATION_261")
    sim.ok(SUBMIT, body)
