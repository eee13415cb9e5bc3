from __future__ import annotations

from django import template
from django.conf import settings

from chorus import selectors
from chorus.forms import AccountForm
from chorus.models import REJECTED, ChorusCorrection, ChorusSubmission, Environment, SubmissionState
from chorus.services.correction import AVOIR_NOT_FOR_CHORUS
from invoices.errors import InvoicingError

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
    submission = (
        ChorusSubmission.objects.filter(invoice=invoice).prefetch_related("status_changes").first()
        if invoice.is_issued
        else None
    )
    from chorus.services import why_not_sendable

    refusal = why_not_sendable(invoice) if invoice.is_issued and submission is None else ""
    if (
        submission is None
        and invoice.is_credit_note
        and ChorusCorrection.objects.filter(avoir=invoice).exists()
    ):
        refusal = AVOIR_NOT_FOR_CHORUS
    return {
        "invoice": invoice,
        "submission": submission,
        "refusal": refusal,
        **_deadline_context(invoice, submission),
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


def _deadline_context(invoice, submission) -> dict:
    from chorus.services import deadline

    due = deadline.deadline_for(invoice, submission)
    if due is None:
        return {}
    try:
        claim, claim_error = deadline.claim_for(invoice=invoice, submission=submission), ""
    except InvoicingError as e:
        claim, claim_error = None, e.message
    return {
        "public_deadline": due,
        "public_start": deadline.start_for(submission),
        "public_owed": deadline.is_owed(invoice, submission),
        "claim": claim,
        "claim_error": claim_error,
    }


@register.inclusion_tag("chorus/_rejection_banner.html", takes_context=True)
def chorus_rejection_banner(context, invoice):
    """On top of an invoice rejected in Chorus Pro (and of its envoi): the buyer's reason and « Corriger la
    facture rejetée », or what the correction made; on top of the replacing draft: what it corrects."""
    from chorus.services.correction import correction_of

    correction = correction_of(invoice) if invoice.pk else None
    rejected = None
    if correction is None and invoice.is_issued and not invoice.is_credit_note:
        rejected = ChorusSubmission.objects.filter(
            invoice=invoice, state=SubmissionState.SUBMITTED, chorus_status=REJECTED
        ).first()
    return {
        "invoice": invoice,
        "correction": correction,
        "rejected": rejected,
        "is_replacement": correction is not None and correction.draft_id == invoice.pk,
        "is_rejected_invoice": correction is not None and correction.submission.invoice_id == invoice.pk,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def public_deadline_rows(cabinet):
    """The dashboard block's rows (chorus/_deadline_block.html)."""
    return selectors.public_deadlines(cabinet=cabinet) if cabinet is not None else []
