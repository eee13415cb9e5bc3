"""The tableau de bord's running totals (invoices.models.figures), written in the same transaction as the
business write that changes them: « Valider » of a facture, acompte or avoir adds the document to its
month and client; recording a règlement, a remboursement or a contre-passation adds its amount to its
month. Allocating a règlement changes nothing here (collected is by the règlement's date).

`rebuild` recomputes every row from the documents themselves; the incremental rows must equal it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Count, DecimalField, F, Sum, When
from django.db.models.functions import TruncMonth

from invoices.models import Invoice, InvoiceKind, InvoiceStatus, MonthlyCollection, MonthlyTurnover, Payment

ZERO = Decimal("0.00")


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def contribution(invoice: Invoice) -> tuple[Decimal, Decimal, Decimal]:
    """(HT, TVA, TTC) an issued document adds to the turnover: a final facture what it adds to the
    acomptes it deducts, an avoir negatively."""
    if invoice.kind == InvoiceKind.AVOIR:
        return -invoice.total_ht, -invoice.total_vat, -invoice.total_ttc
    prepaid_vat = invoice.prepaid_ttc - invoice.prepaid_ht
    return (
        invoice.total_ht - invoice.prepaid_ht,
        invoice.total_vat - prepaid_vat,
        invoice.total_ttc - invoice.prepaid_ttc,
    )


def count_issued(invoice: Invoice) -> None:
    """Adds a document being issued to its month's turnover (call inside « Valider »'s transaction)."""
    ht, vat, ttc = contribution(invoice)
    row, _ = MonthlyTurnover.objects.get_or_create(
        cabinet_id=invoice.cabinet_id, month=month_of(invoice.issue_date), client_id=invoice.client_id
    )
    MonthlyTurnover.objects.filter(pk=row.pk).update(
        ht=F("ht") + ht, vat=F("vat") + vat, ttc=F("ttc") + ttc, documents=F("documents") + 1
    )


def count_payment(payment: Payment) -> None:
    """Adds a règlement just recorded (a remboursement or a contre-passation carries a negative amount)
    to its month's collected amount (call inside the transaction that records it)."""
    row, _ = MonthlyCollection.objects.get_or_create(
        cabinet_id=payment.cabinet_id, month=month_of(payment.date)
    )
    MonthlyCollection.objects.filter(pk=row.pk).update(
        amount=F("amount") + payment.amount, payments=F("payments") + 1
    )


def _money(expression) -> Sum:
    return Sum(expression, output_field=DecimalField(max_digits=16, decimal_places=2), default=ZERO)


def _signed(field: str, prepaid=None):
    return Case(
        When(kind=InvoiceKind.AVOIR, then=-F(field)),
        default=F(field) - prepaid if prepaid is not None else F(field),
    )


def turnover_rows(cabinet_id: int | None = None, *, invoice_model=Invoice) -> list[dict]:
    """Every (cabinet, month, client) row as computed from the issued documents themselves."""
    qs = invoice_model.objects.exclude(status=InvoiceStatus.DRAFT).exclude(issue_date=None)
    if cabinet_id is not None:
        qs = qs.filter(cabinet_id=cabinet_id)
    return list(
        qs.annotate(month=TruncMonth("issue_date"))
        .values("cabinet_id", "month", "client_id")
        .annotate(
            ht=_money(_signed("total_ht", F("prepaid_ht"))),
            vat=_money(_signed("total_vat", F("prepaid_ttc") - F("prepaid_ht"))),
            ttc=_money(_signed("total_ttc", F("prepaid_ttc"))),
            documents=Count("id"),
        )
        .order_by()
    )


def collection_rows(cabinet_id: int | None = None, *, payment_model=Payment) -> list[dict]:
    qs = payment_model.objects.all()
    if cabinet_id is not None:
        qs = qs.filter(cabinet_id=cabinet_id)
    return list(
        qs.annotate(month=TruncMonth("date"))
        .values("cabinet_id", "month")
        .annotate(amount=_money(F("amount")), payments=Count("id"))
        .order_by()
    )


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


@transaction.atomic
def rebuild(
    cabinet_id: int | None = None,
    *,
    invoice_model=Invoice,
    payment_model=Payment,
    turnover_model=MonthlyTurnover,
    collection_model=MonthlyCollection,
) -> tuple[int, int]:
    """Recomputes the running totals from scratch (one cabinet, or all); returns the rows written. The
    models are parameters so that a data migration passes its historical ones."""
    turnover = turnover_rows(cabinet_id, invoice_model=invoice_model)
    collected = collection_rows(cabinet_id, payment_model=payment_model)
    for model in (turnover_model, collection_model):
        (
            model.objects.filter(cabinet_id=cabinet_id) if cabinet_id is not None else model.objects.all()
        ).delete()
    turnover_model.objects.bulk_create(
        [turnover_model(**{**row, "month": _as_date(row["month"])}) for row in turnover], batch_size=2000
    )
    collection_model.objects.bulk_create(
        [collection_model(**{**row, "month": _as_date(row["month"])}) for row in collected], batch_size=2000
    )
    return len(turnover), len(collected)
