"""Factur-X (CII, profile EN 16931) of an issued invoice, built with the `factur-x` library.

The data dict uses the EN 16931 business terms as keys (BT-x / BG-x, the 7.x layout of the library,
see french-invoicing.md §4.4). Amounts come straight from the stored Decimal totals, so the XML says
exactly what the PDF prints: a recomputation here could drift from it by a cent.
"""

from __future__ import annotations

import copy
import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from facturx import generate_cii_xml, get_facturx_xml_from_pdf
from lxml import etree

from invoices import terms, totals, vat
from invoices.errors import InvoicingError
from invoices.models import Invoice, InvoiceKind

LEVEL = "en16931"
INDEMNITY = terms.INDEMNITY

# The débits option (reference.md §5, encoding « unverified »): the legal text as a free note, and BT-8
# (VAT point date code) = 5 « date of invoice », as the AFNOR examples put it on an invoice whose VAT is due
# at issue (services under the option are taxed like goods). Kept here only: change both together.
DEBIT_OPTION_MENTION = "Option pour le paiement de la taxe d'après les débits."
DEBIT_OPTION_BT8 = "invoice"  # the library's name for CII DueDateTypeCode 5

# BT-23 « cadre de facturation » (reference.md §5): a land surveyor invoices services (S); 1 = submission of
# an invoice, 4 = final invoice after down payments (acomptes deducted; BR-FR-CO-08 excludes it on a 386).
NATURE = "S"

# EN 16931 BT-3 (UNTDID 1001): commercial invoice, credit note, prepayment invoice.
TYPE_CODES = {InvoiceKind.FACTURE: "380", InvoiceKind.AVOIR: "381", InvoiceKind.ACOMPTE: "386"}

# Units of measure (UN/ECE Recommendation 20).
UNIT_CODES = {
    "forfait": "LS",
    "u": "C62",
    "h": "HUR",
    "j": "DAY",
    "m2": "MTK",
    "ha": "C62",  # hectare (HAR) is missing from the Factur-X EN 16931 code list: counted as units
    "ml": "LM",
    "pt": "C62",
}

COUNTRY_CODES = {
    "": "FR",
    "france": "FR",
    "belgique": "BE",
    "luxembourg": "LU",
    "suisse": "CH",
    "monaco": "MC",
    "allemagne": "DE",
    "espagne": "ES",
    "italie": "IT",
    "andorre": "AD",
    "royaume-uni": "GB",
    "pays-bas": "NL",
    "portugal": "PT",
}

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}

# The library logs every PDF it writes and every XML it reads at INFO: one line per invoice issued.
logging.getLogger("factur-x").setLevel(logging.WARNING)


def _amount(value: Decimal) -> str:
    return str(totals.money(value))


def _quantity(value: Decimal) -> str:
    text = format(Decimal(value).quantize(Decimal("0.0001")).normalize(), "f")
    return text


def _country(pays: str) -> str:
    key = (pays or "").strip().lower()
    if key in COUNTRY_CODES:
        return COUNTRY_CODES[key]
    if len(key) == 2 and key.isalpha():
        return key.upper()
    raise InvoicingError(
        f"Pays « {pays} » non reconnu pour la facture électronique : saisissez le pays du client en "
        "toutes lettres (France, Belgique…) ou son code ISO à deux lettres."
    )


def in_french_scope(invoice: Invoice) -> bool:
    """True for a French business or public body: the French e-invoicing rules (BR-FR) then apply.
    Companies and public bodies cannot be invoiced without their SIRET (Client.requires_siret); another
    French professional buyer is in scope once identified by its SIRET. A private individual or a buyer
    abroad gets an EN 16931 invoice (their data goes to e-reporting, not to the e-invoicing exchange)."""
    client = invoice.client
    if client.requires_siret:
        return True
    return client.is_professional and client.is_french and len(client.siret or "") == 14


