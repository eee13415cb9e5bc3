"""« Valider »: a draft becomes an issued invoice with its number and its stored PDF."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from invoices import facturx, facturx_validation, journal, numbering, pdf, terms, totals
from invoices.errors import InvoiceLocked, InvoicingError
from invoices.models import DocumentAction, Invoice, InvoiceKind, InvoiceStatus, Quote
from invoices.services import figures, ledger
from invoices.services.drafts import (
    check_creditable,
    check_invoice_lines,
    refresh_payment_status,
    refresh_totals,
)
from invoices.services.lines import LineInput
from invoices.services.terms import check_terms, late_rate


def pending_acomptes(invoice: Invoice) -> list[Invoice]:
    """Issued acomptes of the same commande that no issued invoice has deducted yet."""
    if invoice.quote_id is None or invoice.kind != InvoiceKind.FACTURE:
        return []
    return list(
        Invoice.objects.filter(quote_id=invoice.quote_id, kind=InvoiceKind.ACOMPTE)
        .exclude(status=InvoiceStatus.DRAFT)
        .exclude(deducted_by__in=Invoice.objects.exclude(status=InvoiceStatus.DRAFT).exclude(pk=invoice.pk))
        .order_by("issue_date", "number")
    )


def invoiced_ht(quote: Quote) -> Decimal:
    """HT already invoiced on a commande (issued invoices and acomptes, net of avoirs)."""
    issued = Invoice.objects.filter(quote=quote).exclude(status=InvoiceStatus.DRAFT)
    billed = issued.exclude(kind=InvoiceKind.AVOIR).aggregate(ht=Sum("total_ht"), pre=Sum("prepaid_ht"))
    credited = (
        Invoice.objects.filter(origin__quote=quote, kind=InvoiceKind.AVOIR)
        .exclude(status=InvoiceStatus.DRAFT)
        .aggregate(ht=Sum("total_ht"))
    )
    zero = Decimal("0.00")
    return (billed["ht"] or zero) - (billed["pre"] or zero) - (credited["ht"] or zero)


def check_order_not_overcredited(avoir: Invoice) -> None:
    """A commande's invoiced total (invoices − acomptes deducted − avoirs) never goes below zero."""
    if avoir.quote_id is None:
        return
    quote = Quote.objects.select_for_update().get(pk=avoir.quote_id)  # one avoir at a time per commande
    remaining = invoiced_ht(quote)
    if avoir.total_ht > remaining:
        raise InvoicingError(
            f"L'avoir ({totals.money_fr(avoir.total_ht)} HT) dépasse ce qui reste facturé sur la commande "
            f"{quote.number} ({totals.money_fr(remaining)} HT).",
            field="lines",
        )


def issue_invoice(*, invoice: Invoice, today: datetime.date | None = None) -> Invoice:
    """« Valider »: allocates the next number, renders and stores the Factur-X PDF and its sha256, and
    chains the document in the register.

    The CII XML is validated offline (XSD, EN 16931, and BR-FR for a buyer in the French e-invoicing
    scope) before anything is rendered; a broken rule refuses the invoice with that rule in French.
    Everything happens in one transaction holding the series row lock, so a failure (PDF or Factur-X
    included) gives the number back, and the PDF already written is deleted: nothing is half-written.
    The issue date is today, never earlier than the series' last document.
    Raises InvoiceLocked (already issued), InvoicingError, NumberingError.
    """
    written: list = []
    try:
        with transaction.atomic():
            return _issue(invoice, today or timezone.localdate(), written)
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def _issue(invoice: Invoice, today: datetime.date, written: list) -> Invoice:
    invoice = Invoice.objects.select_for_update().select_related("cabinet", "client").get(pk=invoice.pk)
    if invoice.is_issued:
        raise InvoiceLocked(f"{invoice.subject} est déjà {invoice.gendered('émis', 'émise')}.")
    if invoice.client.siret_error():
        raise InvoicingError(
            f"Client « {invoice.client.nom} » : {invoice.client.siret_error()} Complétez sa fiche.",
            field="client",
        )
    lines = [LineInput.from_line(line) for line in invoice.lines.all()]
    check_invoice_lines(invoice, lines)
    origin = None
    if invoice.is_credit_note:
        origin = Invoice.objects.select_for_update().get(pk=invoice.origin_id)
        invoice.origin = origin
    if invoice.kind == InvoiceKind.FACTURE and invoice.quote_id:
        invoice.deducts.set(pending_acomptes(invoice))
    refresh_totals(invoice)
    if origin is not None:
        check_creditable(origin, invoice.total_ttc)
        check_order_not_overcredited(invoice)

    invoice.issue_date = today
    if invoice.kind != InvoiceKind.ACOMPTE:
        # An acompte is billed before the service: it states no service date it does not know.
        invoice.service_date = invoice.service_date or today
    if not invoice.is_credit_note:
        check_terms(
            client=invoice.client, days=invoice.payment_terms_days, end_of_month=invoice.payment_end_of_month
        )
    invoice.due_date = terms.due_date(
        today, invoice.payment_terms_days, end_of_month=invoice.payment_end_of_month
    )
    if not invoice.is_credit_note:
        stated = late_rate(invoice, due_date=invoice.due_date)
        invoice.late_rate, invoice.late_rate_text = stated.rate, stated.text
    allocation = numbering.allocate(cabinet=invoice.cabinet, issue_date=today)
    invoice.number = allocation.number
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_at = timezone.now()
    xml = facturx.invoice_xml(invoice)
    report = facturx_validation.validate(xml, french_rules=facturx.in_french_scope(invoice))
    if not report.ok:
        raise InvoicingError(report.message())
    content = pdf.render_invoice_pdf(invoice, facturx_xml=xml)
    invoice.pdf_sha256 = hashlib.sha256(content).hexdigest()
    invoice.pdf.save(invoice.pdf_filename(), ContentFile(content), save=False)
    written.append((invoice.pdf.storage, invoice.pdf.name))
    invoice.save()
    figures.count_issued(invoice)
    ledger.register_issue(invoice=invoice, sequence=allocation.sequence, xml=xml)
    journal.record(action=DocumentAction.ISSUED, invoice=invoice, detail=f"N° {invoice.number}")

    if origin is not None:
        origin.credited_amount += invoice.total_ttc
        refresh_payment_status(origin)
        origin.save(update_fields=["credited_amount", "status", "updated_at"])
        journal.record(
            action=DocumentAction.CREDITED,
            invoice=origin,
            detail=f"Avoir N° {invoice.number} de {totals.money_fr(invoice.total_ttc)} TTC",
        )
    return invoice
