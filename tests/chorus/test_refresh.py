"""« Rafraîchir » for one invoice, and the nightly bulk refresh (calls grow with pages, not invoices)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from chorus import client, services
from chorus.models import ChorusRefreshRun, ChorusSubmission, SubmissionState
from tests import factories

pytestmark = pytest.mark.django_db


def _submitted(chorus, account, invoice) -> ChorusSubmission:
    return factories.make_submission(invoice, account, service_code="URBA", submit=True)


def test_rafraichir_records_the_whole_history(chorus, account, issued_invoice):
    sub = _submitted(chorus, account, issued_invoice)
    t0 = timezone.now()
    chorus.set_status(sub.identifiant_facture_cpp, "MISE_A_DISPOSITION", t0)
    chorus.set_status(
        sub.identifiant_facture_cpp, "SUSPENDUE", t0 + datetime.timedelta(hours=1), "Bon de commande manquant"
    )
    services.refresh_status(submission=sub)
    sub.refresh_from_db()
    assert sub.chorus_status == "SUSPENDUE" and sub.status_display == "Suspendue"
    assert sub.chorus_comment == "Bon de commande manquant"
    assert {c.status for c in sub.status_changes.all()} == {"DEPOSEE", "MISE_A_DISPOSITION", "SUSPENDUE"}
    services.refresh_status(submission=sub)
    assert sub.status_changes.count() == 3


def test_chorus_dates_replace_our_own_deposee_row(chorus, account, issued_invoice):
    sub = _submitted(chorus, account, issued_invoice)
    chorus_time = timezone.now() - datetime.timedelta(seconds=5)
    chorus.set_status(sub.identifiant_facture_cpp, "DEPOSEE", chorus_time, "Facture déposée")
    services.refresh_account(account=account, now=timezone.now() + datetime.timedelta(minutes=1))
    assert sub.status_changes.count() == 1  # the nightly search saw no change
    services.refresh_status(submission=sub)
    assert [(c.status, c.changed_at, c.comment) for c in sub.status_changes.all()] == [
        ("DEPOSEE", chorus_time, "Facture déposée")
    ]


def test_nightly_refresh_uses_pages_not_one_call_per_invoice(chorus, account, cabinet, mairie):
    subs = [
        _submitted(chorus, account, factories.make_invoice(cabinet, client=mairie, issued=True))
        for _ in range(12)
    ]
    chorus.page_size = 5
    later = timezone.now() + datetime.timedelta(minutes=1)
    for sub in subs:
        chorus.set_status(sub.identifiant_facture_cpp, "MISE_A_DISPOSITION", later)
    run = services.refresh_account(account=account, now=later + datetime.timedelta(minutes=1))
    assert run.succeeded and (run.checked, run.updated) == (12, 12)
    assert run.api_calls == 3 and chorus.calls["consult_invoice"] == 0
    assert set(ChorusSubmission.objects.values_list("chorus_status", flat=True)) == {"MISE_A_DISPOSITION"}


def test_final_statuses_are_no_longer_followed(chorus, account, issued_invoice):
    sub = _submitted(chorus, account, issued_invoice)
    ChorusSubmission.objects.filter(pk=sub.pk).update(chorus_status="MISE_EN_PAIEMENT")
    assert not services.pending_submissions(account).exists()


def test_recipient_without_payment_report_stops_at_mandatee(chorus, account, issued_invoice):
    sub = _submitted(chorus, account, issued_invoice)
    sub.chorus_status = "MANDATEE"
    sub.destinataire_rules = {"statutMiseEnPaiementNestPasRemonte": True}
    assert sub.is_final
    assert services.pending_submissions(account).exists()  # not saved yet
    sub.save()
    assert not services.pending_submissions(account).exists()  # the nightly job agrees with the screen
    assert services.refresh_all(sleep=lambda s: None) == []  # and leaves the account alone
    for rules in ({}, {"statutMiseEnPaiementNestPasRemonte": False}):  # others report the payment later
        ChorusSubmission.objects.filter(pk=sub.pk).update(destinataire_rules=rules)
        assert services.pending_submissions(account).get() == sub


def test_rate_limit_waits_and_goes_on(chorus, account, issued_invoice):
    sub = _submitted(chorus, account, issued_invoice)
    chorus.set_status(sub.identifiant_facture_cpp, "SERVICE_FAIT", timezone.now())
    chorus.fail["search_invoices"] = client.ChorusRateLimited("Quota PISTE dépassé", retry_after=7)
    waits = []
    run = services.refresh_account(account=account, sleep=waits.append)
    assert waits == [7.0] or waits == [7]
    assert run.succeeded and run.updated == 1


def test_one_cabinet_failure_does_not_stop_the_others(chorus, account, issued_invoice, other_cabinet):
    _submitted(chorus, account, issued_invoice)
    other_cabinet.invoice_prefix = "RT"
    other_cabinet.save()
    other_account = factories.make_chorus_account(other_cabinet, id_structure=25000002)
    other_invoice = factories.make_invoice(
        other_cabinet, client=factories.make_public_client(other_cabinet), issued=True
    )
    _submitted(chorus, other_account, other_invoice)
    chorus.fail["search_invoices"] = client.ChorusAuthError("Mot de passe du compte technique expiré.")
    runs = services.refresh_all(sleep=lambda s: None)
    assert len(runs) == 2
    assert [r.succeeded for r in runs].count(True) == 1
    assert ChorusRefreshRun.objects.filter(error="Mot de passe du compte technique expiré.").count() == 1


def test_window_starts_at_last_successful_run(chorus, account, issued_invoice):
    sub = _submitted(chorus, account, issued_invoice)
    first = services.refresh_account(account=account)
    second = services.refresh_account(account=account, now=first.started_at + datetime.timedelta(days=1))
    assert second.window_start == first.started_at - services.refresh.WINDOW_OVERLAP
    assert sub.state == SubmissionState.SUBMITTED


def test_management_command_runs_the_same_job(chorus, account, issued_invoice, capsys):
    sub = _submitted(chorus, account, issued_invoice)
    chorus.set_status(sub.identifiant_facture_cpp, "MISE_A_DISPOSITION", timezone.now())
    call_command("chorus_refresh")
    assert "1 facture vue, 1 statut mis à jour" in capsys.readouterr().out
    sub.refresh_from_db()
    assert sub.chorus_status == "MISE_A_DISPOSITION"
