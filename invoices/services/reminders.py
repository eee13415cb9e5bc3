"""« Relancer payeur »: a reminder letter on an overdue invoice, rendered, stored and counted."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from invoices import journal, pdf, totals
from invoices.errors import InvoicingError
from invoices.models import (
    DocumentAction,
    Invoice,
    Reminder,
    ReminderChannel,
    ReminderDelivery,
    ReminderLevel,
)


def late_penalties(*, amount_due: Decimal, annual_rate: Decimal, days_late: int) -> Decimal:
    """Simple interest from the day after the due date (C. com. L441-10)."""
    return totals.money(Decimal(amount_due) * Decimal(annual_rate) / 100 * days_late / 365)


def stated_rate(invoice: Invoice) -> Decimal:
    """The late-payment rate the invoice stated at issue (the cabinet's rate for invoices issued before
    the rate was stored on them)."""
    return invoice.late_rate if invoice.late_rate is not None else invoice.cabinet.late_penalty_rate


def earlier_reminders(reminder: Reminder) -> list[Reminder]:
    """The relances sent on the same invoice before this one, oldest first: a letter's wording cites them."""
    earlier = Reminder.objects.filter(invoice_id=reminder.invoice_id).order_by("sent_on", "id")
    if reminder.pk is not None:
        earlier = earlier.filter(id__lt=reminder.pk)
    return list(earlier)


def dates_fr(dates: list[datetime.date]) -> str:
    """[d1, d2, d3] → « 01/08/2026, 15/08/2026 et 01/09/2026 »."""
    written = [f"{d:%d/%m/%Y}" for d in dates]
    return " et ".join([", ".join(written[:-1]), written[-1]]) if len(written) > 1 else "".join(written)


@transaction.atomic
def send_reminder(
    *,
    invoice: Invoice,
    level: int | None = None,
    today: datetime.date | None = None,
    channel: str = ReminderChannel.LETTER,
    automatic: bool = False,
) -> Reminder:
    """Records a relance with its letter; the level defaults to one more than the last one (max 3).
    A relance written by a person is handed to them (delivery « envoyée »); the morning plan's ones start
    « à traiter » and are delivered by reminder_plan.deliver().

    Raises InvoicingError when the invoice is not overdue or the level is unknown.
    """
    invoice = Invoice.objects.select_for_update().select_related("cabinet", "client").get(pk=invoice.pk)
    today = today or timezone.localdate()
    if not invoice.is_issued or invoice.is_credit_note or invoice.amount_due <= 0:
        raise InvoicingError("Seule une facture émise avec un reste dû peut être relancée.")
    if invoice.due_date is None or invoice.due_date >= today:
        raise InvoicingError(f"La facture {invoice.number} n'est pas encore échue.")
    level = level or ReminderLevel.after(invoice.reminder_count)
    if level not in ReminderLevel.values:
        raise InvoicingError("Niveau de relance inconnu.", field="level")
    days_late = (today - invoice.due_date).days
    professional = invoice.client.is_professional
    reminder = Reminder(
        cabinet=invoice.cabinet,
        invoice=invoice,
        level=level,
        sent_on=today,
        amount_due=invoice.amount_due,
        days_late=days_late,
        penalties=late_penalties(
            amount_due=invoice.amount_due, annual_rate=stated_rate(invoice), days_late=days_late
        )
        if professional
        else Decimal("0.00"),
        indemnity=pdf.INDEMNITY if professional else Decimal("0.00"),
        channel=channel,
        automatic=automatic,
        delivery=ReminderDelivery.TO_HANDLE if automatic else ReminderDelivery.SENT,
    )
    content = pdf.render_reminder_pdf(reminder)
    reminder.pdf.save(
        f"relance-{invoice.pdf_filename()[:-4]}-{invoice.reminder_count + 1}.pdf",
        ContentFile(content),
        save=False,
    )
    reminder.save()
    invoice.reminder_count += 1
    invoice.save(update_fields=["reminder_count", "updated_at"])
    detail = reminder.get_level_display() + (" (relance automatique)" if automatic else "")
    journal.record(action=DocumentAction.REMINDED, invoice=invoice, detail=detail)
    return reminder
