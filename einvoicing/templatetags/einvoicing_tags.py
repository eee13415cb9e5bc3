"""The reform's blocks on the invoice pages, kept here so the invoicing module need not know this one."""

from __future__ import annotations

from django import template

from einvoicing import services

register = template.Library()


@register.inclusion_tag("einvoicing/_routing.html", takes_context=True)
def invoice_routing(context, invoice):
    from einvoicing.models import EInvoice

    return {
        "routing": services.routing_for(invoice),
        "invoice": invoice,
        "einvoice": EInvoice.objects.filter(invoice=invoice).first(),
        "csrf_token": context.get("csrf_token"),
    }
