"""Relances automatiques: every morning, each overdue invoice of a cabinet whose plan is on receives the next
step of the plan (rappel courtois, relance ferme, mise en demeure) once its day has come, unless the invoice
or its client is held out (« litige », « ne pas relancer »).

One step at a time: the next step is the first of the plan above the last relance sent (by the plan or by
hand), due `days_after_due` days after the due date and never less than MIN_GAP_DAYS after the previous
relance, so each letter's wording (« Malgré notre rappel du … ») cites what was really sent.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from geoprod.models import Cabinet
from invoices import journal
from invoices.errors import InvoicingError
from invoices.models import (
    OPEN_STATUSES,
    DocumentAction,
    HoldReason,
    Invoice,
    InvoiceKind,
    Reminder,
    ReminderChannel,
    ReminderDelivery,
    ReminderHold,
    ReminderLevel,
    ReminderPlan,
    ReminderStep,
)
from invoices.services.reminders import send_reminder

logger = logging.getLogger("invoices.reminders")

MIN_GAP_DAYS = 7
DEFAULT_STEPS = (
    (ReminderLevel.COURTESY, 7, ReminderChannel.EMAIL),
    (ReminderLevel.FIRM, 21, ReminderChannel.EMAIL),
    (ReminderLevel.FORMAL, 45, ReminderChannel.LETTER),
)


@dataclass(frozen=True)
class DueStep:
    invoice_id: int
    step: ReminderStep
    days_late: int
    invoice: Invoice | None = None  # read for the rows shown only (with_invoices)


def plan_for(cabinet: Cabinet) -> ReminderPlan:
    """The cabinet's plan, created off with the usual three steps the first time it is asked for."""
    plan, created = ReminderPlan.objects.get_or_create(cabinet=cabinet)
    if created:
        ReminderStep.objects.bulk_create(
            ReminderStep(plan=plan, level=level, days_after_due=days, channel=channel)
            for level, days, channel in DEFAULT_STEPS
        )
    return plan


def not_held() -> Q:
    """Invoices the plan may remind: neither held themselves nor their client. Two NOT EXISTS, which
    PostgreSQL reads as anti-joins on the few holds (an IN over every invoice of the base took seconds at
    a million invoices; an OR of the two is tested row by row)."""
    return ~Q(Exists(ReminderHold.objects.filter(invoice=OuterRef("pk")))) & ~Q(
        Exists(ReminderHold.objects.filter(client=OuterRef("client_id")))
    )


def _candidates(cabinet: Cabinet, today: datetime.date) -> QuerySet:
    last = Reminder.objects.filter(invoice=OuterRef("pk")).order_by("-level", "-sent_on", "-id")
    return (
        Invoice.objects.filter(cabinet=cabinet, status__in=OPEN_STATUSES, due_date__lt=today)
        .exclude(kind=InvoiceKind.AVOIR)
        .filter(not_held())
        .alias(owed=F("net_to_pay") - F("paid_amount") - F("credited_amount"))
        .filter(owed__gt=0)  # Invoice.amount_due, for an open invoice
        .annotate(
            last_level=Subquery(last.values("level")[:1]),
            last_sent=Subquery(
                Reminder.objects.filter(invoice=OuterRef("pk"))
                .values("invoice")
                .annotate(at=Max("sent_on"))
                .values("at")[:1]
            ),
        )
        .order_by("due_date", "id")
        .values_list("pk", "due_date", "last_level", "last_sent")
    )


def next_step(
    steps: list[ReminderStep],
    *,
    last_level: int | None,
    last_sent: datetime.date | None,
    days_late: int,
    today: datetime.date,
) -> ReminderStep | None:
    """The step an invoice is due today, if any (pure: the plan's rule in one place)."""
    following = [s for s in steps if s.level > (last_level or 0)]
    if not following:
        return None
    step = following[0]
    if days_late < step.days_after_due:
        return None
    if last_sent is not None and (today - last_sent).days < MIN_GAP_DAYS:
        return None
    return step


def due_today(cabinet: Cabinet, today: datetime.date | None = None) -> list[DueStep]:
    """What the plan would write today, oldest due date first (the plan need not be on: this is also the
    preview shown on « Relances du jour »). Read as bare values: a cabinet may have thousands of overdue
    invoices, and only the page shown needs them whole (with_invoices)."""
    today = today or timezone.localdate()
    steps = list(plan_for(cabinet).steps.all())
    due = []
    for invoice_id, due_date, last_level, last_sent in _candidates(cabinet, today):
        days_late = (today - due_date).days
        step = next_step(steps, last_level=last_level, last_sent=last_sent, days_late=days_late, today=today)
        if step is not None:
            due.append(DueStep(invoice_id=invoice_id, step=step, days_late=days_late))
    return due


def with_invoices(dues: list[DueStep]) -> list[DueStep]:
    """The same steps with their invoice and its client, in one query."""
    invoices = Invoice.objects.select_related("client").in_bulk([d.invoice_id for d in dues])
    return [replace(d, invoice=invoices[d.invoice_id]) for d in dues]


def run_plan(cabinet: Cabinet, today: datetime.date | None = None) -> list[Reminder]:
    """Writes today's relances of `cabinet` and hands each to its channel. Safe to run twice: an invoice
    that already has the step's level (or a higher one) is skipped under its row lock."""
    today = today or timezone.localdate()
    written = []
    for due in due_today(cabinet, today):
        try:
            reminder = _write(due, today)
        except Exception:  # one bad invoice (unreadable logo, PDF error) must not stop the others
            logger.exception("Relance automatique impossible pour la facture %s", due.invoice_id)
            continue
        if reminder is not None:
            deliver(reminder)
            written.append(reminder)
    return written


