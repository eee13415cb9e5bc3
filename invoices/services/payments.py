"""Règlements: record a payment (allocated in full, in part or not at all), allocate its rest later, refund
the rest, reverse it by a counter-entry. The unallocated rest stays on the client's account."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from clients.models import FRANCE, Category, Client
from geoprod.models import Cabinet
from invoices import journal, totals
from invoices.errors import InvoicingError
from invoices.models import DocumentAction, Invoice, Payment, PaymentAllocation, PaymentMode
from invoices.services import figures
from invoices.services.drafts import refresh_payment_status

ZERO = Decimal("0.00")
# Code monétaire et financier, art. L112-6 and D112-3: cash is capped at 1 000 € when the debtor has its tax
# home in France or acts for its business, at 15 000 € for an individual whose tax home is abroad.
CASH_LIMIT = Decimal("1000.00")
CASH_LIMIT_NON_RESIDENT = Decimal("15000.00")


def cash_limit(client: Client) -> Decimal:
    """The highest amount this client may settle in cash."""
    abroad = (client.pays or "").strip().lower() not in FRANCE
    if client.categorie == Category.PARTICULIER and abroad:
        return CASH_LIMIT_NON_RESIDENT
    return CASH_LIMIT


def _check_cash(*, client: Client, amount: Decimal, mode: str) -> None:
    limit = cash_limit(client)
    if mode == PaymentMode.ESPECES and abs(amount) > limit:
        who = (
            "pour un particulier domicilié fiscalement hors de France"
            if limit == CASH_LIMIT_NON_RESIDENT
            else "pour un débiteur domicilié en France ou agissant pour son activité professionnelle"
        )
        raise InvoicingError(
            f"Un paiement en espèces ne peut pas dépasser {totals.money_fr(limit)} TTC {who} "
            "(art. L112-6 et D112-3 du code monétaire et financier). Choisissez un autre mode de règlement.",
            field="mode",
        )


def _apply(invoice: Invoice, amount: Decimal) -> None:
    invoice.paid_amount += amount
    refresh_payment_status(invoice)
    invoice.save(update_fields=["paid_amount", "status", "updated_at"])


def _checked_allocations(
    *, cabinet: Cabinet, client: Client, allocations: Sequence[tuple[Invoice, Decimal]], available: Decimal
) -> tuple[dict[int, Decimal], dict[int, Invoice]]:
    """Locks the invoices and checks each part; returns the parts and the locked invoices by id."""
    wanted: dict[int, Decimal] = {}
    for inv, part in allocations:
        if part:
            wanted[inv.pk] = wanted.get(inv.pk, ZERO) + totals.money(part)
    allocated = sum(wanted.values(), ZERO)
    if allocated > available:
        raise InvoicingError(
            f"La somme affectée aux factures ({totals.money_fr(allocated)}) dépasse le montant disponible du "
            f"règlement ({totals.money_fr(available)}).",
            field="allocations",
        )
    locked = Invoice.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    invoices = {inv.pk: inv for inv in locked}
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
    return wanted, invoices


def _allocate(payment: Payment, wanted: dict[int, Decimal], invoices: dict[int, Invoice]) -> None:
    from einvoicing import encaissee  # the reform's « Encaissée » status, in the payment's transaction

    for pk, part in wanted.items():
        allocation = PaymentAllocation.objects.create(payment=payment, invoice=invoices[pk], amount=part)
        _apply(invoices[pk], part)
        encaissee.on_allocation(allocation)
        journal.record(
            action=DocumentAction.PAYMENT_RECORDED,
            invoice=invoices[pk],
            detail=f"{totals.money_fr(part)} ({payment.get_mode_display()}) du {payment.date:%d/%m/%Y}",
        )


@transaction.atomic
def record_payment(
    *,
    cabinet: Cabinet,
    client: Client,
    date: datetime.date,
    amount: Decimal,
    mode: str,
    allocations: Sequence[tuple[Invoice, Decimal]] = (),
    reference: str = "",
    user=None,
) -> Payment:
    """Records a payment and allocates it to issued invoices of the same client; what is not allocated stays
    on the client's account (acompte reçu, trop-perçu).

    Raises InvoicingError (amount not positive, cash above the legal limit, allocations above the amount, an
    amount above what is still due, an invoice of another client or not issued).
    """
    amount = totals.money(amount)
    if amount <= 0:
        raise InvoicingError("Le montant du règlement doit être positif.", field="amount")
    if mode not in PaymentMode.values:
        raise InvoicingError("Mode de règlement inconnu.", field="mode")
    if client.cabinet_id != cabinet.id:
        raise InvoicingError("Ce client n'appartient pas au cabinet.", field="client")
    _check_cash(client=client, amount=amount, mode=mode)
    wanted, invoices = _checked_allocations(
        cabinet=cabinet, client=client, allocations=allocations, available=amount
    )
    payment = Payment(
        cabinet=cabinet, client=client, date=date, amount=amount, mode=mode, reference=reference[:100]
    )
    payment.created_by = user
    payment.save()
    figures.count_payment(payment)
    _allocate(payment, wanted, invoices)
    return payment


def _locked_open_payment(payment: Payment) -> Payment:
    payment = (
        Payment.objects.select_for_update()
        .select_related("client", "cabinet")
        .prefetch_related("allocations", "refunds")
        .get(pk=payment.pk)
    )
    if payment.reversal_of_id is not None or payment.refund_of_id is not None:
        raise InvoicingError("Cette écriture ne porte aucun montant à affecter.")
    if Payment.objects.filter(reversal_of=payment).exists():
        raise InvoicingError("Ce règlement a été contre-passé.")
    return payment


@transaction.atomic
def allocate_payment(
    *, payment: Payment, allocations: Sequence[tuple[Invoice, Decimal]], user=None
) -> Payment:
    """Allocates the unallocated rest of a payment (or part of it) to open invoices of its client.

    Raises InvoicingError (nothing to allocate, more than the rest, an invoice not of this client or above
    what it still owes).
    """
    payment = _locked_open_payment(payment)
    if not any(part for _, part in allocations):
        raise InvoicingError("Indiquez le montant à affecter à au moins une facture.", field="allocations")
    wanted, invoices = _checked_allocations(
        cabinet=payment.cabinet, client=payment.client, allocations=allocations, available=payment.unallocated
    )
    _allocate(payment, wanted, invoices)
    return payment


@transaction.atomic
def refund_payment(
    *, payment: Payment, amount: Decimal, date: datetime.date, mode: str, reason: str = "", user=None
) -> Payment:
    """Gives back (part of) the unallocated rest of a payment: a refund entry of the opposite sign.

    Raises InvoicingError (amount not positive or above the rest, cash above the legal limit).
    """
    payment = _locked_open_payment(payment)
    amount = totals.money(amount)
    if amount <= 0:
        raise InvoicingError("Le montant remboursé doit être positif.", field="amount")
    if amount > payment.unallocated:
        raise InvoicingError(
            f"Le montant remboursé ({totals.money_fr(amount)}) dépasse le montant non affecté du règlement "
            f"({totals.money_fr(payment.unallocated)}).",
            field="amount",
        )
    if mode not in PaymentMode.values:
        raise InvoicingError("Mode de règlement inconnu.", field="mode")
    _check_cash(client=payment.client, amount=amount, mode=mode)
    refund = Payment(
        cabinet=payment.cabinet,
        client=payment.client,
        date=date,
        amount=-amount,
        mode=mode,
        reference=(reason or f"Remboursement du trop-perçu du {payment.date:%d/%m/%Y}")[:100],
        refund_of=payment,
        created_by=user,
    )
    refund.save()
    figures.count_payment(refund)
    return refund


@transaction.atomic
def reverse_payment(*, payment: Payment, date: datetime.date, reason: str = "", user=None) -> Payment:
    """Cancels a payment by a counter-entry of the opposite amount on the same invoices.

    Raises InvoicingError (already reversed, a counter-entry or a refund itself, or partly refunded).
    """
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.reversal_of_id is not None:
        raise InvoicingError("Une contre-passation ne se contre-passe pas.")
    if payment.refund_of_id is not None:
        raise InvoicingError("Un remboursement ne se contre-passe pas.")
    if Payment.objects.filter(reversal_of=payment).exists():
        raise InvoicingError("Ce règlement a déjà été contre-passé.")
    if payment.refunds.exists():
        raise InvoicingError(
            "Une partie de ce règlement a été remboursée au client : il ne peut plus être contre-passé."
        )
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
    figures.count_payment(counter)
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
