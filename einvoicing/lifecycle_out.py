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
from django.utils import timezone

from einvoicing import cdar, client, services
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
    *, account: PlatformAccount, subject: StatusSubject, tracking_id: str, invoice=None, **values
):
    """`send_status`, with the cabinet's own issued invoice linked when there is one (shown on its page)."""
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


def _filename(status: OutgoingStatus) -> str:
    return f"CDV-{status.code}-{status.tracking_id}.xml"


def _claim(status: OutgoingStatus, seen: str) -> bool:
    now = timezone.now()
    claimed = OutgoingStatus.objects.filter(
        pk=status.pk, state=seen, sending_since=status.sending_since
    ).update(state=OutgoingStatusState.SENDING, sending_since=now, updated_at=now)
    if claimed:
        status.state, status.sending_since = OutgoingStatusState.SENDING, now
    return claimed == 1


def _record_sent(status: OutgoingStatus, flow: client.Flow) -> OutgoingStatus:
    status.state = OutgoingStatusState.SENT
    status.flow_id = flow.flow_id
    status.submitted_at = flow.submitted_at or timezone.now()
    status.ack_status = flow.ack_status or "Pending"
    status.ack_details = [d.__dict__ for d in flow.ack_details]
    status.last_error = _ack_error(flow)
    status.save()
    return status


def _fail(status: OutgoingStatus, state: str, message: str) -> OutgoingStatus:
    status.state = state
    status.last_error = message
    status.save(update_fields=["state", "last_error", "updated_at"])
    return status


def _ack_error(flow: client.Flow) -> str:
    if not flow.in_error:
        return ""
    reasons = "; ".join(f"{d.reason_code} : {d.reason_message}" for d in flow.ack_details) or "sans détail"
    return f"La plateforme a refusé le message de cycle de vie ({reasons})."


def send(*, status_id: int, pa: client.PlatformClient | None = None) -> OutgoingStatus:
    """Transmits the status once. Raises PlatformUnavailable when the outcome is unknown (the task retries:
    the next attempt looks the flow up by trackingId before sending again)."""
    status = OutgoingStatus.objects.select_related("cabinet__platform_account").get(pk=status_id)
    if status.state == OutgoingStatusState.SENT:
        return status
    stale = status.sending_since is not None and status.sending_since < timezone.now() - STALE_AFTER
    if status.state == OutgoingStatusState.SENDING and not stale:
        return status  # another worker holds it
    account = getattr(status.cabinet, "platform_account", None)
    if account is None and pa is None:
        return _fail(
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
            _fail(status, OutgoingStatusState.UNKNOWN, e.message)
            raise
        if sent:
            return _record_sent(status, sent[-1])
    if not _claim(status, status.state):
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
        _fail(status, OutgoingStatusState.UNKNOWN, e.message)
        raise
    except (client.PlatformRejected, client.PlatformAuthError) as e:
        return _fail(status, OutgoingStatusState.ERROR, e.message)
    return _record_sent(status, flow)


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
