"""Client and dossier blocks: real figures, a fixed number of queries whatever the rows."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from invoices import services
from tests import factories

TAGS = {
    "client": "{% load invoice_blocks %}{% client_invoices_block obj %}{% client_payments_block obj %}{% client_dashboard_block obj %}",
    "dossier": "{% load invoice_blocks %}{% dossier_dashboard_block obj %}",
}


def render(kind: str, obj) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        html = Template(TAGS[kind]).render(Context({"obj": obj}))
    return html, len(ctx.captured_queries)


def fill(cabinet, dossier, n: int, comptable) -> None:
    for _ in range(n):
        invoice = factories.make_invoice(cabinet, dossier=dossier, issued=True)
        factories.make_payment(invoice, "100")


def test_client_blocks_show_invoices_payments_and_figures(cabinet, comptable):
    dossier = factories.make_dossier(cabinet, responsable=comptable)
    fill(cabinet, dossier, 2, comptable)
    html, few = render("client", dossier.client)
    assert html.count('<tr id="facture-') == 2
    assert "Reste à encaisser" in html and "2\xa0920,00\xa0€" in html  # 2 × 1 560 − 200
    fill(cabinet, dossier, 25, comptable)
    html, many = render("client", dossier.client)
    assert html.count('<tr id="facture-') == 20
    assert many == few


def test_dossier_dashboard_shows_what_remains_to_invoice_and_collect(cabinet, comptable):
    dossier = factories.make_dossier(cabinet)
    quote = factories.make_quote(
        cabinet,
        client=dossier.client,
        dossier=dossier,
        accepted=True,
        lines=[("Division", "1", "5000", "20.00")],
    )
    acompte = services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=Decimal("30")))
    factories.make_payment(acompte, "800")
    html, few = render("dossier", dossier)
    assert quote.number in html and acompte.number in html
    assert "Reste à facturer<strong>3\xa0500,00\xa0€ HT" in html
    assert "Reste à encaisser<strong>1\xa0000,00\xa0€" in html
    fill(cabinet, dossier, 10, comptable)
    assert render("dossier", dossier)[1] == few


def test_empty_blocks_say_so(cabinet):
    dossier = factories.make_dossier(cabinet)
    assert "Aucune facture pour ce client." in render("client", dossier.client)[0]
    assert "Aucun devis." in render("dossier", dossier)[0]
