"""Invoicing background tasks (thin wrappers: ids in, the service does the work)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from geoprod.models import Cabinet
from invoices.models import ReminderPlan
from invoices.services import ledger, reminder_plan


# Reading every stored PDF of a series takes longer than a Chorus call: the long limit, still below the
# broker's visibility timeout, so a running check is never handed out twice.
@shared_task(
    soft_time_limit=settings.CHORUS_REFRESH_TIME_LIMIT - 30,
    time_limit=settings.CHORUS_REFRESH_TIME_LIMIT,
)
def verify_ledger(check_id: int) -> None:
    ledger.run_integrity_check(check_id=check_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_reminder_plans() -> None:
    """Every morning (beat): one task per cabinet whose automatic relances are on."""
    for cabinet_id in ReminderPlan.objects.filter(enabled=True).values_list("cabinet_id", flat=True):
        run_reminder_plan.delay(cabinet_id)


# Twice is harmless (the plan skips a level already written), so a worker lost mid-run is simply run again.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=570, time_limit=600)
def run_reminder_plan(cabinet_id: int) -> None:
    reminder_plan.run_plan(Cabinet.objects.get(pk=cabinet_id))
