"""What the cabinet does about a status the buyer gave its e-invoice.

- « Refusée » (210), « Rejetée » (213), or a flow the PA refused: the same guided correction as Chorus Pro
  (chorus.services.correction): an avoir cancels the invoice, a new draft replaces it.
- « En litige » (207), « Suspendue » (208): the user answers « Complétée » (209) with a comment, sent as a
  CDAR message through lifecycle_out.send_status (sender role SE), and recorded in the invoice's history."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chorus.services import correction as guided
from einvoicing import lifecycle_in, statuses
from einvoicing.models import EInvoice, EInvoiceStatus
from invoices import journal
from invoices.errors import InvoicingError
from invoices.models import DocumentAction, Invoice

MAX_COMMENT = 1000


class ActionRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def correct(einvoice: EInvoice) -> EInvoice:
    """Avoir + replacing draft, once (a second call returns the same pair; a deleted draft is made again)."""
    written: list[Invoice] = []
    try:
        with transaction.atomic():
            row = EInvoice.objects.select_for_update().select_related("invoice").get(pk=einvoice.pk)
            refused = row.invoice
            if row.correction_avoir_id is None:
                if row.status_code not in statuses.TO_CORRECT:
                    raise ActionRefused(
                        "Seule une facture refusée ou rejetée se corrige par avoir et nouvelle facture."
                    )
                avoir = guided.cancelling_avoir(refused)
                written.append(avoir)
                row.correction_avoir = avoir
                journal.record(
                    action=DocumentAction.CREDITED,
                    invoice=refused,
                    detail=f"{statuses.label(row.status_code)} par l'acheteur : annulée par l'avoir N° "
                    f"{avoir.number}, remplacée par un nouveau brouillon",
                )
            if row.correction_draft_id is None:
                row.correction_draft = guided.replacement_draft(
                    refused,
                    overrides={},
                    action=DocumentAction.INVOICED,
                    detail=f"Remplace la facture N° {refused.number} "
                    f"{statuses.label(row.status_code).lower()} (facturation électronique)",
                )
            row.save(update_fields=["correction_avoir", "correction_draft", "updated_at"])
            return row
    except BaseException:
        for avoir in written:  # the transaction gave the number back: its stored PDF goes too
            avoir.pdf.storage.delete(avoir.pdf.name)
        raise


def _send_status(**kwargs):
    """The seam to the outgoing lifecycle messages (einvoicing.lifecycle_out, fixed API)."""
    from einvoicing import lifecycle_out

    try:
        return lifecycle_out.send_status(**kwargs)
    except lifecycle_out.NotSendable as e:
        raise ActionRefused(e.message) from e


def subject_for(einvoice: EInvoice):
    """The invoice as lifecycle messages name it (shared with « Encaissée »)."""
    from einvoicing import encaissee

    return encaissee.subject_for(einvoice.invoice, buyer_address=einvoice.buyer_address)


def answer_completed(einvoice: EInvoice, *, comment: str) -> EInvoiceStatus:
    """« Complétée » (209) after « En litige » or « Suspendue »; raises ActionRefused (French)."""
    comment = (comment or "").strip()
    if einvoice.status_code not in statuses.TO_ANSWER:
        raise ActionRefused("Seule une facture en litige ou suspendue attend une réponse.")
    if not comment:
        raise ActionRefused("Expliquez à l'acheteur ce que vous avez complété ou corrigé.")
    if len(comment) > MAX_COMMENT:
        raise ActionRefused(f"Le commentaire dépasse {MAX_COMMENT} caractères : raccourcissez-le.")
    answered = einvoice.statuses.filter(code=einvoice.status_code).order_by("-at", "-id").first()
    tracking = f"{einvoice.invoice.number}-209-{answered.pk if answered else 0}"[:36]
    sent = _send_status(
        account=einvoice.cabinet.platform_account,
        subject=subject_for(einvoice),
        code=statuses.COMPLETEE,
        sender_role="SE",
        tracking_id=tracking,
        comment=comment,
    )
    status, _ = EInvoiceStatus.objects.get_or_create(
        einvoice=einvoice,
        source_flow_id=f"out:{tracking}",
        defaults={
            "code": statuses.COMPLETEE,
            "at": getattr(sent, "created_at", None) or timezone.now(),
            "comment": comment,
            "issuer_role": "SE",
        },
    )
    lifecycle_in.update_current(einvoice)
    return status


__all__ = ["ActionRefused", "InvoicingError", "answer_completed", "correct"]
