"""Thin tasks: ids in, the service does the work."""

from __future__ import annotations

from celery import shared_task

from einvoicing import client, lifecycle_out, sending


# Safe twice: the service claims the row and looks the flow up by trackingId before any re-send.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(client.PlatformUnavailable,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
    soft_time_limit=90,
    time_limit=120,
)
def send_einvoice(self, einvoice_id: int) -> None:
    sending.send(einvoice_id=einvoice_id)


# Same guarantees for lifecycle messages (CDAR): claim, look-up by trackingId, stale claim taken over.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(client.PlatformUnavailable,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
    soft_time_limit=90,
    time_limit=120,
)
def send_outgoing_status(self, status_id: int) -> None:
    lifecycle_out.send(status_id=status_id)


# Safe twice: a flow already stored is skipped (unique per account and flowId), the cursor only moves forward.
@shared_task(
    autoretry_for=(client.PlatformUnavailable,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=240,
    time_limit=300,
)
def collect_received(account_id: int | None = None) -> None:
    """Collects the incoming supplier invoices of one PA account, or of every account (beat)."""
    from einvoicing import receiving
    from einvoicing.models import PlatformAccount

    if account_id is None:
        receiving.collect_all()
        return
    account = PlatformAccount.objects.filter(pk=account_id).first()
    if account is not None:
        receiving.collect(account)
