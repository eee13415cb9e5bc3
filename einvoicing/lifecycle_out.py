"""Lifecycle messages the cabinet sends to its Plateforme Agréée (CDAR flows), exactly once — the pattern of
`einvoicing/sending.py`: a conditional claim, an « à vérifier » state after a lost reply, a search by
trackingId before any re-send, and a claim left by a dead worker taken over once stale.

`send_status` is the one entry point other modules call: it builds and validates the message, records it
(idempotent on the cabinet's tracking id) and queues its sending after the transaction commits."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from einvoicing import cdar, claims, client, services
from einvoicing.cdar import StatusSubject
from einvoicing.models import OutgoingStatus, OutgoingStatusState

if TYPE_CHECKING:
    from einvoicing.models import PlatformAccount

__all__ = ["NotSendable", "StatusSubject", "send_status", "send", "refresh", "STALE_AFTER"]

# A claim older than this belongs to a worker that died: the outcome is unknown and is looked up.
STALE_AFTER = datetime.timedelta(seconds=300)


class NotSendable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def send_status(
    *,
    account: PlatformAccount,
    subject: StatusSubject,
    code: int,
    sender_role: str,  # "SE" | "BY"
    tracking_id: str,
    reason_code: str = "",
    reason_text: str = "",
    action_code: str = "",
    comment: str = "",
    amounts: Sequence[tuple[Decimal, Decimal]] = (),
) -> OutgoingStatus:
    """Records the message (idempotent on (account, tracking_id): a second call returns the same row) and
    queues its exactly-once sending as a `CDAR` flow (Celery task, on_commit). Raises `NotSendable` (French
    `.message`) when the message cannot be built or fails the CDAR XSD / FNFE CDV schematron. `amounts` =
    (VAT rate %, amount) pairs, for 212."""
    return record_status(
        account=account,
        subject=subject,
        code=code,
        sender_role=sender_role,
        tracking_id=tracking_id,
        reason_code=reason_code,
        reason_text=reason_text,
        action_code=action_code,
        comment=comment,
        amounts=amounts,
    )


def record_status(
    *,
    account: PlatformAccount,
    subject: StatusSubject,
    tracking_id: str,
    invoice=None,
    allocation=None,
    **values,
):
    """`send_status`, with the cabinet's own issued invoice linked when there is one (shown on its page), and
    for an « Encaissée » the payment allocation it reports."""
    if account is None:
        raise NotSendable(
            "Renseignez d'abord la plateforme agréée du cabinet (Paramètres > Facturation électronique)."
        )
    if not tracking_id or len(tracking_id) > 36:
        raise NotSendable("L'identifiant de suivi du statut doit compter de 1 à 36 caractères.")
    existing = OutgoingStatus.objects.filter(cabinet_id=account.cabinet_id, tracking_id=tracking_id).first()
    if existing is not None:
        return existing
    amounts = [(Decimal(rate), Decimal(amount)) for rate, amount in values.get("amounts") or ()]
    values["amounts"] = amounts
    try:
        xml = cdar.build_valid(subject, **values)
    except cdar.CdarError as e:
        raise NotSendable(e.message) from e
    try:
        with transaction.atomic():
            status = OutgoingStatus.objects.create(
                cabinet_id=account.cabinet_id,
                invoice=invoice,
                allocation=allocation,
                tracking_id=tracking_id,
                code=values["code"],
                sender_role=values["sender_role"],
                invoice_number=subject.invoice_number,
                invoice_flow_id=subject.flow_id,
                reason_code=values.get("reason_code", ""),
                reason_text=values.get("reason_text", ""),
                action_code=values.get("action_code", ""),
                comment=values.get("comment", ""),
                amounts=[[str(rate), str(amount)] for rate, amount in amounts],
                xml=xml,
            )
    except IntegrityError:  # the same tracking id recorded meanwhile by another request
        return OutgoingStatus.objects.get(cabinet_id=account.cabinet_id, tracking_id=tracking_id)
    queue(status)
    return status


def queue(status: OutgoingStatus) -> None:
    """Sends the status once the surrounding transaction commits (nothing leaves for a rolled-back one)."""
    from einvoicing import tasks

    transaction.on_commit(lambda: tasks.send_outgoing_status.delay(status.pk))


def retry(status: OutgoingStatus) -> OutgoingStatus:
    """« Réessayer » after an error or an unknown outcome: queued again (the send looks the flow up first)."""
    if not status.can_retry:
        raise NotSendable("Ce statut est déjà transmis ou en cours de transmission.")
    queue(status)
    return status


def stalled(now: datetime.datetime | None = None) -> list[int]:
    """Statuses to take back: never picked up (the queue was down at commit), claimed by a worker that died,
    or left « à vérifier » once the task's retries ran out. Sending them again is safe (look-up first)."""
    limit = (now or timezone.now()) - STALE_AFTER
    return list(
        OutgoingStatus.objects.filter(
            Q(state=OutgoingStatusState.NEW, created_at__lt=limit)
            | Q(state=OutgoingStatusState.SENDING, sending_since__lt=limit)
            | Q(state=OutgoingStatusState.UNKNOWN, updated_at__lt=limit)
        )
        .order_by("id")
        .values_list("id", flat=True)
    )


def _filename(status: OutgoingStatus) -> str:
    return f"CDV-{status.code}-{status.tracking_id}.xml"


