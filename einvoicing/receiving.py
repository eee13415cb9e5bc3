"""« Factures reçues »: the supplier invoices the cabinet's Plateforme Agréée makes available (flows `In` of
type `SupplierInvoice`, reference.md §2), collected by `flows/search` from a stored cursor, read from their
Factur-X / CII into ReceivedInvoice rows, and the cabinet's answers to them (lifecycle statuses 204, 205, 207
and 210 sent as buyer, reference.md §4) through the shared `lifecycle_out.send_status`."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from chorus.client.transport import RetryPolicy
from einvoicing import client, lifecycle_out, services
from einvoicing.models import (
    PlatformAccount,
    ReceivedAnswer,
    ReceivedInvoice,
    ReceivedStatus,
    ReceivingCursor,
)
from invoices import facturx
from invoices.errors import InvoicingError

log = logging.getLogger(__name__)

SUPPLIER_INVOICE = "SupplierInvoice"  # flowType the PA gives an invoice addressed to us (reference.md §2)
# First collection of an account: every incoming invoice the PA still holds.
FIRST_CURSOR = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

NS = facturx.NS


def _safe_parser() -> etree.XMLParser:
    """Received files are untrusted: no DTD, no entity expansion, no network access (XXE-safe). One parser
    per document: lxml parsers are not shared between threads."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


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


# -- reading a received file -----------------------------------------------------------------------------------


class Unreadable(Exception):
    pass


def _xml_of(content: bytes) -> bytes:
    if content[:5] == b"%PDF-":
        try:
            return facturx.xml_from_pdf(content)
        except InvoicingError as e:
            raise Unreadable(f"Le PDF reçu ne contient pas de Factur-X lisible ({e}).") from e
    if content.lstrip()[:1] == b"<" or content[:3] == b"\xef\xbb\xbf":
        return content
    raise Unreadable("Le fichier reçu n'est ni un PDF Factur-X ni un XML.")


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip()) if text and text.strip() else Decimal("0")
    except InvalidOperation as e:
        raise Unreadable(f"Montant illisible : « {text} ».") from e


def _date(text: str) -> datetime.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.datetime.strptime(text[:8], "%Y%m%d").date()
    except ValueError as e:
        raise Unreadable(f"Date illisible : « {text} ».") from e


def parse_invoice(content: bytes) -> dict:
    """The fields of a ReceivedInvoice read from a Factur-X PDF or a CII XML; raises Unreadable (French)."""
    xml = _xml_of(content)
    try:
        root = etree.fromstring(xml, parser=_safe_parser())
    except etree.XMLSyntaxError as e:
        raise Unreadable(f"Le XML de la facture est mal formé ({e}).") from e
    if etree.QName(root).localname != "CrossIndustryInvoice":
        raise Unreadable(
            "Ce document n'est pas une facture CII (Factur-X) : sa lecture n'est pas prise en charge, "
            "consultez le fichier reçu."
        )

    def text(node, path: str) -> str:
        found = node.xpath(path, namespaces=NS)
        if not found:
            return ""
        value = found[0] if isinstance(found[0], str) else found[0].text
        return (value or "").strip()

    transaction_ = "rsm:SupplyChainTradeTransaction/"
    agreement = transaction_ + "ram:ApplicableHeaderTradeAgreement/"
    settlement = transaction_ + "ram:ApplicableHeaderTradeSettlement/"
    sums = settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    number = text(root, "rsm:ExchangedDocument/ram:ID")
    if not number:
        raise Unreadable("La facture reçue n'a pas de numéro (BT-1).")
    currency = text(root, settlement + "ram:InvoiceCurrencyCode") or "EUR"

    def party(name: str) -> dict:
        base = agreement + f"ram:{name}TradeParty/"
        siren = text(root, base + "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']")
        siret = text(root, base + "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']") or text(
            root, base + "ram:GlobalID[@schemeID='0009']"
        )
        vat = text(root, base + "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']")
        if not siren and siret:
            siren = siret[:9]
        if not siren and vat.startswith("FR") and len(vat) == 13:
            siren = vat[4:]
        address = text(root, base + "ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']") or text(
            root, base + "ram:URIUniversalCommunication/ram:URIID"
        )
        return {
            "name": text(root, base + "ram:Name")[:200],
            "siren": siren[:9] if siren.isdigit() else "",
            "vat": vat[:30],
            "address": address[:125],
        }

    seller, buyer = party("Seller"), party("Buyer")
    tax_totals = root.xpath(sums + "ram:TaxTotalAmount", namespaces=NS)
    vat_total = next(
        (t.text for t in tax_totals if t.get("currencyID") in (None, currency)),
        tax_totals[0].text if tax_totals else "0",
    )
    lines = []
    for item in root.xpath(transaction_ + "ram:IncludedSupplyChainTradeLineItem", namespaces=NS):
        quantity = item.xpath("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", namespaces=NS)
        lines.append(
            {
                "id": text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
                "name": text(item, "ram:SpecifiedTradeProduct/ram:Name"),
                "description": text(item, "ram:SpecifiedTradeProduct/ram:Description"),
                "quantity": str(_decimal(quantity[0].text if quantity else "")),
                "unit": quantity[0].get("unitCode", "") if quantity else "",
                "unit_price": str(
                    _decimal(
                        text(
                            item,
                            "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
                        )
                    )
                ),
                "vat_rate": text(
                    item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"
                ),
                "total_ht": str(
                    _decimal(
                        text(
                            item,
                            "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/"
                            "ram:LineTotalAmount",
                        )
                    )
                ),
            }
        )
    breakdown = [
        {
            "category": text(tax, "ram:CategoryCode"),
            "rate": text(tax, "ram:RateApplicablePercent"),
            "base": str(_decimal(text(tax, "ram:BasisAmount"))),
            "amount": str(_decimal(text(tax, "ram:CalculatedAmount"))),
        }
        for tax in root.xpath(settlement + "ram:ApplicableTradeTax", namespaces=NS)
    ]
    total_ttc = _decimal(text(root, sums + "ram:GrandTotalAmount"))
    due_payable = text(root, sums + "ram:DuePayableAmount")
    return {
        "number": number[:100],
        "type_code": text(root, "rsm:ExchangedDocument/ram:TypeCode")[:3],
        "issue_date": _date(text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
        "due_date": _date(
            text(root, settlement + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")
        ),
        "currency": currency[:3],
        "supplier_name": seller["name"],
        "supplier_siren": seller["siren"],
        "supplier_vat": seller["vat"],
        "supplier_address": seller["address"],
        "buyer_name": buyer["name"],
        "buyer_siren": buyer["siren"],
        "buyer_address": buyer["address"],
        "total_ht": _decimal(text(root, sums + "ram:TaxBasisTotalAmount")),
        "total_vat": _decimal(vat_total or "0"),
        "total_ttc": total_ttc,
        "amount_due": _decimal(due_payable) if due_payable else total_ttc,
        "lines": lines,
        "vat_breakdown": breakdown,
    }


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