def notes(invoice: Invoice) -> list[dict]:
    """BG-1: the three French payment notes (PMT, PMD, AAB), worded as on the PDF."""
    if invoice.client.is_professional:
        pmt = (
            f"Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
            f"{str(INDEMNITY).replace('.', ',')} € (art. L441-10 et D441-5 du Code de commerce)."
        )
    else:
        pmt = "Indemnité forfaitaire pour frais de recouvrement : non applicable (client particulier)."
    result = [
        {"BT-21": "PMT", "BT-22": pmt},
        {"BT-21": "PMD", "BT-22": invoice.late_rate_text or "Pénalités de retard : sans objet (avoir)."},
        {"BT-21": "AAB", "BT-22": "Escompte pour paiement anticipé : néant."},
    ]
    if _goes_to_the_platform(invoice):
        # BR-FR-20 « cadre de traitement » B2B: it also makes the schematron check BT-49 (BR-FR-21).
        result.append({"BT-21": "BAR", "BT-22": "B2B"})
    if vat.regime(invoice.vat_regime).vat_on_debits:
        result.append({"BT-22": DEBIT_OPTION_MENTION})
    if invoice.objet:
        result.append({"BT-22": f"Objet : {invoice.objet}"})
    return result


def _goes_to_the_platform(invoice: Invoice) -> bool:
    """The invoice's routing decision (einvoicing/routing.py) sends it through the Plateforme Agréée."""
    from einvoicing import routing, services  # the app that owns the routing decision

    return services.routing_for(invoice).route == routing.Route.PA_B2B


def seller_siret(invoice: Invoice) -> str:
    """The SIRET the XML names the seller by: for a public buyer, the supplier structure of the cabinet's
    Chorus Pro account (the flux is refused when it names another one), else the cabinet's own SIRET."""
    account = getattr(invoice.cabinet, "chorus_account", None)  # reverse one-to-one: None when not set up
    if account is not None and account.siret_fournisseur and invoice.client.is_public_body:
        return account.siret_fournisseur
    return invoice.cabinet.siret


def _seller(invoice: Invoice) -> dict:
    cabinet = invoice.cabinet
    siret = seller_siret(invoice)
    party: dict = {
        "name": cabinet.raison_sociale,
        "addr_l1": cabinet.adresse,
        "postcode": cabinet.code_postal,
        "city": cabinet.ville,
        "country_code": "FR",
    }
    if siret:
        party |= {
            "legal_identifier": siret[:9],
            "legal_identifier_schemeid": "0002",
            "identifiers": {"0009": siret},
            "einvoicing_addr": siret[:9],
            "einvoicing_addr_schemeid": "0225",
        }
    if cabinet.tva_intracom:
        party["vat_identifier"] = vat.compact_vat_number(cabinet.tva_intracom)
    elif cabinet.vat_franchise and cabinet.siret:
        # A cabinet under the franchise en base has no VAT number: its SIRET is its tax registration
        # (BT-32), which BR-E-02 accepts for exempt lines.
        party["tax_identifier"] = cabinet.siret
    legal = " — ".join(
        part
        for part in (
            f"{cabinet.forme_juridique} au capital de {str(totals.money(cabinet.capital)).replace('.', ',')} €"
            if cabinet.forme_juridique and cabinet.capital
            else cabinet.forme_juridique,
            cabinet.rcs,
        )
        if part
    )
    if legal:
        party["legal_info"] = legal
    if siret and not invoice.client.is_public_body:
        # BT-34: the cabinet's own address in the Directory (« Tester la connexion »), when it has one.
        account = getattr(cabinet, "platform_account", None)
        address = account.electronic_address if account is not None else ""
        if address.startswith(siret[:9]):
            party["einvoicing_addr"] = address
    if cabinet.telephone or cabinet.email:
        party["contacts"] = [
            {"name": cabinet.raison_sociale, "phone": cabinet.telephone, "email": cabinet.email}
        ]
    return {key: value for key, value in party.items() if value}


def _buyer(invoice: Invoice) -> dict:
    client = invoice.client
    party: dict = {
        "name": client.nom,
        "addr_l1": client.adresse,
        "postcode": client.code_postal,
        "city": client.ville,
        "country_code": _country(client.pays),
    }
    if client.is_professional and client.siret:
        # Public bodies are addressed by SIRET on Chorus Pro; both begin with the SIREN (BR-FR-21).
        party |= {
            "legal_identifier": client.siren,
            "legal_identifier_schemeid": "0002",
            "identifiers": {"0009": client.siret},
            # B2B: the address the Directory gave at « Valider » (einvoicing/directory.py), else the SIREN.
            "einvoicing_addr": client.siret
            if client.is_public_body
            else (_remembered(client) or client.siren),
            "einvoicing_addr_schemeid": "0225",
        }
    if client.tva_intracom:
        party["vat_identifier"] = vat.compact_vat_number(client.tva_intracom)  # BT-48
    return {key: value for key, value in party.items() if value}


