"""« Factures reçues »: the supplier invoices the cabinet's Plateforme Agréée makes available (flows `In` of
type `SupplierInvoice`, reference.md §2), collected by `flows/search` from a stored cursor, read from their
Factur-X, CII or UBL (Invoice or CreditNote; `received_read.parse_invoice`) into ReceivedInvoice rows, any
other file kept « Illisible » with the reason, and the cabinet's answers to them (lifecycle statuses 204,
205, 207 and 210 sent as buyer, reference.md §4) through the shared `lifecycle_out.send_status`."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from chorus.client.transport import RetryPolicy
from einvoicing import client, lifecycle_out, services
from einvoicing.models import (
    PlatformAccount,
    ReceivedAnswer,
    ReceivedInvoice,
    ReceivedStatus,
    ReceivingCursor,
)
from einvoicing.received_read import Unreadable, parse_invoice

log = logging.getLogger(__name__)

SUPPLIER_INVOICE = "SupplierInvoice"  # flowType the PA gives an invoice addressed to us (reference.md §2)
# First collection of an account: every incoming invoice the PA still holds.
FIRST_CURSOR = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


# -- what the cabinet can answer (reference.md §4) -----------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    code: int  # the lifecycle status sent
    status: ReceivedStatus  # what the received invoice becomes
    verb: str  # the button
    done: str  # the confirmation


ANSWERS = {
    204: Answer(204, ReceivedStatus.TAKEN, "Prise en charge", "La facture est prise en charge."),
    205: Answer(205, ReceivedStatus.APPROVED, "Approuver", "La facture est approuvée."),
    207: Answer(207, ReceivedStatus.DISPUTED, "Mettre en litige", "La facture est mise en litige."),
    210: Answer(210, ReceivedStatus.REFUSED, "Refuser", "La facture est refusée."),
}

# Which answers each status still allows (refused and approved are final; a dispute ends in either).
TRANSITIONS: dict[str, frozenset[int]] = {
    ReceivedStatus.NEW: frozenset({204, 205, 207, 210}),
    ReceivedStatus.TAKEN: frozenset({205, 207, 210}),
    ReceivedStatus.DISPUTED: frozenset({205, 210}),
    ReceivedStatus.APPROVED: frozenset(),
    ReceivedStatus.REFUSED: frozenset(),
    ReceivedStatus.UNREADABLE: frozenset(),
}

# Reason codes of a refusal (210), FNFE CDV schematron v1.4.0.03 (reference.md §4). The French wording is
# ours, except TX_TVA_ERR which is the AFNOR examples' label.
REFUSAL_REASONS = {
    "TX_TVA_ERR": "Taux de TVA erroné",
    "MONTANTTOTAL_ERR": "Montant total erroné",
    "CALCUL_ERR": "Erreur de calcul",
    "NON_CONFORME": "Facture non conforme",
    "DOUBLON": "Facture en double (doublon)",
    "DEST_ERR": "Erreur de destinataire",
    "TRANSAC_INC": "Transaction inconnue",
    "EMMET_INC": "Émetteur inconnu",
    "CONTRAT_TERM": "Contrat terminé",
    "DOUBLE_FACT": "Double facturation",
    "CMD_ERR": "Référence de commande erronée",
    "ADR_ERR": "Adresse erronée",
    "REF_CT_ABSENT": "Référence du contrat absente",
}
# A dispute (207) uses the same reasons; the expected actions are reference.md §4's list (labels of CNF and
# NIN from the AFNOR examples UC4/UC5, the others ours).
DISPUTE_REASONS = REFUSAL_REASONS
ACTION_CODES = {
    "NOA": "Aucune action attendue",
    "PIN": "Fournir une information complémentaire",
    "NIN": "Créer une facture rectificative",
    "CNF": "Créer un avoir total",
    "CNP": "Créer un avoir partiel",
    "CNA": "Créer un avoir et une nouvelle facture",
    "OTH": "Autre action (voir le commentaire)",
}


class NotAnswerable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- collecting from the PA ------------------------------------------------------------------------------------


@dataclass
class Collected:
    new: int = 0
    unreadable: int = 0
    error: str = ""

    @property
    def message(self) -> str:
        if self.error:
            return self.error
        if not self.new:
            return "Aucune nouvelle facture reçue."
        text = f"{self.new} nouvelle{'s' if self.new > 1 else ''} facture{'s' if self.new > 1 else ''} reçue{'s' if self.new > 1 else ''}."
        if self.unreadable:
            text += f" Dont {self.unreadable} illisible{'s' if self.unreadable > 1 else ''} : ouvrez-la pour voir pourquoi."
        return text


def store(*, account: PlatformAccount, flow: client.Flow, file: client.FlowFile) -> ReceivedInvoice:
    """The ReceivedInvoice of a downloaded flow (created once per account and flowId). An unreadable file is
    kept with its French error."""
    existing = ReceivedInvoice.objects.filter(account=account, flow_id=flow.flow_id).first()
    if existing:
        return existing
    row = ReceivedInvoice(
        cabinet_id=account.cabinet_id,
        account=account,
        flow_id=flow.flow_id,
        flow_syntax=flow.flow_syntax,
        flow_updated_at=flow.updated_at,
        original=file.content,
        original_name=(file.filename or flow.flow_id)[:255],
        original_content_type="application/pdf" if file.content[:5] == b"%PDF-" else "application/xml",
    )
    try:
        for name, value in parse_invoice(file.content).items():
            setattr(row, name, value)
    except Unreadable as e:
        row.parse_error = str(e)
        row.status = ReceivedStatus.UNREADABLE
    except Exception as e:  # noqa: BLE001 — a file nobody foresaw is kept, never lost
        log.warning("Facture reçue %s illisible : %s", flow.flow_id, type(e).__name__)
        row.parse_error = "Le fichier reçu n'a pas pu être lu ; consultez-le et contactez le fournisseur."
        row.status = ReceivedStatus.UNREADABLE
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # another collection stored it meanwhile
        return ReceivedInvoice.objects.get(account=account, flow_id=flow.flow_id)
    return row


def collect(
    account: PlatformAccount, *, pa: client.PlatformClient | None = None, limit: int = client.SEARCH_LIMIT
) -> Collected:
    """Downloads the incoming supplier invoices updated since the account's cursor, oldest first; the cursor
    moves after each stored flow, so an interruption resumes where it stopped and nothing is fetched twice."""
    cursor, _ = ReceivingCursor.objects.get_or_create(account=account)
    result = Collected()
    try:
        pa = pa or services.client_for(account)
        flows = pa.flows_updated_since(
            # Restart just before the last flow stored: updatedAt values repeat and the search is exclusive
            # (reference.md §2); the flows already stored are skipped below.
            cursor.updated_after - client.CURSOR_OVERLAP if cursor.updated_after else FIRST_CURSOR,
            limit=limit,
            directions=[client.FlowDirection.IN],
            flow_types=[SUPPLIER_INVOICE],
        )
        for flow in flows:
            if not flow.flow_id:
                continue
            if not ReceivedInvoice.objects.filter(account=account, flow_id=flow.flow_id).exists():
                row = store(account=account, flow=flow, file=pa.download_flow(flow.flow_id))
                result.new += 1
                result.unreadable += row.status == ReceivedStatus.UNREADABLE
            if flow.updated_at and (cursor.updated_after is None or flow.updated_at > cursor.updated_after):
                cursor.updated_after = flow.updated_at
                cursor.save(update_fields=["updated_after"])
    except client.PlatformError as e:
        result.error = f"Relevé des factures reçues interrompu : {e.message}"
    cursor.last_run_at = timezone.now()
    cursor.last_error = result.error
    cursor.save(update_fields=["last_run_at", "last_error"])
    return result


def collect_all() -> dict[int, Collected]:
    return {account.cabinet_id: collect(account) for account in PlatformAccount.objects.all()}


def readable_view(received: ReceivedInvoice) -> client.FlowFile | None:
    """The PA's readable view of the invoice (docType ReadableView), when it offers one as a PDF."""
    try:
        pa = services.client_for(received.account, retry=RetryPolicy(attempts=1))
        found = pa.download_flow(received.flow_id, client.DocType.READABLE_VIEW)
    except client.PlatformError:
        return None
    if found.content[:5] != b"%PDF-":
        return None
    return found


