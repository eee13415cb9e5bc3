"""Reading an incoming lifecycle message (CDAR D22B, « CDV » of the French reform) into a typed value.
lxml without entities, DTD or network: the document comes from outside. Building CDARs is lifecycle_out's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from lxml import etree

PARIS = ZoneInfo("Europe/Paris")

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)
MAX_BYTES = 2_000_000


class UnreadableCdar(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Reason:
    code: str = ""  # MDT-113
    text: str = ""  # MDT-114
    action_code: str = ""  # MDT-121
    action_text: str = ""  # MDT-122
    comment: str = ""  # IncludedNote/Content


@dataclass(frozen=True)
class LifecycleMessage:
    document_id: str  # MDT-4
    issued_at: datetime.datetime | None  # MDT-8, creation of the message
    type_code: str  # MDT-77: 305 platform phase, 23 business phase
    status_at: datetime.datetime | None  # MDT-78, when the status was set
    invoice_number: str  # MDT-87 (BT-1)
    invoice_type_code: str  # MDT-91 (BT-3)
    invoice_date: datetime.date | None  # MDT-100 (BT-2)
    seller_siren: str  # MDT-129
    status_code: int  # MDT-105
    status_name: str  # MDT-106, as the sender wrote it
    issuer_role: str  # MDT-40 (SE, BY, WK…), or the sender's role when there is no issuer
    issuer_siren: str = ""
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def reason(self) -> Reason:
        return self.reasons[0] if self.reasons else Reason()


def _text(node, path: str) -> str:
    found = node.xpath(path, namespaces=NS)
    if not found:
        return ""
    value = found[0]
    return (value if isinstance(value, str) else (value.text or "")).strip()


def _stamp(value: str) -> datetime.datetime | None:
    """Format 204 (CCYYMMDDHHMMSS) has no time zone; read as French legal time (an assumption: the
    reference does not say which zone the platforms use)."""
    value = value.strip()
    for fmt in ("%Y%m%d%H%M%S", "%Y%m%d%H%M", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(value, fmt).replace(tzinfo=PARIS)
        except ValueError:
            continue
    return None


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value.strip(), "%Y%m%d").date()
    except ValueError:
        return None


def parse(content: bytes) -> LifecycleMessage:
    """Raises UnreadableCdar (French) when the document is not a CDAR lifecycle message about one invoice."""
    if not content or len(content) > MAX_BYTES:
        raise UnreadableCdar("Le message de cycle de vie est vide ou trop volumineux.")
    try:
        root = etree.fromstring(content.lstrip(b"\xef\xbb\xbf").lstrip(), PARSER)
    except etree.XMLSyntaxError as e:
        raise UnreadableCdar(f"Le message de cycle de vie n'est pas un XML lisible ({e.msg}).") from e
    if etree.QName(root).localname != "CrossDomainAcknowledgementAndResponse" or (
        etree.QName(root).namespace != NS["rsm"]
    ):
        raise UnreadableCdar("Le document reçu n'est pas un message de cycle de vie (CDAR).")
    refs = root.xpath("rsm:AcknowledgementDocument/ram:ReferenceReferencedDocument", namespaces=NS)
    if not refs:
        raise UnreadableCdar("Le message de cycle de vie ne désigne aucune facture.")
    ref = refs[0]
    code_text = _text(ref, "ram:ProcessConditionCode")
    if not code_text.isdigit():
        raise UnreadableCdar(f"Code de statut illisible dans le message de cycle de vie (« {code_text} »).")
    number = _text(ref, "ram:IssuerAssignedID")
    if not number:
        raise UnreadableCdar("Le message de cycle de vie ne donne pas le numéro de la facture.")
    doc = root.find("rsm:ExchangedDocument", NS)
    issuer_role = _text(doc, "ram:IssuerTradeParty/ram:RoleCode") or _text(
        doc, "ram:SenderTradeParty/ram:RoleCode"
    )
    reasons = []
    for status in ref.xpath("ram:SpecifiedDocumentStatus", namespaces=NS):
        notes = [n.strip() for n in status.xpath("ram:IncludedNote/ram:Content/text()", namespaces=NS)]
        reason = Reason(
            code=_text(status, "ram:ReasonCode"),
            text=_text(status, "ram:Reason"),
            action_code=_text(status, "ram:RequestedActionCode"),
            action_text=_text(status, "ram:RequestedAction"),
            comment="\n".join(n for n in notes if n),
        )
        if any((reason.code, reason.text, reason.action_code, reason.comment)):
            reasons.append(reason)
    return LifecycleMessage(
        document_id=_text(doc, "ram:ID"),
        issued_at=_stamp(_text(doc, "ram:IssueDateTime/udt:DateTimeString")),
        type_code=_text(root, "rsm:AcknowledgementDocument/ram:TypeCode"),
        status_at=_stamp(_text(root, "rsm:AcknowledgementDocument/ram:IssueDateTime/udt:DateTimeString")),
        invoice_number=number,
        invoice_type_code=_text(ref, "ram:TypeCode"),
        invoice_date=_date(_text(ref, "ram:FormattedIssueDateTime/qdt:DateTimeString")),
        seller_siren=_text(ref, "ram:IssuerTradeParty/ram:GlobalID"),
        status_code=int(code_text),
        status_name=_text(ref, "ram:ProcessCondition"),
        issuer_role=issuer_role,
        issuer_siren=_text(doc, "ram:IssuerTradeParty/ram:GlobalID"),
        reasons=tuple(reasons),
    )
