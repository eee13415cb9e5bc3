"""The public buyer's payment deadline of an invoice sent to Chorus Pro, the moratory interest once it is
late, and the claim letter to the buyer's public accountant (chorus/deadlines.py has the rules)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from chorus import deadlines
from chorus.models import PAID_OUT, ChorusSubmission
from chorus.selectors import NO_DEADLINE
from invoices import journal, pdf, totals
from invoices.errors import InvoicingError
from invoices.models import DocumentAction, EcbRate, Invoice


def watched(invoice: Invoice, submission: ChorusSubmission | None) -> bool:
    """An invoice (not an avoir) in a public buyer's hands through Chorus Pro, its payment term running (or
    run). A private client marked « destinataire Chorus Pro » is not bound by the public payment term."""
    return bool(
        submission is not None
        and submission.is_submitted
        and submission.date_depot is not None
        and submission.chorus_status not in NO_DEADLINE
        and not invoice.is_credit_note
        and invoice.client.is_public_body
    )


def start_for(submission: ChorusSubmission) -> deadlines.Start:
    """When the payment term started, from the submission's status history (prefetch `status_changes`)."""
    changes = [(c.status, timezone.localdate(c.changed_at)) for c in submission.status_changes.all()]
    return deadlines.start(submission.date_depot, changes)


def deadline_for(invoice: Invoice, submission: ChorusSubmission | None) -> datetime.date | None:
    if not watched(invoice, submission):
        return None
    return deadlines.deadline(start_for(submission).on, invoice.client.delai_paiement_public)


def is_owed(invoice: Invoice, submission: ChorusSubmission | None) -> bool:
    """Interest can be claimed: watched, not « Mise en paiement », something still due in the app."""
    return watched(invoice, submission) and submission.chorus_status != PAID_OUT and invoice.amount_due > 0


def claim_for(
    *, invoice: Invoice, submission: ChorusSubmission | None, on: datetime.date | None = None
) -> deadlines.Claim | None:
    """The moratory interest and indemnity owed today on a late public invoice; None when nothing is owed.

    Raises InvoicingError when the ECB rate of the half-year is not in the table (« Taux BCE » in the admin)."""
    on = on or timezone.localdate()
    if not is_owed(invoice, submission):
        return None
    start, term_days = start_for(submission), invoice.client.delai_paiement_public
    due = deadlines.deadline(start.on, term_days)
    if deadlines.days_late(due, on) == 0:
        return None
    day = deadlines.rate_day(due)
    ecb_rate = EcbRate.in_force_on(day)
    if ecb_rate is None:
        raise InvoicingError(
            f"Aucun taux BCE connu au {day:%d/%m/%Y} : ajoutez-le dans l'administration (« Taux BCE »)."
        )
    return deadlines.claim(
        start=start, term_days=term_days, amount_due=invoice.amount_due, ecb_rate=ecb_rate, on=on
    )


def claim_letter(*, invoice: Invoice, on: datetime.date | None = None) -> bytes:
    """The PDF letter claiming moratory interest and the 40 € indemnity from the buyer's public accountant,
    recorded in the invoice's « Historique ».

    Raises InvoicingError when the invoice is not late (or the ECB rate is missing)."""
    submission = ChorusSubmission.objects.filter(invoice=invoice).first()
    found = claim_for(invoice=invoice, submission=submission, on=on)
    if found is None:
        raise InvoicingError(
            f"La facture {invoice.number} n'est pas en retard de paiement : pas d'intérêts moratoires à demander."
        )
    context = {
        "invoice": invoice,
        "submission": submission,
        "claim": found,
        "cabinet": invoice.cabinet,
        "client": invoice.client,
    }
    content = pdf.render_letter_pdf("chorus/pdf/moratory_claim.html", context)
    journal.record(
        action=DocumentAction.MORATORY_CLAIM,
        invoice=invoice,
        detail=(
            f"{found.days_late} jours de retard au {found.on:%d/%m/%Y} : intérêts "
            f"{totals.money_fr(found.interest)} + indemnité {totals.money_fr(found.indemnity)}"
        ),
    )
    return content


def claim_filename(invoice: Invoice) -> str:
    return f"interets-moratoires-{invoice.pdf_filename()}"
