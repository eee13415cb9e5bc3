from __future__ import annotations

from django import template
from django.conf import settings

from chorus import selectors
from chorus.forms import AccountForm
from chorus.models import Environment

register = template.Library()


@register.inclusion_tag("chorus/_settings_block_form.html", takes_context=True)
def chorus_settings_block(context):
    """The Chorus Pro block of Paramètres > Pièces; a bound form from a failed POST takes precedence."""
    form = context.get("chorus_form")
    cabinet = context["cabinet"]
    if form is None:
        form = AccountForm(instance=selectors.account_or_new(cabinet))
    return {
        "form": form,
        "account": form.instance,
        "environment": Environment(settings.CHORUS_ENV).label,
        "report": context.get("chorus_report"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("chorus/_logo.html")
def chorus_mark(submission):
    """The Chorus Pro logo for an invoice submitted to Chorus, with its status as tooltip (nothing for an envoi
    not submitted yet: deposited only, or refused)."""
    return {"submission": submission}


@register.inclusion_tag("chorus/_invoice_block.html", takes_context=True)
def chorus_invoice_block(context, invoice):
    """The Chorus Pro part of the invoice page: « Chorus Pro : Envoyer », or the status, history, « Voir »
    and « Rafraîchir » once sent."""
    from chorus.models import ChorusSubmission

    submission = (
        ChorusSubmission.objects.filter(invoice=invoice).prefetch_related("status_changes").first()
        if invoice.is_issued
        else None
    )
    from chorus.services import why_not_sendable

    return {
        "invoice": invoice,
        "submission": submission,
        "refusal": why_not_sendable(invoice) if invoice.is_issued and submission is None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def chorus_remembered_note(submission) -> str:
    """« Service, N° d'engagement : repris du dernier envoi (facture F…) », or "" when nothing is."""
    from chorus.services import remembered

    return remembered.note(submission)


@register.inclusion_tag("chorus/_bulk_cell.html")
def chorus_bulk_cell(invoice, form_id: str):
    """The invoice list's box for bulk « Envoyer », or a disabled one saying why this invoice cannot go."""
    from chorus.services import bulk

    return {"invoice": invoice, "form_id": form_id, "refusal": bulk.refusal(invoice)}
