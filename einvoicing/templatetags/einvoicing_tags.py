"""The reform's blocks on the invoice pages, kept here so the invoicing module need not know this one."""

from __future__ import annotations

from django import template

from einvoicing import services

register = template.Library()


@register.inclusion_tag("einvoicing/_routing.html", takes_context=True)
def invoice_routing(context, invoice):
    from einvoicing import encaissee
    from einvoicing.models import EInvoice, OutgoingStatus

    statuses = list(
        OutgoingStatus.objects.filter(invoice=invoice).select_related("allocation__payment__reversal")
    )
    for status in statuses:
        status.cancelled_payment = encaissee.cancelled(status)
    return {
        "routing": services.routing_for(invoice),
        "invoice": invoice,
        "einvoice": EInvoice.objects.filter(invoice=invoice).first(),
        "statuses": statuses,
        "cancelled_notice": encaissee.CANCELLED_PAYMENT_NOTICE,
        "csrf_token": context.get("csrf_token"),
    }
