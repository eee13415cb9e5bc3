"""Règlements: record a payment allocated to one or several invoices, reverse it by a counter-entry."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from clients.models import Client
from geoprod.models import Cabinet
from invoices import journal, totals
from invoices.errors import InvoicingError
from invoices.models import DocumentAction, Invoice, Payment, PaymentAllocation, PaymentMode
from invoices.services.drafts import refresh_payment_status


def _apply(invoice: Invoice, amount: Decimal) -> None:
    invoice.paid_amount += amount
    refresh_payment_status(invoice)
    invoice.save(update_fields=["paid_amount", "status", "updated_at"])


@transaction.atomic
def record_payment(
    *,
    cabinet: Cabinet,
    client: Client,
    date: datetime.date,
    amount: Decimal,
    mode: str,
    allocations: Sequence[tuple[Invoice, Decimal]],
    reference: str = "",
    user=None,
) -> Payment:
    """Records a payment and allocates it to issued invoices of the same client.

    Raises InvoicingError (amount not positive, allocations not adding up, an amount above what is
    still due, an invoice of another client or not issued).
    """
    amount = totals.money(amount)
    if amount <= 0:
        raise InvoicingError("Le montant du règlement doit être positif.", field="amount")
    if mode not in PaymentMode.values:
        raise InvoicingError("Mode de règlement inconnu.", field="mode")
    if client.cabinet_id != cabinet.id:
        raise InvoicingError("Ce client n'appartient pas au cabinet.", field="client")
    wanted = {inv.pk: totals.money(part) for inv, part in allocations if part}
    if not wanted:
        raise InvoicingError("Affectez le règlement à au moins une facture.", field="allocations")
    allocated = sum(wanted.values(), Decimal("0.00"))
    if allocated != amount:
        raise InvoicingError(
            f"La somme affectée aux factures ({totals.money_fr(allocated)}) doit être égale au montant du "
            f"règlement ({totals.money_fr(amount)}).",
            field="allocations",
        )
    locked = Invoice.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    invoices = {inv.pk: inv for inv in locked}
    payment = Payment(
        cabinet=cabinet, client=client, date=date, amount=amount, mode=mode, reference=reference
    )
    payment.created_by = user
    for pk, part in wanted.items():
        invoice = invoices.get(pk)
        if invoice is None or invoice.cabinet_id != cabinet.id or invoice.client_id != client.id:
            raise InvoicingError("Une des factures n'appartient pas à ce client.", field="allocations")
        if not invoice.is_issued or invoice.is_credit_note:
            raise InvoicingError(
                f"La facture {invoice} n'est pas une facture émise à régler.", field="allocations"
            )
        if part < 0:
            raise InvoicingError("Un montant affecté ne peut pas être négatif.", field="allocations")
        if part > invoice.amount_due:
            raise InvoicingError(
                f"Le montant affecté à la facture {invoice.number} ({totals.money_fr(part)}) dépasse le reste dû "
                f"({totals.money_fr(invoice.amount_due)}).",
                field="allocations",
            )
    payment.save()
    for pk, part in wanted.items():
        PaymentAllocation.objects.create(payment=payment, invoice=invoices[pk], amount=part)
        _apply(invoices[pk], part)
        journal.record(
            action=DocumentAction.PAYMENT_RECORDED,
            invoice=invoices[pk],
            detail=f"{totals.money_fr(part)} ({payment.get_mode_display()}) du {payment.date:%d/%m/%Y}",
        )
    return payment


@transaction.atomic
def reverse_payment(*, payment: Payment, date: datetime.date, reason: str = "", user=None) -> Payment:
    """Cancels a payment by a counter-entry of the opposite amount on the same invoices.

    Raises InvoicingError (already reversed, or a counter-entry itself).
    """
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.reversal_of_id is not None:
        raise InvoicingError("Une contre-passation ne se contre-passe pas.")
    if Payment.objects.filter(reversal_of=payment).exists():
        raise InvoicingError("Ce règlement a déjà été contre-passé.")
    counter = Payment(
        cabinet=payment.cabinet,
        client=payment.client,
        date=date,
        amount=-payment.amount,
        mode=payment.mode,
        reference=(reason or f"Contre-passation du règlement du {payment.date:%d/%m/%Y}")[:100],
        reversal_of=payment,
        created_by=user,
    )
    counter.save()
    allocations = list(payment.allocations.order_by("invoice_id"))
    invoices = {
        i.pk: i
        for i in Invoice.objects.select_for_update().filter(pk__in=[a.invoice_id for a in allocations])
    }
    for allocation in allocations:
        PaymentAllocation.objects.create(
            payment=counter, invoice_id=allocation.invoice_id, amount=-allocation.amount
        )
        _apply(invoices[allocation.invoice_id], -allocation.amount)
        journal.record(
            action=DocumentAction.PAYMENT_REVERSED,
            invoice=invoices[allocation.invoice_id],
            detail=f"{totals.money_fr(allocation.amount)} du {payment.date:%d/%m/%Y}",
        )
    return counter
