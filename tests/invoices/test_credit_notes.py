"""Avoirs: total or partial, numbered in the invoice series, never above what remains creditable."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoices import services
from invoices.errors import InvoicingError
from invoices.models import InvoiceKind, InvoiceStatus
from tests import factories


def partial(amount: str) -> list[services.LineInput]:
    return [services.LineInput("Remise commerciale", Decimal(amount))]


def test_total_avoir_cancels_the_invoice_and_shares_the_series(cabinet):
    original = factories.make_invoice(cabinet, issued=True)
    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=original))
    original.refresh_from_db()
    assert avoir.kind == InvoiceKind.AVOIR and avoir.origin == original
    assert avoir.number.endswith("-0002")
    assert avoir.total_ttc == original.total_ttc
    assert original.credited_amount == original.total_ttc
    assert original.status == InvoiceStatus.CANCELLED
    assert original.amount_due == 0
    assert avoir.origin_reference == (original.number, original.issue_date)


def test_partial_avoir_lowers_what_is_due(cabinet):
    original = factories.make_invoice(cabinet, issued=True)  # 1 560,00 TTC
    avoir = services.issue_invoice(
        invoice=services.create_credit_note(invoice=original, lines=partial("100"))
    )
    original.refresh_from_db()
    assert avoir.total_ttc == Decimal("120.00")
    assert original.amount_due == Decimal("1440.00")
    assert original.status == InvoiceStatus.ISSUED


def test_avoir_above_the_original_is_refused(cabinet):
    original = factories.make_invoice(cabinet, issued=True)
    with pytest.raises(InvoicingError, match="dépasse") as e:
        services.create_credit_note(invoice=original, lines=partial("1300.01"))
    assert e.value.field == "lines"


def test_two_avoirs_cannot_together_exceed_the_original(cabinet):
    original = factories.make_invoice(cabinet, issued=True)
    first = services.create_credit_note(invoice=original, lines=partial("1000"))
    second = services.create_credit_note(invoice=original, lines=partial("1000"))
    services.issue_invoice(invoice=first)
    with pytest.raises(InvoicingError, match="dépasse"):
        services.issue_invoice(invoice=second)
    second.refresh_from_db()
    assert second.is_draft


def test_no_avoir_on_a_draft_or_on_an_avoir(cabinet):
    draft = factories.make_invoice(cabinet)
    with pytest.raises(InvoicingError):
        services.create_credit_note(invoice=draft)
    avoir = services.issue_invoice(
        invoice=services.create_credit_note(invoice=factories.make_invoice(cabinet, issued=True))
    )
    with pytest.raises(InvoicingError):
        services.create_credit_note(invoice=avoir)
