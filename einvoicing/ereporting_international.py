"""E-reporting of international B2B sales (routing « international »): invoice-level data (flux 10.1,
TransactionsReport/Invoice) and the payments of those invoices (flux 10.2, PaymentsReport/Invoice), as the AIFE
XSD and the PPF schematron (Annexe 7 v1.8) define them (reference.md §6).

Assumptions where the reference says « unverified » (each kept here, in one place):
- The buyer is identified by its VAT number: scheme 0223 (UE hors France) for a buyer in the European Union,
  0227 (hors UE) elsewhere (rules G2.19, G6.28). A foreign buyer without one cannot be reported: the check says
  so (G6.28) and nothing is sent.
- Cadre de facturation S1 (services) for every invoice (BusinessProcess/ID, G1.02).
- An avoir is TypeCode 381 with positive amounts and a reference to its invoice (G1.32).
- Payments (10.2) follow the same rule as 10.4: reported when VAT is due on receipt (no débits option), each
  allocated amount split over the invoice's VAT rates pro rata of its TTC.
- Débours are left out, as in 10.3.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from einvoicing import ereporting, routing, services
from invoices import facturx, totals
from invoices.errors import InvoicingError
from invoices.models import Invoice, InvoiceKind, InvoiceStatus, PaymentAllocation

BUSINESS_PROCESS = "S1"
BUSINESS_PROCESS_TYPE = "urn.cpro.gouv.fr:1p0:ereporting"
INVOICE, CREDIT_NOTE = "380", "381"
EU = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)  # member states (ISO 3166 alpha-2; Greece is EL in VAT numbers, GR here)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceRow:
    """One TG-8 Invoice of a 10.1 report, as the page shows it."""

    number: str
    date: datetime.date
    type_code: str
    client: str
    country: str
    buyer_id: str
    buyer_scheme: str
    rates: tuple[ereporting.RateTotal, ...]
    categories: tuple[tuple[str, str, str], ...]  # (code, reason, reason code) per rate row
    due_date: datetime.date | None
    origin: tuple[str, datetime.date] | None

    @property
    def base(self) -> Decimal:
        return sum((r.base for r in self.rates), ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((r.vat for r in self.rates), ZERO)


@dataclass(frozen=True)
class PaymentRow:
    """One Invoice of a 10.2 report: a payment of an international invoice, per VAT rate (TTC)."""

    number: str
    issue_date: datetime.date
    date: datetime.date
    amounts: tuple[tuple[Decimal, Decimal], ...]

    @property
    def total(self) -> Decimal:
        return sum((a for _, a in self.amounts), ZERO)


def _international(invoice: Invoice) -> bool:
    return services.routing_for(invoice).route == routing.Route.EREPORTING_INTERNATIONAL


def _country(client) -> str:
    try:
        return facturx._country(client.pays)
    except InvoicingError:
        return ""


def documents(cabinet, start: datetime.date, end: datetime.date) -> list[Invoice]:
    found = (
        Invoice.objects.filter(cabinet=cabinet, issue_date__range=(start, end))
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("client", "origin")
        .prefetch_related("lines")
        .order_by("issue_date", "id")
    )
    return [d for d in found if _international(d)]


def _row(invoice: Invoice) -> InvoiceRow | None:
    rows = [r for r in invoice.vat_breakdown() if not r.is_debours]
    if not rows:
        return None
    country = _country(invoice.client)
    credit = invoice.kind == InvoiceKind.AVOIR
    origin = invoice.origin
    return InvoiceRow(
        number=invoice.number,
        date=invoice.issue_date,
        type_code=CREDIT_NOTE if credit else INVOICE,
        client=invoice.client.nom,
        country=country,
        buyer_id=(invoice.client.tva_intracom or "")[:18],
        buyer_scheme="0223" if country in EU else "0227",
        rates=tuple(ereporting.RateTotal(r.rate, r.base, r.vat) for r in rows),
        categories=tuple((r.category.code, r.category.reason, r.category.reason_code) for r in rows),
        due_date=None if credit else invoice.due_date,
        origin=(origin.number, origin.issue_date) if credit and origin is not None else None,
    )


def invoices(cabinet, start: datetime.date, end: datetime.date) -> list[InvoiceRow]:
    return [row for row in (_row(d) for d in documents(cabinet, start, end)) if row is not None]


def payments(cabinet, start: datetime.date, end: datetime.date) -> list[PaymentRow]:
    if cabinet.vat_on_debits:
        return []
    allocations = (
        PaymentAllocation.objects.filter(payment__cabinet=cabinet, payment__date__range=(start, end))
        .select_related("payment", "invoice__client")
        .prefetch_related("invoice__lines")
        .order_by("payment__date", "id")
    )
    rows = []
    for allocation in allocations:
        invoice = allocation.invoice
        if not _international(invoice):
            continue
        amounts = tuple(
            (rate, amount) for rate, amount in ereporting._split(allocation.amount, invoice) if amount
        )
        if amounts:
            rows.append(PaymentRow(invoice.number, invoice.issue_date, allocation.payment.date, amounts))
    return rows


def _sub(parent, tag: str, text: str, **attrs):
    element = etree.SubElement(parent, tag, **attrs)
    element.text = text
    return element


def invoices_xml(
    cabinet,
    start,
    end,
    *,
    platform_matricule: str,
    platform_name: str,
    type_code: str = "IN",
    version: int = 1,
    rows: list[InvoiceRow] | None = None,
) -> bytes:
    """Flux 10.1 of the period; `rows` when the caller already computed invoices() for it."""
    root, report = ereporting._report(
        cabinet,
        start,
        end,
        kind="INV",
        section="TransactionsReport",
        platform_matricule=platform_matricule,
        platform_name=platform_name,
        type_code=type_code,
        version=version,
    )
    due_code = ereporting.DUE_ON_INVOICE if cabinet.vat_on_debits else ereporting.DUE_ON_PAYMENT
    for row in invoices(cabinet, start, end) if rows is None else rows:
        invoice = etree.SubElement(report, "Invoice")
        _sub(invoice, "ID", row.number)
        _sub(invoice, "IssueDate", f"{row.date:%Y%m%d}")
        _sub(invoice, "TypeCode", row.type_code)
        _sub(invoice, "CurrencyCode", "EUR")
        if row.due_date:
            _sub(invoice, "DueDate", f"{row.due_date:%Y%m%d}")
        _sub(invoice, "TaxDueDateTypeCode", due_code)
        process = etree.SubElement(invoice, "BusinessProcess")
        _sub(process, "ID", BUSINESS_PROCESS)
        _sub(process, "TypeID", BUSINESS_PROCESS_TYPE)
        if row.origin:
            reference = etree.SubElement(invoice, "ReferencedDocument")
            _sub(reference, "ID", row.origin[0])
            _sub(reference, "IssueDate", f"{row.origin[1]:%Y%m%d}")
        seller = etree.SubElement(invoice, "Seller")
        _sub(seller, "CompanyId", (cabinet.siret or "")[:9], schemeId="0002")
        _sub(seller, "TaxRegistrationId", cabinet.tva_intracom or "", qualifyingId="VAT")
        _sub(etree.SubElement(seller, "PostalAddress"), "CountryId", "FR")
        buyer = etree.SubElement(invoice, "Buyer")
        if row.buyer_id:
            _sub(buyer, "CompanyId", row.buyer_id, schemeId=row.buyer_scheme)
            _sub(buyer, "TaxRegistrationId", row.buyer_id, qualifyingId="VAT")
        if row.country:
            _sub(etree.SubElement(buyer, "PostalAddress"), "CountryId", row.country)
        total = etree.SubElement(invoice, "MonetaryTotal")
        _sub(total, "TaxExclusiveAmount", ereporting._amount(row.base))
        _sub(total, "TaxAmount", ereporting._amount(row.vat), CurrencyCode="EUR")
        for r, (code, reason, reason_code) in zip(row.rates, row.categories, strict=True):
            sub = etree.SubElement(invoice, "TaxSubTotal")
            _sub(sub, "TaxableAmount", ereporting._amount(r.base))
            _sub(sub, "TaxAmount", ereporting._amount(r.vat))
            category = etree.SubElement(sub, "TaxCategory")
            _sub(category, "Code", code)
            _sub(category, "Percent", ereporting._rate(r.rate))
            if code == "E":
                _sub(category, "TaxExemptionReason", reason)
                _sub(category, "TaxExemptionReasonCode", reason_code)
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
    rows: list[PaymentRow] | None = None,
) -> bytes:
    """Flux 10.2 of the period; `rows` when the caller already computed payments() for it."""
    root, report = ereporting._report(
        cabinet,
        start,
        end,
        kind="IPAY",
        section="PaymentsReport",
        platform_matricule=platform_matricule,
        platform_name=platform_name,
        type_code=type_code,
        version=version,
    )
    for row in payments(cabinet, start, end) if rows is None else rows:
        invoice = etree.SubElement(report, "Invoice")
        _sub(invoice, "InvoiceID", row.number)
        _sub(invoice, "IssueDate", f"{row.issue_date:%Y%m%d}")
        payment = etree.SubElement(invoice, "Payment")
        _sub(payment, "Date", f"{row.date:%Y%m%d}")
        for rate, amount in row.amounts:
            sub = etree.SubElement(payment, "SubTotals")
            _sub(sub, "TaxPercent", ereporting._rate(rate))
            _sub(sub, "CurrencyCode", "EUR")
            _sub(sub, "Amount", ereporting._amount(totals.money(amount)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
