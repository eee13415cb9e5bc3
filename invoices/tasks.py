"""Invoicing background tasks (thin wrappers: ids in, the service does the work)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from invoices.services import ledger


# Reading every stored PDF of a series takes longer than a Chorus call: the long limit, still below the
# broker's visibility timeout, so a running check is never handed out twice.
@shared_task(
    soft_time_limit=settings.CHORUS_REFRESH_TIME_LIMIT - 30,
    time_limit=settings.CHORUS_REFRESH_TIME_LIMIT,
)
def verify_ledger(check_id: int) -> None:
    ledger.run_integrity_check(check_id=check_id)
