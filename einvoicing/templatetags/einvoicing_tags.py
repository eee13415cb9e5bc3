"""The reform's blocks on the invoice pages, kept here so the invoicing module need not know this one."""

from __future__ import annotations

from django import template

from einvoicing import services

register = template.Library()


@register.inclusion_tag("einvoicing/_routing.html")
def invoice_routing(invoice):
    return {"routing": services.routing_for(invoice), "invoice": invoice}
