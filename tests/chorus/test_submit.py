"""« Chorus Pro : Envoyer » → deposit → « Soumettre »: exactly once, nothing lost."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from chorus import client, services
from chorus.models import ChorusSubmission, SubmissionState, TvaType
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(chorus, account, issued_invoice):
    return factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA")


def test_start_prefills_from_the_invoice(account, issued_invoice):
    sub = services.start_submission(invoice=issued_invoice, account=account)
    assert sub.destinataire_siret == "21310555400017"
    assert sub.type_tva == TvaType.ENCAISSEMENT
    assert sub.id_coordonnee_bancaire == 501  # the cabinet's only bank
    assert sub.state == SubmissionState.NEW
    assert services.start_submission(invoice=issued_invoice, account=account) == sub


def test_draft_invoice_cannot_be_sent(account, cabinet, mairie):
    draft = factories.make_invoice(cabinet, client=mairie)
    with pytest.raises(services.SubmissionError, match="facture validée"):
        services.start_submission(invoice=draft, account=account)


def test_unconfigured_account_is_explained(issued_invoice):
    with pytest.raises(services.SubmissionError, match="Paramètres > Pièces > Chorus Pro"):
        services.start_submission(invoice=issued_invoice, account=None)


def test_deposit_stores_piece_jointe_and_is_done_once(chorus, account, issued_invoice):
    sub = services.start_submission(invoice=issued_invoice, account=account)
    services.deposit_invoice_pdf(submission_id=sub.pk)
    services.deposit_invoice_pdf(submission_id=sub.pk)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.READY and sub.piece_jointe_id is not None
    assert chorus.calls["deposit_pdf"] == 1


def test_failed_deposit_goes_back_and_can_be_retried(chorus, account, issued_invoice):
    sub = services.start_submission(invoice=issued_invoice, account=account)
    chorus.fail["deposit_pdf"] = client.ChorusUnavailable("Chorus Pro ne répond pas.")
    with pytest.raises(client.ChorusUnavailable):
        services.deposit_invoice_pdf(submission_id=sub.pk)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.NEW and sub.last_error.startswith("Chorus Pro ne répond pas")
    services.deposit_invoice_pdf(submission_id=sub.pk)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.READY and sub.last_error == ""


def test_tampered_pdf_is_not_deposited(chorus, account, issued_invoice):
    sub = services.start_submission(invoice=issued_invoice, account=account)
    with open(issued_invoice.pdf.path, "ab") as f:
        f.write(b"%% altered")
    with pytest.raises(services.SubmissionError, match="altéré"):
        services.deposit_invoice_pdf(submission_id=sub.pk)
    sub.refresh_from_db()
    assert chorus.calls["deposit_pdf"] == 0
    assert sub.state == SubmissionState.NEW and "Envoi bloqué" in sub.last_error


def test_submit_sends_the_invoice_fields(chorus, ready, issued_invoice):
    services.submit_invoice(submission_id=ready.pk)
    ready.refresh_from_db()
    request = chorus.last_request
    assert ready.state == SubmissionState.SUBMITTED and ready.chorus_status == "DEPOSEE"
    assert ready.identifiant_facture_cpp == chorus.submitted[issued_invoice.number].identifiant_facture_cpp
    assert (request.numero_facture, request.code_destinataire, request.code_service_executant) == (
        issued_invoice.number, "21310555400017", "URBA",
    )  # fmt: skip
    assert request.totals.ttc == issued_invoice.total_ttc and request.id_fournisseur == 25000001
    assert request.piece_jointe_principale_id == ready.piece_jointe_id
    assert ready.status_changes.get().status == "DEPOSEE"


def test_second_submit_does_nothing(chorus, ready):
    services.submit_invoice(submission_id=ready.pk)
    services.submit_invoice(submission_id=ready.pk)
    assert chorus.calls["submit"] == 1


def test_concurrent_claim_lets_only_one_through(chorus, ready):
    ChorusSubmission.objects.filter(pk=ready.pk).update(
        state=SubmissionState.SENDING, sending_since=timezone.now()
    )
    services.submit_invoice(submission_id=ready.pk)
    assert chorus.calls["submit"] == 0


def test_a_page_read_before_the_submit_cannot_put_the_row_back(chorus, ready):
    """An autosave or a loupe from a page loaded before « Soumettre » (a second tab, a change event just before
    the click) writes only its own fields: the submission stays sent and is never sent again."""
    from chorus.forms import SubmissionForm

    stale = ChorusSubmission.objects.get(pk=ready.pk)
    services.submit_invoice(submission_id=ready.pk)
    data = {
        f: getattr(stale, f) or ""
        for f in ("destinataire_siret", "service_code", "type_tva", "mode_paiement")
    }
    form = SubmissionForm({**data, "numero_marche": "M-TARDIF"}, instance=stale)
    assert form.is_valid(), form.errors
    form.save()
    services.lookup_recipient(submission=stale, siret=stale.destinataire_siret)
    sent = ChorusSubmission.objects.get(pk=ready.pk)
    assert sent.state == SubmissionState.SUBMITTED and sent.identifiant_facture_cpp
    assert sent.numero_marche == ""  # read-only once submitted
    services.submit_invoice(submission_id=ready.pk)
    assert chorus.calls["submit"] == 1


def test_rejection_keeps_everything_typed_and_the_reason(chorus, ready):
    chorus.fail["submit"] = client.ChorusRejected(
        "20202", "Le numéro d'engagement est obligatoire pour ce service"
    )
    with pytest.raises(client.ChorusRejected):
        services.submit_invoice(submission_id=ready.pk)
    ready.refresh_from_db()
    assert ready.state == SubmissionState.READY
    assert (ready.last_error_code, ready.last_error_field) == ("20202", "numero_engagement")
    assert "engagement est obligatoire" in ready.last_error and ready.service_code == "URBA"


def test_reply_lost_after_accept_is_reconciled_not_resent(chorus, ready):
    chorus.fail_after["submit"] = client.ChorusUnavailable("Délai de réponse dépassé.")
    with pytest.raises(client.ChorusUnavailable):
        services.submit_invoice(submission_id=ready.pk)
    ready.refresh_from_db()
    assert ready.state == SubmissionState.UNKNOWN
    services.submit_invoice(submission_id=ready.pk)
    ready.refresh_from_db()
    assert ready.state == SubmissionState.SUBMITTED
    assert (chorus.calls["submit"], chorus.calls["find_by_number"]) == (1, 1)


def test_reply_lost_before_chorus_saw_it_is_sent_again_once(chorus, ready):
    chorus.fail["submit"] = client.ChorusUnavailable("Connexion impossible.")
    with pytest.raises(client.ChorusUnavailable):
        services.submit_invoice(submission_id=ready.pk)
    services.submit_invoice(submission_id=ready.pk)
    ready.refresh_from_db()
    assert ready.state == SubmissionState.SUBMITTED
    assert chorus.calls["submit"] == 2 and len(chorus.submitted) == 1


def test_worker_killed_mid_submit_is_reconciled(chorus, ready, issued_invoice):
    services.submit_invoice(submission_id=ready.pk)  # Chorus has it…
    stale = timezone.now() - datetime.timedelta(minutes=10)
    ChorusSubmission.objects.filter(pk=ready.pk).update(  # …but the worker died before recording it
        state=SubmissionState.SENDING, sending_since=stale, identifiant_facture_cpp=None
    )
    services.submit_invoice(submission_id=ready.pk)
    ready.refresh_from_db()
    assert ready.state == SubmissionState.SUBMITTED and ready.identifiant_facture_cpp is not None
    assert chorus.calls["submit"] == 1


def test_service_code_typed_on_the_invoice_is_prefilled(account, cabinet, mairie):
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, code_service="URBA")
    assert services.start_submission(invoice=invoice, account=account).service_code == "URBA"
