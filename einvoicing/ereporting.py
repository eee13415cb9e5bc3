"""E-reporting (flux 10) of the sales that are not e-invoiced: the daily totals of sales to individuals and
other non-registered buyers (10.3, TransactionsReport/Transactions, category TPS1 since a cabinet sells
services) and their collections per day and VAT rate (10.4, PaymentsReport/Transactions), as the AIFE XSD and
the PPF schematron (Annexe 7 v1.8) define them (reform reference.md §6).

Assumptions where the reference says « unverified » (each kept here, in one place):
- Sender (TG-3) is the cabinet's Plateforme Agréée, scheme 0238, its 4-character matricule, role WK (rule
  G6.22/G7.51); the declarant (TG-5) is the cabinet, SIREN scheme 0002, role SE.
- Débours (re-invoiced on the client's behalf, outside the VAT base) are not the cabinet's sales: left out.
- Collections (10.4) are reported only when VAT is due on receipt (services without the débits option); each
  allocated amount is split over the invoice's VAT rates pro rata of its TTC, the last rate taking the cents.
- Amounts of an avoir count negatively on its issue date (the schematron allows signed amounts in 10.3).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from lxml import etree

from einvoicing import routing, schematron, services
from invoices import totals
from invoices.models import Invoice, InvoiceKind, InvoiceStatus, PaymentAllocation

FLUX10 = Path(__file__).parent / "flux10"
XSD = FLUX10 / "ereporting.xsd"
SCHEMATRON = FLUX10 / "PPF_Flux10_v1.0.sch"
SERVICES = "TPS1"
# UNTDID 2475: 5 = VAT due on the invoice date (débits option), 72 = on payment (encaissements).
DUE_ON_INVOICE, DUE_ON_PAYMENT = "5", "72"
SELLER_ROLE, PLATFORM_ROLE = "SE", "WK"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RateTotal:
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class DayTransactions:
    """One TG-31 block: a day's sales of one category."""

    date: datetime.date
    category: str
    tax_due_code: str
    count: int
    rates: tuple[RateTotal, ...]

    @property
    def base(self) -> Decimal:
        return sum((r.base for r in self.rates), ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((r.vat for r in self.rates), ZERO)


@dataclass(frozen=True)
class DayPayments:
    """One TG-37 block: a day's collections, per VAT rate (amounts TTC)."""

    date: datetime.date
    amounts: tuple[tuple[Decimal, Decimal], ...]  # (rate, amount)

    @property
    def total(self) -> Decimal:
        return sum((a for _, a in self.amounts), ZERO)


def _reported(invoice: Invoice) -> bool:
    return services.routing_for(invoice).route == routing.Route.EREPORTING_B2C


def b2c_documents(cabinet, start: datetime.date, end: datetime.date) -> list[Invoice]:
    """Issued invoices and avoirs of the period whose buyer is e-reported as B2C, in issue order."""
    documents = (
        Invoice.objects.filter(cabinet=cabinet, issue_date__range=(start, end))
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("client")
        .prefetch_related("lines")
        .order_by("issue_date", "id")
    )
    return [d for d in documents if _reported(d)]


def _rates(invoice: Invoice) -> list[RateTotal]:
    sign = -1 if invoice.kind == InvoiceKind.AVOIR else 1
    return [
        RateTotal(row.rate, sign * row.base, sign * row.vat)
        for row in invoice.vat_breakdown()
        if not row.is_debours
    ]


def transactions(cabinet, start: datetime.date, end: datetime.date) -> list[DayTransactions]:
    due_code = DUE_ON_INVOICE if cabinet.vat_on_debits else DUE_ON_PAYMENT
    days: dict[datetime.date, dict[Decimal, list[Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: [ZERO, ZERO])
    )
    counts: dict[datetime.date, int] = defaultdict(int)
    for document in b2c_documents(cabinet, start, end):
        rates = _rates(document)
        if not rates:
            continue
        counts[document.issue_date] += 1
        for r in rates:
            slot = days[document.issue_date][r.rate]
            slot[0] += r.base
            slot[1] += r.vat
    return [
        DayTransactions(
            date=day,
            category=SERVICES,
            tax_due_code=due_code,
            count=counts[day],
            rates=tuple(
                RateTotal(rate, base, vat) for rate, (base, vat) in sorted(days[day].items(), reverse=True)
            ),
        )
        for day in sorted(days)
    ]


def _split(amount: Decimal, invoice: Invoice) -> list[tuple[Decimal, Decimal]]:
    rows = [r for r in _rates(invoice) if r.base + r.vat]
    total = sum((r.base + r.vat for r in rows), ZERO)
    if not rows or not total:
        return []
    parts, left = [], amount
    for row in rows[:-1]:
        share = totals.money(amount * (row.base + row.vat) / total)
        parts.append((row.rate, share))
        left -= share
    parts.append((rows[-1].rate, left))
    return parts


def payments(cabinet, start: datetime.date, end: datetime.date) -> list[DayPayments]:
    """Collections of the period on B2C invoices, when VAT is due on receipt (nothing under the débits option)."""
    if cabinet.vat_on_debits:
        return []
    allocations = (
        PaymentAllocation.objects.filter(payment__cabinet=cabinet, payment__date__range=(start, end))
        .select_related("payment", "invoice__client")
        .prefetch_related("invoice__lines")
        .order_by("payment__date", "id")
    )
    days: dict[datetime.date, dict[Decimal, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for allocation in allocations:
        if not _reported(allocation.invoice):
            continue
        for rate, amount in _split(allocation.amount, allocation.invoice):
            days[allocation.payment.date][rate] += amount
    return [
        DayPayments(
            day,
            tuple((rate, amount) for rate, amount in sorted(days[day].items(), reverse=True) if amount > 0),
        )
        for day in sorted(days)
    ]


def _amount(value: Decimal) -> str:
    return f"{totals.money(value):.2f}"


def _rate(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _header(root, *, cabinet, platform_matricule: str, platform_name: str, report_id: str, type_code: str):
    document = etree.SubElement(root, "ReportDocument")
    etree.SubElement(document, "Id").text = report_id
    stamp = etree.SubElement(document, "IssueDateTime")
    etree.SubElement(stamp, "DateTimeString").text = timezone.localtime().strftime("%Y%m%d%H%M%S")
    etree.SubElement(document, "TypeCode").text = type_code
    sender = etree.SubElement(document, "Sender")
    etree.SubElement(sender, "Id", schemeId="0238").text = platform_matricule
    etree.SubElement(sender, "Name").text = platform_name
    etree.SubElement(sender, "RoleCode").text = PLATFORM_ROLE
    issuer = etree.SubElement(document, "Issuer")
    etree.SubElement(issuer, "Id", schemeId="0002").text = (cabinet.siret or "")[:9]
    etree.SubElement(issuer, "Name").text = cabinet.raison_sociale
    etree.SubElement(issuer, "RoleCode").text = SELLER_ROLE


def _period(parent, start: datetime.date, end: datetime.date) -> None:
    period = etree.SubElement(parent, "ReportPeriod")
    etree.SubElement(period, "StartDate").text = f"{start:%Y%m%d}"
    etree.SubElement(period, "EndDate").text = f"{end:%Y%m%d}"


def report_id(cabinet, kind: str, start: datetime.date, type_code: str = "IN", version: int = 1) -> str:
    """« TX-812345676-20261101-IN », « TX-812345676-20261101-RE2 » for the second version of the period:
    ≤ 50 characters of [A-Za-z0-9 -+_/] (rule G1.104)."""
    suffix = str(version) if version > 1 else ""
    return f"{kind}-{(cabinet.siret or '')[:9]}-{start:%Y%m%d}-{type_code}{suffix}"


def _report(
    cabinet,
    start,
    end,
    *,
    kind: str,
    section: str,
    platform_matricule: str,
    platform_name: str,
    type_code: str,
    version: int = 1,
):
    """The Report root with its ReportDocument header, and its one report section (rule G6.29) with the period."""
    root = etree.Element("Report")
    _header(
        root,
        cabinet=cabinet,
        platform_matricule=platform_matricule,
        platform_name=platform_name,
        report_id=report_id(cabinet, kind, start, type_code, version),
        type_code=type_code,
    )
    report = etree.SubElement(root, section)
    _period(report, start, end)
    return root, report


def transactions_xml(
    cabinet,
    start,
    end,
    *,
    platform_matricule: str,
    platform_name: str,
    type_code: str = "IN",
    version: int = 1,
    days: list[DayTransactions] | None = None,
) -> bytes:
    """Flux 10.3 of the period; `days` when the caller already computed transactions() for it."""
    root, report = _report(
        cabinet,
        start,
        end,
        kind="TX",
        section="TransactionsReport",
        platform_matricule=platform_matricule,
        platform_name=platform_name,
        type_code=type_code,
        version=version,
    )
    for day in transactions(cabinet, start, end) if days is None else days:
        block = etree.SubElement(report, "Transactions")
        etree.SubElement(block, "Date").text = f"{day.date:%Y%m%d}"
        etree.SubElement(block, "TransactionsCurrency").text = "EUR"
        etree.SubElement(block, "TaxDueDateTypeCode").text = day.tax_due_code
        etree.SubElement(block, "CategoryCode").text = day.category
        etree.SubElement(block, "TaxExclusiveAmount").text = _amount(day.base)
        etree.SubElement(block, "TaxTotal").text = _amount(day.vat)
        etree.SubElement(block, "TransactionsCount").text = str(day.count)
        for r in day.rates:
            sub = etree.SubElement(block, "TaxSubtotal")
            etree.SubElement(sub, "TaxPercent").text = _rate(r.rate)
            etree.SubElement(sub, "TaxableAmount").text = _amount(r.base)
            etree.SubElement(sub, "TaxTotal").text = _amount(r.vat)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def payments_xml(
    cabinet,
    start,
    end,
    *,
    platform_matricule: str,
    platform_name: str,
    type_code: str = "IN",
    version: int = 1,
    days: list[DayPayments] | None = None,
) -> bytes:
    """Flux 10.4 of the period; `days` when the caller already computed payments() for it."""
    root, report = _report(
        cabinet,
        start,
        end,
        kind="PAY",
        section="PaymentsReport",
        platform_matricule=platform_matricule,
        platform_name=platform_name,
        type_code=type_code,
        version=version,
    )
    for day in payments(cabinet, start, end) if days is None else days:
        block = etree.SubElement(report, "Transactions")
        payment = etree.SubElement(block, "Payment")
        etree.SubElement(payment, "Date").text = f"{day.date:%Y%m%d}"
        for rate, amount in day.amounts:
            sub = etree.SubElement(payment, "SubTotals")
            etree.SubElement(sub, "TaxPercent").text = _rate(rate)
            etree.SubElement(sub, "CurrencyCode").text = "EUR"
            etree.SubElement(sub, "Amount").text = _amount(amount)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _schema() -> etree.XMLSchema:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = etree.XMLSchema(etree.parse(str(XSD)))
    return _SCHEMA


_SCHEMA: etree.XMLSchema | None = None


def check(xml: bytes) -> list[str]:
    """French messages of every fatal failure: the flux 10 XSD first, then the PPF schematron."""
    schema = _schema()
    if not schema.validate(etree.fromstring(xml)):
        return [
            f"Structure refusée par le schéma flux 10 (ligne {e.line}) : {e.message}"
            for e in schema.error_log
        ]
    return [f.message for f in schematron.validate(xml, SCHEMATRON) if f.fatal]


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    @property
    def key(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def _month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def transaction_periods(regime: str, month: datetime.date) -> list[Period]:
    """The transaction periods of `month` for the cabinet's VAT regime (reference.md §6, [M]): ten-day periods
    under the réel normal mensuel, the month under trimestriel and simplifié, two months under franchise
    (the month given and the next, starting on odd months)."""
    first, last = month.replace(day=1), _month_end(month)
    if regime == "reel_mensuel":
        return [
            Period(first, first.replace(day=10)),
            Period(first.replace(day=11), first.replace(day=20)),
            Period(first.replace(day=21), last),
        ]
    if regime == "franchise":
        start = first if first.month % 2 == 1 else (first - datetime.timedelta(days=1)).replace(day=1)
        return [Period(start, _month_end(start.replace(day=28) + datetime.timedelta(days=4)))]
    return [Period(first, last)]


def payment_periods(regime: str, month: datetime.date) -> list[Period]:
    first = month.replace(day=1)
    if regime == "franchise":
        return transaction_periods(regime, month)
    return [Period(first, _month_end(first))]


def parse_period(key: str) -> Period:
    """« 20261101-20261110 » → Period; raises ValueError on anything else."""
    start, end = key.split("-")
    period = Period(
        datetime.datetime.strptime(start, "%Y%m%d").date(), datetime.datetime.strptime(end, "%Y%m%d").date()
    )
    if period.end < period.start or (period.end - period.start).days > 62:
        raise ValueError(key)
    return period
