"""Lifecycle messages the cabinet sends (CDAR D22B « CDV »): built from typed values, then checked against the
UN/CEFACT CrossDomainAcknowledgementAndResponse D22B XSD (`einvoicing/cdar_xsd/`) and the FNFE-MPE v1.4.0.03
CDV schematron (`invoices/schematron/fnfe-1.4.0.03/`, run in process by `invoices.facturx_validation`).

Shape (reference.md §4 « CDAR essentials », and the AFNOR examples in ../shared/reform/examples/):
MDT-2 REGULATED, MDT-3 urn.cpro.gouv.fr:1p0:CDV:invoice, MDT-77 23 (business phase: issuer SIREN scheme 0002
with role SE or BY), recipients with an electronic address (URIID scheme 0225) except the PPF (DFH), the
referenced invoice (BT-1, BT-3, BT-2, seller SIREN), the status code and label, and one status detail
carrying the reason (`ReasonCode` + `SequenceNumeric`, BR-FR-CDV-16), the requested action, a comment, and
for 212 « Encaissée » one `TypeCode=MEN` characteristic per VAT rate (BR-FR-CDV-14).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from lxml import etree

from invoices import facturx_validation

XSD = Path(__file__).parent / "cdar_xsd" / "CrossDomainAcknowledgementAndResponse_100pD22B.xsd"

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

BUSINESS_PROCESS = "REGULATED"  # MDT-2
GUIDELINE = "urn.cpro.gouv.fr:1p0:CDV:invoice"  # MDT-3
BUSINESS_PHASE = "23"  # MDT-77: statuses a party (not a platform) sends

# The PPF as a recipient: scheme 0238, id « 0000 » (reference.md §3 « Identifier schemes »: FNFE note v1.4.0;
# the older AFNOR example still shows 9998), role DFH. Only the statuses the PPF must receive copy it
# (reference.md §4: the mandatory set {200, 210, 212, 213}).
PPF_SCHEME, PPF_ID, PPF_NAME = "0238", "0000", "PPF"
PPF_CODES = frozenset({200, 210, 212, 213})

# Labels (MDT-106), spelled as the AFNOR examples spell them (reference.md §4 table).
LABELS = {
    204: "Prise_en_charge",
    205: "Approuvée",
    206: "Approuvée_partiellement",
    207: "En_litige",
    208: "Suspendue",
    209: "Complétée",
    210: "Refusée",
    211: "Paiement_transmis",
    212: "Encaissée",
    220: "Annulée",
}
# Who may send each business status (reference.md §4 table; 209 from the seller is marked [L] there).
SENDERS = {
    204: {"BY"},
    205: {"BY"},
    206: {"BY"},
    207: {"BY", "SE"},
    208: {"BY"},
    209: {"SE"},
    210: {"BY"},
    211: {"BY"},
    212: {"SE"},
    220: {"SE"},
}
# Statuses whose reason (MDT-113) is mandatory (BR-FR-CDV-15).
NEEDS_REASON = frozenset({206, 207, 208, 210})

# MDT-88 (status code of the referenced document): optional (BR-FR-CDV-CL-05 « si présent »). Only the values
# the AFNOR examples show are sent (reference.md §4 « MDT-88 values seen in the examples »); the others omit it.
STATUS_CODES = {204: "45", 205: "1", 207: "46", 211: "47", 212: "47"}

# Reasons (MDT-113) and their French labels (MDT-114). The codes are the FNFE CDV schematron's list
# (BR-FR-CDV-CL-09); which code fits which status is checked by that schematron.
REASONS = {
    "TX_TVA_ERR": "Taux de TVA erroné",
    "MONTANTTOTAL_ERR": "Montant total erroné",
    "CALCUL_ERR": "Erreur de calcul de la facture",
    "NON_CONFORME": "Mention légale manquante",
    "DOUBLON": "Facture en doublon",
    "DEST_ERR": "Erreur de destinataire",
    "DEST_INC": "Destinataire inconnu",
    "TRANSAC_INC": "Transaction inconnue",
    "EMMET_INC": "Émetteur inconnu",
    "CONTRAT_TERM": "Contrat terminé",
    "DOUBLE_FACT": "Double facturation",
    "CMD_ERR": "Référence de commande erronée ou absente",
    "ADR_ERR": "Adresse de facturation électronique erronée",
    "REF_CT_ABSENT": "Référence contractuelle absente",
    "SIRET_ERR": "SIRET erroné ou absent",
    "CODE_ROUTAGE_ERR": "Code de routage erroné ou absent",
    "REF_ERR": "Référence erronée",
    "PU_ERR": "Prix unitaire erroné",
    "REM_ERR": "Remise erronée",
    "QTE_ERR": "Quantité facturée erronée",
    "ART_ERR": "Article facturé erroné",
    "MODPAI_ERR": "Modalités de paiement erronées",
    "QUALITE_ERR": "Qualité de la prestation non conforme",
    "LIVR_INCOMP": "Prestation ou livraison incomplète",
    "JUSTIF_ABS": "Justificatif absent",
    "COORD_BANC_ERR": "Coordonnées bancaires erronées",
    "AUTRE": "Autre motif",
}
REFUSAL_REASONS = (  # 210 Refusée (reference.md §4)
    "TX_TVA_ERR MONTANTTOTAL_ERR CALCUL_ERR NON_CONFORME DOUBLON DEST_ERR TRANSAC_INC EMMET_INC CONTRAT_TERM "
    "DOUBLE_FACT CMD_ERR ADR_ERR REF_CT_ABSENT"
).split()
# Requested actions (MDT-121 / MDT-122), BR-FR-CDV-CL-10.
ACTIONS = {
    "NOA": "Aucune action attendue",
    "PIN": "Fournir les informations demandées",
    "NIN": "Émettre une nouvelle facture",
    "CNF": "Émettre un avoir total",
    "CNP": "Émettre un avoir partiel",
    "CNA": "Émettre un avoir du montant indiqué",
    "OTH": "Autre action",
}

CENT = Decimal("0.01")


class CdarError(Exception):
    """The message cannot be built or is not valid; `.message` says why in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StatusSubject:
    """The invoice a lifecycle message is about."""

    invoice_number: str  # BT-1
    issue_date: datetime.date  # BT-2
    type_code: str  # BT-3: "380", "381", "386"…
    seller_siren: str
    seller_address: str  # BT-34 (scheme 0225)
    seller_name: str
    buyer_siren: str
    buyer_address: str  # BT-49 (scheme 0225)
    buyer_name: str
    flow_id: str = ""  # the invoice's flow at the PA, when known


