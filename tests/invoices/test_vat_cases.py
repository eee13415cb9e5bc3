"""Each VAT case a cabinet meets: the legal mention on the issued PDF (pdftotext), and a Factur-X that
passes the XSD, EN 16931 and, for a French business buyer, BR-FR checks."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import pytest
from lxml import etree

from invoices import facturx, facturx_validation, pdf, services, vat
from invoices.errors import InvoicingError
from invoices.models import Invoice
from tests import factories

NS = facturx.NS
TAX = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"


def pdftotext(content: bytes) -> str:
    """The PDF as a reader sees it (poppler's pdftotext), whitespace collapsed."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return re.sub(r"\s+", " ", text.stdout.decode())


def issued_text(invoice: Invoice) -> str:
    return pdftotext(Invoice.objects.get(pk=invoice.pk).pdf_bytes())


def valid_xml(invoice: Invoice, *, french: bool = True) -> etree._Element:
    xml = facturx.xml_from_pdf(Invoice.objects.get(pk=invoice.pk).pdf_bytes())
    report = facturx_validation.validate(xml, french_rules=french)
    assert report.ok, [str(f) for f in report.failures]
    assert report.families == (("XSD", "EN 16931", "BR-FR") if french else ("XSD", "EN 16931"))
    return etree.fromstring(xml)


def values(tree, path: str) -> list[str]:
    return [node.text for node in tree.xpath(path, namespaces=NS)]


@pytest.fixture
def entreprise(cabinet):
    return factories.make_client(
        cabinet,
        nom="SCI Les Jardins",
        siret="73282932000074",
        adresse="3 rue Bayard",
        tva_intracom="FR40303265045",
    )


@pytest.fixture
def belge(cabinet):
    return factories.make_client(
        cabinet,
        nom="Géomètres de Liège SPRL",
        adresse="Rue Léopold 12",
        code_postal="4000",
        ville="Liège",
        pays="Belgique",
        siret="",
        tva_intracom="BE0403019261",
    )


@pytest.fixture
def franchise_cabinet(db):
    return factories.make_cabinet(
        raison_sociale="Cabinet Petit Géomètre", tva_intracom="", vat_franchise=True, siret="73282932000074"
    )


def test_normal_rates_each_print_their_rate_and_the_encaissement_mention(cabinet, entreprise):
    invoice = factories.make_invoice(
        cabinet,
        client=entreprise,
        lines=[
            ("Bornage", "1", "1000", "20.00"),
            ("Travaux de rénovation", "1", "100", "10.00"),
            ("Accessibilité", "1", "100", "5.50"),
            ("Publication", "1", "100", "2.10"),
        ],
        issued=True,
    )
    text = issued_text(invoice)
    for mention in [
        "20 %",
        "10 %",
        "5,5 %",
        "2,1 %",
        "TVA exigible à l'encaissement (prestations de services).",
    ]:
        assert mention in text
    tree = valid_xml(invoice)
    assert values(tree, TAX + "ram:CategoryCode") == ["S", "S", "S", "S"]
    assert values(tree, TAX + "ram:RateApplicablePercent") == ["20.00", "10.00", "5.50", "2.10"]
    assert values(tree, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR40303265045"]


def test_debits_option_is_printed_and_sets_bt8(cabinet, entreprise):
    invoice = factories.make_invoice(cabinet, client=entreprise, vat_regime=vat.DEBITS, issued=True)
    assert "Option pour le paiement de la taxe d'après les débits." in issued_text(invoice)
    assert set(values(valid_xml(invoice), TAX + "ram:DueDateTypeCode")) == {"5"}


def test_exoneration_prints_its_coded_article(cabinet, entreprise):
    invoice = factories.make_invoice(
        cabinet,
        client=entreprise,
        lines=[("Expertise", "1", "800", "0.00")],
        vat_regime=vat.EXONERATION,
        exemption_code="261-D",
        issued=True,
    )
    assert invoice.exemption_reason == "Exonération de TVA, article 261 D du CGI"
    assert "Exonération de TVA, article 261 D du CGI." in issued_text(invoice)
    tree = valid_xml(invoice)
    assert values(tree, TAX + "ram:CategoryCode") == ["E"]
    assert values(tree, TAX + "ram:ExemptionReason") == ["Exonération de TVA, article 261 D du CGI"]


def test_exoneration_without_a_coded_motif_is_refused(cabinet, entreprise):
    with pytest.raises(InvoicingError) as e:
        factories.make_invoice(
            cabinet, client=entreprise, lines=[("Expertise", "1", "800", "0.00")], vat_regime=vat.EXONERATION
        )
    assert e.value.field == "exemption_code"


def test_autoliquidation_prints_the_mention_and_sends_category_ae_with_the_buyer_vat_number(
    cabinet, entreprise
):
    invoice = factories.make_invoice(
        cabinet,
        client=entreprise,
        lines=[("Implantation", "1", "2000", "0.00")],
        vat_regime=vat.AUTOLIQUIDATION,
        issued=True,
    )
    text = issued_text(invoice)
    assert "Autoliquidation" in text
    assert "N° TVA intracommunautaire FR40303265045" in text
    tree = valid_xml(invoice)
    assert values(tree, TAX + "ram:CategoryCode") == ["AE"]
    assert values(tree, TAX + "ram:ExemptionReasonCode") == ["VATEX-EU-AE"]
    assert values(tree, "//ram:IncludedSupplyChainTradeLineItem//ram:CategoryCode") == ["AE"]
    assert values(tree, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == [
        "FR40303265045"
    ]


def test_autoliquidation_requires_the_buyer_vat_number(cabinet):
    client = factories.make_client(cabinet, tva_intracom="")
    with pytest.raises(InvoicingError, match="numéro de TVA intracommunautaire du client est obligatoire"):
        factories.make_invoice(
            cabinet,
            client=client,
            lines=[("Implantation", "1", "2000", "0.00")],
            vat_regime=vat.AUTOLIQUIDATION,
        )


def test_a_checked_but_invalid_buyer_vat_number_is_refused_at_issue(cabinet, entreprise):
    invoice = factories.make_invoice(
        cabinet,
        client=entreprise,
        lines=[("Implantation", "1", "2000", "0.00")],
        vat_regime=vat.AUTOLIQUIDATION,
    )
    type(entreprise).objects.filter(pk=entreprise.pk).update(tva_intracom="FR00303265045")
    with pytest.raises(InvoicingError, match="n'est pas valide"):
        services.issue_invoice(invoice=invoice)


def test_intra_eu_services_cite_259_1_and_reverse_charge(cabinet, belge):
    invoice = factories.make_invoice(
        cabinet,
        client=belge,
        lines=[("Relevé 3D", "1", "5000", "0.00")],
        vat_regime=vat.INTRACOM,
        issued=True,
    )
    text = issued_text(invoice)
    assert "Autoliquidation" in text and "art. 259-1 et 283-2 du CGI" in text
    assert "N° TVA intracommunautaire BE0403019261" in text
    tree = valid_xml(invoice, french=False)  # a Belgian buyer is outside the French e-invoicing scope
    assert values(tree, TAX + "ram:CategoryCode") == ["AE"]
    assert values(tree, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["BE0403019261"]


def test_intra_eu_services_refuse_a_french_buyer(cabinet, entreprise):
    with pytest.raises(InvoicingError, match="autre État membre"):
        factories.make_invoice(
            cabinet, client=entreprise, lines=[("Relevé", "1", "5000", "0.00")], vat_regime=vat.INTRACOM
        )


def test_debours_are_shown_apart_outside_the_vat_base(cabinet, entreprise):
    lines = [
        services.LineInput("Bornage", Decimal("1000"), vat_rate="20.00"),
        services.LineInput("Frais d'hypothèques", Decimal("35.50"), vat_rate="0.00", debours=True),
    ]
    invoice = services.create_invoice(cabinet=cabinet, client=entreprise, lines=lines)
    invoice = services.issue_invoice(invoice=invoice)
    assert (invoice.total_ht, invoice.total_vat, invoice.total_ttc) == (
        Decimal("1035.50"),
        Decimal("200.00"),
        Decimal("1235.50"),
    )
    text = issued_text(invoice)
    assert "Débours (hors base de TVA, art. 267 II 2° du CGI)" in text
    assert (
        "Débours : sommes payées au nom et pour le compte du client, hors base de TVA (art. 267 II 2° du CGI)."
        in text
    )
    tree = valid_xml(invoice)
    assert values(tree, TAX + "ram:CategoryCode") == ["S", "E"]
    assert values(tree, TAX + "ram:ExemptionReason") == ["Débours, art. 267 II 2° du CGI"]
    assert values(tree, TAX + "ram:BasisAmount") == ["1000.00", "35.50"]


def test_debours_go_through_the_line_input(cabinet, entreprise):
    lines = [
        services.LineInput("Bornage", Decimal("1000"), vat_rate="20.00"),
        services.LineInput("Frais de géoportail", Decimal("12.00"), vat_rate="0.00", debours=True),
    ]
    invoice = services.create_invoice(cabinet=cabinet, client=entreprise, lines=lines)
    assert [line.debours for line in invoice.lines.all()] == [False, True]
    with pytest.raises(InvoicingError, match="hors base de TVA : son taux est 0 %"):
        services.update_invoice(
            invoice=invoice,
            lines=[services.LineInput("Frais", Decimal("12"), vat_rate="20.00", debours=True)],
        )


def test_a_zero_rate_line_never_goes_without_its_reason(cabinet, entreprise):
    with pytest.raises(InvoicingError, match="Une ligne à 0 % doit avoir sa raison légale") as e:
        factories.make_invoice(
            cabinet,
            client=entreprise,
            lines=[("Bornage", "1", "1000", "20.00"), ("Frais", "1", "10", "0.00")],
        )
    assert e.value.field == "lines"


def test_franchise_en_base_is_the_cabinet_regime_printed_on_every_document(franchise_cabinet):
    client = factories.make_client(franchise_cabinet, adresse="3 rue Bayard")
    invoice = factories.make_invoice(franchise_cabinet, client=client, lines=[("Relevé", "1", "500", "0.00")])
    assert invoice.vat_regime == vat.FRANCHISE
    invoice = services.issue_invoice(invoice=invoice)
    assert "TVA non applicable, art. 293 B du CGI." in issued_text(invoice)
    quote = factories.make_quote(franchise_cabinet, client=client, lines=[("Relevé", "1", "500", "0.00")])
    assert "TVA non applicable, art. 293 B du CGI." in pdftotext(pdf.render_quote_pdf(quote))
    tree = valid_xml(invoice)
    assert values(tree, TAX + "ram:ExemptionReasonCode") == ["VATEX-FR-FRANCHISE"]
    seller = "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID"
    assert values(tree, seller + "[@schemeID='FC']") == ["73282932000074"]
    assert values(tree, seller + "[@schemeID='VA']") == []


def test_franchise_cabinet_cannot_charge_vat(franchise_cabinet):
    client = factories.make_client(franchise_cabinet)
    with pytest.raises(InvoicingError, match="franchise en base"):
        factories.make_invoice(franchise_cabinet, client=client, vat_regime=vat.ENCAISSEMENTS)
    with pytest.raises(InvoicingError, match="toutes les lignes doivent être à 0 %"):
        factories.make_invoice(franchise_cabinet, client=client, lines=[("Relevé", "1", "500", "20.00")])


def test_a_vat_registered_cabinet_cannot_pick_293b_on_one_invoice(cabinet, entreprise):
    with pytest.raises(InvoicingError, match="ne peut pas l'appliquer à une seule pièce") as e:
        factories.make_invoice(
            cabinet, client=entreprise, lines=[("Relevé", "1", "500", "0.00")], vat_regime=vat.FRANCHISE
        )
    assert e.value.field == "vat_regime"


def test_acompte_on_a_quote_with_debours_keeps_the_debours_share_apart(cabinet, entreprise):
    quote = factories.make_quote(
        cabinet, client=entreprise, lines=[("Bornage", "1", "1000", "20.00")], accepted=False
    )
    services.update_quote(
        quote=quote,
        lines=[
            services.LineInput("Bornage", Decimal("1000"), vat_rate="20.00"),
            services.LineInput("Frais d'hypothèques", Decimal("100"), vat_rate="0.00", debours=True),
        ],
    )
    quote = services.decide_quote(quote=quote, accepted=True)
    acompte = services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=Decimal("50")))
    assert sorted((line.unit_price, line.debours) for line in acompte.lines.all()) == [
        (Decimal("50.00"), True),
        (Decimal("500.00"), False),
    ]
    valid_xml(acompte)


@pytest.mark.parametrize(
    ("regime", "motif", "expected"),
    [
        (vat.ENCAISSEMENTS, "", ("TVA_SUR_ENCAISSEMENT", "")),
        (vat.DEBITS, "", ("TVA_SUR_DEBIT", "")),
        (vat.EXONERATION, "261-D", ("EXONERATION", "EXONERATION_261")),
        (vat.EXONERATION, "262-ter-I", ("EXONERATION", "LIVRAISON_INTRACOMMUNAUTAIRE")),
        (vat.AUTOLIQUIDATION, "", ("EXONERATION", "AUTOLIQUIDATION")),
        (vat.INTRACOM, "", ("EXONERATION", "AUTOLIQUIDATION")),
        (vat.FRANCHISE, "", ("SANS_TVA", "")),
    ],
)
def test_chorus_prefill_reads_the_regime(regime, motif, expected):
    assert vat.chorus_prefill(regime, motif) == expected


def test_every_chorus_motif_is_in_the_simulated_chorus_list():
    from chorus.simulator.seed_data import MOTIFS_EXONERATION

    published = {code for code, _ in MOTIFS_EXONERATION}
    used = {e.chorus_motif for e in vat.EXEMPTIONS.values()} | {r.chorus_motif for r in vat.REGIMES.values()}
    assert used - {""} <= published


# Buyer identity ---------------------------------------------------------------------------------------


def test_a_french_company_without_siret_cannot_be_invoiced(cabinet):
    client = factories.make_client(cabinet, nom="SARL Sans Siret", siret="")  # a row older than the rule
    draft = factories.make_invoice(cabinet, client=client)
    with pytest.raises(InvoicingError, match="Le N° SIRET est obligatoire pour une entreprise") as e:
        services.issue_invoice(invoice=draft)
    assert e.value.field == "client"
    assert Invoice.objects.get(pk=draft.pk).number is None


def test_french_rules_apply_to_every_french_business_buyer(cabinet):
    company = factories.make_client(cabinet, categorie="autre", siret="73282932000074")
    invoice = factories.make_invoice(cabinet, client=company)
    assert facturx.in_french_scope(invoice)
    particulier = factories.make_client(cabinet, categorie="particulier", siret="")
    assert not facturx.in_french_scope(factories.make_invoice(cabinet, client=particulier))
    belgian = factories.make_client(cabinet, pays="Belgique", siret="")
    assert not facturx.in_french_scope(factories.make_invoice(cabinet, client=belgian))


def test_the_data_migration_maps_legacy_motif_texts_to_the_current_codes():
    import importlib

    migration = importlib.import_module("invoices.migrations.0005_exemption_codes")
    assert migration.code_for("Exonération de TVA,  article 261 D du CGI.") == "261-D"
    assert migration.code_for("Exonéré, voir contrat") == ""
    assert migration.MOTIFS == {text.lower(): code for code, text in vat.EXEMPTION_CHOICES}


def test_an_avoir_keeps_the_free_text_motif_of_an_invoice_issued_before_motifs_were_coded():
    from invoices.models import InvoiceKind
    from invoices.services.drafts import legacy_reason, set_exemption_text

    old = Invoice(
        pk=10, vat_regime=vat.EXONERATION, exemption_reason="Exonération de TVA, article 261 B du CGI"
    )
    avoir = Invoice(kind=InvoiceKind.AVOIR, vat_regime=vat.EXONERATION, origin=old)
    set_exemption_text(avoir)
    assert avoir.exemption_reason == legacy_reason(avoir) == "Exonération de TVA, article 261 B du CGI"
    lines = [vat.VatLine(Decimal("0"))]
    vat.check(vat.EXONERATION, lines=lines, franchise_cabinet=False, legacy_reason=avoir.exemption_reason)
    with pytest.raises(InvoicingError, match="motif d'exonération"):
        vat.check(vat.EXONERATION, lines=lines, franchise_cabinet=False)
    assert legacy_reason(Invoice(kind=InvoiceKind.FACTURE, vat_regime=vat.EXONERATION, origin=old)) == ""
