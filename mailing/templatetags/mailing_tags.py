from __future__ import annotations

from django import template

from mailing import selectors, services

register = template.Library()


@register.inclusion_tag("mailing/_document_emails.html", takes_context=True)
def document_emails(context, document):
    """The « E-mails » panel of a devis or an issued facture / avoir: « Envoyer par e-mail » and each sending."""
    from invoices.models import Quote

    is_quote = isinstance(document, Quote)
    emails = list(
        selectors.document_emails(quote=document) if is_quote else selectors.document_emails(invoice=document)
    )
    return {
        "document": document,
        "is_quote": is_quote,
        "shown": is_quote or document.is_issued,
        "emails": [(e, services.can_retry(e)) for e in emails],
        "csrf_token": context.get("csrf_token"),
    }