@transaction.atomic
def _write(due: DueStep, today: datetime.date) -> Reminder | None:
    invoice = Invoice.objects.select_for_update().get(pk=due.invoice_id)
    if Reminder.objects.filter(invoice=invoice, level__gte=due.step.level).exists():
        return None
    try:
        return send_reminder(
            invoice=invoice, level=due.step.level, today=today, channel=due.step.channel, automatic=True
        )
    except InvoicingError:  # paid or credited since the list was read
        return None


def recipient_email(invoice: Invoice) -> str:
    """Where a relance by e-mail goes: the billing contact first, then the other contacts, then the client."""
    from mailing import services as mailing

    suggestions = mailing.recipient_suggestions(invoice.client)
    return suggestions[0].email if suggestions else ""


def deliver(reminder: Reminder) -> None:
    """Hands a relance to its channel: an e-mail is queued in the outbox (the cabinet's relance template,
    the letter and the invoice attached); what a machine cannot do is left « à traiter » with what to do."""
    if reminder.channel == ReminderChannel.EMAIL:
        from mailing import services as mailing

        to = recipient_email(reminder.invoice)
        if not to:
            _to_handle(reminder, "Aucune adresse e-mail pour ce client : envoyez la lettre par courrier.")
            return
        subject, body = mailing.default_message(reminder)
        try:
            mailing.send_document_email(document=reminder, to=[to], subject=subject, body=body, sent_by=None)
        except mailing.MailingError as e:
            _to_handle(reminder, f"E-mail impossible ({e.message}) : envoyez la lettre par courrier.")
            return
        reminder.delivery = ReminderDelivery.QUEUED
        reminder.delivery_note = f"Envoi par e-mail à {to}."
        reminder.save(update_fields=["delivery", "delivery_note"])
        return
    if reminder.level == ReminderLevel.FORMAL:
        _to_handle(
            reminder, "Imprimer la mise en demeure et l'envoyer en recommandé avec accusé de réception."
        )
    else:
        _to_handle(reminder, "Imprimer la lettre et l'envoyer par courrier.")


def _to_handle(reminder: Reminder, note: str) -> None:
    reminder.delivery = ReminderDelivery.TO_HANDLE
    reminder.delivery_note = note
    reminder.save(update_fields=["delivery", "delivery_note"])


def record_email_outcome(*, reminder: Reminder, sent: bool, to: str, error: str = "") -> None:
    """The outbox's answer for a relance sent by e-mail: sent, or failed and back to a person."""
    if sent:
        reminder.delivery, reminder.delivery_note = ReminderDelivery.SENT, f"Envoyée par e-mail à {to}."
        reminder.handled_at = timezone.now()
    else:
        reminder.delivery = ReminderDelivery.FAILED
        reminder.delivery_note = (
            f"Échec de l'envoi à {to} ({error}) : réessayez depuis la facture ou postez la lettre."
        )
    reminder.save(update_fields=["delivery", "delivery_note", "handled_at"])


def mark_sent(*, reminder: Reminder) -> None:
    """« Marquer envoyée »: a person posted (or e-mailed) the letter."""
    if reminder.delivery == ReminderDelivery.SENT:
        return
    reminder.delivery = ReminderDelivery.SENT
    reminder.handled_at = timezone.now()
    reminder.save(update_fields=["delivery", "handled_at"])


def holds_on(*, client, invoice=None) -> tuple[ReminderHold | None, ReminderHold | None]:
    """(the invoice's hold, the client's hold), each None when there is none."""
    found = ReminderHold.objects.filter(
        Q(client=client) | Q(invoice=invoice) if invoice else Q(client=client)
    )
    by_kind = {h.invoice_id is not None: h for h in found}
    return by_kind.get(True), by_kind.get(False)


def hold(
    *, cabinet: Cabinet, reason: str, note: str = "", invoice=None, client=None, user=None
) -> ReminderHold:
    """Keeps an invoice or a client out of the automatic relances (one hold each; a second replaces it)."""
    if reason not in HoldReason.values:
        raise InvoicingError("Motif d'exclusion inconnu.", field="reason")
    target = {"invoice": invoice} if invoice is not None else {"client": client}
    found, _ = ReminderHold.objects.update_or_create(
        cabinet=cabinet, **target, defaults={"reason": reason, "note": note[:200], "created_by": user}
    )
    if invoice is not None:
        detail = found.get_reason_display() + (f" : {note}" if note else "")
        journal.record(action=DocumentAction.REMINDERS_HELD, invoice=invoice, detail=detail)
    return found


def lift_hold(*, hold: ReminderHold) -> None:
    if hold.invoice_id is not None:
        journal.record(action=DocumentAction.REMINDERS_RESUMED, invoice=hold.invoice)
    hold.delete()


@transaction.atomic
def save_plan(*, cabinet: Cabinet, enabled: bool, steps: list[tuple[int, int, str]]) -> ReminderPlan:
    """Replaces the cabinet's plan with `steps` ((level, days after due date, channel), one per tone)."""
    plan = plan_for(cabinet)
    plan.enabled = enabled
    plan.save(update_fields=["enabled"])
    plan.steps.all().delete()
    ReminderStep.objects.bulk_create(
        ReminderStep(plan=plan, level=level, days_after_due=days, channel=channel)
        for level, days, channel in steps
    )
    return plan
