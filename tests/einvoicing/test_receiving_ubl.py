"""« Factures reçues » in UBL 2.1: the official example reads exactly as its CII twin, a CreditNote too,
amounts and dates exactly, entities never expanded, a missing number or an unknown document kept
« Illisible » with the reason, and the format shown on the page."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from einvoicing import receiving
from einvoicing.models import ReceivedStatus
from tests import factories

EXAMPLES = Path(__file__).parent / "received_examples"
UC1_CII = EXAMPLES / "UC1_F202500003_00-INV_20250701_CII.xml"
UC1_UBL = EXAMPLES / "UC1_F202500003_00-INV_20250701_UBL.xml"


def ubl(**replacements: str) -> bytes:
    xml = UC1_UBL.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in xml, old
        xml = xml.replace(old, new)
    return xml.encode()


def credit_note() -> bytes:
    """The UC1 invoice as a UBL CreditNote: its root, type code (381), lines and quantities renamed, and its
    due date where a CreditNote carries it (the payment means)."""
    xml = UC1_UBL.read_text(encoding="utf-8")
    for old, new in (
        ("<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"",
         "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""),
        ("</Invoice>", "</CreditNote>"),
        ("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"),
        ("<cbc:ID>F202500003</cbc:ID>", "<cbc:ID>A202500001</cbc:ID>"),
        ("<cbc:DueDate>2025-07-31</cbc:DueDate>", ""),
        ("<cbc:PaymentID>", "<cbc:PaymentDueDate>2025-08-15</cbc:PaymentDueDate><cbc:PaymentID>"),
        ("cac:InvoiceLine>", "cac:CreditNoteLine>"),
        ("cbc:InvoicedQuantity", "cbc:CreditedQuantity"),
    ):  # fmt: skip
        assert old in xml, old
        xml = xml.replace(old, new)
    assert not any(
        name in xml for name in ("Invoice-2", "InvoiceLine", "InvoicedQuantity", "InvoiceTypeCode")
    )
    return xml.encode()


def test_the_official_ubl_example_reads_exactly_as_its_cii_twin():
    from_cii = receiving.parse_invoice(UC1_CII.read_bytes())
    from_ubl = receiving.parse_invoice(UC1_UBL.read_bytes())
    assert (from_cii.pop("flow_syntax"), from_ubl.pop("flow_syntax")) == ("CII", "UBL")
    assert from_ubl == from_cii
    # Not an equality of two empty readings: every field the CII reader fills is there.
    assert from_ubl["number"] == "F202500003" and from_ubl["supplier_name"] == "LE VENDEUR"
    assert (from_ubl["supplier_siren"], from_ubl["supplier_vat"], from_ubl["supplier_address"]) == (
        "100000009",
        "FR88100000009",
        "100000009_STATUTS",
    )
    assert (from_ubl["buyer_name"], from_ubl["buyer_siren"], from_ubl["buyer_address"]) == (
        "LE CLIENT",
        "200000008",
        "200000008",
    )
    assert from_ubl["vat_breakdown"] == [
        {"category": "S", "rate": "20.00", "base": "10000.00", "amount": "2000.00"}
    ]
    assert [
        (line["id"], line["unit"], line["unit_price"], line["vat_rate"]) for line in from_ubl["lines"]
    ] == [
        ("1", "HUR", "40.0000", "20.00"),
        ("2", "DAY", "400.0000", "20.00"),
    ]


def test_ubl_amounts_and_dates_are_read_exactly():
    data = receiving.parse_invoice(
        ubl(**{
            "<cbc:IssueDate>2025-07-01</cbc:IssueDate>": "<cbc:IssueDate>2025-07-02+02:00</cbc:IssueDate>",
            "<cbc:DueDate>2025-07-31</cbc:DueDate>": "<cbc:DueDate>2025-08-29</cbc:DueDate>",
            # BT-111, the VAT in the accounting currency, comes first: BT-110 is the one in EUR.
            "<cac:TaxTotal>": '<cac:TaxTotal><cbc:TaxAmount currencyID="USD">2345.67</cbc:TaxAmount></cac:TaxTotal>'
            "<cac:TaxTotal>",
            '<cbc:TaxExclusiveAmount currencyID="EUR">10000.00': '<cbc:TaxExclusiveAmount currencyID="EUR">10000.01',
            '<cbc:TaxInclusiveAmount currencyID="EUR">12000.00': '<cbc:TaxInclusiveAmount currencyID="EUR">12000.01',
            '<cbc:PrepaidAmount currencyID="EUR">0.00</cbc:PrepaidAmount>\n        '
            '<cbc:PayableAmount currencyID="EUR">12000.00': '<cbc:PrepaidAmount currencyID="EUR">3000.00'
            '</cbc:PrepaidAmount><cbc:PayableAmount currencyID="EUR">9000.01',
            '<cbc:InvoicedQuantity unitCode="DAY">5.0000': '<cbc:InvoicedQuantity unitCode="DAY">0.3333',
        })
    )  # fmt: skip
    assert data["issue_date"] == datetime.date(2025, 7, 2) and data["due_date"] == datetime.date(2025, 8, 29)
    amounts = [data[k] for k in ("total_ht", "total_vat", "total_ttc", "amount_due")]
    assert all(type(a) is Decimal for a in amounts)
    assert [str(a) for a in amounts] == ["10000.01", "2000.00", "12000.01", "9000.01"]
    assert data["lines"][1]["quantity"] == "0.3333"


def test_a_ubl_payable_amount_defaults_to_the_total_with_vat():
    data = receiving.parse_invoice(
        ubl(**{'<cbc:PayableAmount currencyID="EUR">12000.00</cbc:PayableAmount>': ""})
    )
    assert data["amount_due"] == Decimal("12000.00")


def test_a_ubl_credit_note_is_read_and_stored_as_a_credit_note(cabinet):
    data = receiving.parse_invoice(credit_note())
    assert (data["number"], data["type_code"], data["flow_syntax"]) == ("A202500001", "381", "UBL")
    assert data["due_date"] == datetime.date(2025, 8, 15)
    assert [(line["name"], line["quantity"], line["unit"], line["total_ht"]) for line in data["lines"]] == [
        ("SERVICE_FOURNI1", "200.0000", "HUR", "8000.00"),
        ("SERVICE_FOURNI2", "5.0000", "DAY", "2000.00"),
    ]
    assert data["total_ttc"] == Decimal("12000.00") and data["supplier_siren"] == "100000009"
    row = factories.make_received(cabinet, content=credit_note())
    row.refresh_from_db()
    assert row.status == ReceivedStatus.NEW and row.parse_error == ""
    assert row.is_credit_note and row.title == "Avoir reçu" and row.flow_syntax == "UBL"
    assert row.original_content_type == "application/xml"


def test_a_ubl_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE")
    xml = ubl(**{
        '<?xml version="1.0" encoding="utf-8" ?>':
            f'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file://{secret}">]>',
        "<cbc:Note>#REG#": "<cbc:Note>&x;#REG#",
        "<cbc:Name>SERVICE_FOURNI1</cbc:Name>": "<cbc:Name>&x;</cbc:Name>",
    })  # fmt: skip
    data = receiving.parse_invoice(xml)
    assert "MOT-DE-PASSE" not in json.dumps(data, default=str)
    assert data["number"] == "F202500003" and data["lines"][0]["name"] == ""


def test_a_ubl_billion_laughs_is_refused_without_expanding(cabinet):
    laughs = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )  # 10⁹ « lol » once expanded
    bomb = ubl(**{
        '<?xml version="1.0" encoding="utf-8" ?>': f'<?xml version="1.0"?><!DOCTYPE Invoice [{laughs}]>',
        "<cbc:ID>F202500003</cbc:ID>": "<cbc:ID>&l9;</cbc:ID>",
    })  # fmt: skip
    with pytest.raises(receiving.Unreadable, match="mal formé"):
        receiving.parse_invoice(bomb)
    row = factories.make_received(cabinet, content=bomb)
    assert row.status == ReceivedStatus.UNREADABLE and bytes(row.original) == bomb
    # An entity small enough for the parser is kept unexpanded: the number is then missing, not « lol ».
    small = ubl(**{
        '<?xml version="1.0" encoding="utf-8" ?>': '<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY n "F9">]>',
        "<cbc:ID>F202500003</cbc:ID>": "<cbc:ID>&n;</cbc:ID>",
    })  # fmt: skip
    with pytest.raises(receiving.Unreadable, match="numéro"):
        receiving.parse_invoice(small)


def test_a_ubl_without_its_number_is_kept_unreadable_saying_what_is_missing(cabinet):
    content = ubl(**{"<cbc:ID>F202500003</cbc:ID>": ""})
    row = factories.make_received(cabinet, content=content)
    row.refresh_from_db()
    assert row.status == ReceivedStatus.UNREADABLE
    assert row.parse_error == "La facture reçue n'a pas de numéro (BT-1, élément cbc:ID)."
    assert bytes(row.original) == content and row.number == ""


@pytest.mark.parametrize(
    "root",
    [
        "<Order xmlns='urn:oasis:names:specification:ubl:schema:xsd:Order-2'><ID>1</ID></Order>",
        "<Invoice xmlns='urn:example:pas-ubl'><ID>1</ID></Invoice>",  # the name alone is not UBL
    ],
)
def test_an_xml_of_unknown_root_stays_unreadable(cabinet, root):
    row = factories.make_received(cabinet, content=root.encode())
    row.refresh_from_db()
    assert row.status == ReceivedStatus.UNREADABLE
    assert "ni une facture CII (Factur-X) ni une facture UBL" in row.parse_error
    assert "« Order »" in row.parse_error or "« Invoice »" in row.parse_error


def test_a_bad_ubl_amount_or_date_is_refused_in_french():
    with pytest.raises(receiving.Unreadable, match="Montant illisible : « douze »"):
        receiving.parse_invoice(
            ubl(**{">12000.00</cbc:TaxInclusiveAmount>": ">douze</cbc:TaxInclusiveAmount>"})
        )
    with pytest.raises(receiving.Unreadable, match="Date illisible : « 01/07/2025 »"):
        receiving.parse_invoice(ubl(**{">2025-07-01</cbc:IssueDate>": ">01/07/2025</cbc:IssueDate>"}))


def test_the_detail_page_shows_the_format_read(client_as, comptable, cabinet):
    row = factories.make_received(cabinet, content=UC1_UBL.read_bytes())
    page = client_as(comptable).get(row.get_absolute_url()).content.decode()
    assert "<dt>Format</dt><dd>UBL</dd>" in page
    assert "LE VENDEUR" in page and "SERVICE_FOURNI2" in page and "12\xa0000,00" in page
    assert "Voir la facture (PDF)" not in page  # an XML has no PDF of its own
    facturx = factories.make_received(cabinet)
    assert (
        "<dt>Format</dt><dd>Factur-X</dd>"
        in client_as(comptable).get(facturx.get_absolute_url()).content.decode()
    )


# -- the offline PA's supplier that sends UBL ------------------------------------------------------------------


def shape(xml: bytes) -> dict[str, list[str]]:
    """Each element path of a document and the distinct names of its children, in their order."""
    from lxml import etree

    children: dict[str, list[str]] = {}

    def walk(node, path: str) -> None:
        names = children.setdefault(path, [])
        for child in node:
            if isinstance(child.tag, str):
                name = etree.QName(child).localname
                if name not in names:
                    names.append(name)
                walk(child, f"{path}/{name}")

    root = etree.fromstring(xml)
    walk(root, etree.QName(root).localname)
    return children


def test_the_simulator_ubl_keeps_to_the_elements_and_order_of_the_official_example():
    from einvoicing.simulator import incoming

    [supplier] = [s for s in incoming.SUPPLIERS if s.syntax == "UBL"]
    ours = shape(
        incoming.supplier_file(
            supplier,
            number="F-1",
            issue_date=datetime.date(2026, 11, 5),
            buyer_siren="732829320",
            buyer_name="X",
        )
    )
    official = shape(UC1_UBL.read_bytes())
    for path, names in ours.items():
        assert path in official, path
        expected = [n for n in official[path] if n in names]
        assert names == expected, (path, names, expected)


def test_the_simulator_ubl_supplier_reads_exactly_as_its_facturx():
    from einvoicing.simulator import incoming

    [supplier] = [s for s in incoming.SUPPLIERS if s.syntax == "UBL"]
    kw = {
        "number": "F-1",
        "issue_date": datetime.date(2026, 11, 5),
        "buyer_siren": "732829320",
        "buyer_name": "G",
    }
    content = incoming.supplier_file(supplier, **kw)
    assert content.startswith(b"<?xml")
    from_ubl = receiving.parse_invoice(content)
    from_facturx = receiving.parse_invoice(incoming.facturx_pdf(supplier, **kw))
    assert (from_ubl.pop("flow_syntax"), from_facturx.pop("flow_syntax")) == ("UBL", "Factur-X")
    assert from_ubl == from_facturx
    assert from_ubl["supplier_name"] == supplier.name and from_ubl["total_ttc"] == Decimal("246.00")
    assert len(from_ubl["lines"]) == 2 and from_ubl["supplier_address"] == supplier.siren


def test_the_demo_receives_one_invoice_in_ubl_read_like_the_others(cabinet):
    from einvoicing import demo
    from einvoicing.models import ReceivedInvoice
    from einvoicing.simulator.models import SimFlow

    account = demo.seed_demo_platform(cabinet=cabinet)
    flows = SimFlow.objects.filter(owner=account.client_id, direction="In")
    assert sorted(flows.values_list("flow_syntax", flat=True)) == ["Factur-X", "Factur-X", "UBL"]
    ubl_flow = flows.get(flow_syntax="UBL")
    assert ubl_flow.content_type == "application/xml" and ubl_flow.name.endswith(".xml")
    rows = ReceivedInvoice.objects.filter(cabinet=cabinet)
    assert {r.status for r in rows} == {ReceivedStatus.NEW} and all(r.lines and r.total_ttc > 0 for r in rows)
    read = rows.get(flow_id=ubl_flow.flow_id)
    assert (read.flow_syntax, read.supplier_name, read.total_ttc) == (
        "UBL",
        "Bornage Fournitures SARL",
        Decimal("246.00"),
    )
    assert read.supplier_address == read.supplier_siren == "523456788"  # where its answers go
