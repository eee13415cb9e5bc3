"""The offline PA's lifecycle clock: what happens to a B2B invoice after the PA accepted its flow.

- On acceptance (settle_acknowledgements) the PA deposits the invoice: a 200 « Déposée » message.
- Then each tick of the clock gives every invoice its next status, as the buyer's PA and the buyer would:
  the normal path is 202 Reçue, 203 Mise à disposition, 204 Prise en charge, 205 Approuvée.
- Each status is an `In` flow of type `CustomerInvoiceLC` whose Original is a real CDAR D22B message (filled
  in from the AFNOR examples in cdar_templates/), readable by the product and valid against the CDAR XSD.

Scenarios, chosen when the invoice is deposited, with SimPaFault rows (kind = the scenario):
- operation "lifecycle:<buyer SIREN>": every invoice to that buyer (remaining=0), or the next n;
- operation "lifecycle": the next invoice(s), whoever the buyer.
Kinds: "210" Refusée, "213" Rejetée (by the buyer's PA), "207" En litige, "208" Suspendue, "normal".

The clock: `advance(steps)` (tests; POST /_pa-sim/lifecycle/advance?steps=n) ticks at once. In demo mode,
PA_SIMULATOR_LIFECYCLE_SECONDS > 0 also ticks by itself: each search of the flows gives every invoice the
statuses whose time has come (one step every that many seconds since the previous one), so the demo's own B2B
invoices move on at each refresh. 0 (tests) = only explicit ticks."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lxml import etree

from einvoicing import cdar_read
from einvoicing.simulator.models import SimFlow, SimPaFault

TEMPLATES = Path(__file__).parent / "cdar_templates"
PARIS = ZoneInfo("Europe/Paris")
NS = cdar_read.NS
CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": NS["ram"],
    "udt": NS["udt"],
}

SCENARIOS: dict[str, tuple[int, ...]] = {
    "normal": (200, 202, 203, 204, 205),
    "210": (200, 202, 203, 210),
    "213": (200, 202, 213),
    "207": (200, 202, 203, 204, 207),
    "208": (200, 202, 203, 204, 208),
}
PLATFORM_PHASE = {200, 201, 202, 203, 213}  # MDT-77 = 305, sent by a PA (role WK)
# MDT-106 as the AFNOR examples write it; MDT-88 as they pair it with each status. The examples give no
# MDT-88 for 208, 210 and 213: the simulator's choice (8, 8, 8) is an assumption, kept here only.
NAMES = {
    200: ("Déposée", "10"),
    202: ("Reçue", "43"),
    203: ("Mise_à_disposition", "48"),
    204: ("Prise_en_charge", "45"),
    205: ("Approuvée", "1"),
    207: ("En_litige", "46"),
    208: ("Suspendue", "8"),
    210: ("Refusée", "8"),
    213: ("Rejetée", "8"),
}
# The buyer's reasons in the non-normal scenarios (codes of reference.md §4).
REASONS = {
    207: ("TX_TVA_ERR", "Taux de TVA erroné", "NIN", "Le taux de TVA de la ligne 1 devrait être de 10 %."),
    208: (
        "REF_CT_ABSENT",
        "Référence contractuelle absente",
        "PIN",
        "Merci d'indiquer notre numéro de commande.",
    ),
    210: ("CMD_ERR", "Commande erronée", "", "Cette prestation n'a pas été commandée."),
    213: ("NON_CONFORME", "Facture non conforme", "", "Adresse électronique de l'acheteur inconnue."),
}


@dataclass(frozen=True)
class Facts:
    number: str
    type_code: str
    issue_date: str  # CCYYMMDD
    seller_siren: str
    seller_name: str
    seller_address: str
    buyer_siren: str
    buyer_name: str
    buyer_address: str


def invoice_facts(flow: SimFlow) -> Facts | None:
    """What a lifecycle message says of the invoice, read from the flow's Factur-X (None: not readable)."""
    from invoices import facturx
    from invoices.errors import InvoicingError

    try:
        root = etree.fromstring(facturx.xml_from_pdf(bytes(flow.content)), cdar_read.PARSER)
    except (InvoicingError, etree.XMLSyntaxError):
        return None

    def text(path: str) -> str:
        found = root.xpath(path, namespaces=CII)
        return (found[0].text or "").strip() if found else ""

    def party(role: str) -> tuple[str, str, str]:
        base = f"//ram:{role}TradeParty"
        siren = text(f"{base}/ram:SpecifiedLegalOrganization/ram:ID")[:9]
        return siren, text(f"{base}/ram:Name"), text(f"{base}/ram:URIUniversalCommunication/ram:URIID")

    seller, buyer = party("Seller"), party("Buyer")
    return Facts(
        number=text("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID"),
        type_code=text("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode") or "380",
        issue_date=text(
            "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"
        ),
        seller_siren=seller[0],
        seller_name=seller[1],
        seller_address=seller[2] or seller[0],
        buyer_siren=buyer[0],
        buyer_name=buyer[1],
        buyer_address=buyer[2] or buyer[0],
    )


