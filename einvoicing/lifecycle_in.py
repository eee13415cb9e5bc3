"""The lifecycle of the cabinet's issued B2B e-invoices, read from its Plateforme Agréée.

One refresh per PlatformAccount: every flow updated since the stored cursor, paged by updatedAfter (the
client overlaps 1 ms and drops flows already seen), in ONE search stream whose flowType filter covers both
what we read: `CustomerInvoice` (our own invoice flows, Out: their acknowledgement Ok / Error) and
`CustomerInvoiceLC` (In: the lifecycle messages, CDAR, about our invoices; our own outgoing CDARs are of this
type too, direction Out, and are left to lifecycle_out). One stream keeps the search calls at
⌈changed / 100⌉ + 1; each new CDAR costs one more GET (docType=Original). Messages are matched to the
invoice by number (BT-1) and the seller's SIREN; an unknown invoice is logged and skipped. The cursor is
stored only once the whole batch is recorded, and each message is recorded once (unique per source flow), so
an interrupted run is simply run again. Webhooks only trigger this."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.utils import timezone

from einvoicing import cdar_read, client, encaissee, services, statuses
from einvoicing.models import EInvoice, EInvoiceStatus, PlatformAccount

log = logging.getLogger(__name__)

INVOICE_TYPE = "CustomerInvoice"
LIFECYCLE_TYPE = "CustomerInvoiceLC"
# First run (no cursor): start just before the cabinet's first transmitted e-invoice.
FIRST_RUN_MARGIN = datetime.timedelta(minutes=1)


@dataclass
class RefreshResult:
    flows: int = 0  # flows returned by the searches (each once)
    recorded: int = 0  # statuses recorded
    downloads: int = 0  # CDAR documents fetched
    unknown: int = 0  # messages about no invoice of ours
    unreadable: int = 0
    cursor: datetime.datetime | None = None


def _start(account: PlatformAccount) -> datetime.datetime | None:
    if account.lifecycle_cursor:
        # updatedAt values repeat and the cursor is exclusive: a flow stamped in the same millisecond as the
        # last one recorded, but made visible after the run, would be missed. Start 1 ms before; what was
        # already recorded is dropped by its flow id.
        return account.lifecycle_cursor - client.CURSOR_OVERLAP
    first = (
        EInvoice.objects.filter(cabinet_id=account.cabinet_id, submitted_at__isnull=False)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return first - FIRST_RUN_MARGIN if first else None


def refresh_account(account: PlatformAccount, *, pa: client.PlatformClient | None = None) -> RefreshResult:
    """Reads what changed at the PA since the last run and records it. Raises the client's PlatformError
    family when the PA cannot be read (the cursor is then left where it was)."""
    result = RefreshResult()
    since = _start(account)
    if since is None:  # nothing was ever transmitted: nothing to read
        return result
    pa = pa or services.client_for(account)
    changed = list(pa.flows_updated_since(since, flow_types=[INVOICE_TYPE, LIFECYCLE_TYPE]))
    result.flows = len(changed)
    if changed:
        _record_batch(account, pa, changed, result)
        stamps = [f.updated_at for f in changed if f.updated_at]
        if stamps:
            result.cursor = max(stamps)
    now = timezone.now()
    fields = {"lifecycle_checked_at": now}
    if result.cursor and (account.lifecycle_cursor is None or result.cursor > account.lifecycle_cursor):
        fields["lifecycle_cursor"] = result.cursor
    PlatformAccount.objects.filter(pk=account.pk).update(**fields)
    for name, value in fields.items():
        setattr(account, name, value)
    return result


def _record_batch(account, pa, changed: list[client.Flow], result: RefreshResult) -> None:
    ours = EInvoice.objects.filter(cabinet_id=account.cabinet_id).select_related("invoice")
    by_flow: dict[str, EInvoice] = {}
    by_number: dict[str, EInvoice] = {}
    for einvoice in ours.only("id", "flow_id", "ack_status", "status_code", "status_at", "invoice__number"):
        if einvoice.flow_id:
            by_flow[einvoice.flow_id] = einvoice
        if einvoice.invoice.number:
            by_number[einvoice.invoice.number] = einvoice
    sources = [f.flow_id for f in changed] + [f"ack:{f.flow_id}" for f in changed]
    known: set[str] = set()
    for i in range(0, len(sources), 500):
        known.update(
            EInvoiceStatus.objects.filter(
                einvoice__cabinet_id=account.cabinet_id, source_flow_id__in=sources[i : i + 500]
            ).values_list("source_flow_id", flat=True)
        )
    touched: dict[int, EInvoice] = {}
    accepted: list[int] = []  # invoices whose flow is acknowledged Ok in this batch
    pending: list[EInvoiceStatus] = []
    siren = (account.cabinet.siret or "")[:9]
    for flow in changed:
        status = None
        if flow.flow_direction == str(client.FlowDirection.OUT) and flow.flow_type == INVOICE_TYPE:
            einvoice = by_flow.get(flow.flow_id) or by_number.get(flow.tracking_id)
            if einvoice is not None:
                status = _acknowledge(einvoice, flow, known)
                if flow.acknowledged:
                    accepted.append(einvoice.invoice_id)
        elif flow.flow_direction == str(client.FlowDirection.IN) and flow.flow_type == LIFECYCLE_TYPE:
            if flow.flow_id in known:
                continue
            found = _read_message(pa, flow, siren, by_number, result)
            if found is not None:
                status = _record(*found, flow.flow_id, flow.updated_at)
        if status is not None:
            known.add(status.source_flow_id)
            pending.append(status)
            touched[status.einvoice_id] = status.einvoice
    # One insert per 500 statuses; a status a concurrent run recorded first is skipped (unique per flow).
    EInvoiceStatus.objects.bulk_create(pending, batch_size=500, ignore_conflicts=True)
    result.recorded = len(pending)
    for einvoice in touched.values():
        update_current(einvoice)
    # Every Ok read, even one seen before: the catch-up is idempotent, and a run that died before it is redone.
    encaissee.catch_up(accepted)


def _acknowledge(einvoice: EInvoice, flow: client.Flow, known: set[str]) -> EInvoiceStatus | None:
    if flow.ack_status not in (client.AckStatus.OK, client.AckStatus.ERROR):
        return None
    source = f"ack:{flow.flow_id}"
    if source in known and einvoice.ack_status == flow.ack_status:
        return None
    details = [d.__dict__ for d in flow.ack_details]
    fields = {"ack_status": flow.ack_status, "ack_details": details, "updated_at": timezone.now()}
    if flow.in_error:
        reasons = (
            "; ".join(f"{d.reason_code} : {d.reason_message}" for d in flow.ack_details) or "sans détail"
        )
        fields["last_error"] = f"La plateforme a refusé la facture ({reasons})."
    EInvoice.objects.filter(pk=einvoice.pk).update(**fields)
    einvoice.ack_status = flow.ack_status
    if source in known:
        return None
    first = flow.ack_details[0] if flow.ack_details else None
    return EInvoiceStatus(
        einvoice=einvoice,
        code=statuses.ACK_ERROR if flow.in_error else statuses.ACK_OK,
        at=flow.updated_at or timezone.now(),
        source_flow_id=source,
        reason_code=first.reason_code if first and flow.in_error else "",
        reason_text="; ".join(d.reason_message for d in flow.ack_details) if flow.in_error else "",
        issuer_role="WK",
    )


def _read_message(pa, flow, siren, by_number, result) -> tuple[EInvoice, cdar_read.LifecycleMessage] | None:
    try:
        document = pa.download_flow(flow.flow_id, client.DocType.ORIGINAL)
    except client.PlatformRejected as e:
        log.warning("Lifecycle flow %s could not be fetched: %s", flow.flow_id, e.message)
        result.unreadable += 1
        return None
    result.downloads += 1
    try:
        message = cdar_read.parse(document.content)
    except cdar_read.UnreadableCdar as e:
        log.warning("Lifecycle flow %s skipped: %s", flow.flow_id, e.message)
        result.unreadable += 1
        return None
    einvoice = by_number.get(message.invoice_number)
    if einvoice is None or (message.seller_siren and siren and message.seller_siren != siren):
        log.info(
            "Lifecycle flow %s is about invoice %s (seller %s), not one of ours: skipped",
            flow.flow_id,
            message.invoice_number,
            message.seller_siren,
        )
        result.unknown += 1
        return None
    return einvoice, message


def _record(
    einvoice: EInvoice, message: cdar_read.LifecycleMessage, flow_id: str, updated_at
) -> EInvoiceStatus:
    reason = message.reason
    return EInvoiceStatus(
        einvoice=einvoice,
        code=message.status_code,
        at=message.status_at or updated_at or timezone.now(),
        source_flow_id=flow_id,
        reason_code=reason.code,
        reason_text=reason.text,
        action_code=reason.action_code,
        comment=reason.comment,
        issuer_role=message.issuer_role,
    )


def update_current(einvoice: EInvoice) -> None:
    """The badge's status: the latest lifecycle message; the acknowledgement only until the first message
    arrives, except a refused flow (Error), which the invoice never gets past."""
    rows = list(EInvoiceStatus.objects.filter(einvoice=einvoice).order_by("at", "id").values("code", "at"))
    if not rows:
        return
    errors = [r for r in rows if r["code"] == statuses.ACK_ERROR]
    messages = [r for r in rows if r["code"] not in statuses.ACK_LABELS]
    current = errors[-1] if errors else (messages[-1] if messages else rows[-1])
    EInvoice.objects.filter(pk=einvoice.pk).update(status_code=current["code"], status_at=current["at"])
    einvoice.status_code, einvoice.status_at = current["code"], current["at"]


def refresh_all() -> dict[int, RefreshResult]:
    """Every account with something transmitted; one account's failure does not stop the others."""
    done = {}
    for account in PlatformAccount.objects.select_related("cabinet"):
        try:
            done[account.pk] = refresh_account(account)
        except client.PlatformError as e:
            log.warning("Lifecycle refresh of account %s failed: %s", account.pk, e)
    return done
