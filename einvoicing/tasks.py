"""Thin tasks: ids in, the service does the work."""

from __future__ import annotations

from celery import shared_task

from einvoicing import client, sending

RATE_LIMITED_WAIT_S = 60  # a 429 without Retry-After


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
    try:
        sending.send(einvoice_id=einvoice_id)
    except client.PlatformRateLimited as e:
        # 429: come back when the platform says (Retry-After), not on the generic backoff.
        raise self.retry(exc=e, countdown=max(e.retry_after or RATE_LIMITED_WAIT_S, 1)) from e
