"""Reading a received supplier invoice into the fields of a ReceivedInvoice, in the reform's three formats
(reference.md §5): Factur-X (a PDF with its CII embedded), CII XML, and UBL 2.1 XML (`Invoice` or
`CreditNote`). One reader per syntax, each following the EN 16931 binding of that syntax, both giving the
same dict field for field; only `flow_syntax` says which format was read. Received files are untrusted:
one parser per document, with no DTD, no entity expansion and no network access (XXE-safe)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from einvoicing.client import FlowSyntax
from invoices import facturx
from invoices.errors import InvoicingError

NS = facturx.NS
UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "CreditNote",
}
UBL_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


class Unreadable(Exception):
    pass


def _safe_parser() -> etree.XMLParser:
    """Received files are untrusted: no DTD, no entity expansion, no network access (XXE-safe). One parser
    per document: lxml parsers are not shared between threads."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


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


def _date(text: str, *, iso: bool = False) -> datetime.date | None:
    """A CII date (format 102, 20250701) or, with `iso`, a UBL one (2025-07-01, maybe with a time zone)."""
    text = (text or "").strip()
    if not text:
        return None
    fmt, width = ("%Y-%m-%d", 10) if iso else ("%Y%m%d", 8)
    try:
        return datetime.datetime.strptime(text[:width], fmt).date()
    except ValueError as e:
        raise Unreadable(f"Date illisible : « {text} ».") from e


def _text(node, path: str, ns: dict[str, str]) -> str:
    # .text, never XPath string(): string() would expand an entity reference the parser kept unresolved.
    found = node.xpath(path, namespaces=ns)
    if not found:
        return ""
    value = found[0] if isinstance(found[0], str) else found[0].text
    return (value or "").strip()


def _element(node, path: str, ns: dict[str, str]):
    """The first element at `path`, or None."""
    return next(iter(node.xpath(path, namespaces=ns)), None)


def _required(value: str, what: str) -> str:
    if not value:
        raise Unreadable(f"La facture reçue n'a pas de {what}.")
    return value


def _in_currency(amounts: list, currency: str) -> str:
    """The total VAT in the invoice currency (BT-110) when the invoice also gives it in its accounting
    currency (BT-111)."""
    return next(
        (a.text for a in amounts if a.get("currencyID") in (None, currency)),
        amounts[0].text if amounts else "0",
    )


def _party(*, name: str, siren: str, siret: str, vat: str, address: str) -> dict:
    """A party as the model keeps it; its SIREN taken from the SIRET or a French VAT number when absent."""
    if not siren and siret:
        siren = siret[:9]
    if not siren and vat.startswith("FR") and len(vat) == 13:
        siren = vat[4:]
    return {
        "name": name[:200],
        "siren": siren[:9] if siren.isdigit() else "",
        "vat": vat[:30],
        "address": address[:125],
    }


def _line(
    *, line_id: str, name: str, description: str, quantity, unit_price: str, vat_rate: str, total_ht: str
) -> dict:
    return {
        "id": line_id,
        "name": name,
        "description": description,
        "quantity": str(_decimal(quantity.text if quantity is not None else "")),
        "unit": quantity.get("unitCode", "") if quantity is not None else "",
        "unit_price": str(_decimal(unit_price)),
        "vat_rate": vat_rate,
        "total_ht": str(_decimal(total_ht)),
    }


def _vat(*, category: str, rate: str, base: str, amount: str) -> dict:
    return {"category": category, "rate": rate, "base": str(_decimal(base)), "amount": str(_decimal(amount))}


def _fields(
    *,
    number: str,
    type_code: str,
    issue_date: datetime.date | None,
    due_date: datetime.date | None,
    currency: str,
    seller: dict,
    buyer: dict,
    total_ht: str,
    total_vat: str,
    total_ttc: str,
    amount_due: str,
    lines: list[dict],
    breakdown: list[dict],
) -> dict:
    """The ReceivedInvoice fields, whatever the syntax read."""
    ttc = _decimal(total_ttc)
    return {
        "number": number[:100],
        "type_code": type_code[:3],
        "issue_date": issue_date,
        "due_date": due_date,
        "currency": currency[:3],
        "supplier_name": seller["name"],
        "supplier_siren": seller["siren"],
        "supplier_vat": seller["vat"],
        "supplier_address": seller["address"],
        "buyer_name": buyer["name"],
        "buyer_siren": buyer["siren"],
        "buyer_address": buyer["address"],
        "total_ht": _decimal(total_ht),
        "total_vat": _decimal(total_vat or "0"),
        "total_ttc": ttc,
        "amount_due": _decimal(amount_due) if amount_due else ttc,
        "lines": lines,
        "vat_breakdown": breakdown,
    }


