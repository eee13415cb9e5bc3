"""No stuck work: a deposit or « Soumettre » whose worker died is taken back by the sweeper (beat) or by
« Reprendre », the safe way (search by number before any re-send), and the tasks are declared so."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chorus import services, tasks
from chorus.models import ChorusSubmission, DepositFormat, SubmissionState
from chorus.services import sweeper
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.timedelta(seconds=settings.CHORUS_STALE_CLAIM_SECONDS + 5)


@pytest.fixture
def ready(chorus, account, issued_invoice):
    return factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA")


def _died_during(sub: ChorusSubmission, state: str, ago=LONG_AGO) -> None:
    ChorusSubmission.objects.filter(pk=sub.pk).update(state=state, sending_since=timezone.now() - ago)


def _submitted_then_worker_died(chorus, sub: ChorusSubmission, ago=LONG_AGO) -> None:
    """Chorus recorded the invoice; the worker was killed before writing the answer down."""
    services.submit_invoice(submission_id=sub.pk)
    ChorusSubmission.objects.filter(pk=sub.pk).update(identifiant_facture_cpp=None)
    _died_during(sub, SubmissionState.SENDING, ago)


def test_only_claims_older_than_the_stale_limit_are_stalled(chorus, ready, account, cabinet, mairie):
    _submitted_then_worker_died(chorus, ready)
    running = factories.make_submission(factories.make_invoice(cabinet, client=mairie, issued=True), account)
    _died_during(running, SubmissionState.DEPOSITING, ago=datetime.timedelta(seconds=5))
    lost_deposit = factories.make_submission(
        factories.make_invoice(cabinet, client=mairie, issued=True), account
    )
    _died_during(lost_deposit, SubmissionState.DEPOSITING)
    never_ran = services.start_submission(
        invoice=factories.make_invoice(cabinet, client=mairie, issued=True), account=account
    )
    ChorusSubmission.objects.filter(pk=never_ran.pk).update(updated_at=timezone.now() - LONG_AGO)
    failed = services.start_submission(
        invoice=factories.make_invoice(cabinet, client=mairie, issued=True), account=account
    )
    ChorusSubmission.objects.filter(pk=failed.pk).update(
        last_error="Chorus Pro ne répond pas.", updated_at=timezone.now() - LONG_AGO
    )  # shown with its own retry action, not taken back behind the user's back

    assert sorted(sweeper.stalled_submissions()) == sorted(
        [(ready.pk, sweeper.SUBMIT), (lost_deposit.pk, sweeper.DEPOSIT), (never_ran.pk, sweeper.DEPOSIT)]
    )
    stalled = {s.pk for s in ChorusSubmission.objects.all() if s.is_stalled}
    assert stalled == {ready.pk, lost_deposit.pk, never_ran.pk}


def test_sweeper_finishes_a_killed_submit_without_sending_twice(chorus, ready):
    _submitted_then_worker_died(chorus, ready)
    tasks.sweep_stale_claims.delay()  # what beat runs every CHORUS_SWEEP_SECONDS
    ready.refresh_from_db()
    assert ready.state == SubmissionState.SUBMITTED and ready.identifiant_facture_cpp is not None
    assert (chorus.calls["submit"], chorus.calls["find_by_number"]) == (1, 1)
    assert sweeper.stalled_submissions() == []


def test_sweeper_redoes_a_killed_deposit(chorus, account, issued_invoice):
    sub = services.start_submission(invoice=issued_invoice, account=account)
    _died_during(sub, SubmissionState.DEPOSITING)
    tasks.sweep_stale_claims.delay()
    sub.refresh_from_db()
    assert sub.state == SubmissionState.READY and sub.piece_jointe_id is not None
    assert chorus.calls["deposit_pdf"] == 1


def test_sweeper_leaves_a_running_claim_alone(chorus, ready):
    _submitted_then_worker_died(chorus, ready, ago=datetime.timedelta(seconds=5))
    tasks.sweep_stale_claims.delay()
    ready.refresh_from_db()
    assert ready.state == SubmissionState.SENDING and chorus.calls["find_by_number"] == 0


def test_page_of_a_stalled_submission_offers_reprendre(client_as, comptable, chorus, ready):
    _submitted_then_worker_died(chorus, ready)
    page = client_as(comptable).get(ready.get_absolute_url())
    assert "interrompu" in body(page) and "Reprendre" in body(page)

    response = client_as(comptable).post(reverse("chorus:submission-resume", args=[ready.pk]))
    assert response["Location"] == ready.get_absolute_url()
    ready.refresh_from_db()
    assert ready.state == SubmissionState.SUBMITTED
    assert (chorus.calls["submit"], chorus.calls["find_by_number"]) == (1, 1)
    assert "Reprendre" not in body(client_as(comptable).get(ready.get_absolute_url()))


def test_reprendre_does_nothing_while_a_worker_is_on_it(client_as, comptable, chorus, ready):
    _submitted_then_worker_died(chorus, ready, ago=datetime.timedelta(seconds=5))
    assert "Reprendre" not in body(client_as(comptable).get(ready.get_absolute_url()))
    response = client_as(comptable).post(reverse("chorus:submission-resume", args=[ready.pk]), follow=True)
    assert "rien à reprendre" in body(response)
    ready.refresh_from_db()
    assert ready.state == SubmissionState.SENDING and chorus.calls["find_by_number"] == 0


def test_stalled_deposit_stops_the_spinner(client_as, comptable, chorus, account, issued_invoice):
    sub = services.start_submission(invoice=issued_invoice, account=account)
    _died_during(sub, SubmissionState.DEPOSITING)
    client = client_as(comptable)
    progress = client.get(sub.get_absolute_url() + "?fragment=progress", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"  # the page reloads and shows « Reprendre » instead
    page = body(client.get(sub.get_absolute_url()))
    assert "Reprendre" in page and "Dépôt du PDF de la facture" not in page
    client.post(reverse("chorus:submission-resume", args=[sub.pk]))
    sub.refresh_from_db()
    assert sub.state == SubmissionState.READY


def test_reprendre_is_for_the_cabinet_only(client_as, stranger, chorus, ready):
    _submitted_then_worker_died(chorus, ready)
    response = client_as(stranger).post(reverse("chorus:submission-resume", args=[ready.pk]))
    assert response.status_code == 404
    assert chorus.calls["find_by_number"] == 0


@pytest.mark.parametrize(
    "task", [tasks.deposit_invoice_pdf, tasks.submit_invoice, tasks.follow_flux, tasks.refresh_all,
             tasks.refresh_cabinet, tasks.sweep_stale_claims],
)  # fmt: skip
def test_every_chorus_task_is_declared_safe_to_run_twice(task):
    assert task.acks_late and task.reject_on_worker_lost
    hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
    soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert 0 < soft < hard < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert tasks.BACKOFF_MAX < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_a_live_deposit_or_submit_is_never_taken_for_dead():
    assert settings.CELERY_TASK_TIME_LIMIT < settings.CHORUS_STALE_CLAIM_SECONDS
    assert settings.CHORUS_SWEEP_SECONDS < settings.CHORUS_STALE_CLAIM_SECONDS


def test_killed_factur_x_deposit_whose_flux_created_the_invoice_is_not_deposited_again(
    chorus, account, cabinet, mairie
):
    account.deposit_format = DepositFormat.FACTURX
    account.save()
    # The Factur-X carries the service code this recipient requires (checked before any flux goes).
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, code_service="URBA")
    sub = services.start_submission(invoice=invoice, account=account)
    flux = services.deposit_invoice_pdf(submission_id=sub.pk).numero_flux_depot
    chorus.integrate_flux(flux)  # Chorus created the invoice from the flux…
    ChorusSubmission.objects.filter(pk=sub.pk).update(
        numero_flux_depot=""
    )  # …the worker died before saying so
    _died_during(sub, SubmissionState.DEPOSITING)
    tasks.sweep_stale_claims.delay()
    sub.refresh_from_db()
    assert sub.state == SubmissionState.SUBMITTED and sub.identifiant_facture_cpp is not None
    assert chorus.calls["deposit_flux"] == 1


def test_chorus_refresh_command_also_takes_back_stalled_submissions(chorus, ready, capsys):
    _submitted_then_worker_died(chorus, ready)
    call_command("chorus_refresh")
    assert "1 envoi interrompu repris." in capsys.readouterr().out
    ready.refresh_from_db()
    assert ready.state == SubmissionState.SUBMITTED and chorus.calls["submit"] == 1
