"""After « Soumettre »: the guided correction of a rejected invoice and the claim of moratory interest."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from chorus.models import ChorusSubmission
from chorus.services import correction, deadline
from chorus.services.submission import SubmissionError
from geoprod.tenancy import current_cabinet, get_for_cabinet
from invoices.errors import InvoicingError
from invoices.models import Invoice


@require_POST
def submission_correct(request, pk: int):
    """« Corriger la facture rejetée »: avoir issued, replacing draft created, and opened."""
    submission = get_for_cabinet(ChorusSubmission, current_cabinet(request), pk=pk)
    try:
        done = correction.correct_rejected_invoice(submission=submission)
    except SubmissionError as e:
        messages.error(request, " ".join(e.errors.values()))
        return redirect(submission.invoice)
    except InvoicingError as e:
        messages.error(request, e.message)
        return redirect(submission.invoice)
    messages.success(
        request,
        f"La facture {submission.invoice.number} est annulée par l'avoir {done.avoir.number}. Voici la facture "
        "de remplacement en brouillon : corrigez-la, validez-la, puis envoyez-la à Chorus Pro.",
    )
    return redirect(done.draft)


@require_POST
def invoice_claim_letter(request, pk: int):
    """The letter claiming moratory interest and the 40 € indemnity, as a PDF download."""
    invoice = get_for_cabinet(
        Invoice.objects.select_related("cabinet", "client"), current_cabinet(request), pk=pk
    )
    try:
        content = deadline.claim_letter(invoice=invoice)
    except InvoicingError as e:
        messages.error(request, e.message)
        return redirect(invoice)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{deadline.claim_filename(invoice)}"'
    return response
