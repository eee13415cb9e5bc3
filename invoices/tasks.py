"""Invoicing background tasks (thin wrappers: ids in, the service does the work)."""

from __future__ import annotations

from celery import shared_task

from invoices.services import ledger


@shared_task
def verify_ledger(check_id: int) -> None:
    ledger.run_integrity_check(check_id=check_id)
