"""« Relancer payeur »: only overdue invoices, three tones, penalties and 40 € for professionals."""

from __future__ import annotations

import datetime
import re
import subprocess
from decimal import Decimal

import pytest

from invoices import services
from invoices.errors import InvoicingError
from invoices.services import reminders
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


def reminder_text(reminder) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=reminder.pdf.read(), capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


def test_relance_ferme_without_an_earlier_reminder_cites_none(cabinet):
    reminder = services.send_reminder(invoice=overdue(cabinet), today=LATER, level=2)
    text = reminder_text(reminder)
    assert "Relance ferme" in text
    assert "précédent" not in text and "Malgré" not in text
    assert "Sauf erreur de notre part, la facture ci-dessous, échue depuis le 01/07/2026" in text


def test_relance_ferme_after_a_rappel_cites_its_date(cabinet):
    invoice = overdue(cabinet)
    services.send_reminder(invoice=invoice, today=datetime.date(2026, 8, 3))
    reminder = services.send_reminder(invoice=invoice, today=LATER)
    assert reminder.level == 2
    assert "Malgré notre rappel du 03/08/2026, la facture ci-dessous" in reminder_text(reminder)


def test_mise_en_demeure_wording_follows_the_reminders_sent(cabinet):
    alone = services.send_reminder(invoice=overdue(cabinet), today=LATER, level=3)
    text = reminder_text(alone)
    assert "sans effet" not in text and "précédent" not in text
    assert "La facture ci-dessous restant impayée à ce jour, nous vous mettons en demeure" in text

    after_one = overdue(cabinet)
    services.send_reminder(invoice=after_one, today=datetime.date(2026, 8, 3))
    text = reminder_text(services.send_reminder(invoice=after_one, today=LATER, level=3))
    assert "Notre relance du 03/08/2026 étant restée sans effet" in text

    after_two = overdue(cabinet)
    services.send_reminder(invoice=after_two, today=datetime.date(2026, 8, 3))
    services.send_reminder(invoice=after_two, today=datetime.date(2026, 8, 24))
    text = reminder_text(services.send_reminder(invoice=after_two, today=LATER))
    assert "Nos relances des 03/08/2026 et 24/08/2026 étant restées sans effet" in text


def test_dates_fr_lists_dates_the_french_way():
    days = [datetime.date(2026, 8, 1), datetime.date(2026, 8, 15), datetime.date(2026, 9, 1)]
    assert reminders.dates_fr(days[:1]) == "01/08/2026"
    assert reminders.dates_fr(days) == "01/08/2026, 15/08/2026 et 01/09/2026"
