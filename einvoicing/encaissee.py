"""« Encaissée » (212): the status the cabinet, as seller, sends when a règlement pays (fully or partly) a B2B
e-invoice of services under VAT on receipt (reference.md §4 « Sending 212 », issue 16 §6).

Called by `invoices.services.payments` for each allocation, inside the payment's transaction: the message is
built, validated and recorded there, and its sending is queued on commit (`lifecycle_out`), so a rolled-back
payment sends nothing. One message per allocation, its tracking id derived from the allocation: a retried
task or a replayed call never sends a second one.

Choices where reference.md is silent or says « unverified » (each kept here, in one place):
- Which invoices: VAT on receipt (« TVA sur les encaissements » regime, not the débits option) — reference.md
  §9 lists « whether 212 is required only for services with VAT on receipt » as an uncertainty; a cabinet's
  invoices are services (BT-23 S1/S4, `invoices/facturx.py`).
- Amounts: incl. VAT per rate, as Dolibarr sends them (reference.md §4, [M]); the part paid is shared over the
  invoice's VAT rates pro rata of each rate's TTC, the last rate taking the rounding residue; débours (outside
  the VAT base) are not part of the cash-in of a rate: their share is left out.
- Never for an invoice whose flow the PA acknowledged in Error (reference.md §4, Dolibarr PR #632). Not yet for
  an invoice not (yet) transmitted to the PA, which would not know the invoice it refers to: a règlement
  recorded before the transmission gets its « Encaissée » once the PA acknowledges the flow Ok (`catch_up`,
  called by `sending` and `lifecycle_in` with every acknowledgement Ok they read). Ok and not merely « sent »:
  only then has the flow passed the PA's checks, and a status waiting for it loses nothing. A payment
  recorded while the flow awaits its acknowledgement still sends at once, as it always did (the PA holds the
  flow, and `lifecycle_out` checks again for an Error at sending time).
- A cancelled (contre-passé) payment: the reference gives no status to withdraw an « Encaissée »; no new 212
  is sent for the counter-entry, and the invoice page tells the user what to do (CANCELLED_PAYMENT_NOTICE).
  A payment contre-passé before its « Encaissée » was recorded never gets one: the cash-in did not happen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from einvoicing import lifecycle_out, routing, services
from einvoicing.cdar import StatusSubject
from einvoicing.models import EInvoiceState, OutgoingStatus
from invoices import facturx, totals, vat

logger = logging.getLogger(__name__)

CODE = 212
ZERO = Decimal("0.00")

CANCELLED_PAYMENT_NOTICE = (
    "Ce règlement a été contre-passé après l'envoi du statut « Encaissée ». La réforme ne prévoit pas de "
    "statut qui annule un encaissement : aucun nouveau statut n'est envoyé. Si l'encaissement est "
    "définitivement annulé, signalez-le à votre plateforme agréée et rectifiez votre déclaration de TVA ; le "
    "prochain règlement de la facture enverra un nouveau statut « Encaissée »."
)


def tracking_id(allocation) -> str:
    """Derived from the allocation alone: the same allocation always gives the same trackingId (≤ 36)."""
    return f"ENC-{allocation.pk}"


def subject_for(invoice, *, buyer_address: str = "") -> StatusSubject:
    """The invoice as lifecycle messages name it, from what its issued Factur-X states."""
    seller_siren = (facturx.seller_siret(invoice) or "")[:9]
    einvoice = getattr(invoice, "einvoice", None)
    return StatusSubject(
        invoice_number=invoice.number,
        issue_date=invoice.issue_date,
        type_code=facturx.TYPE_CODES[invoice.kind],
        seller_siren=seller_siren,
        seller_address=seller_siren,  # BT-34: the cabinet's SIREN (facturx.py)
        seller_name=invoice.cabinet.raison_sociale,
        buyer_siren=invoice.client.siren or "",
        buyer_address=buyer_address or (einvoice.buyer_address if einvoice else "") or invoice.client.siren,
        buyer_name=invoice.client.nom,
        flow_id=einvoice.flow_id if einvoice else "",
    )


def amounts_paid(invoice, amount: Decimal) -> list[tuple[Decimal, Decimal]]:
    """(VAT rate, amount incl. VAT) of the part `amount` of the invoice's TTC that was paid, per rate: each
    rate gets amount × its TTC / the invoice's TTC, the last rate the residue, so the parts add up exactly to
    the paid share of the taxable rates (débours left out, see the module's note)."""
    rows = [r for r in invoice.vat_breakdown() if r.base + r.vat]
    total = sum((r.base + r.vat for r in rows), ZERO)
    taxable: dict[Decimal, Decimal] = {}
    for row in rows:  # one MEN block per rate, even when categories share a rate
        if not row.is_debours:
            taxable[row.rate] = taxable.get(row.rate, ZERO) + row.base + row.vat
    if total <= 0:
        return []
    return [(rate, part) for rate, part in totals.prorate(amount, total, taxable).items() if part]


def why_not(invoice) -> str:
    """Why no « Encaissée » goes for a payment of this invoice, "" when one does."""
    if invoice.vat_regime != vat.ENCAISSEMENTS:
        return "La TVA de cette facture n'est pas exigible à l'encaissement."
    if services.routing_for(invoice).route != routing.Route.PA_B2B:
        return "Cette facture ne passe pas par la plateforme agréée."
    einvoice = getattr(invoice, "einvoice", None)
    if einvoice is None or einvoice.state != EInvoiceState.SENT or not einvoice.flow_id:
        return (
            "La facture n'a pas été transmise à la plateforme agréée : le statut « Encaissée » partira quand "
            "la plateforme l'aura acceptée."
        )
    if einvoice.ack_status == "Error":
        return "La plateforme agréée a refusé la facture : aucun statut ne s'y rapporte."
    return ""


def on_allocation(allocation) -> OutgoingStatus | None:
    """Records and queues the « Encaissée » of one allocation, when it applies (see the module's note).
    Called inside the payment's transaction, and by `catch_up` for a payment recorded before the PA accepted
    the invoice. Returns None when nothing is sent (and why is `why_not`)."""
    if allocation.amount <= 0:  # the counter-entry of a cancelled payment: nothing new is sent
        return None
    invoice = allocation.invoice
    if why_not(invoice):
        return None
    account = getattr(invoice.cabinet, "platform_account", None)
    if account is None or allocation.payment.is_reversed:
        return None
    amounts = amounts_paid(invoice, allocation.amount)
    if not amounts:
        return None
    try:
        status = lifecycle_out.record_status(
            account=account,
            subject=subject_for(invoice),
            tracking_id=tracking_id(allocation),
            invoice=invoice,
            allocation=allocation,
            code=CODE,
            sender_role="SE",
            amounts=amounts,
            comment=f"Règlement du {allocation.payment.date:%d/%m/%Y}",
        )
    except lifecycle_out.NotSendable as e:
        # The payment stands whatever happens to its status; the reason is logged (never a secret in it).
        logger.warning("Statut « Encaissée » non construit pour %s : %s", invoice.number, e.message)
        return None
    return status


def catch_up(invoice_ids: Iterable[int]) -> list[OutgoingStatus]:
    """Records and queues the « Encaissée » owed to the allocations of these invoices, once the PA acknowledged
    their flows Ok: each allocation goes through `on_allocation` (same rule, same amounts, same tracking id),
    so one already recorded is found again and nothing is sent twice. Returns the statuses recorded or found."""
    from invoices.models import Invoice, PaymentAllocation

    ids = sorted(set(invoice_ids))
    found: list[OutgoingStatus] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        with transaction.atomic():
            # Locked as record_payment locks them: a payment committing meanwhile either read the acknowledgement
            # (and sent its own status) or is read here once it committed. Without the lock it could do neither.
            list(Invoice.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
            allocations = (
                PaymentAllocation.objects.filter(invoice_id__in=chunk, amount__gt=0)
                .select_related(
                    "invoice__cabinet__platform_account",
                    "invoice__client",
                    "invoice__einvoice",
                    "payment__reversal",
                )
                .order_by("invoice_id", "pk")
            )
            found.extend(s for s in map(on_allocation, allocations) if s is not None)
    return found


def cancelled(status: OutgoingStatus) -> bool:
    """True when the payment this « Encaissée » was sent for has since been cancelled."""
    allocation = status.allocation
    return allocation is not None and allocation.payment.is_reversed
