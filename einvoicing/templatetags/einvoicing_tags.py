"""The reform's blocks on the invoice pages, kept here so the invoicing module need not know this one."""

from __future__ import annotations

from django import template
from django.core.exceptions import ObjectDoesNotExist

from einvoicing import services, statuses

register = template.Library()


@register.inclusion_tag("einvoicing/_routing.html", takes_context=True)
def invoice_routing(context, invoice):
    from einvoicing import encaissee
    from einvoicing.models import EInvoice, OutgoingStatus

    einvoice = EInvoice.objects.filter(invoice=invoice).prefetch_related("statuses").first()
    history = list(einvoice.statuses.all()) if einvoice else []
    outgoing = list(
        OutgoingStatus.objects.filter(invoice=invoice).select_related("allocation__payment__reversal")
    )
    for status in outgoing:
        status.cancelled_payment = encaissee.cancelled(status)
    return {
        "routing": services.routing_for(invoice),
        "invoice": invoice,
        "einvoice": einvoice,
        "history": history,
        "to_answer": einvoice is not None and einvoice.status_code in statuses.TO_ANSWER,
        "to_correct": einvoice is not None and einvoice.status_code in statuses.TO_CORRECT,
        "statuses": outgoing,
        "cancelled_notice": encaissee.CANCELLED_PAYMENT_NOTICE,
        "csrf_token": context.get("csrf_token"),
        "answer_draft": _answer_draft(context, invoice),
    }


@register.inclusion_tag("einvoicing/_mark.html")
def einvoice_mark(invoice):
    """The e-invoice status badge of a list row (the row's query already read the e-invoice)."""
    try:
        einvoice = invoice.einvoice
    except ObjectDoesNotExist:
        einvoice = None
    return {"einvoice": einvoice}


def _answer_draft(context, invoice) -> str:
    """The comment of a refused answer, given back so nothing typed is lost."""
    request = context.get("request")
    session = getattr(request, "session", None)
    return session.get(f"einvoice_answer_draft_{invoice.pk}", "") if session is not None else ""


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