def _remembered(client) -> str:
    from einvoicing.directory import remembered  # the app that owns the Directory rule

    return remembered(client)


def _delivery(invoice: Invoice) -> dict | None:
    """BG-13/BG-15: the surveyed site, i.e. the dossier's commune, when the invoice has a dossier with one."""
    dossier = invoice.dossier
    if dossier is None or not dossier.commune:
        return None
    return {"name": dossier.objet[:200], "city": dossier.commune, "country_code": "FR"}


def _line(invoice: Invoice, line) -> dict:
    rate = line.rate
    category = vat.line_category(
        invoice.vat_regime,
        rate,
        debours=line.debours,
        exemption_code=invoice.exemption_code,
        reason=invoice.exemption_reason,
    ).code
    quantity, price = Decimal(line.quantity), Decimal(line.unit_price)
    if price < 0:
        # A discount line: EN 16931 forbids a negative net price (BR-27), so the quantity carries the sign.
        quantity, price = -quantity, -price
    return {
        "BT-126": str(line.position or line.pk),
        "BT-153": line.designation,
        "BT-129": _quantity(quantity),
        "BT-130": UNIT_CODES.get(line.unit, "C62"),
        "BT-146": str(price),
        "BT-131": _amount(line.total_ht),
        "BT-151": category,
        "BT-152": str(rate.quantize(Decimal("0.01"))),
    }


def _vat_breakdown(invoice: Invoice, lines) -> list[dict]:
    rows = []
    for group in vat.breakdown(
        invoice.vat_regime,
        ((line.total_ht, line.rate, line.debours) for line in lines),
        exemption_code=invoice.exemption_code,
        reason=invoice.exemption_reason,
    ):
        row = {
            "BT-116": _amount(group.base),
            "BT-117": _amount(group.vat),
            "BT-118": group.category.code,
            "BT-119": str(group.rate),
        }
        if group.category.reason:
            row["BT-120"] = group.category.reason
        if group.category.reason_code:
            row["BT-121"] = group.category.reason_code
        rows.append(row)
    return rows


def data_dict(invoice: Invoice) -> dict:
    """The EN 16931 business terms of an issued invoice (keys as in the factur-x library)."""
    if not invoice.number or not invoice.issue_date:
        raise InvoicingError("Seule une facture numérotée peut devenir une Factur-X.")
    lines = list(invoice.lines.all())
    deducted = invoice.deducted_acomptes()
    data: dict = {
        "BT-1": invoice.number,
        "BT-2": invoice.issue_date,
        "BT-3": TYPE_CODES[InvoiceKind(invoice.kind)],
        "BT-5": "EUR",
        "BT-23": f"{NATURE}4" if deducted and invoice.kind != InvoiceKind.ACOMPTE else f"{NATURE}1",
        "BG-1": notes(invoice),
        "BG-4": _seller(invoice),
        "BG-7": _buyer(invoice),
        "BG-23": _vat_breakdown(invoice, lines),
        "BG-25": [_line(invoice, line) for line in lines],
        "BT-106": _amount(invoice.total_ht),
        "BT-109": _amount(invoice.total_ht),
        "BT-110": _amount(invoice.total_vat),
        "BT-112": _amount(invoice.total_ttc),
        "BT-115": _amount(invoice.net_to_pay),
    }
    if invoice.service_date:
        data["BT-72"] = invoice.service_date
    if invoice.due_date:
        data["BT-9"] = invoice.due_date
    if invoice.payment_terms_days and not invoice.is_credit_note:
        data["BT-20"] = terms.terms_text(
            invoice.payment_terms_days, end_of_month=invoice.payment_end_of_month
        )
    if invoice.prepaid_ttc:
        data["BT-113"] = _amount(invoice.prepaid_ttc)
    if vat.regime(invoice.vat_regime).vat_on_debits:
        data["BT-8"] = DEBIT_OPTION_BT8
    if delivery := _delivery(invoice):
        data["BG-13"] = delivery
    if invoice.numero_engagement:
        data["BT-13"] = invoice.numero_engagement
    if invoice.numero_marche:
        data["BT-12"] = invoice.numero_marche
    if invoice.code_service:
        data["BT-10"] = invoice.code_service  # Chorus Pro reads the recipient's service code here
    references = []
    if invoice.is_credit_note and invoice.origin_reference:
        number, date = invoice.origin_reference
        references.append({"BT-25": number, "BT-26": date})
    references += [{"BT-25": a.number, "BT-26": a.issue_date} for a in deducted]
    if references:
        data["BG-3"] = references
    cabinet = invoice.cabinet
    if cabinet.iban:
        data |= {"BT-81": "30", "BT-84": cabinet.iban.replace(" ", "")}
        if cabinet.bic:
            data["BT-86"] = cabinet.bic
    return data


