"""« Corriger la facture rejetée »: after REJETEE the buyer will never pay that invoice; it is cancelled by an
avoir (legal numbering, never a deletion) and replaced by a new draft carrying the Chorus fields to correct."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from chorus.models import ChorusCorrection, ChorusSubmission
from chorus.services.submission import SubmissionError
from invoices import journal
from invoices import services as invoicing
from invoices.errors import InvoicingError
from invoices.models import DocumentAction, Invoice, InvoiceKind
from invoices.services.drafts import EDITABLE_FIELDS
from invoices.services.lines import LineInput

# An avoir that cancels a rejected invoice is not deposited in Chorus Pro: the buyer closed the rejected invoice
# (a final status) and will neither pay nor book it, so there is nothing in its books for an avoir to offset.
# The avoir stays in the cabinet's own numbering and accounts. Shown on the avoir's page.
AVOIR_NOT_FOR_CHORUS = (
    "Cet avoir annule une facture rejetée par l'acheteur dans Chorus Pro : il n'a pas à être déposé dans Chorus "
    "Pro (l'acheteur a clos la facture rejetée et ne la paiera pas). Il reste dans votre numérotation et votre "
    "comptabilité ; la facture de remplacement, elle, sera envoyée à Chorus Pro."
)


def correct_rejected_invoice(*, submission: ChorusSubmission) -> ChorusCorrection:
    """Issues the avoir that cancels the rejected invoice in full and creates the replacing draft, in one
    transaction; a second call returns the same correction (and remakes the draft only if it was deleted).

    Raises SubmissionError (the invoice is not rejected), InvoicingError (from the avoir or the draft)."""
    written: list[Invoice] = []
    try:
        return _correct(submission, written)
    except BaseException:
        for avoir in written:  # the transaction gave the number back: its stored PDF goes too
            avoir.pdf.storage.delete(avoir.pdf.name)
        raise


def _correct(submission: ChorusSubmission, written: list[Invoice]) -> ChorusCorrection:
    with transaction.atomic():
        sub = ChorusSubmission.objects.select_for_update().select_related("invoice").get(pk=submission.pk)
        correction = ChorusCorrection.objects.filter(submission=sub).select_related("avoir", "draft").first()
        if correction is not None:
            if correction.draft_id is None:
                correction.draft = _replacement_draft(sub, sub.invoice)
                correction.save(update_fields=["draft"])
            return correction
        if not sub.is_rejected:
            raise SubmissionError(
                {
                    "__all__": "Seule une facture rejetée dans Chorus Pro se corrige par avoir et nouvelle facture."
                }
            )
        rejected = sub.invoice
        avoir = _cancelling_avoir(rejected)
        written.append(avoir)
        draft = _replacement_draft(sub, rejected)
        journal.record(
            action=DocumentAction.CHORUS_CORRECTED,
            invoice=rejected,
            detail=f"Annulée par l'avoir N° {avoir.number}, remplacée par un nouveau brouillon",
        )
        correction = ChorusCorrection.objects.create(
            cabinet_id=sub.cabinet_id,
            submission=sub,
            avoir=avoir,
            draft=draft,
            reason=sub.chorus_comment,
            rejected_at=sub.chorus_status_at,
            destinataire_siret=sub.destinataire_siret,
            service_code=sub.service_code,
        )
    return correction


def _cancelling_avoir(rejected: Invoice) -> Invoice:
    return cancelling_avoir(rejected)


def cancelling_avoir(rejected: Invoice) -> Invoice:
    """The issued avoir cancelling a refused invoice in full (Chorus Pro or the Plateforme Agréée); raises
    InvoicingError when the invoice is already partly or fully credited."""
    if rejected.creditable_amount <= 0:
        raise InvoicingError(
            f"La facture {rejected.number} est déjà entièrement annulée par avoir : créez la nouvelle facture "
            "avec « Dupliquer »."
        )
    if rejected.credited_amount > 0:
        raise InvoicingError(
            f"La facture {rejected.number} a déjà un avoir partiel : complétez-le par un avoir du reste, puis "
            "créez la nouvelle facture avec « Dupliquer »."
        )
    avoir = invoicing.create_credit_note(invoice=rejected)
    return invoicing.issue_invoice(invoice=avoir)


def _replacement_draft(sub: ChorusSubmission, rejected: Invoice) -> Invoice:
    # What was sent to Chorus (possibly typed on the envoi screen) is what the buyer saw and rejected: it is the
    # starting point to correct, and what the new invoice's envoi will propose.
    return replacement_draft(
        rejected,
        overrides={
            "code_service": sub.service_code or rejected.code_service,
            "numero_engagement": sub.numero_engagement or rejected.numero_engagement,
            "numero_marche": sub.numero_marche or rejected.numero_marche,
        },
        action=DocumentAction.CHORUS_CORRECTED,
        detail=f"Remplace la facture N° {rejected.number} rejetée dans Chorus Pro",
    )


def replacement_draft(rejected: Invoice, *, overrides: dict, action: str, detail: str) -> Invoice:
    """A new draft with the refused invoice's client, dossier, fields and lines, to correct and issue."""
    fields = {name: getattr(rejected, name) for name in EDITABLE_FIELDS}
    fields.update(overrides)
    draft = invoicing.create_invoice(
        cabinet=rejected.cabinet,
        client=rejected.client,
        dossier=rejected.dossier,
        kind=rejected.kind if rejected.kind != InvoiceKind.AVOIR else InvoiceKind.FACTURE,
        quote=rejected.quote if rejected.kind == InvoiceKind.ACOMPTE else None,
        lines=[LineInput.from_line(line) for line in rejected.lines.all()],
        **fields,
    )
    journal.record(action=action, invoice=draft, detail=detail)
    return draft


def correction_of(invoice: Invoice) -> ChorusCorrection | None:
    """The correction this invoice takes part in: as the rejected invoice, its avoir or its replacement."""
    return (
        ChorusCorrection.objects.filter(Q(submission__invoice=invoice) | Q(avoir=invoice) | Q(draft=invoice))
        .select_related("submission__invoice", "avoir", "draft")
        .first()
    )
