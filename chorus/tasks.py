"""Celery tasks around the Chorus services: ids in, nothing out, retry policy declared here."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from chorus import client, services
from chorus.models import ChorusAccount, ChorusSubmission
from chorus.services import bulk, facturx_deposit, sweeper

BACKOFF_BASE = 30
# Below the broker's visibility timeout: Redis hands out again a message held longer than that, so a longer
# countdown would run the retry twice.
BACKOFF_MAX = 600
# Safe to run twice (the services claim with a conditional UPDATE and search Chorus before re-sending): so
# acknowledged only once done, and handed out again when the worker dies. Time limits: settings.
SAFE_TWICE = dict(acks_late=True, reject_on_worker_lost=True)
RETRY = dict(bind=True, max_retries=8, **SAFE_TWICE)


def _run_with_retries(task, verb, **kwargs) -> ChorusSubmission:
    """Runs a service; when Chorus is unavailable, retries later with exponential backoff (or as long as PISTE
    asks on a 429). Rejections and auth errors are not retried: the service recorded them for the screen.
    In-process (eager) execution raises at once so the page can tell the user."""
    try:
        return verb(**kwargs)
    except client.ChorusUnavailable as e:
        if task.request.is_eager:
            raise
        countdown = min(
            getattr(e, "retry_after", None) or BACKOFF_BASE * 2**task.request.retries, BACKOFF_MAX
        )
        raise task.retry(exc=e, countdown=countdown) from e


FLUX_POLL = 60  # seconds between two reads of a Factur-X flux report


@shared_task(**RETRY)
def deposit_invoice_pdf(self, submission_id: int) -> None:
    sub = _run_with_retries(self, services.deposit_invoice_pdf, submission_id=submission_id)
    if sub.numero_flux_depot:
        follow_flux.delay(submission_id)


@shared_task(bind=True, max_retries=60, **SAFE_TWICE)
def follow_flux(self, submission_id: int) -> None:
    """Factur-X: reads the flux report until Chorus integrates (or rejects) the flux. In-process (eager)
    execution reads it once: the screen's « Soumettre » reads it again."""
    sub = _run_with_retries(self, facturx_deposit.follow_flux, submission_id=submission_id)
    if facturx_deposit.is_pending(sub) and not self.request.is_eager:
        raise self.retry(countdown=FLUX_POLL)


@shared_task(**RETRY)
def submit_invoice(self, submission_id: int) -> None:
    _run_with_retries(self, services.submit_invoice, submission_id=submission_id)


@shared_task(**RETRY)
def complete_invoice(self, submission_id: int) -> None:
    """« Compléter » (exactly once: the service claims the row and reads Chorus's status before sending)."""
    _run_with_retries(self, services.complete_invoice, submission_id=submission_id)


@shared_task(**RETRY)
def recycle_invoice(self, submission_id: int) -> None:
    """« Recycler » (exactly once, like « Compléter »)."""
    _run_with_retries(self, services.recycle_invoice, submission_id=submission_id)


@shared_task(**SAFE_TWICE)
def refresh_all() -> None:
    """Nightly (chorus/schedule.py, « Rafraîchissement nocturne Chorus Pro », time editable in the admin):
    one task per cabinet, each within its own time limit."""
    for account_id in services.moving_accounts().values_list("pk", flat=True):
        refresh_cabinet.delay(account_id)


@shared_task(
    soft_time_limit=settings.CHORUS_REFRESH_TIME_LIMIT - 30,
    time_limit=settings.CHORUS_REFRESH_TIME_LIMIT,
    **SAFE_TWICE,
)
def refresh_cabinet(account_id: int) -> None:
    services.refresh_cabinet(account=ChorusAccount.objects.get(pk=account_id))


RESUME = {
    sweeper.DEPOSIT: deposit_invoice_pdf,
    sweeper.SUBMIT: submit_invoice,
    sweeper.COMPLETE: complete_invoice,
    sweeper.RECYCLE: recycle_invoice,
}


def resume(submission: ChorusSubmission) -> bool:
    """« Reprendre »: queues again the step a dead worker left unfinished; False while one may be on it."""
    step = sweeper.step_to_resume(submission)
    if step is not None:
        RESUME[step].delay(submission.pk)
    return step is not None


@shared_task(**SAFE_TWICE)
def sweep_stale_claims() -> int:
    """Every CHORUS_SWEEP_SECONDS (chorus/schedule.py): every stalled submission is taken back."""
    stalled = sweeper.stalled_submissions()
    for pk, step in stalled:
        RESUME[step].delay(pk)
    return len(stalled)


@shared_task(**RETRY)
def send_batch_item(self, item_id: int) -> None:
    """One invoice of a lot d'envoi: its deposit, then « Soumettre » when the lot asks and nothing is missing."""
    sub = _run_with_retries(self, bulk.send_item, item_id=item_id)
    if sub.numero_flux_depot:
        follow_flux.delay(sub.pk)
