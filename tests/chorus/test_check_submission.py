"""« Soumettre » checks the recipient's rules and the invoice's own before any submit."""

from __future__ import annotations

import pytest

from chorus import services
from chorus.models import TvaType
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sub(chorus, account, issued_invoice):
    return factories.make_submission(issued_invoice, account)


def test_lookup_fills_designation_rules_and_invoiceable_services(sub):
    services.lookup_recipient(submission=sub, siret="21310555400017")
    assert sub.destinataire_designation == "Mairie de Toulouse"
    assert sub.destinataire_rules["codeServiceDoitEtreRenseigne"] is True
    # the inactive service and FACTURES_PUBLIQUES are not offered
    assert [s["code"] for s in sub.destinataire_services] == ["URBA"]


def test_unknown_recipient(sub):
    with pytest.raises(services.SubmissionError) as e:
        services.lookup_recipient(submission=sub, siret="79845612500011")
    assert e.value.errors == {
        "destinataire_siret": "Aucune structure Chorus Pro ne porte le SIRET 79845612500011."
    }


def test_service_required_by_recipient(sub):
    assert services.check_submission(submission=sub) == {
        "service_code": "Ce destinataire exige un code service : choisissez un service."
    }
    sub.service_code = "URBA"
    assert services.check_submission(submission=sub) == {}


def test_engagement_required_by_recipient(sub):
    sub.destinataire_siret = "21690123100011"
    sub.destinataire_id_structure = None
    errors = services.check_submission(submission=sub)
    assert errors == {"numero_engagement": "Ce destinataire exige un numéro d'engagement."}
    sub.numero_engagement = "EJ-2026-0042"
    assert services.check_submission(submission=sub) == {}


def test_engagement_required_by_the_chosen_service(sub, chorus):
    chorus.engagement_services.add(1)
    sub.service_code = "URBA"
    services.lookup_recipient(submission=sub, siret=sub.destinataire_siret)
    assert services.check_submission(submission=sub) == {
        "numero_engagement": "Le service URBA exige un numéro d'engagement."
    }


def test_exoneration_needs_its_motive(sub):
    sub.service_code = "URBA"
    sub.type_tva = TvaType.EXONERATION
    errors = services.check_submission(submission=sub)
    assert errors == {"motif_exoneration": "Le motif d'exonération est obligatoire avec le type Exonération."}


def test_avoir_needs_the_origin_number(chorus, account, cabinet, issued_invoice):
    from invoices import services as invoicing

    avoir = invoicing.issue_invoice(invoice=invoicing.create_credit_note(invoice=issued_invoice))
    sub = services.start_submission(invoice=avoir, account=account)
    assert sub.numero_facture_origine == issued_invoice.number  # prefilled from the credited invoice
    sub.numero_facture_origine = ""
    sub.piece_jointe_id, sub.service_code = 1, "URBA"
    assert services.check_submission(submission=sub)["numero_facture_origine"] == (
        "Le N° de facture d'origine est obligatoire pour un avoir."
    )


def test_missing_recipient_and_pdf(chorus, account, issued_invoice):
    sub = services.start_submission(invoice=issued_invoice, account=account)
    sub.destinataire_siret = ""  # cleared on the screen
    errors = services.check_submission(submission=sub)
    assert errors["destinataire_siret"] == "Le destinataire est obligatoire."
    assert "pas encore déposé" in errors["__all__"]


def test_exemption_motive_must_come_from_chorus_list(sub):
    sub.service_code = "URBA"
    sub.type_tva = TvaType.EXONERATION
    sub.motif_exoneration = "ARTICLE_261"
    errors = services.check_submission(submission=sub)
    assert errors["motif_exoneration"].startswith("Ce motif n'est pas dans la liste de Chorus Pro")
    sub.motif_exoneration = "EXONERATION_261"
    assert services.check_submission(submission=sub) == {}


def test_attachment_with_a_type_outside_chorus_list_blocks_submit(sub):
    from chorus.models import ChorusAttachment

    sub.service_code = "URBA"
    ChorusAttachment.objects.create(
        submission=sub, designation="Vieux plan", type="PLAN", filename="p.pdf", size=3, piece_jointe_id=7
    )
    assert "Vieux plan" in services.check_submission(submission=sub)["__all__"]


def test_prefilled_motive_is_kept_only_when_chorus_lists_it(chorus, cabinet, mairie):
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)
    account = factories.make_chorus_account(cabinet, exemption_motives=[])
    invoice.vat_regime, invoice.exemption_code = "exoneration", "261-4"
    sub = services.start_submission(invoice=invoice, account=account)
    assert (sub.type_tva, sub.motif_exoneration) == (TvaType.EXONERATION, "")


def test_an_account_synchronised_before_the_reference_lists_fetches_them_on_envoyer(chorus, cabinet, mairie):
    account = factories.make_chorus_account(cabinet, attachment_types=[], exemption_motives=[])
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)
    services.start_submission(invoice=invoice, account=account)
    account.refresh_from_db()
    assert chorus.calls["attachment_types"] == 1 and account.attachment_types
