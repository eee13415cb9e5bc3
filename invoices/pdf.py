"""The one place that turns invoicing documents into PDF bytes (WeasyPrint, A4, French).

An issued invoice is a Factur-X: `render_invoice_pdf` renders it as PDF/A-3b and hands it to the
factur-x library, which attaches the XML as `factur-x.xml` (AFRelationship Data) and
writes the Factur-X XMP. `_write_pdf` stays the single call into WeasyPrint.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from facturx import generate_from_binary
from weasyprint import HTML

from invoices import facturx, terms
from invoices.errors import InvoicingError
from invoices.facturx import INDEMNITY
from invoices.models import Invoice, Quote, Reminder

# WeasyPrint reports every layout step at INFO; on a server that is one log line per page rendered.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _base_url() -> str:
    """Directory the PDF templates' relative URLs (css/invoice_pdf.css) resolve against, so no web
    server is needed: the source static folder, or STATIC_ROOT once collected."""
    found = finders.find("css/invoice_pdf.css")
    root = Path(found).parent.parent if found else Path(settings.STATIC_ROOT)
    return root.as_uri() + "/"


def _logo_uri(cabinet) -> str:
    """The cabinet's logo inlined as a data: URI, read through the storage API: media may live in a
    bucket, where there is no local path for WeasyPrint to open."""
    if not cabinet.logo or not cabinet.logo.storage.exists(cabinet.logo.name):
        return ""
    with cabinet.logo.open("rb") as f:
        content = f.read()
    mime = mimetypes.guess_type(cabinet.logo.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _write_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    return HTML(string=html, base_url=_base_url()).write_pdf(pdf_variant=pdf_variant)


def render_letter_pdf(template: str, context: dict) -> bytes:
    """A letter from the cabinet in the documents' style (css/invoice_pdf.css), its logo added as `logo`."""
    return _write_pdf(render_to_string(template, {**context, "logo": _logo_uri(context["cabinet"])}))


def _lines_context(document) -> dict:
    """Taxable lines and débours apart, the VAT breakdown and the VAT mentions (from invoices/vat.py)."""
    lines = list(document.lines.all())
    return {
        "lines": [line for line in lines if not line.debours],
        "debours_lines": [line for line in lines if line.debours],
        "vat_lines": document.vat_breakdown(),
        "vat_mentions": document.vat_mentions(),
    }


def _draft_late_rate_text(invoice: Invoice) -> str:
    """A draft's preview states the rate « Valider » would store; an issued invoice prints its own."""
    from invoices.services.terms import late_rate  # services build on this module

    if invoice.is_issued or invoice.is_credit_note:
        return ""
    due = terms.due_date(
        timezone.localdate(), invoice.payment_terms_days, end_of_month=invoice.payment_end_of_month
    )
    try:
        return late_rate(invoice, due_date=due).text
    except InvoicingError:
        return ""


def invoice_html(invoice: Invoice) -> str:
    """The HTML of an invoice PDF (also used by the benchmark against bare WeasyPrint)."""
    cabinet, client = invoice.cabinet, invoice.client
    context = {
        "doc": invoice,
        "title": invoice.title,
        "number": invoice.number or "BROUILLON",
        "cabinet": cabinet,
        "client": client,
        **_lines_context(invoice),
        "deducted": invoice.deducted_acomptes(),
        "origin": invoice.origin,
        "late_rate_text": invoice.late_rate_text or _draft_late_rate_text(invoice),
        "is_draft": invoice.is_draft,
        "show_b2b_mentions": client.is_professional,
        "indemnity": INDEMNITY,
        "logo": _logo_uri(cabinet),
    }
    return render_to_string("invoices/pdf/invoice.html", context)


def render_invoice_pdf(invoice: Invoice, *, facturx_xml: bytes | None = None) -> bytes:
    """PDF of an invoice, acompte or avoir with every mandatory mention; a draft is stamped BROUILLON.

    An issued invoice becomes a Factur-X: PDF/A-3b with its CII XML attached, `facturx_xml` when the caller
    has already built and validated it (services.issue_invoice), else built here. Raises InvoicingError if
    the XML cannot be built.
    """
    if invoice.is_draft or not invoice.number:
        return _write_pdf(invoice_html(invoice))
    facturx_xml = facturx_xml or facturx.invoice_xml(invoice)
    # factur-x hard-codes PDF/A conformance "B" in the XMP it writes, hence pdf/a-3b (not 3a/3u).
    content = _write_pdf(invoice_html(invoice), pdf_variant="pdf/a-3b")
    return generate_from_binary(
        content,
        facturx_xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,
        lang="fr-FR",
        pdf_metadata={
            "author": invoice.cabinet.raison_sociale,
            "keywords": "Factur-X, facture",
            "title": f"{invoice.title} {invoice.number}",
            "subject": f"{invoice.title} {invoice.number} du {invoice.issue_date:%d/%m/%Y}, "
            f"{invoice.cabinet.raison_sociale}",
        },
    )


def render_quote_pdf(quote: Quote) -> bytes:
    context = {
        "doc": quote,
        "title": "Devis",
        "number": quote.number,
        "cabinet": quote.cabinet,
        "client": quote.client,
        **_lines_context(quote),
        "is_quote": True,
        "show_b2b_mentions": quote.client.is_professional,
        "logo": _logo_uri(quote.cabinet),
    }
    return _write_pdf(render_to_string("invoices/pdf/invoice.html", context))


def render_reminder_pdf(reminder: Reminder) -> bytes:
    from invoices.services.reminders import (  # services build on this module
        dates_fr,
        earlier_reminders,
        stated_rate,
    )

    invoice = reminder.invoice
    earlier = earlier_reminders(reminder)
    context = {
        "reminder": reminder,
        "earlier": earlier,
        "earlier_dates": dates_fr([r.sent_on for r in earlier]),
        "invoice": invoice,
        "late_rate": stated_rate(invoice),
        "cabinet": invoice.cabinet,
        "client": invoice.client,
        "show_b2b_mentions": invoice.client.is_professional,
        "logo": _logo_uri(invoice.cabinet),
    }
    return _write_pdf(render_to_string("invoices/pdf/reminder.html", context))
