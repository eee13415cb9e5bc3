"""Bulk « Envoyer »: several invoices sent to Chorus Pro in one go (a « lot d'envoi »). Each invoice still goes
through its own checks (start_submission), its own deposit and its own exactly-once « Soumettre »."""

from __future__ import annotations

from dataclasses import dataclass

from chorus import client, refusals
from chorus.models import ChorusAccount, ChorusSubmission, SendBatch, SendBatchItem
from chorus.models import SubmissionState as State
from chorus.services.submission import (
    SubmissionError,
    check_submission,
    deposit_invoice_pdf,
    start_submission,
    submit_invoice,
    why_not_sendable,
)

MAX_BATCH = 100
ALREADY_SENT = "Un envoi Chorus Pro existe déjà pour cette facture : ouvrez-le depuis la facture."


class BatchError(Exception):
    """The selection cannot be sent as it stands (French message)."""


def refusal(invoice) -> str:
    """Why the invoice list offers no box to tick for this invoice, in French; "" when it does."""
    if reason := why_not_sendable(invoice):
        return reason
    if getattr(invoice, "chorus_submission", None) is not None:
        return ALREADY_SENT
    return ""


def check_selection(invoice_ids: list[int], *, goal: str = "à envoyer à Chorus Pro") -> None:
    """Raises BatchError when nothing, or more than MAX_BATCH invoices, are selected (also for the bulk
    « Transmettre à la plateforme agréée », with its own `goal`)."""
    if not invoice_ids:
        raise BatchError(f"Cochez au moins une facture {goal}.")
    if len(invoice_ids) > MAX_BATCH:
        raise BatchError(
            f"Un envoi groupé compte au plus {MAX_BATCH} factures ; vous en avez coché {len(invoice_ids)}. "
            "Envoyez-les en plusieurs fois."
        )


def start_batch(
    *, cabinet, user, invoices: list, account: ChorusAccount | None, submit_when_complete: bool
) -> SendBatch:
    """Creates the lot and starts each invoice's submission; an invoice that cannot start keeps its reason on
    its line and the others go on. The caller queues the deposit of each line marked `queued`.

    Raises BatchError (selection empty or too large)."""
    check_selection([invoice.pk for invoice in invoices])
    batch = SendBatch.objects.create(
        cabinet=cabinet, created_by=user, submit_when_complete=submit_when_complete
    )
    for invoice in invoices:
        item = SendBatchItem(batch=batch, invoice=invoice)
        existing = getattr(invoice, "chorus_submission", None)
        if existing is not None:
            item.submission, item.error = existing, ALREADY_SENT
        else:
            try:
                item.submission = start_submission(invoice=invoice, account=account)
                item.queued = True
            except SubmissionError as e:
                item.error = " ".join(e.errors.values())
            except client.ChorusError as e:  # the account's first synchronisation failed
                item.error = f"Connexion à Chorus Pro impossible. {refusals.explain(e).message}"
        item.save()
    return batch


def send_item(*, item_id: int) -> ChorusSubmission:
    """One line of a lot: deposits the PDF, then — when the lot asks for it and nothing is missing — submits.
    An envoi with something to complete stops at « À soumettre » with what is missing noted on its line.
    Safe to run again: each step finds what the previous run did.

    Raises SubmissionError, ChorusRejected, ChorusAuthError, ChorusUnavailable."""
    item = SendBatchItem.objects.select_related("batch").get(pk=item_id)
    sub = deposit_invoice_pdf(submission_id=item.submission_id)
    if sub.numero_flux_depot or not item.batch.submit_when_complete:
        return sub
    if sub.state == State.READY:
        try:
            errors = check_submission(submission=sub)
        except client.ChorusError as e:
            _note(item, f"Vérification impossible. {refusals.explain(e).message}")
            raise
        if errors:
            _note(item, "À compléter : " + " ".join(errors.values()))
            return sub
    elif sub.state != State.UNKNOWN:  # already submitted, or being sent by another worker
        return sub
    return submit_invoice(submission_id=sub.pk)


def _note(item: SendBatchItem, text: str) -> None:
    SendBatchItem.objects.filter(pk=item.pk).update(note=text)


@dataclass(frozen=True)
class Line:
    """One line of the progress page (and of its JSON twin)."""

    id: int
    number: str
    client: str
    amount: object
    state: str
    detail: str
    settled: bool
    failed: bool
    submission_url: str


def _line(item: SendBatchItem, submit_when_complete: bool) -> Line:
    invoice, sub = item.invoice, item.submission
    common = dict(
        id=item.pk, number=invoice.number or "Brouillon", client=invoice.client.nom, amount=invoice.total_ttc
    )
    if sub is None:
        abandoned = not item.error
        state = "Envoi abandonné" if abandoned else "Non envoyée"
        return Line(
            **common, state=state, detail=item.error, settled=True, failed=not abandoned, submission_url=""
        )
    url = sub.get_absolute_url()
    if item.error:
        return Line(
            **common,
            state=sub.status_display,
            detail=item.error,
            settled=True,
            failed=False,
            submission_url=url,
        )
    if sub.is_stalled:
        detail = "Interrompu : « Reprendre » sur la page de l'envoi (la reprise est aussi automatique)."
        return Line(
            **common, state=sub.status_display, detail=detail, settled=True, failed=True, submission_url=url
        )
    if sub.deposit_pending:
        return Line(
            **common,
            state="Dépôt du PDF en cours",
            detail="",
            settled=False,
            failed=False,
            submission_url=url,
        )
    if sub.state == State.NEW:  # the deposit failed; its page offers « Réessayer le dépôt du PDF »
        return Line(
            **common,
            state="PDF non déposé",
            detail=sub.last_error,
            settled=True,
            failed=True,
            submission_url=url,
        )
    detail = sub.last_error or item.note
    # With « soumettre directement », a deposited envoi is still on its way until it is submitted or says why not.
    waiting = (sub.state == State.READY and submit_when_complete and not detail) or sub.state == State.SENDING
    return Line(
        **common,
        state=sub.status_display,
        detail=detail,
        settled=not waiting,
        failed=bool(sub.last_error),
        submission_url=url,
    )  # fmt: skip


def progress(batch: SendBatch) -> list[Line]:
    """Each invoice of the lot and where its envoi stands, in two queries whatever the lot's size."""
    items = batch.items.select_related("invoice__client", "submission")
    return [_line(item, batch.submit_when_complete) for item in items]
