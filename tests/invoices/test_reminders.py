"""« Relancer payeur »: only overdue invoices, three tones, penalties and 40 € for professionals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from invoices import services
from invoices.errors import InvoicingError
from tests import factories
from tests.utils import pdf_pages

ISSUED = datetime.date(2026, 6, 1)  # due 01/07/2026
LATER = datetime.date(2026, 9, 29)  # 90 days late


def overdue(cabinet, **kw):
    return factories.make_invoice(cabinet, issued=True, today=ISSUED, **kw)


def letter(reminder) -> str:
    return " ".join(pdf_pages(reminder.pdf.read()))


def test_reminder_to_a_professional_counts_penalties_and_indemnity(cabinet):
    invoice = overdue(cabinet)
    reminder = services.send_reminder(invoice=invoice, today=LATER)
    invoice.refresh_from_db()
    assert reminder.level == 1 and reminder.days_late == 90
    assert reminder.amount_due == Decimal("1560.00")
    assert reminder.penalties == Decimal("46.74")  # 1560 × 12,15 % × 90 / 365 = 46,736
    assert reminder.indemnity == Decimal("40.00")
    assert invoice.reminder_count == 1
    text = letter(reminder)
    assert invoice.number in text and "Rappel courtois" in text
    assert "Indemnité forfaitaire pour frais de recouvrement 40,00 €" in text


def test_levels_escalate_up_to_mise_en_demeure(cabinet):
    invoice = overdue(cabinet)
    levels = [services.send_reminder(invoice=invoice, today=LATER).level for _ in range(4)]
    assert levels == [1, 2, 3, 3]
    invoice.refresh_from_db()
    assert invoice.reminder_count == 4
    assert "Mise en demeure" in letter(invoice.reminders.first())


def test_consumer_reminder_has_no_indemnity(cabinet):
    invoice = overdue(cabinet, client=factories.make_client(cabinet, categorie="particulier"))
    reminder = services.send_reminder(invoice=invoice, today=LATER, level=2)
    assert reminder.penalties == 0 and reminder.indemnity == 0
    assert "indemnité forfaitaire" not in letter(reminder).lower()


def test_invoice_not_yet_due_or_paid_cannot_be_reminded(cabinet):
    invoice = overdue(cabinet)
    with pytest.raises(InvoicingError, match="échue"):
        services.send_reminder(invoice=invoice, today=datetime.date(2026, 6, 15))
    factories.make_payment(invoice)
    with pytest.raises(InvoicingError):
        services.send_reminder(invoice=invoice, today=LATER)
