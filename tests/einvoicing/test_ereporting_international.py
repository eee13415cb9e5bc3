"""International B2B e-reporting: invoice-level data (10.1) and payments (10.2) of sales to foreign business
clients, valid against the flux 10 XSD and the PPF schematron, and sent the same exactly-once way."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import responses
from lxml import etree

from einvoicing import ereporting, ereporting_send
from einvoicing import ereporting_international as international
from einvoicing.models import EInvoiceState, PlatformAccount
from tests import factories
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL

pytestmark = pytest.mark.django_db

NOV = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
PA = {"platform_matricule": "0099", "platform_name": "Plateforme Exemple"}


@pytest.fixture
def abroad(cabinet):
    belgian = factories.make_client(
        cabinet,
        nom="Géomètre Bruxelles SPRL",
        categorie="entreprise",
        siret="",
        pays="Belgique",
        tva_intracom="BE0403170701",
    )
    german = factories.make_client(
        cabinet,
        nom="Vermessung Köln GmbH",
        categorie="entreprise",
        siret="",
        pays="Allemagne",
        tva_intracom="DE136695976",
    )
    french = factories.make_client(cabinet, nom="M. Martin", categorie="particulier", siret="")
    first = factories.make_invoice(cabinet, client=belgian, issued=True, today=datetime.date(2026, 11, 5))
    second = factories.make_invoice(cabinet, client=german, issued=True, today=datetime.date(2026, 11, 6))
    factories.make_invoice(
        cabinet, client=french, issued=True, today=datetime.date(2026, 11, 6)
    )  # 10.3, not here
    return {"belgian": first, "german": second}


def test_each_foreign_business_invoice_is_reported_with_its_buyer_and_vat(cabinet, abroad):
    rows = international.invoices(cabinet, *NOV)
    assert [(r.number, r.country, r.buyer_scheme, r.buyer_id) for r in rows] == [
        (abroad["belgian"].number, "BE", "0223", "BE0403170701"),
        (abroad["german"].number, "DE", "0223", "DE136695976"),
    ]
    xml = international.invoices_xml(cabinet, *NOV, **PA)
    assert ereporting.check(xml) == []
    root = etree.fromstring(xml)
    first = root.find("TransactionsReport/Invoice")
    assert first.findtext("TypeCode") == "380" and first.findtext("BusinessProcess/ID") == "S1"
    assert first.findtext("Seller/CompanyId") == cabinet.siret[:9]
    assert first.findtext("MonetaryTotal/TaxExclusiveAmount") == str(abroad["belgian"].total_ht)
    assert root.findtext("ReportDocument/Id") == f"INV-{cabinet.siret[:9]}-20261101-IN"


def test_an_avoir_refers_to_its_invoice(cabinet, abroad):
    from invoices import services

    draft = services.create_credit_note(invoice=abroad["belgian"])
    services.issue_invoice(invoice=draft, today=datetime.date(2026, 11, 12))
    xml = international.invoices_xml(cabinet, *NOV, **PA)
    assert ereporting.check(xml) == []
    avoir = etree.fromstring(xml).findall("TransactionsReport/Invoice")[-1]
    assert avoir.findtext("TypeCode") == "381"
    assert avoir.findtext("ReferencedDocument/ID") == abroad["belgian"].number


def test_a_buyer_outside_the_eu_without_identifier_is_refused_by_the_check(cabinet):
    swiss = factories.make_client(
        cabinet, nom="Bureau Genève SA", categorie="entreprise", siret="", pays="Suisse"
    )
    factories.make_invoice(cabinet, client=swiss, issued=True, today=datetime.date(2026, 11, 5))
    [row] = international.invoices(cabinet, *NOV)
    assert (row.country, row.buyer_scheme, row.buyer_id) == ("CH", "0227", "")
    problems = ereporting.check(international.invoices_xml(cabinet, *NOV, **PA))
    assert any("[G6.28]" in p for p in problems)


def test_payments_of_international_invoices_are_reported_per_invoice(cabinet, abroad):
    factories.make_payment(abroad["belgian"], amount="600.00", date=datetime.date(2026, 11, 20))
    [row] = international.payments(cabinet, *NOV)
    assert row.number == abroad["belgian"].number and row.total == Decimal("600.00")
    xml = international.payments_xml(cabinet, *NOV, **PA)
    assert ereporting.check(xml) == []
    invoice = etree.fromstring(xml).find("PaymentsReport/Invoice")
    assert invoice.findtext("InvoiceID") == abroad["belgian"].number
    assert invoice.findtext("Payment/Date") == "20261120"


@pytest.fixture
def account(cabinet):
    account = PlatformAccount(
        cabinet=cabinet,
        name="PA",
        matricule="0099",
        flow_url=FLOW_BASE,
        directory_url=DIRECTORY_BASE,
        token_url=TOKEN_URL,
        client_id="c",
    )
    account.set_client_secret("s")
    account.save()
    return account


def test_the_international_report_is_sent_as_b2bint_once(cabinet, abroad, account, pa, afnor):
    period = ereporting.Period(*NOV)
    report = ereporting_send.prepare(cabinet=cabinet, kind="10.1", period=period, account=account)
    afnor.add(
        responses.POST,
        f"{FLOW_BASE}/v1/flows",
        json={"flowId": "f-int", "submittedAt": "2026-12-02T10:00:00Z", "flowSyntax": "FRR"},
        status=202,
    )
    done = ereporting_send.send(report_id=report.pk, pa=pa)
    assert done.state == EInvoiceState.SENT and done.tracking_id.startswith("101-")
    body = afnor.calls[-1].request.body
    assert b'"processingRule": "B2BInt"' in body and b"<Invoice>" in body


def test_the_page_shows_the_international_invoices_only_when_there_are_some(
    cabinet, comptable, client_as, abroad
):
    import html

    from django.urls import reverse

    web = client_as(comptable)
    page = html.unescape(web.get(reverse("einvoicing:ereporting"), {"mois": "2026-11"}).content.decode())
    assert "Factures internationales (flux 10.1) du 01/11/2026 au 10/11/2026" in page
    assert "Vermessung Köln GmbH" in page and "DE136695976" in page
    assert "Factures internationales (flux 10.1) du 11/11/2026" not in page  # nothing in that period
    assert "Paiements internationaux (flux 10.2)" not in page
    response = web.get(reverse("einvoicing:ereporting-download", args=["international", "20261101-20261110"]))
    assert etree.fromstring(response.content).find("TransactionsReport/Invoice") is not None
