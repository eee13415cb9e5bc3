"""A UBL 2.1 Invoice written from the EN 16931 business terms of an incoming supplier invoice (the factur-x
library's keys, as incoming.invoice_data gives them), through the EN 16931 UBL binding, with the elements
and their order of the AFNOR UBL example (XP Z12-014 annex B, UC1). The offline PA delivers one of its fake
suppliers' invoices this way, so that « Factures reçues » shows a UBL invoice read like the others."""

from __future__ import annotations

from lxml import etree
from lxml.builder import ElementMaker

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP = {None: INVOICE, "cac": CAC, "cbc": CBC}

root = ElementMaker(namespace=INVOICE, nsmap=NSMAP)
cac = ElementMaker(namespace=CAC, nsmap=NSMAP)
cbc = ElementMaker(namespace=CBC, nsmap=NSMAP)


def _vat_scheme():
    return cac.TaxScheme(cbc.ID("VAT"))


def _party(party: dict):
    address = [
        element(party[key])
        for element, key in (
            (cbc.StreetName, "addr_l1"),
            (cbc.CityName, "city"),
            (cbc.PostalZone, "postcode"),
        )
        if party.get(key)
    ]
    return cac.Party(
        cbc.EndpointID(party["einvoicing_addr"], schemeID=party["einvoicing_addr_schemeid"]),
        *[
            cac.PartyIdentification(cbc.ID(value, schemeID=scheme))
            for scheme, value in party.get("identifiers", {}).items()
        ],
        cac.PostalAddress(*address, cac.Country(cbc.IdentificationCode(party["country_code"]))),
        *(
            [cac.PartyTaxScheme(cbc.CompanyID(party["vat_identifier"]), _vat_scheme())]
            if party.get("vat_identifier")
            else []
        ),
        cac.PartyLegalEntity(
            cbc.RegistrationName(party["name"]),
            cbc.CompanyID(party["legal_identifier"], schemeID=party["legal_identifier_schemeid"]),
        ),
    )


def invoice_ubl(data: dict) -> bytes:
    currency = data["BT-5"]
    lines = [
        cac.InvoiceLine(
            cbc.ID(line["BT-126"]),
            cbc.InvoicedQuantity(line["BT-129"], unitCode=line["BT-130"]),
            cbc.LineExtensionAmount(line["BT-131"], currencyID=currency),
            cac.Item(
                cbc.Name(line["BT-153"]),
                cac.ClassifiedTaxCategory(cbc.ID(line["BT-151"]), cbc.Percent(line["BT-152"]), _vat_scheme()),
            ),
            cac.Price(cbc.PriceAmount(line["BT-146"], currencyID=currency)),
        )
        for line in data["BG-25"]
    ]
    subtotals = [
        cac.TaxSubtotal(
            cbc.TaxableAmount(vat["BT-116"], currencyID=currency),
            cbc.TaxAmount(vat["BT-117"], currencyID=currency),
            cac.TaxCategory(cbc.ID(vat["BT-118"]), cbc.Percent(vat["BT-119"]), _vat_scheme()),
        )
        for vat in data["BG-23"]
    ]
    invoice = root.Invoice(
        cbc.CustomizationID("urn:cen.eu:en16931:2017"),
        cbc.ProfileID(data["BT-23"]),
        cbc.ID(data["BT-1"]),
        cbc.IssueDate(data["BT-2"].isoformat()),
        cbc.DueDate(data["BT-9"].isoformat()),
        cbc.InvoiceTypeCode(data["BT-3"]),
        *[cbc.Note(f"#{note['BT-21']}#{note['BT-22']}") for note in data.get("BG-1", [])],
        cbc.DocumentCurrencyCode(currency),
        cac.AccountingSupplierParty(_party(data["BG-4"])),
        cac.AccountingCustomerParty(_party(data["BG-7"])),
        cac.PaymentTerms(cbc.Note(data["BT-20"])),
        cac.TaxTotal(cbc.TaxAmount(data["BT-110"], currencyID=currency), *subtotals),
        cac.LegalMonetaryTotal(
            cbc.LineExtensionAmount(data["BT-106"], currencyID=currency),
            cbc.TaxExclusiveAmount(data["BT-109"], currencyID=currency),
            cbc.TaxInclusiveAmount(data["BT-112"], currencyID=currency),
            cbc.PayableAmount(data["BT-115"], currencyID=currency),
        ),
        *lines,
    )
    return etree.tostring(invoice, xml_declaration=True, encoding="UTF-8", pretty_print=True)