def invoice_xml(invoice: Invoice) -> bytes:
    """CII XML (Factur-X EN 16931) of an issued invoice; validation is facturx_validation's job.

    Raises InvoicingError when the invoice cannot be expressed (unknown country, no number).
    """
    # The library rewrites the dict it is given (formats, level filtering): hand it a copy.
    try:
        xml = generate_cii_xml(
            copy.deepcopy(data_dict(invoice)), level=LEVEL, check_xsd=False, check_schematron=False
        )
    except ValueError as e:
        raise InvoicingError(f"La Factur-X n'a pas pu être produite : {e}") from e
    return _without_nil_delivery(xml)


def _without_nil_delivery(xml: bytes) -> bytes:
    """An acompte knows no delivery date (BT-72), which leaves the delivery block empty: the library
    then marks it xsi:nil, which the schema refuses, where an empty element is valid."""
    root = etree.fromstring(xml)
    nil = "{http://www.w3.org/2001/XMLSchema-instance}nil"
    changed = False
    for node in root.iter(f"{{{NS['ram']}}}ApplicableHeaderTradeDelivery"):
        if node.get(nil) is not None:
            del node.attrib[nil]
            changed = True
    if not changed:
        return xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def xml_from_pdf(content: bytes) -> bytes:
    """The factur-x.xml attached to a PDF. Raises InvoicingError when there is none."""
    try:
        filename, xml = get_facturx_xml_from_pdf(content, check_xsd=False)
    except Exception as e:  # the library raises bare Exceptions on unreadable PDFs
        raise InvoicingError(f"PDF illisible : {e}") from e
    if not xml:
        raise InvoicingError("Ce PDF ne contient pas de fichier factur-x.xml.")
    return xml


@dataclass(frozen=True)
class Summary:
    """What a reader of the XML sees first: number, type, dates and totals."""

    number: str
    type_code: str
    issue_date: datetime.date
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    prepaid: Decimal
    due: Decimal


@dataclass(frozen=True)
class Routing:
    """Who the XML names as seller and buyer, and the buyer's references Chorus Pro routes on."""

    seller_siret: str  # BT-29 (scheme 0009)
    buyer_siret: str  # BT-46 (scheme 0009)
    service_code: str  # BT-10
    engagement: str  # BT-13
    payment_means: str  # BT-81


def routing(xml: bytes) -> Routing:
    """Reads the routing data back from a CII XML."""
    root = etree.fromstring(xml)
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"

    def text(path: str) -> str:
        found = root.xpath(agreement + path, namespaces=NS)
        return (found[0].text or "").strip() if found else ""

    return Routing(
        seller_siret=text("ram:SellerTradeParty/ram:GlobalID[@schemeID='0009']"),
        buyer_siret=text("ram:BuyerTradeParty/ram:GlobalID[@schemeID='0009']"),
        service_code=text("ram:BuyerReference"),
        engagement=text("ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        payment_means=text(
            "../ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"
        ),
    )


def summary(xml: bytes) -> Summary:
    """Reads back the header and the totals of a CII XML."""
    root = etree.fromstring(xml)

    def text(path: str, default: str = "") -> str:
        found = root.xpath(path, namespaces=NS)
        return found[0].text.strip() if found else default

    sums = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    issued = text("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    return Summary(
        number=text("rsm:ExchangedDocument/ram:ID"),
        type_code=text("rsm:ExchangedDocument/ram:TypeCode"),
        issue_date=datetime.datetime.strptime(issued, "%Y%m%d").date(),
        total_ht=Decimal(text(sums + "ram:TaxBasisTotalAmount", "0")),
        total_vat=Decimal(text(sums + "ram:TaxTotalAmount", "0")),
        total_ttc=Decimal(text(sums + "ram:GrandTotalAmount", "0")),
        prepaid=Decimal(text(sums + "ram:TotalPrepaidAmount", "0")),
        due=Decimal(text(sums + "ram:DuePayableAmount", "0")),
    )
