"""Celery tasks around the Chorus services: ids in, nothing out, retry policy declared here."""

from __future__ import annotations

from celery import shared_task

from chorus import client, services
from chorus.models import ChorusSubmission
from chorus.services import facturx_deposit

BACKOFF_BASE = 30
BACKOFF_MAX = 3600
RETRY = dict(bind=True, acks_late=True, max_retries=8)  # acks_late is safe: the services are idempotent


def _run_with_retries(task, verb, **kwargs) -> ChorusSubmission:
    """Runs a service; when Chorus is unavailable, retries later with exponential backoff (or as long as PISTE
    asks on a 429). Rejections and auth errors are not retried: the service recorded them for the screen.
    In-process (eager) execution raises at once so the page can tell the user."""
    try:
        return verb(**kwargs)
    except client.ChorusUnavailable as e:
        if task.request.is_eager:
            raise
        countdown = getattr(e, "retry_after", None) or min(
            BACKOFF_BASE * 2**task.request.retries, BACKOFF_MAX
        )
        raise task.retry(exc=e, countdown=countdown) from e


FLUX_POLL = 60  # seconds between two reads of a Factur-X flux report


@shared_task(**RETRY)
def deposit_invoice_pdf(self, submission_id: int) -> None:
    sub = _run_with_retries(self, services.deposit_invoice_pdf, submission_id=submission_id)
    if sub.numero_flux_depot:
        follow_flux.delay(submission_id)


@shared_task(bind=True, acks_late=True, max_retries=60)
def follow_flux(self, submission_id: int) -> None:
    """Factur-X: reads the flux report until Chorus integrates (or rejects) the flux. In-process (eager)
    execution reads it once: the screen's « Soumettre » reads it again."""
    sub = _run_with_retries(self, facturx_deposit.follow_flux, submission_id=submission_id)
    if facturx_deposit.is_pending(sub) and not self.request.is_eager:
        raise self.retry(countdown=FLUX_POLL)


@shared_task(**RETRY)
def submit_invoice(self, submission_id: int) -> None:
    _run_with_retries(self, services.submit_invoice, submission_id=submission_id)


@shared_task(acks_late=True)
def refresh_all() -> None:
    """Nightly (django-celery-beat schedule « Rafraîchissement nocturne Chorus Pro », editable in the admin)."""
    services.refresh_all()
