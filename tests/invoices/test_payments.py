"""Règlements: allocation, payment status, refusal above what is due, reversal by counter-entry."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from invoices import services
from invoices.errors import InvoiceLocked, InvoicingError
from invoices.models import Invoice, InvoiceStatus, Payment
from tests import factories

TODAY = datetime.date(2026, 10, 1)


def pay(invoices_amounts, amount, client):
    return services.record_payment(
        cabinet=client.cabinet,
        client=client,
        date=TODAY,
        amount=Decimal(amount),
        mode="cheque",
        allocations=[(inv, Decimal(a)) for inv, a in invoices_amounts],
    )


def test_partial_then_full_payment(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)  # 1 560,00 TTC
    pay([(invoice, "560")], "560", invoice.client)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID and invoice.amount_due == Decimal("1000.00")
    pay([(invoice, "1000")], "1000", invoice.client)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_due == 0


def test_one_payment_for_several_invoices(cabinet):
    client = factories.make_client(cabinet)
    a = factories.make_invoice(cabinet, client=client, issued=True)
    b = factories.make_invoice(cabinet, client=client, issued=True)
    payment = pay([(a, "1560"), (b, "500")], "2060", client)
    assert payment.allocations.count() == 2
    assert Invoice.objects.get(pk=a.pk).status == InvoiceStatus.PAID
    assert Invoice.objects.get(pk=b.pk).status == InvoiceStatus.PARTIALLY_PAID


def test_payment_above_what_is_due_is_refused(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    with pytest.raises(InvoicingError, match="dépasse le reste dû") as e:
        pay([(invoice, "1560.01")], "1560.01", invoice.client)
    assert e.value.field == "allocations"
    assert not Payment.objects.exists()


def test_allocations_cannot_exceed_the_amount_which_must_be_positive(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    with pytest.raises(InvoicingError, match="dépasse le montant disponible"):
        pay([(invoice, "200")], "100", invoice.client)
    with pytest.raises(InvoicingError) as e:
        pay([(invoice, "-1")], "-1", invoice.client)
    assert e.value.field == "amount"


def test_drafts_and_other_clients_invoices_cannot_be_paid(cabinet):
    draft = factories.make_invoice(cabinet)
    with pytest.raises(InvoicingError):
        pay([(draft, "10")], "10", draft.client)
    issued = factories.make_invoice(cabinet, issued=True)
    with pytest.raises(InvoicingError):
        pay([(issued, "10")], "10", factories.make_client(cabinet))


def test_reversal_reopens_the_invoice_and_keeps_both_entries(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    payment = pay([(invoice, "1560")], "1560", invoice.client)
    counter = services.reverse_payment(payment=payment, date=TODAY)
    invoice.refresh_from_db()
    assert counter.amount == Decimal("-1560.00") and counter.reversal_of == payment
    assert invoice.status == InvoiceStatus.ISSUED and invoice.amount_due == Decimal("1560.00")
    assert Payment.objects.count() == 2
    with pytest.raises(InvoicingError):
        services.reverse_payment(payment=payment, date=TODAY)
    with pytest.raises(InvoicingError):
        services.reverse_payment(payment=counter, date=TODAY)


def test_a_payment_is_never_deleted_nor_edited(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    payment = pay([(invoice, "100")], "100", invoice.client)
    with pytest.raises(InvoiceLocked):
        payment.delete()
    payment.amount = Decimal("1")
    with pytest.raises(InvoiceLocked):
        payment.save()
