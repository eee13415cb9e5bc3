"""The ledger rules at the service and model layers: legal status moves only, no back-dating, a failed
validation gives its number back and leaves no PDF behind."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from geoprod.models import Counter
from invoices import numbering, services
from invoices.errors import InvoiceLocked, InvoicingError, NumberingError
from invoices.models import Invoice, InvoiceStatus, LedgerEntry
from invoices.models.invoices import STATUS_TRANSITIONS, check_transition
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 9, 14)


def _pdfs() -> list[Path]:
    return sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


@pytest.mark.parametrize(
    "old,new",
    [
        (InvoiceStatus.ISSUED, InvoiceStatus.DRAFT),
        (InvoiceStatus.PAID, InvoiceStatus.DRAFT),
        (InvoiceStatus.CANCELLED, InvoiceStatus.ISSUED),
        (InvoiceStatus.DRAFT, InvoiceStatus.PAID),
    ],
)
def test_illegal_status_moves_are_refused(old, new):
    with pytest.raises(InvoiceLocked, match="interdit"):
        check_transition(old, new)


def test_nothing_ever_returns_to_draft():
    assert all(InvoiceStatus.DRAFT not in targets for targets in STATUS_TRANSITIONS.values())


def test_an_issued_invoice_cannot_be_saved_back_to_draft_nor_to_cancelled_then_open(cabinet):
    invoice = Invoice.objects.get(pk=factories.make_invoice(cabinet, issued=True).pk)
    invoice.status = InvoiceStatus.DRAFT
    with pytest.raises(InvoiceLocked, match="Brouillon"):
        invoice.save(update_fields=["status"])
    invoice.status = InvoiceStatus.CANCELLED
    invoice.save(update_fields=["status"])
    invoice.status = InvoiceStatus.ISSUED
    with pytest.raises(InvoiceLocked):
        invoice.save(update_fields=["status"])
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.CANCELLED


def test_an_invoice_is_born_a_draft(cabinet):
    client = factories.make_client(cabinet)
    with pytest.raises(InvoiceLocked, match="brouillon"):
        Invoice.objects.create(cabinet=cabinet, client=client, status=InvoiceStatus.PAID, total_ht=999)


def test_a_reversed_payment_moves_the_status_back_legally(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    payment = factories.make_payment(invoice)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID
    services.reverse_payment(payment=payment, date=payment.date)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.ISSUED


def test_back_dating_is_refused_with_the_last_date_named(cabinet):
    factories.make_invoice(cabinet, issued=True, today=DAY)
    draft = factories.make_invoice(cabinet)
    with pytest.raises(
        NumberingError, match="antérieure à celle de la dernière pièce émise de la série \\(14/09/2026\\)"
    ):
        services.issue_invoice(invoice=draft, today=DAY - datetime.timedelta(days=1))
    assert Invoice.objects.get(pk=draft.pk).is_draft
    assert Counter.objects.get(cabinet=cabinet, name=numbering.SERIES).value == 1
    assert services.issue_invoice(invoice=draft, today=DAY).number == "F2609-0002"


def test_the_same_day_and_later_days_are_accepted_and_other_cabinets_are_independent(cabinet, other_cabinet):
    factories.make_invoice(cabinet, issued=True, today=DAY)
    assert factories.make_invoice(cabinet, issued=True, today=DAY).number == "F2609-0002"
    assert factories.make_invoice(other_cabinet, issued=True, today=DAY - datetime.timedelta(days=30)).number


def test_a_failed_validation_leaves_no_pdf_and_gives_its_number_back(cabinet, monkeypatch):
    factories.make_invoice(cabinet, issued=True, today=DAY)
    before = _pdfs()
    draft = factories.make_invoice(cabinet)

    def broken_register(**kwargs):
        raise InvoicingError("Registre indisponible.")

    monkeypatch.setattr(services.ledger, "register_issue", broken_register)
    with pytest.raises(InvoicingError):
        services.issue_invoice(invoice=draft, today=DAY)
    assert _pdfs() == before and len(before) == 1
    assert Invoice.objects.get(pk=draft.pk).is_draft
    assert LedgerEntry.objects.filter(cabinet=cabinet).count() == 1
    monkeypatch.undo()
    assert services.issue_invoice(invoice=draft, today=DAY).number == "F2609-0002"
    assert len(_pdfs()) == 2


def test_the_issued_totals_cannot_be_rewritten_to_one_euro(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    with pytest.raises(InvoiceLocked), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(total_ttc=Decimal("1.00"))
    assert Invoice.objects.get(pk=invoice.pk).total_ttc == Decimal("1560.00")