def _stamp(value: datetime.datetime) -> str:
    return value.astimezone(PARIS).strftime("%Y%m%d%H%M%S")


def _set(node, path: str, value: str) -> None:
    found = node.xpath(path, namespaces=NS)
    for element in found:
        element.text = value


def message(facts: Facts, code: int, *, at: datetime.datetime, deposited_at: datetime.datetime) -> bytes:
    """A CDAR D22B lifecycle message about the invoice (filled in from the AFNOR example of its phase)."""
    platform = code in PLATFORM_PHASE
    template = (
        "UC1_F202500003_02-CDV-202_Recue.xml" if platform else "UC1_F202500003_05-CDV-205_Approuvee.xml"
    )
    root = etree.fromstring((TEMPLATES / template).read_bytes().lstrip(b"\xef\xbb\xbf"), cdar_read.PARSER)
    name, status = NAMES.get(code, (str(code), "1"))
    doc = root.find("rsm:ExchangedDocument", NS)
    _set(doc, "ram:ID", f"{facts.number}_{code}_{_stamp(at)}#{facts.type_code}_{facts.issue_date}")
    _set(doc, "ram:Name", f"{facts.number}-CDV-{code}_{name}")
    _set(doc, "ram:IssueDateTime/udt:DateTimeString", _stamp(at))
    recipients = doc.findall("ram:RecipientTradeParty", NS)
    seller_party = recipients[0]
    _set(seller_party, "ram:GlobalID", facts.seller_siren)
    _set(seller_party, "ram:Name", facts.seller_name[:100] or facts.seller_siren)
    _set(seller_party, "ram:URIUniversalCommunication/ram:URIID", facts.seller_address)
    if platform:
        buyer_party = recipients[1]
        _set(buyer_party, "ram:GlobalID", facts.buyer_siren)
        _set(buyer_party, "ram:Name", facts.buyer_name[:100] or facts.buyer_siren)
        _set(buyer_party, "ram:URIUniversalCommunication/ram:URIID", facts.buyer_address)
    else:
        _set(doc, "ram:IssuerTradeParty/ram:GlobalID", facts.buyer_siren)
        _set(doc, "ram:IssuerTradeParty/ram:Name", facts.buyer_name[:100] or facts.buyer_siren)
    ack = root.find("rsm:AcknowledgementDocument", NS)
    _set(ack, "ram:IssueDateTime/udt:DateTimeString", _stamp(at))
    ref = ack.find("ram:ReferenceReferencedDocument", NS)
    _set(ref, "ram:IssuerAssignedID", facts.number)
    _set(ref, "ram:StatusCode", status)
    _set(ref, "ram:TypeCode", facts.type_code)
    _set(ref, "ram:ReceiptDateTime/udt:DateTimeString", _stamp(deposited_at))
    _set(ref, "ram:FormattedIssueDateTime/qdt:DateTimeString", facts.issue_date)
    _set(ref, "ram:ProcessConditionCode", str(code))
    _set(ref, "ram:ProcessCondition", name)
    _set(ref, "ram:IssuerTradeParty/ram:GlobalID", facts.seller_siren)
    if code in REASONS:
        reason_code, reason, action, comment = REASONS[code]
        ram = f"{{{NS['ram']}}}"
        status_el = etree.SubElement(ref, f"{ram}SpecifiedDocumentStatus")
        etree.SubElement(status_el, f"{ram}ReasonCode").text = reason_code
        etree.SubElement(status_el, f"{ram}Reason").text = reason
        if action:
            etree.SubElement(status_el, f"{ram}RequestedActionCode").text = action
        etree.SubElement(status_el, f"{ram}SequenceNumeric").text = "1"
        note = etree.SubElement(status_el, f"{ram}IncludedNote")
        etree.SubElement(note, f"{ram}Content").text = comment
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _scenario_for(buyer_siren: str) -> str:
    with transaction.atomic():
        fault = (
            SimPaFault.objects.select_for_update()
            .filter(operation__in=(f"lifecycle:{buyer_siren}", "lifecycle"), kind__in=SCENARIOS)
            .order_by("-operation", "id")  # the buyer's own switch first
            .first()
        )
        if fault is None:
            return "normal"
        if fault.remaining == 1:
            fault.delete()
        elif fault.remaining > 1:
            fault.remaining -= 1
            fault.save(update_fields=["remaining"])
        return fault.kind


