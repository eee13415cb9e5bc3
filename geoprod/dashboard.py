"""The tableau de bord's figures for one cabinet and one period, each block in one aggregate query.

Turnover invoiced is HT of the issued documents (a final facture counts what it adds to its acomptes,
an avoir counts negatively); collected is the règlements of the month (a contre-passation negatively).
Both are read from the monthly running totals kept by invoices.services.figures, so the page does not
sum tens of thousands of invoices on each visit.
The unpaid ageing is the receivables as they stand today, whatever the period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from chorus.models import ChorusSubmission, SubmissionState, status_label
from geoprod.models import Cabinet
from invoices.models import (
    OPEN_STATUSES,
    Invoice,
    InvoiceKind,
    MonthlyCollection,
    MonthlyTurnover,
    Quote,
    QuoteStatus,
)

ZERO = Decimal("0.00")
MONTHS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
MAX_MONTHS = 36
TOP_CLIENTS = 5
AGE_BUCKETS = (
    ("not_due", "Non échu"),
    ("d30", "0 à 30 jours"),
    ("d60", "31 à 60 jours"),
    ("d90", "61 à 90 jours"),
    ("over90", "Plus de 90 jours"),
)


def _money(expression, **kw) -> Sum:
    return Sum(expression, output_field=DecimalField(max_digits=16, decimal_places=2), default=ZERO, **kw)


def _q(value) -> Decimal:
    return Decimal(value or 0).quantize(ZERO)


AMOUNT_DUE = Greatest(F("net_to_pay") - F("paid_amount") - F("credited_amount"), Value(ZERO))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The twelve months up to and including the current one."""
    today = today or timezone.localdate()
    return add_months(month_start(today), -11), month_start(today)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(count)]


def month_label(month: datetime.date) -> str:
    return f"{MONTHS_FR[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class Month:
    month: datetime.date
    invoiced: Decimal
    collected: Decimal

    @property
    def label(self) -> str:
        return month_label(self.month)


@dataclass(frozen=True)
class Dashboard:
    start: datetime.date
    end: datetime.date
    months: list[Month]
    ageing: list[tuple[str, str, Decimal, int]]
    top_clients: list[dict]
    quotes: dict
    chorus: list[tuple[str, int]]
    totals: dict = field(default_factory=dict)

    @property
    def unpaid_total(self) -> Decimal:
        return sum((amount for _, _, amount, _ in self.ageing), ZERO)

    def chart_data(self) -> dict:
        """What static/js/dashboard.js draws (amounts as strings: exact, and never a float in the page)."""
        return {
            "turnover": {
                "labels": [m.label for m in self.months],
                "invoiced": [str(m.invoiced) for m in self.months],
                "collected": [str(m.collected) for m in self.months],
            },
            "ageing": {
                "labels": [label for _, label, _, _ in self.ageing],
                "amounts": [str(amount) for _, _, amount, _ in self.ageing],
            },
        }


def turnover_by_month(cabinet: Cabinet, first: datetime.date, last: datetime.date) -> list[Month]:
    """Invoiced HT and collected per month from `first` to `last` (first days of months), read from the
    running totals kept at « Valider » and at each règlement (invoices.services.figures): two queries
    over at most a few thousand small rows, whatever the number of invoices."""
    end = add_months(last, 1)
    invoiced = {
        _as_date(month): ht
        for month, ht in MonthlyTurnover.objects.filter(cabinet=cabinet, month__gte=first, month__lt=end)
        .values("month")
        .annotate(total=_money(F("ht")))
        .values_list("month", "total")
        .order_by()
    }
    collected = {
        _as_date(month): amount
        for month, amount in MonthlyCollection.objects.filter(
            cabinet=cabinet, month__gte=first, month__lt=end
        ).values_list("month", "amount")
    }
    return [Month(m, _q(invoiced.get(m)), _q(collected.get(m))) for m in months_between(first, last)]


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def unpaid_by_age(
    cabinet: Cabinet, today: datetime.date | None = None
) -> list[tuple[str, str, Decimal, int]]:
    """What clients still owe, by days past the due date, in one query: (key, label, amount, count)."""
    today = today or timezone.localdate()
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    buckets = {
        "not_due": Q(due_date__gte=today) | Q(due_date__isnull=True),
        "d30": Q(due_date__lt=today, due_date__gte=ago(30)),
        "d60": Q(due_date__lt=ago(30), due_date__gte=ago(60)),
        "d90": Q(due_date__lt=ago(60), due_date__gte=ago(90)),
        "over90": Q(due_date__lt=ago(90)),
    }
    aggregates = {}
    for key, condition in buckets.items():
        aggregates[key] = _money(AMOUNT_DUE, filter=condition)
        aggregates[f"{key}_n"] = Count("id", filter=condition)
    row = (
        Invoice.objects.filter(cabinet=cabinet, status__in=OPEN_STATUSES)
        .exclude(kind=InvoiceKind.AVOIR)
        .aggregate(**aggregates)
    )
    return [(key, label, _q(row[key]), row[f"{key}_n"]) for key, label in AGE_BUCKETS]


