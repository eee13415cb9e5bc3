"""« Corriger la facture rejetée »: after REJETEE, one action issues the avoir cancelling the invoice and opens a
replacing draft carrying the Chorus fields; twice gives the same avoir and draft."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from chorus.models import ChorusCorrection, ChorusSubmission
from chorus.services import correction
from chorus.services.submission import SubmissionError
from invoices.models import DocumentAction, DocumentEvent, Invoice, InvoiceKind, InvoiceStatus
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
REASON = "Numéro d'engagement inconnu : merci de refaire la facture avec l'EJ 2026-0042"
BUTTON = "Corriger la facture rejetée</button>"


def reject(sub: ChorusSubmission, comment: str = REASON) -> ChorusSubmission:
    ChorusSubmission.objects.filter(pk=sub.pk).update(
        chorus_status="REJETEE", chorus_comment=comment, chorus_status_at=timezone.now()
    )
    return ChorusSubmission.objects.get(pk=sub.pk)


@pytest.fixture
def rejected(chorus, account, cabinet, mairie):
    invoice = factories.make_invoice(
        cabinet,
        client=mairie,
        issued=True,
        dossier=factories.make_dossier(cabinet, mairie),
        objet="Plan topographique de la place",
        numero_marche="M-2026-7",
        lines=[("Levé topographique", "2", "650.00", "20.00"), ("Plan DWG", "1", "180.00", "20.00")],
    )
    sub = factories.make_submission(invoice, account, lookup=True, service_code="URBA", submit=True)
    ChorusSubmission.objects.filter(pk=sub.pk).update(numero_engagement="EJ-FAUX")
    return reject(sub)


def test_it_issues_the_avoir_and_creates_the_replacing_draft(rejected):
    done = correction.correct_rejected_invoice(submission=rejected)
    original = Invoice.objects.get(pk=rejected.invoice_id)
    avoir, draft = done.avoir, done.draft

    assert avoir.kind == InvoiceKind.AVOIR and avoir.is_issued and avoir.number
    assert avoir.origin_id == original.pk and avoir.total_ttc == original.total_ttc
    assert original.status == InvoiceStatus.CANCELLED and original.number  # cancelled, not deleted

    assert draft.is_draft and draft.kind == InvoiceKind.FACTURE and draft.number is None
    assert (draft.client_id, draft.dossier_id, draft.objet) == (
        original.client_id,
        original.dossier_id,
        original.objet,
    )
    assert [
        (line.designation, line.quantity, line.unit_price) for line in draft.lines.order_by("position", "id")
    ] == [
        (line.designation, line.quantity, line.unit_price)
        for line in original.lines.order_by("position", "id")
    ]
    assert draft.total_ttc == original.total_ttc
    # The Chorus fields as sent (and rejected) are what the new envoi will propose.
    assert (draft.code_service, draft.numero_engagement, draft.numero_marche) == (
        "URBA",
        "EJ-FAUX",
        "M-2026-7",
    )
    assert done.reason == REASON and done.destinataire_siret == rejected.destinataire_siret


def test_twice_gives_the_same_avoir_and_draft(rejected):
    first = correction.correct_rejected_invoice(submission=rejected)
    second = correction.correct_rejected_invoice(submission=rejected)
    assert (second.pk, second.avoir_id, second.draft_id) == (first.pk, first.avoir_id, first.draft_id)
    assert Invoice.objects.filter(kind=InvoiceKind.AVOIR).count() == 1
    assert Invoice.objects.filter(status=InvoiceStatus.DRAFT).count() == 1


def test_a_deleted_replacement_is_made_again_without_a_second_avoir(rejected):
    from invoices import services

    first = correction.correct_rejected_invoice(submission=rejected)
    services.delete_draft(invoice=first.draft)
    again = correction.correct_rejected_invoice(submission=rejected)
    assert again.pk == first.pk and again.draft is not None and again.draft.is_draft
    assert Invoice.objects.filter(kind=InvoiceKind.AVOIR).count() == 1


def test_an_invoice_not_rejected_is_refused(chorus, account, issued_invoice):
    sub = factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA", submit=True)
    with pytest.raises(SubmissionError):
        correction.correct_rejected_invoice(submission=sub)
    assert not Invoice.objects.filter(kind=InvoiceKind.AVOIR).exists()


def test_a_failure_leaves_nothing_half_done(rejected, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(correction.invoicing, "issue_invoice", boom)
    with pytest.raises(RuntimeError):
        correction.correct_rejected_invoice(submission=rejected)
    assert Invoice.objects.count() == 1 and not ChorusCorrection.objects.exists()


def test_a_failure_after_the_avoir_gives_its_number_and_pdf_back(rejected, monkeypatch):
    from django.core.files.storage import default_storage

    def boom(*args, **kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(ChorusCorrection.objects, "create", boom)
    before = set(default_storage.listdir(f"factures/{rejected.cabinet_id}/{timezone.localdate():%Y}")[1])
    with pytest.raises(RuntimeError):
        correction.correct_rejected_invoice(submission=rejected)
    after = set(default_storage.listdir(f"factures/{rejected.cabinet_id}/{timezone.localdate():%Y}")[1])
    assert after == before and Invoice.objects.count() == 1
    monkeypatch.undo()
    done = correction.correct_rejected_invoice(submission=rejected)
    assert done.avoir.number[-4:] == "0002"  # the number given back is used: no gap


def test_history_of_both_invoices_says_what_happened(rejected):
    done = correction.correct_rejected_invoice(submission=rejected)
    original = DocumentEvent.objects.filter(
        invoice_id=rejected.invoice_id, action=DocumentAction.CHORUS_CORRECTED
    )
    assert original.get().detail.startswith(f"Annulée par l'avoir N° {done.avoir.number}")
    replacement = DocumentEvent.objects.get(invoice=done.draft, action=DocumentAction.CHORUS_CORRECTED)
    assert rejected.invoice.number in replacement.detail


# --- Screens -------------------------------------------------------------------------------------


def test_invoice_and_envoi_pages_show_the_reason_and_the_action(client_as, comptable, rejected):
    c = client_as(comptable)
    for url in (rejected.invoice.get_absolute_url(), rejected.get_absolute_url()):
        text = body(c.get(url))
        assert REASON in text and BUTTON in text, url
        assert text.index(REASON) < text.index("<h1"), url  # on top


def test_the_action_opens_the_draft_with_the_reason_on_top(client_as, comptable, rejected):
    c = client_as(comptable)
    response = c.post(reverse("chorus:submission-correct", args=[rejected.pk]), follow=True)
    done = ChorusCorrection.objects.get()
    assert response.redirect_chain[-1][0] == done.draft.get_absolute_url()
    text = body(response)
    assert f"annulée par l'avoir {done.avoir.number}" in text
    assert REASON in text and text.index(REASON) < text.index("<h1")
    banner = text[text.index('id="chorus-rejection"') : text.index("<h1")]
    assert "Cette facture remplace la" in banner and f"facture N° {rejected.invoice.number}</a>" in banner
    # The rejected invoice now links to both, and no longer offers the action.
    text = body(c.get(rejected.invoice.get_absolute_url()))
    assert (
        BUTTON not in text
        and f"avoir N° {done.avoir.number}" in text
        and "nouvelle facture (brouillon)" in text
    )


def test_the_avoir_says_it_is_not_sent_to_chorus(client_as, comptable, rejected):
    done = correction.correct_rejected_invoice(submission=rejected)
    text = body(client_as(comptable).get(done.avoir.get_absolute_url()))
    assert "il n'a pas à être déposé dans Chorus Pro" in text
    assert "Chorus Pro : Envoyer</button>" not in text


def test_other_cabinet_gets_404(client_as, stranger, rejected):
    response = client_as(stranger).post(reverse("chorus:submission-correct", args=[rejected.pk]))
    assert response.status_code == 404
    assert not ChorusCorrection.objects.exists()


def test_anonymous_is_sent_to_login_and_get_is_refused(client, client_as, comptable, rejected):
    url = reverse("chorus:submission-correct", args=[rejected.pk])
    assert client.post(url).status_code == 302 and not ChorusCorrection.objects.exists()
    assert client_as(comptable).get(url).status_code == 405


def test_not_rejected_gives_a_french_message(client_as, comptable, chorus, account, issued_invoice):
    sub = factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA", submit=True)
    response = client_as(comptable).post(reverse("chorus:submission-correct", args=[sub.pk]), follow=True)
    assert "Seule une facture rejetée dans Chorus Pro" in body(response)
