"""Payments as they really come: an acompte before the invoice, a part left on the client's account, an
overpayment, later allocation, refund, and the legal cap on cash."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from clients.models import Category
from invoices import selectors, services
from invoices.errors import InvoicingError
from invoices.models import InvoiceStatus, Payment
from tests import factories

TODAY = datetime.date(2026, 10, 1)


def pay(client, amount, allocations=(), mode="virement"):
    return services.record_payment(
        cabinet=client.cabinet,
        client=client,
        date=TODAY,
        amount=Decimal(amount),
        mode=mode,
        allocations=[(inv, Decimal(a)) for inv, a in allocations],
    )


def test_an_acompte_before_any_invoice_stays_on_the_client_account(cabinet):
    client = factories.make_client(cabinet)
    payment = pay(client, "500")
    assert payment.unallocated == Decimal("500.00") and payment.allocated == 0
    balance = selectors.client_balance(client=client)
    assert balance.unallocated == Decimal("500.00") and balance.balance == Decimal("-500.00")


def test_two_invoices_and_a_half_leave_the_half_unallocated(cabinet):
    client = factories.make_client(cabinet)
    a = factories.make_invoice(cabinet, client=client, issued=True)  # 1 560,00 TTC each
    b = factories.make_invoice(cabinet, client=client, issued=True)
    payment = pay(client, "3900", [(a, "1560"), (b, "1560")])
    assert payment.unallocated == Decimal("780.00")
    a.refresh_from_db()
    assert a.status == InvoiceStatus.PAID


def test_later_allocation_pays_a_new_invoice_from_the_rest(cabinet):
    client = factories.make_client(cabinet)
    payment = pay(client, "2000")
    invoice = factories.make_invoice(cabinet, client=client, issued=True)
    services.allocate_payment(payment=payment, allocations=[(invoice, Decimal("1560"))])
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    payment = Payment.objects.get(pk=payment.pk)
    assert payment.unallocated == Decimal("440.00")
    with pytest.raises(InvoicingError, match="dépasse le montant disponible"):
        other = factories.make_invoice(cabinet, client=client, issued=True)
        services.allocate_payment(payment=payment, allocations=[(other, Decimal("440.01"))])


def test_allocating_to_another_clients_invoice_is_refused(cabinet):
    payment = pay(factories.make_client(cabinet), "2000")
    stranger_invoice = factories.make_invoice(cabinet, issued=True)
    with pytest.raises(InvoicingError, match="n'appartient pas à ce client"):
        services.allocate_payment(payment=payment, allocations=[(stranger_invoice, Decimal("10"))])


def test_refund_of_an_overpayment_is_recorded_as_such(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    payment = pay(invoice.client, "1600", [(invoice, "1560")])
    assert payment.unallocated == Decimal("40.00")
    with pytest.raises(InvoicingError, match="dépasse le montant non affecté"):
        services.refund_payment(payment=payment, amount=Decimal("40.01"), date=TODAY, mode="virement")
    refund = services.refund_payment(payment=payment, amount=Decimal("40"), date=TODAY, mode="virement")
    assert refund.amount == Decimal("-40.00") and refund.refund_of == payment and refund.is_refund
    assert Payment.objects.get(pk=payment.pk).unallocated == 0
    assert selectors.client_balance(client=invoice.client).balance == 0
    with pytest.raises(InvoicingError, match="remboursée"):
        services.reverse_payment(payment=payment, date=TODAY)


def test_reversal_of_a_partly_allocated_payment_clears_its_rest(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    payment = pay(invoice.client, "2000", [(invoice, "1000")])
    services.reverse_payment(payment=payment, date=TODAY)
    balance = selectors.client_balance(client=invoice.client)
    assert balance.unallocated == 0 and balance.due == Decimal("1560.00")
    with pytest.raises(InvoicingError, match="contre-passé"):
        services.allocate_payment(payment=payment, allocations=[(invoice, Decimal("10"))])


def test_cash_above_1000_euros_is_refused_between_professionals(cabinet):
    company = factories.make_client(cabinet, categorie=Category.ENTREPRISE)
    with pytest.raises(InvoicingError, match=r"espèces ne peut pas dépasser 1\xa0000,00\xa0€ TTC") as e:
        pay(company, "1000.01", mode="especes")
    assert e.value.field == "mode" and "L112-6" in e.value.message
    assert pay(company, "1000", mode="especes").amount == Decimal("1000.00")


def test_cash_up_to_15000_euros_for_an_individual_living_abroad(cabinet):
    abroad = factories.make_client(cabinet, categorie=Category.PARTICULIER, pays="Belgique")
    assert pay(abroad, "15000", mode="especes").amount == Decimal("15000.00")
    with pytest.raises(InvoicingError, match="hors de France"):
        pay(abroad, "15000.01", mode="especes")
    resident = factories.make_client(cabinet, categorie=Category.PARTICULIER, pays="France")
    with pytest.raises(InvoicingError, match=r"1\xa0000,00"):
        pay(resident, "1200", mode="especes")


def test_cash_refund_is_capped_too(cabinet):
    payment = pay(factories.make_client(cabinet), "5000")
    with pytest.raises(InvoicingError, match="espèces"):
        services.refund_payment(payment=payment, amount=Decimal("1500"), date=TODAY, mode="especes")
