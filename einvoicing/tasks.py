"""Thin tasks: ids in, the service does the work."""

from __future__ import annotations

from celery import shared_task

from einvoicing import client, lifecycle_out, sending

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


@shared_task(soft_time_limit=600, time_limit=660)
def refresh_lifecycles() -> None:
    """Beat: every account's lifecycle statuses (statuses are recorded once; the cursor moves at the end)."""
    from einvoicing import lifecycle_in

    lifecycle_in.refresh_all()


@shared_task(soft_time_limit=120, time_limit=150)
def refresh_lifecycle(account_id: int) -> None:
    """Triggered by the PA's webhook: the same reconciliation by search, for one account."""
    from einvoicing import lifecycle_in
    from einvoicing.models import PlatformAccount

    account = PlatformAccount.objects.select_related("cabinet").filter(pk=account_id).first()
    if account is not None:
        lifecycle_in.refresh_account(account)


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


@shared_task
def sweep_outgoing_statuses() -> int:
    """With the Chorus sweeper (chorus/schedule.py): lifecycle messages a dead worker or a down queue left are
    sent again, and the acknowledgements still awaited are read (one paged search per cabinet)."""
    from einvoicing.models import OutgoingStatus, OutgoingStatusState, PlatformAccount

    ids = lifecycle_out.stalled()
    for pk in ids:
        send_outgoing_status.delay(pk)
    awaiting = OutgoingStatus.objects.filter(state=OutgoingStatusState.SENT, ack_status="Pending").values(
        "cabinet_id"
    )
    for account_id in PlatformAccount.objects.filter(cabinet_id__in=awaiting).values_list("id", flat=True):
        refresh_outgoing_acks.delay(account_id)
    return len(ids)


@shared_task(
    autoretry_for=(client.PlatformUnavailable,), retry_backoff=5, retry_backoff_max=300, max_retries=3
)
def refresh_outgoing_acks(account_id: int) -> int:
    from einvoicing.models import PlatformAccount

    return lifecycle_out.refresh_pending(account=PlatformAccount.objects.get(pk=account_id))


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
