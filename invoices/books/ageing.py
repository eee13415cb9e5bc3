"""Balance âgée des impayés: what clients still owe, by how long it is past due, per invoice and per client."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, When

from geoprod.models import Cabinet
from invoices.models import OPEN_STATUSES, Invoice, InvoiceKind

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
DUE = ExpressionWrapper(F("net_to_pay") - F("paid_amount") - F("credited_amount"), output_field=MONEY_FIELD)


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    first_day: int | None  # days past due, inclusive; None: not yet due
    last_day: int | None


BUCKETS = (
    Bucket("not_due", "Non échu", None, 0),
    Bucket("d0_30", "0–30 jours", 1, 30),
    Bucket("d31_60", "31–60 jours", 31, 60),
    Bucket("d61_90", "61–90 jours", 61, 90),
    Bucket("d90", "> 90 jours", 91, None),
)


def bucket_of(days_late: int) -> Bucket:
    for bucket in BUCKETS[1:]:
        if days_late >= bucket.first_day and (bucket.last_day is None or days_late <= bucket.last_day):
            return bucket
    return BUCKETS[0]


def unpaid(cabinet: Cabinet) -> QuerySet[Invoice]:
    """Issued factures and acomptes with something still due (an avoir is never owed)."""
    return (
        Invoice.objects.filter(cabinet=cabinet, status__in=OPEN_STATUSES)
        .exclude(kind=InvoiceKind.AVOIR)
        .annotate(due=DUE)
        .filter(due__gt=0)
    )


@dataclass(frozen=True)
class InvoiceAge:
    invoice: Invoice
    due: Decimal
    days_late: int
    bucket: Bucket

    def amount_in(self, key: str) -> Decimal | None:
        return self.due if self.bucket.key == key else None


def by_invoice(cabinet: Cabinet, *, today: datetime.date) -> Iterator[InvoiceAge]:
    """Each unpaid invoice, oldest due date first, with its age."""
    qs = unpaid(cabinet).select_related("client").order_by("due_date", "issue_date", "id")
    for invoice in qs.iterator(chunk_size=2000):
        days = (today - invoice.due_date).days if invoice.due_date else 0
        yield InvoiceAge(invoice, invoice.due, days, bucket_of(days))


def _bucket_filter(bucket: Bucket, today: datetime.date) -> Q:
    """The due dates of a bucket (days past due = today − due date)."""
    q = Q()
    if bucket.first_day is None:
        return Q(due_date__gte=today) | Q(due_date__isnull=True)
    q &= Q(due_date__lte=today - datetime.timedelta(days=bucket.first_day))
    if bucket.last_day is not None:
        q &= Q(due_date__gte=today - datetime.timedelta(days=bucket.last_day))
    return q


def by_client(cabinet: Cabinet, *, today: datetime.date) -> QuerySet:
    """One row per client that owes something: its total and the part in each bucket, in one query."""
    sums = {
        b.key: Sum(Case(When(_bucket_filter(b, today), then=DUE), default=ZERO, output_field=MONEY_FIELD))
        for b in BUCKETS
    }
    return (
        unpaid(cabinet)
        .values("client_id", "client__nom")
        .annotate(total=Sum(DUE), **sums)
        .order_by("-total", "client__nom")
    )
