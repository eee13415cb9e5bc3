"""Devis → commande → factures partielles (acomptes) → facture finale qui les déduit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoices import services
from invoices.errors import InvoicingError
from invoices.models import InvoiceKind, QuoteStatus
from tests import factories
from tests.utils import pdf_pages

LINES = [("Bornage amiable", "1", "2500.00", "20.00"), ("Plan de division", "1", "2500.00", "20.00")]


def test_quote_is_numbered_and_totalled(cabinet):
    quote = factories.make_quote(cabinet, lines=LINES)
    assert quote.number.startswith("D") and quote.number.endswith("-0001")
    assert (quote.total_ht, quote.total_ttc) == (Decimal("5000.00"), Decimal("6000.00"))


def test_quote_refuses_a_dossier_of_another_client(cabinet):
    """Else the commande could never be invoiced: the invoice refuses that pair."""
    dossier = factories.make_dossier(cabinet)
    with pytest.raises(InvoicingError, match="autre client") as refused:
        factories.make_quote(cabinet, client=factories.make_client(cabinet), dossier=dossier)
    assert refused.value.field == "dossier"


def test_only_an_accepted_quote_is_invoiced(cabinet):
    quote = factories.make_quote(cabinet)
    with pytest.raises(InvoicingError):
        services.invoice_order(quote=quote)
    refused = services.decide_quote(quote=factories.make_quote(cabinet), accepted=False)
    assert refused.status == QuoteStatus.REFUSED
    with pytest.raises(InvoicingError):
        services.decide_quote(quote=refused, accepted=True)


def test_order_invoiced_in_one_go(cabinet):
    quote = factories.make_quote(cabinet, lines=LINES, accepted=True)
    invoice = services.issue_invoice(invoice=services.invoice_order(quote=quote))
    assert invoice.total_ht == Decimal("5000.00") and invoice.net_to_pay == Decimal("6000.00")
    assert services.invoiced_ht(quote) == Decimal("5000.00")
    with pytest.raises(InvoicingError, match="entièrement facturée"):
        services.invoice_order(quote=quote)


def test_final_invoice_deducts_the_acomptes(cabinet):
    quote = factories.make_quote(cabinet, lines=LINES, accepted=True)
    acompte = services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=Decimal("30")))
    assert acompte.kind == InvoiceKind.ACOMPTE
    assert (acompte.total_ht, acompte.total_ttc) == (Decimal("1500.00"), Decimal("1800.00"))
    assert "Acompte de 30 % sur le devis N°" in acompte.lines.get().designation

    final = services.issue_invoice(invoice=services.invoice_order(quote=quote))
    assert list(final.deducts.all()) == [acompte]
    assert final.total_ttc == Decimal("6000.00")
    assert final.prepaid_ttc == Decimal("1800.00")
    assert final.net_to_pay == Decimal("4200.00")
    assert services.invoiced_ht(quote) == Decimal("5000.00")
    assert acompte.number.split("-")[-1] == "0001" and final.number.split("-")[-1] == "0002"


def test_partial_invoice_cannot_exceed_what_remains(cabinet):
    quote = factories.make_quote(cabinet, lines=LINES, accepted=True)
    services.issue_invoice(invoice=services.invoice_order_part(quote=quote, amount_ht=Decimal("4000")))
    with pytest.raises(InvoicingError, match="reste à facturer") as e:
        services.invoice_order_part(quote=quote, amount_ht=Decimal("1000.01"))
    assert e.value.field == "amount_ht"


def test_acompte_on_a_multi_rate_quote_is_split_per_rate(cabinet):
    quote = factories.make_quote(
        cabinet, lines=[("Bornage", "1", "1000", "20.00"), ("Frais", "1", "1000", "10.00")], accepted=True
    )
    acompte = services.invoice_order_part(quote=quote, percent=Decimal("50"))
    assert sorted((line.vat_rate, line.total_ht) for line in acompte.lines.all()) == [
        ("10.00", Decimal("500.00")),
        ("20.00", Decimal("500.00")),
    ]


def test_acompte_shows_as_partial_invoice_on_the_final_invoice_page(cabinet, client_as, comptable):
    quote = factories.make_quote(cabinet, lines=LINES, accepted=True)
    acompte = services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=Decimal("30")))
    final = services.invoice_order(quote=quote)
    page = client_as(comptable).get(f"/factures/{final.pk}/").content.decode()
    expected = (
        f"Facture partielle N°{acompte.number}</a> du {acompte.issue_date:%d/%m/%Y} "
        "d'un montant de 1\xa0800,00\xa0€ TTC (1\xa0500,00\xa0€ HT)"
    )
    assert expected in page


def test_acompte_says_what_it_is_and_no_service_date_it_does_not_know(cabinet):
    quote = factories.make_quote(cabinet, accepted=True)
    acompte = services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=Decimal("30")))
    assert acompte.service_date is None
    text = " ".join(pdf_pages(acompte.pdf_bytes()))
    assert f"Facture d'acompte N° {acompte.number} sur devis N° {quote.number}" in text
    assert "Date de la prestation" not in text
    solde = services.issue_invoice(invoice=services.invoice_order(quote=quote))
    assert solde.service_date == solde.issue_date
    assert "Date de la prestation" in " ".join(pdf_pages(solde.pdf_bytes()))