def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    prefix, local = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{local}", **attrs)
    if text is not None:
        element.text = text
    return element


def _stamp(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y%m%d%H%M%S")


def _party(parent, tag: str, *, siren: str, name: str, role: str, address: str = "") -> None:
    party = _sub(parent, tag)
    _sub(party, "ram:GlobalID", siren, schemeID="0002")
    _sub(party, "ram:Name", name[:200])
    _sub(party, "ram:RoleCode", role)
    if address:
        _sub(_sub(party, "ram:URIUniversalCommunication"), "ram:URIID", address, schemeID="0225")


def _check(
    subject: StatusSubject, code: int, sender_role: str, reason_code: str, action_code: str, amounts
) -> None:
    if code not in LABELS:
        raise CdarError(f"Le statut {code} n'est pas un statut que le cabinet peut émettre.")
    if sender_role not in SENDERS[code]:
        who = {"SE": "le vendeur", "BY": "l'acheteur"}.get(sender_role, sender_role)
        raise CdarError(f"Le statut {code} ({LABELS[code].replace('_', ' ')}) n'est pas émis par {who}.")
    for label, siren in (("du vendeur", subject.seller_siren), ("de l'acheteur", subject.buyer_siren)):
        if not (len(siren) == 9 and siren.isdigit()):
            raise CdarError(
                f"Le SIREN {label} est absent ou invalide ({siren or 'vide'}) : 9 chiffres attendus."
            )
    recipient_address = subject.buyer_address if sender_role == "SE" else subject.seller_address
    if not recipient_address:
        who = "de l'acheteur (BT-49)" if sender_role == "SE" else "du vendeur (BT-34)"
        raise CdarError(
            f"L'adresse électronique {who} est inconnue : le statut ne peut pas lui être adressé."
        )
    if code in NEEDS_REASON and not reason_code:
        raise CdarError(f"Le statut {code} ({LABELS[code].replace('_', ' ')}) exige un motif.")
    if reason_code and reason_code not in REASONS:
        raise CdarError(f"Motif inconnu : {reason_code}.")
    if action_code and action_code not in ACTIONS:
        raise CdarError(f"Action attendue inconnue : {action_code}.")
    if code == 212 and not amounts:
        raise CdarError("Le statut « Encaissée » exige le montant encaissé par taux de TVA.")
    if code != 212 and amounts:
        raise CdarError("Seul le statut « Encaissée » porte des montants encaissés.")


def build(
    subject: StatusSubject,
    *,
    code: int,
    sender_role: str,
    reason_code: str = "",
    reason_text: str = "",
    action_code: str = "",
    comment: str = "",
    amounts: Sequence[tuple[Decimal, Decimal]] = (),
    issued_at: datetime.datetime | None = None,
) -> bytes:
    """The CDAR XML of one status about one invoice (not yet validated: see `build_valid`)."""
    _check(subject, code, sender_role, reason_code, action_code, amounts)
    issued_at = issued_at or timezone.now()
    stamp = _stamp(issued_at)
    root = etree.Element(f"{{{RSM}}}CrossDomainAcknowledgementAndResponse", nsmap=NSMAP)

    context = _sub(root, "rsm:ExchangedDocumentContext")
    _sub(_sub(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", BUSINESS_PROCESS)
    _sub(_sub(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)

    document = _sub(root, "rsm:ExchangedDocument")
    invoice_date = subject.issue_date.strftime("%Y%m%d")
    # MDT-4 shaped like the AFNOR examples: <BT-1>_<status>_<stamp>#<BT-3>_<BT-2>.
    _sub(document, "ram:ID", f"{subject.invoice_number}_{code}_{stamp}#{subject.type_code}_{invoice_date}")
    _sub(document, "ram:Name", f"{subject.invoice_number}-CDV-{code}_{LABELS[code]}")
    _sub(_sub(document, "ram:IssueDateTime"), "udt:DateTimeString", stamp, format="204")
    # MDT-21: every AFNOR example has the platform (WK) as the sender; the business role is the issuer's.
    _sub(_sub(document, "ram:SenderTradeParty"), "ram:RoleCode", "WK")
    seller = {"siren": subject.seller_siren, "name": subject.seller_name}
    buyer = {"siren": subject.buyer_siren, "name": subject.buyer_name}
    if sender_role == "SE":
        _party(document, "ram:IssuerTradeParty", **seller, role="SE")
        _party(document, "ram:RecipientTradeParty", **buyer, role="BY", address=subject.buyer_address)
    else:
        _party(document, "ram:IssuerTradeParty", **buyer, role="BY")
        _party(document, "ram:RecipientTradeParty", **seller, role="SE", address=subject.seller_address)
    if code in PPF_CODES:
        ppf = _sub(document, "ram:RecipientTradeParty")
        _sub(ppf, "ram:GlobalID", PPF_ID, schemeID=PPF_SCHEME)
        _sub(ppf, "ram:Name", PPF_NAME)
        _sub(ppf, "ram:RoleCode", "DFH")

    ack = _sub(root, "rsm:AcknowledgementDocument")
    _sub(_sub(ack, "ram:MultipleReferencesIndicator"), "udt:Indicator", "false")
    _sub(ack, "ram:TypeCode", BUSINESS_PHASE)
    _sub(_sub(ack, "ram:IssueDateTime"), "udt:DateTimeString", stamp, format="204")
    ref = _sub(ack, "ram:ReferenceReferencedDocument")
    _sub(ref, "ram:IssuerAssignedID", subject.invoice_number)
    if code in STATUS_CODES:
        _sub(ref, "ram:StatusCode", STATUS_CODES[code])
    _sub(ref, "ram:TypeCode", subject.type_code)
    _sub(_sub(ref, "ram:FormattedIssueDateTime"), "qdt:DateTimeString", invoice_date, format="102")
    _sub(ref, "ram:ProcessConditionCode", str(code))
    _sub(ref, "ram:ProcessCondition", LABELS[code])
    _sub(_sub(ref, "ram:IssuerTradeParty"), "ram:GlobalID", subject.seller_siren, schemeID="0002")
    if reason_code or action_code or comment or amounts:
        detail = _sub(ref, "ram:SpecifiedDocumentStatus")
        if reason_code:
            _sub(detail, "ram:ReasonCode", reason_code)
            _sub(detail, "ram:Reason", (reason_text or REASONS[reason_code])[:1000])
        if action_code:
            _sub(detail, "ram:RequestedActionCode", action_code)
            _sub(detail, "ram:RequestedAction", ACTIONS[action_code])
        _sub(detail, "ram:SequenceNumeric", "1")  # BR-FR-CDV-16: mandatory in every status detail
        if comment:
            _sub(_sub(detail, "ram:IncludedNote"), "ram:Content", comment[:2000])
        for rate, amount in amounts:
            characteristic = _sub(detail, "ram:SpecifiedDocumentCharacteristic")
            _sub(characteristic, "ram:TypeCode", "MEN")
            _sub(_sub(characteristic, "ram:ValueChangedIndicator"), "udt:IndicatorString", "false")
            _sub(characteristic, "ram:ValueAmount", str(Decimal(amount).quantize(CENT)), currencyID="EUR")
            _sub(characteristic, "ram:ValuePercent", str(Decimal(rate).quantize(CENT)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def validate(xml: bytes) -> list[str]:
    """French sentences for every fault: the D22B XSD first, then (on a well-formed message) the FNFE CDV
    schematron's fatal rules. [] when the message is valid."""
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as e:
        return [f"Le fichier XML est mal formé : {e}."]
    schema = _schema()
    if not schema.validate(document):
        return [
            f"Structure refusée par le schéma CDAR D22B (ligne {e.line}) : {e.message}"
            for e in schema.error_log
        ]
    return [
        f"Règle {f.rule} : {f.message}" for f in facturx_validation.check_schematron(xml, "CDAR") if f.fatal
    ]


def build_valid(subject: StatusSubject, **values) -> bytes:
    """`build`, then `validate`; raises CdarError naming the first broken rule."""
    xml = build(subject, **values)
    faults = validate(xml)
    if faults:
        more = f" (et {len(faults) - 1} autre(s) anomalie(s))" if len(faults) > 1 else ""
        raise CdarError(f"Message de cycle de vie non conforme : {faults[0]}{more}")
    return xml
