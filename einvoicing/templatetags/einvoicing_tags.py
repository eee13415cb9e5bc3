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


@register.inclusion_tag("chorus/_bulk_cell.html")
def bulk_cell(invoice, form_id: str, chorus_on, platform_on):
    """The invoice list's box for the bulk sends the cabinet has (Chorus Pro « Envoyer », « Transmettre à la
    plateforme agréée »): ticked for either; disabled, saying why, when neither takes this invoice."""
    from chorus.services import bulk as chorus_bulk
    from einvoicing import bulk

    reasons = []
    if chorus_on:
        reasons.append(chorus_bulk.refusal(invoice))
    if platform_on:
        reasons.append(bulk.refusal(invoice))
    refusal = "" if "" in reasons else " ".join(reasons)
    label = (
        "pour l'envoi groupé"
        if chorus_on and platform_on
        else ("pour Chorus Pro" if chorus_on else "pour la plateforme agréée")
    )
    return {"invoice": invoice, "form_id": form_id, "refusal": refusal, "label": label}
