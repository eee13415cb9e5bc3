"""Thin tasks: ids in, the service does the work."""

from __future__ import annotations

from celery import shared_task

from einvoicing import client, sending


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


# The e-reporting calendar: each closed period once (the service skips what was sent and looks up what is
# « à vérifier »), then the acknowledgements still pending.
@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def send_due_ereports() -> int:
    from einvoicing import ereporting_send
    from einvoicing.models import PlatformAccount

    sent = ereporting_send.send_due()
    for account in PlatformAccount.objects.select_related("cabinet").exclude(matricule=""):
        ereporting_send.refresh_pending(account.cabinet)
    return sent


# Safe twice, like send_einvoice: claim, then lookup by trackingId before any re-send.
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
def send_ereport(self, report_id: int) -> None:
    from einvoicing import ereporting_send

    ereporting_send.send(report_id=report_id)