def top_clients(
    cabinet: Cabinet, first: datetime.date, end: datetime.date, limit: int = TOP_CLIENTS
) -> list[dict]:
    """The clients invoiced the most HT over the period (net of avoirs), with their names, in one query
    over the monthly running totals."""
    rows = (
        MonthlyTurnover.objects.filter(cabinet=cabinet, month__gte=first, month__lt=end)
        .values("client_id", "client__nom")
        .annotate(ht=_money(F("ht")), count=Sum("documents"))
        .order_by("-ht", "client__nom", "client_id")[:limit]
    )
    return [
        {"id": row["client_id"], "nom": row["client__nom"], "ht": _q(row["ht"]), "count": row["count"]}
        for row in rows
    ]


def quote_figures(cabinet: Cabinet, first: datetime.date, end: datetime.date) -> dict:
    """Devis of the period and how many became commandes; the devis still awaiting an answer today."""
    in_period = Q(date__gte=first, date__lt=end)
    pending = Q(status=QuoteStatus.PENDING)
    row = Quote.objects.filter(cabinet=cabinet).aggregate(
        issued=Count("id", filter=in_period),
        accepted=Count("id", filter=in_period & Q(status=QuoteStatus.ACCEPTED)),
        refused=Count("id", filter=in_period & Q(status=QuoteStatus.REFUSED)),
        open_count=Count("id", filter=pending),
        open_ht=_money(F("total_ht"), filter=pending),
    )
    rate = (
        (Decimal(row["accepted"] * 100) / row["issued"]).quantize(Decimal("0.1")) if row["issued"] else None
    )
    return {**row, "open_ht": _q(row["open_ht"]), "rate": rate}


def chorus_by_status(cabinet: Cabinet) -> list[tuple[str, int]]:
    """Invoices sent through Chorus Pro, counted by where they stand (Chorus's status once submitted)."""
    rows = (
        ChorusSubmission.objects.filter(cabinet=cabinet)
        .values("state", "chorus_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, int] = {}
    for row in rows:
        if row["state"] == SubmissionState.SUBMITTED and row["chorus_status"]:
            label = status_label(row["chorus_status"])
        else:
            label = SubmissionState(row["state"]).label
        counts[label] = counts.get(label, 0) + row["n"]
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def dashboard(*, cabinet: Cabinet, first: datetime.date, last: datetime.date) -> Dashboard:
    """Every figure of the tableau de bord from month `first` to month `last` (first days of months)."""
    end = add_months(last, 1)
    months = turnover_by_month(cabinet, first, last)
    return Dashboard(
        start=first,
        end=end - datetime.timedelta(days=1),
        months=months,
        ageing=unpaid_by_age(cabinet),
        top_clients=top_clients(cabinet, first, end),
        quotes=quote_figures(cabinet, first, end),
        chorus=chorus_by_status(cabinet),
        totals={
            "invoiced": sum((m.invoiced for m in months), ZERO),
            "collected": sum((m.collected for m in months), ZERO),
        },
    )