def _record_sent(status: OutgoingStatus, flow: client.Flow) -> OutgoingStatus:
    status.state = OutgoingStatusState.SENT
    status.flow_id = flow.flow_id
    status.submitted_at = flow.submitted_at or timezone.now()
    status.ack_status = flow.ack_status or "Pending"
    status.ack_details = [d.__dict__ for d in flow.ack_details]
    status.last_error = _ack_error(flow)
    status.save()
    return status


def _ack_error(flow: client.Flow) -> str:
    if not flow.in_error:
        return ""
    reasons = "; ".join(f"{d.reason_code} : {d.reason_message}" for d in flow.ack_details) or "sans détail"
    return f"La plateforme a refusé le message de cycle de vie ({reasons})."


def _invoice_refused(status: OutgoingStatus) -> str:
    """Never a status about an invoice whose flow the PA acknowledged in Error (reference.md §4, Dolibarr PR
    #632): checked again at sending time, the acknowledgement may have come after the status was recorded."""
    if not status.invoice_id:
        return ""
    from einvoicing.models import EInvoice

    einvoice = EInvoice.objects.filter(invoice_id=status.invoice_id).only("ack_status").first()
    if einvoice is not None and einvoice.ack_status == "Error":
        return (
            "La plateforme agréée a refusé la facture : aucun statut ne s'y rapporte. Corrigez-la (avoir et "
            "nouvelle facture) ; le statut n'est pas envoyé."
        )
    return ""


def send(*, status_id: int, pa: client.PlatformClient | None = None) -> OutgoingStatus:
    """Transmits the status once. Raises PlatformUnavailable when the outcome is unknown (the task retries:
    the next attempt looks the flow up by trackingId before sending again)."""
    status = OutgoingStatus.objects.select_related("cabinet__platform_account").get(pk=status_id)
    if status.state == OutgoingStatusState.SENT:
        return status
    stale = status.sending_since is not None and status.sending_since < timezone.now() - STALE_AFTER
    if status.state == OutgoingStatusState.SENDING and not stale:
        return status  # another worker holds it
    refused = _invoice_refused(status)
    if refused:
        return claims.fail(status, OutgoingStatusState.ERROR, refused)
    account = getattr(status.cabinet, "platform_account", None)
    if account is None and pa is None:
        return claims.fail(
            status,
            OutgoingStatusState.ERROR,
            "Renseignez d'abord la plateforme agréée du cabinet (Paramètres > Facturation électronique).",
        )
    pa = pa or services.client_for(account)
    if status.state in (OutgoingStatusState.UNKNOWN, OutgoingStatusState.SENDING):
        # The last attempt may have reached the platform: never send twice.
        try:
            sent = [f for f in pa.find_by_tracking_id(status.tracking_id) if not f.in_error]
        except client.PlatformUnavailable as e:
            claims.fail(status, OutgoingStatusState.UNKNOWN, e.message)
            raise
        if sent:
            return _record_sent(status, sent[-1])
    if not claims.claim(status, seen=status.state, sending=OutgoingStatusState.SENDING):
        return OutgoingStatus.objects.get(pk=status.pk)
    content = bytes(status.xml)
    try:
        flow = pa.submit_flow(
            client.FlowInfo(
                flow_syntax=client.FlowSyntax.CDAR,
                tracking_id=status.tracking_id,
                name=_filename(status),
                sha256=hashlib.sha256(content).hexdigest(),
            ),
            content,
            content_type="application/xml",
        )
    except client.PlatformUnavailable as e:
        claims.fail(status, OutgoingStatusState.UNKNOWN, e.message)
        raise
    except (client.PlatformRejected, client.PlatformAuthError) as e:
        return claims.fail(status, OutgoingStatusState.ERROR, e.message)
    return _record_sent(status, flow)


def refresh_pending(*, account: PlatformAccount, pa: client.PlatformClient | None = None) -> int:
    """Reads the acknowledgements of the cabinet's statuses still « en attente » in one paged search (flows
    updated since the oldest of them, our own direction only), instead of one call per status; returns how
    many changed."""
    pending = {
        s.flow_id: s
        for s in OutgoingStatus.objects.filter(
            cabinet_id=account.cabinet_id, state=OutgoingStatusState.SENT, ack_status="Pending"
        ).exclude(flow_id="")
    }
    if not pending:
        return 0
    pa = pa or services.client_for(account)
    since = min(s.submitted_at or s.created_at for s in pending.values()) - datetime.timedelta(seconds=1)
    changed = 0
    for flow in pa.flows_updated_since(since, directions=[client.FlowDirection.OUT]):
        status = pending.pop(flow.flow_id, None)
        if status is None or flow.ack_status in ("", "Pending"):
            continue
        status.ack_status = flow.ack_status
        status.ack_details = [d.__dict__ for d in flow.ack_details]
        status.last_error = _ack_error(flow)
        if flow.in_error:
            status.state = OutgoingStatusState.ERROR
        status.save(update_fields=["state", "ack_status", "ack_details", "last_error", "updated_at"])
        changed += 1
        if not pending:
            break
    return changed


def refresh(*, status: OutgoingStatus, pa: client.PlatformClient | None = None) -> OutgoingStatus:
    """Reads the platform's acknowledgement of the flow (Ok, or Error with its reasons)."""
    if not status.flow_id:
        return status
    pa = pa or services.client_for(status.cabinet.platform_account)
    flow = pa.get_flow(status.flow_id)
    status.ack_status = flow.ack_status
    status.ack_details = [d.__dict__ for d in flow.ack_details]
    status.last_error = _ack_error(flow)
    if flow.in_error:
        status.state = OutgoingStatusState.ERROR
    status.save(update_fields=["state", "ack_status", "ack_details", "last_error", "updated_at"])
    return status