def _emit(invoice_flow: SimFlow, facts: Facts, code: int, at: datetime.datetime) -> SimFlow:
    content = message(facts, code, at=at, deposited_at=invoice_flow.lifecycle_at or at)
    import hashlib

    return SimFlow.objects.create(
        flow_id=str(uuid.uuid4()),
        owner=invoice_flow.owner,
        name=f"{facts.number}-CDV-{code}.xml",
        flow_syntax="CDAR",
        processing_rule="B2B",
        flow_type="CustomerInvoiceLC",
        direction="In",
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        content_type="application/xml",
        submitted_at=at,
        updated_at=at,
        ack_status="Ok",
    )


def deposit(invoice_flow: SimFlow, at: datetime.datetime) -> SimFlow | None:
    """Called when the PA accepts a B2B invoice flow: choose its scenario and send 200 Déposée."""
    if (
        invoice_flow.flow_syntax != "Factur-X"
        or invoice_flow.direction != "Out"
        or invoice_flow.lifecycle_step
    ):
        return None
    facts = invoice_facts(invoice_flow)
    if facts is None:
        return None
    invoice_flow.lifecycle_scenario = _scenario_for(facts.buyer_siren)
    invoice_flow.lifecycle_step = 1
    invoice_flow.lifecycle_at = at
    invoice_flow.save(update_fields=["lifecycle_scenario", "lifecycle_step", "lifecycle_at"])
    return _emit(invoice_flow, facts, SCENARIOS[invoice_flow.lifecycle_scenario][0], at)


def _pending():
    return SimFlow.objects.filter(
        direction="Out", flow_syntax="Factur-X", ack_status="Ok", lifecycle_step__gte=1
    )


def _tick(invoice_flow: SimFlow, at: datetime.datetime) -> SimFlow | None:
    path = SCENARIOS.get(invoice_flow.lifecycle_scenario, SCENARIOS["normal"])
    if invoice_flow.lifecycle_step >= len(path):
        return None
    facts = invoice_facts(invoice_flow)
    if facts is None:
        return None
    code = path[invoice_flow.lifecycle_step]
    invoice_flow.lifecycle_step += 1
    invoice_flow.lifecycle_at = at
    invoice_flow.save(update_fields=["lifecycle_step", "lifecycle_at"])
    return _emit(invoice_flow, facts, code, at)


def advance(steps: int = 1, *, now: datetime.datetime | None = None) -> int:
    """Ticks the clock `steps` times for every invoice; returns how many messages were produced."""
    from einvoicing.simulator.views import settle_acknowledgements

    now = now or timezone.now()
    settle_acknowledgements(now)
    produced = 0
    for step in range(max(0, steps)):
        at = now + datetime.timedelta(milliseconds=step)
        for invoice_flow in _pending():
            produced += _tick(invoice_flow, at) is not None
    return produced


def run_clock(now: datetime.datetime | None = None) -> int:
    """Demo mode: the statuses whose time has come (a step every PA_SIMULATOR_LIFECYCLE_SECONDS)."""
    period = getattr(settings, "PA_SIMULATOR_LIFECYCLE_SECONDS", 0)
    if not period:
        return 0
    now = now or timezone.now()
    step = datetime.timedelta(seconds=period)
    produced = 0
    for invoice_flow in _pending().filter(lifecycle_at__lte=now - step):
        while invoice_flow.lifecycle_at and invoice_flow.lifecycle_at + step <= now:
            if _tick(invoice_flow, invoice_flow.lifecycle_at + step) is None:
                break
            produced += 1
    return produced