# -- answering --------------------------------------------------------------------------------------------------


def allowed(received: ReceivedInvoice) -> list[Answer]:
    return [ANSWERS[c] for c in sorted(TRANSITIONS[received.status])]


def _send_status(received: ReceivedInvoice, **kwargs):
    """The shared seam for outgoing lifecycle messages (einvoicing/lifecycle_out.py): the status is about the
    received invoice, sent by the cabinet as buyer to the supplier's BT-34 address."""
    subject = lifecycle_out.StatusSubject(
        invoice_number=received.number,
        issue_date=received.issue_date,
        type_code=received.type_code or "380",
        seller_siren=received.supplier_siren,
        seller_address=received.supplier_address,
        seller_name=received.supplier_name,
        buyer_siren=received.buyer_siren,
        buyer_address=received.buyer_address,
        buyer_name=received.buyer_name,
        flow_id=received.flow_id,
    )
    try:
        return lifecycle_out.send_status(
            account=received.account, subject=subject, sender_role="BY", **kwargs
        )
    except lifecycle_out.NotSendable as e:
        raise NotAnswerable(e.message) from e


def answer(
    received: ReceivedInvoice,
    *,
    code: int,
    user=None,
    reason_code: str = "",
    action_code: str = "",
    comment: str = "",
) -> ReceivedAnswer:
    """Records the cabinet's answer and sends its lifecycle status (sender role BY) to the supplier; raises
    NotAnswerable with a French message when the answer is not possible."""
    if code not in ANSWERS:
        raise NotAnswerable("Réponse inconnue.")
    comment = (comment or "").strip()
    if code == 210 and reason_code not in REFUSAL_REASONS:
        raise NotAnswerable("Choisissez le motif du refus.")
    if code == 207:
        if reason_code not in DISPUTE_REASONS:
            raise NotAnswerable("Choisissez le motif du litige.")
        if action_code not in ACTION_CODES:
            raise NotAnswerable("Choisissez l'action attendue du fournisseur.")
    else:
        action_code = ""
    if code in (204, 205):
        reason_code = ""
    with transaction.atomic():
        locked = ReceivedInvoice.objects.select_for_update().select_related("account").get(pk=received.pk)
        if code not in TRANSITIONS[locked.status]:
            raise NotAnswerable(
                f"« {ANSWERS[code].verb} » n'est plus possible : la facture est "
                f"{locked.get_status_display().lower()}."
            )
        if not locked.supplier_address:
            raise NotAnswerable(
                "La facture ne donne pas l'adresse électronique du fournisseur (BT-34) : le statut ne peut pas "
                "lui être adressé. Contactez le fournisseur."
            )
        tracking_id = f"recue-{locked.pk}-{code}"
        outgoing = _send_status(
            locked,
            code=code,
            tracking_id=tracking_id,
            reason_code=reason_code,
            reason_text=REFUSAL_REASONS.get(reason_code, ""),
            action_code=action_code,
            comment=comment,
        )
        row = ReceivedAnswer.objects.create(
            received=locked,
            code=code,
            status=ANSWERS[code].status,
            reason_code=reason_code,
            action_code=action_code,
            comment=comment,
            tracking_id=tracking_id,
            outgoing=outgoing,
            user=user,
        )
        locked.status = ANSWERS[code].status
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_changed_at"])
    received.status, received.status_changed_at = locked.status, locked.status_changed_at
    return row


def reason_label(code: str) -> str:
    return REFUSAL_REASONS.get(code, code)


def choices(mapping: dict[str, str]) -> Iterable[tuple[str, str]]:
    return [("", "— choisir —")] + [(k, f"{v} ({k})") for k, v in mapping.items()]