def parse_invoice(content: bytes) -> dict:
    """The fields of a ReceivedInvoice read from a Factur-X PDF, a CII XML or a UBL Invoice / CreditNote XML;
    raises Unreadable (French)."""
    xml = _xml_of(content)
    try:
        root = etree.fromstring(xml, parser=_safe_parser())
    except etree.XMLSyntaxError as e:
        raise Unreadable(f"Le XML de la facture est mal formé ({e}).") from e
    name = etree.QName(root)
    if name.localname == "CrossIndustryInvoice":
        syntax = FlowSyntax.FACTURX if content[:5] == b"%PDF-" else FlowSyntax.CII
        return _read_cii(root) | {"flow_syntax": str(syntax)}
    if root.tag in UBL_ROOTS:
        return _read_ubl(root, UBL_ROOTS[root.tag]) | {"flow_syntax": str(FlowSyntax.UBL)}
    raise Unreadable(
        f"Ce document (élément racine « {name.localname} ») n'est ni une facture CII (Factur-X) ni une "
        "facture UBL : sa lecture n'est pas prise en charge, consultez le fichier reçu."
    )


def _read_cii(root) -> dict:
    def text(node, path: str) -> str:
        return _text(node, path, NS)

    transaction_ = "rsm:SupplyChainTradeTransaction/"
    agreement = transaction_ + "ram:ApplicableHeaderTradeAgreement/"
    settlement = transaction_ + "ram:ApplicableHeaderTradeSettlement/"
    sums = settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    number = _required(text(root, "rsm:ExchangedDocument/ram:ID"), "numéro (BT-1)")
    currency = text(root, settlement + "ram:InvoiceCurrencyCode") or "EUR"

    def party(name: str) -> dict:
        base = agreement + f"ram:{name}TradeParty/"
        return _party(
            name=text(root, base + "ram:Name"),
            siren=text(root, base + "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']"),
            siret=text(root, base + "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']")
            or text(root, base + "ram:GlobalID[@schemeID='0009']"),
            vat=text(root, base + "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
            address=text(root, base + "ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']")
            or text(root, base + "ram:URIUniversalCommunication/ram:URIID"),
        )

    item_settlement = "ram:SpecifiedLineTradeSettlement/"
    lines = [
        _line(
            line_id=text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
            name=text(item, "ram:SpecifiedTradeProduct/ram:Name"),
            description=text(item, "ram:SpecifiedTradeProduct/ram:Description"),
            quantity=_element(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", NS),
            unit_price=text(
                item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
            ),
            vat_rate=text(item, item_settlement + "ram:ApplicableTradeTax/ram:RateApplicablePercent"),
            total_ht=text(
                item,
                item_settlement + "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            ),
        )
        for item in root.xpath(transaction_ + "ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
    ]
    breakdown = [
        _vat(
            category=text(tax, "ram:CategoryCode"),
            rate=text(tax, "ram:RateApplicablePercent"),
            base=text(tax, "ram:BasisAmount"),
            amount=text(tax, "ram:CalculatedAmount"),
        )
        for tax in root.xpath(settlement + "ram:ApplicableTradeTax", namespaces=NS)
    ]
    return _fields(
        number=number,
        type_code=text(root, "rsm:ExchangedDocument/ram:TypeCode"),
        issue_date=_date(text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
        due_date=_date(
            text(root, settlement + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")
        ),
        currency=currency,
        seller=party("Seller"),
        buyer=party("Buyer"),
        total_ht=text(root, sums + "ram:TaxBasisTotalAmount"),
        total_vat=_in_currency(root.xpath(sums + "ram:TaxTotalAmount", namespaces=NS), currency),
        total_ttc=text(root, sums + "ram:GrandTotalAmount"),
        amount_due=text(root, sums + "ram:DuePayableAmount"),
        lines=lines,
        breakdown=breakdown,
    )


def _read_ubl(root, kind: str) -> dict:
    """UBL 2.1 through the EN 16931 UBL binding; `kind` is Invoice or CreditNote, whose type code, lines and
    quantities are named after it (cbc:CreditNoteTypeCode, cac:CreditNoteLine, cbc:CreditedQuantity)."""

    def text(node, path: str) -> str:
        return _text(node, path, UBL_NS)

    number = _required(text(root, "cbc:ID"), "numéro (BT-1, élément cbc:ID)")
    currency = text(root, "cbc:DocumentCurrencyCode") or "EUR"
    sums = "cac:LegalMonetaryTotal/"

    def party(role: str) -> dict:
        node = _element(root, f"cac:Accounting{role}Party/cac:Party", UBL_NS)
        if node is None:
            return _party(name="", siren="", siret="", vat="", address="")
        # BT-31 is the PartyTaxScheme whose TaxScheme is VAT (BT-32, another tax number, is not); compared
        # here rather than in an XPath predicate, which would expand an unresolved entity reference.
        vat = next(
            (
                text(scheme, "cbc:CompanyID")
                for scheme in node.xpath("cac:PartyTaxScheme", namespaces=UBL_NS)
                if text(scheme, "cac:TaxScheme/cbc:ID") == "VAT"
            ),
            "",
        )
        return _party(
            name=text(node, "cac:PartyLegalEntity/cbc:RegistrationName")
            or text(node, "cac:PartyName/cbc:Name"),
            siren=text(node, "cac:PartyLegalEntity/cbc:CompanyID[@schemeID='0002']"),
            siret=text(node, "cac:PartyLegalEntity/cbc:CompanyID[@schemeID='0009']")
            or text(node, "cac:PartyIdentification/cbc:ID[@schemeID='0009']"),
            vat=vat,
            address=text(node, "cbc:EndpointID[@schemeID='0225']") or text(node, "cbc:EndpointID"),
        )

    quantity = "cbc:CreditedQuantity" if kind == "CreditNote" else "cbc:InvoicedQuantity"
    lines = [
        _line(
            line_id=text(item, "cbc:ID"),
            name=text(item, "cac:Item/cbc:Name"),
            description=text(item, "cac:Item/cbc:Description"),
            quantity=_element(item, quantity, UBL_NS),
            unit_price=text(item, "cac:Price/cbc:PriceAmount"),
            vat_rate=text(item, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
            total_ht=text(item, "cbc:LineExtensionAmount"),
        )
        for item in root.xpath(f"cac:{kind}Line", namespaces=UBL_NS)
    ]
    breakdown = [
        _vat(
            category=text(tax, "cac:TaxCategory/cbc:ID"),
            rate=text(tax, "cac:TaxCategory/cbc:Percent"),
            base=text(tax, "cbc:TaxableAmount"),
            amount=text(tax, "cbc:TaxAmount"),
        )
        for tax in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=UBL_NS)
    ]
    return _fields(
        number=number,
        type_code=text(root, f"cbc:{kind}TypeCode"),
        issue_date=_date(text(root, "cbc:IssueDate"), iso=True),
        # A UBL CreditNote has no cbc:DueDate: its BT-9 is the payment means' due date.
        due_date=_date(
            text(root, "cbc:DueDate") or text(root, "cac:PaymentMeans/cbc:PaymentDueDate"), iso=True
        ),
        currency=currency,
        seller=party("Supplier"),
        buyer=party("Customer"),
        total_ht=text(root, sums + "cbc:TaxExclusiveAmount"),
        total_vat=_in_currency(root.xpath("cac:TaxTotal/cbc:TaxAmount", namespaces=UBL_NS), currency),
        total_ttc=text(root, sums + "cbc:TaxInclusiveAmount"),
        amount_due=text(root, sums + "cbc:PayableAmount"),
        lines=lines,
        breakdown=breakdown,
    )
