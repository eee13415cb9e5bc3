"""The one place that turns invoicing documents into PDF bytes (WeasyPrint, A4, French).

A Factur-X (PDF/A-3b) variant will plug in here: `render_invoice_pdf` is the seam, `_write_pdf` the
single call into WeasyPrint.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML

from invoices import totals
from invoices.models import Invoice, Quote, Reminder

INDEMNITY = Decimal("40.00")

# WeasyPrint reports every layout step at INFO; on a server that is one log line per page rendered.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _base_url() -> str:
    """Directory the PDF templates' relative URLs (css/invoice_pdf.css) resolve against, so no web
    server is needed: the source static folder, or STATIC_ROOT once collected."""
    found = finders.find("css/invoice_pdf.css")
    root = Path(found).parent.parent if found else Path(settings.STATIC_ROOT)
    return root.as_uri() + "/"


def _logo_uri(cabinet) -> str:
    if cabinet.logo and Path(cabinet.logo.path).exists():
        return Path(cabinet.logo.path).as_uri()
    return ""


def _write_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=_base_url()).write_pdf()


def invoice_html(invoice: Invoice) -> str:
    """The HTML of an invoice PDF (also used by the benchmark against bare WeasyPrint)."""
    cabinet, client = invoice.cabinet, invoice.client
    lines = list(invoice.lines.all())
    context = {
        "doc": invoice,
        "title": invoice.title,
        "number": invoice.number or "BROUILLON",
        "cabinet": cabinet,
        "client": client,
        "lines": lines,
        "vat_lines": totals.vat_breakdown((line.total_ht, line.rate) for line in lines),
        "deducted": list(invoice.deducts.order_by("issue_date", "number"))
        if invoice.kind == "facture"
        else [],
        "origin": invoice.origin,
        "is_draft": invoice.is_draft,
        "show_b2b_mentions": client.is_professional,
        "indemnity": INDEMNITY,
        "logo": _logo_uri(cabinet),
    }
    return render_to_string("invoices/pdf/invoice.html", context)


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """PDF of an invoice, acompte or avoir with every mandatory mention; a draft is stamped BROUILLON."""
    return _write_pdf(invoice_html(invoice))


def render_quote_pdf(quote: Quote) -> bytes:
    context = {
        "doc": quote,
        "title": "Devis",
        "number": quote.number,
        "cabinet": quote.cabinet,
        "client": quote.client,
        "lines": list(quote.lines.all()),
        "vat_lines": totals.vat_breakdown((line.total_ht, line.rate) for line in quote.lines.all()),
        "is_quote": True,
        "show_b2b_mentions": quote.client.is_professional,
        "logo": _logo_uri(quote.cabinet),
    }
    return _write_pdf(render_to_string("invoices/pdf/invoice.html", context))


def render_reminder_pdf(reminder: Reminder) -> bytes:
    invoice = reminder.invoice
    context = {
        "reminder": reminder,
        "invoice": invoice,
        "cabinet": invoice.cabinet,
        "client": invoice.client,
        "show_b2b_mentions": invoice.client.is_professional,
        "logo": _logo_uri(invoice.cabinet),
    }
    return _write_pdf(render_to_string("invoices/pdf/reminder.html", context))
