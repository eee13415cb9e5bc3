"""E-reporting (flux 10.3 / 10.4) built from the cabinet's sales to individuals, valid against the AIFE XSD
and the PPF schematron, with the figures the invoices and payments give."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from lxml import etree

from einvoicing import ereporting, schematron
from tests import factories

pytestmark = pytest.mark.django_db

NOV = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
PA = dict(platform_matricule="0099", platform_name="Plateforme Exemple")


@pytest.fixture
def sales(cabinet):
    martin = factories.make_client(cabinet, nom="M. et Mme Martin", categorie="particulier", siret="")
    company = factories.make_client(
        cabinet, nom="SCI Tilleuls", categorie="entreprise", siret="55210055400013"
    )
    day = datetime.date(2026, 11, 3)
    first = factories.make_invoice(cabinet, client=martin, issued=True, today=day)  # 1 300 HT, 20 %
    from invoices import services

    second = services.issue_invoice(
        invoice=services.create_invoice(
            cabinet=cabinet,
            client=martin,
            lines=[
                services.LineInput("Division parcellaire", Decimal("500.00")),
                services.LineInput(
                    "Frais de publication (débours)", Decimal("80.00"), vat_rate="0.00", debours=True
                ),
            ],
        ),
        today=day,
    )
    factories.make_invoice(
        cabinet, client=company, issued=True, today=datetime.date(2026, 11, 4)
    )  # B2B: not here
    return {"martin": martin, "first": first, "second": second}


def test_the_days_sales_to_individuals_are_totalled_per_rate(cabinet, sales):
    [day] = ereporting.transactions(cabinet, *NOV)
    assert (day.date, day.category, day.tax_due_code, day.count) == (
        datetime.date(2026, 11, 3),
        "TPS1",
        "72",
        2,
    )
    assert [(r.rate, r.base, r.vat) for r in day.rates if r.base] == [
        (Decimal("20.00"), Decimal("1800.00"), Decimal("360.00"))
    ]


def test_an_avoir_counts_negatively_on_its_day(cabinet, sales):
    from invoices import services

    draft = services.create_credit_note(invoice=sales["first"])
    services.issue_invoice(invoice=draft, today=datetime.date(2026, 11, 10))
    days = {d.date: d for d in ereporting.transactions(cabinet, *NOV)}
    assert days[datetime.date(2026, 11, 10)].base == Decimal("-1300.00")


def test_the_transactions_report_is_valid_and_says_the_figures(cabinet, sales):
    xml = ereporting.transactions_xml(cabinet, *NOV, **PA)
    assert ereporting.check(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext("ReportDocument/Issuer/Id") == cabinet.siret[:9]
    assert root.findtext("TransactionsReport/Transactions/TaxExclusiveAmount") == "1800.00"
    assert root.findtext("TransactionsReport/Transactions/TaxSubtotal/TaxPercent") == "20"


def test_collections_are_reported_per_day_and_rate_when_vat_is_due_on_receipt(cabinet, sales):
    factories.make_payment(sales["first"], amount="500.00", date=datetime.date(2026, 11, 20))
    [day] = ereporting.payments(cabinet, *NOV)
    assert day.date == datetime.date(2026, 11, 20) and day.amounts == ((Decimal("20.00"), Decimal("500.00")),)
    xml = ereporting.payments_xml(cabinet, *NOV, **PA)
    assert ereporting.check(xml) == []
    assert etree.fromstring(xml).findtext("PaymentsReport/Transactions/Payment/SubTotals/Amount") == "500.00"


def test_under_the_debits_option_vat_is_due_at_invoice_and_no_collection_is_reported(cabinet, sales):
    cabinet.vat_on_debits = True
    cabinet.save()
    factories.make_payment(sales["first"], date=datetime.date(2026, 11, 20))
    assert ereporting.transactions(cabinet, *NOV)[0].tax_due_code == "5"
    assert ereporting.payments(cabinet, *NOV) == []


def test_a_broken_report_is_caught_by_the_ppf_rules(cabinet, sales):
    xml = ereporting.transactions_xml(cabinet, *NOV, platform_matricule="12345", platform_name="PA")
    messages = ereporting.check(xml)
    assert any("[G6.22]" in m for m in messages)
    bad = xml.replace(b"<CategoryCode>TPS1</CategoryCode>", b"<CategoryCode>TPS9</CategoryCode>")
    assert any("[G1.68]" in m for m in ereporting.check(bad))


def test_the_schematron_compiler_refuses_what_it_does_not_handle(tmp_path):
    sch = tmp_path / "x.sch"
    sch.write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
        '<pattern id="p"><rule context="/a"><report test="b">x</report></rule></pattern></schema>'
    )
    with pytest.raises(ValueError, match="non prise en charge"):
        schematron.compile_schematron(sch)


@pytest.mark.parametrize(
    ("regime", "expected"),
    [
        ("reel_mensuel", ["20261101-20261110", "20261111-20261120", "20261121-20261130"]),
        ("reel_trimestriel", ["20261101-20261130"]),
        ("simplifie", ["20261101-20261130"]),
        ("franchise", ["20261101-20261231"]),
    ],
)
def test_periods_follow_the_vat_regime(regime, expected):
    assert [p.key for p in ereporting.transaction_periods(regime, datetime.date(2026, 11, 15))] == expected


def test_the_page_shows_the_month_and_its_files(cabinet, comptable, client_as, sales):
    import html

    from django.urls import reverse

    web = client_as(comptable)
    page = html.unescape(web.get(reverse("einvoicing:ereporting"), {"mois": "2026-11"}).content.decode())
    assert "Transactions (flux 10.3) du 01/11/2026 au 10/11/2026" in page
    assert "1 800,00 €" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Plateforme agréée non configurée" in page
    response = web.get(reverse("einvoicing:ereporting-download", args=["transactions", "20261101-20261110"]))
    assert (
        response["Content-Disposition"] == 'attachment; filename="flux10-transactions-20261101-20261110.xml"'
    )
    assert (
        etree.fromstring(response.content).findtext("TransactionsReport/ReportPeriod/StartDate") == "20261101"
    )
    assert (
        web.get(reverse("einvoicing:ereporting-download", args=["transactions", "2026-bad"])).status_code
        == 404
    )
    assert (
        web.get(reverse("einvoicing:ereporting-download", args=["autre", "20261101-20261110"])).status_code
        == 404
    )


def test_another_cabinets_sales_are_not_in_its_report(cabinet, other_cabinet, stranger, client_as, sales):
    from django.urls import reverse

    response = client_as(stranger).get(
        reverse("einvoicing:ereporting-download", args=["transactions", "20261101-20261110"])
    )
    assert etree.fromstring(response.content).find("TransactionsReport/Transactions") is None
