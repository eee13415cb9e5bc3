"""The invoice list's totals row from the day totals a PostgreSQL trigger keeps: after drafts written,
edited and deleted, documents issued, paid, credited and payments reversed, every filter the day totals
answer gives exactly what adding the invoices gives (on SQLite, the list adds the invoices)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from invoices import selectors, services
from invoices.models import InvoiceDayTotal
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
D = Decimal


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def line(ht: str):
    return [services.LineInput(designation="Bornage", quantity=D(1), unit_price=D(ht), vat_rate="20.00")]


@pytest.fixture
def operations(cabinet):
    customer = factories.make_client(cabinet, nom="Promoteur Occitan")
    a = factories.make_invoice(
        cabinet, [("Bornage", "1", "1000.00", "20.00")], client=customer, issued=True, today=ago(40)
    )
    b = factories.make_invoice(
        cabinet, [("Division", "1", "700.00", "20.00")], client=customer, issued=True, today=ago(20)
    )
    services.issue_invoice(
        invoice=services.create_credit_note(invoice=b, lines=line("100.00")), today=ago(10)
    )
    paid = factories.make_payment(a, "500.00", date=ago(5))
    factories.make_payment(b, "200.00", date=ago(4))
    services.reverse_payment(payment=paid, date=ago(1))
    draft = factories.make_invoice(cabinet, [("Piquetage", "2", "150.00", "20.00")], client=customer)
    services.update_invoice(invoice=draft, lines=line("400.00"))
    gone = factories.make_invoice(cabinet, [("Brouillon", "1", "999.00", "20.00")], client=customer)
    services.delete_draft(invoice=gone)
    factories.make_invoice(factories.make_cabinet(raison_sociale="Voisin"), issued=True)
    return cabinet


FILTERS = [
    {},
    {"status": "emise"},
    {"status": "partiellement_payee"},
    {"status": "brouillon"},
    {"kind": "avoir"},
    {"start": ago(25)},
    {"end": ago(15)},
    {"start": ago(45), "end": ago(15), "status": "emise"},
]


@pytest.mark.parametrize("params", FILTERS, ids=[",".join(p) or "all" for p in FILTERS])
def test_day_totals_equal_the_invoices_added(operations, params):
    invoices = selectors.filter_invoices(operations, params, rows=False)
    assert selectors.list_totals(operations, params, invoices) == selectors.invoice_totals(invoices)


def test_the_trigger_keeps_one_row_per_day_status_and_type(operations):
    if connection.vendor != "postgresql":
        pytest.skip("The day totals are kept by a PostgreSQL trigger.")
    rows = InvoiceDayTotal.objects.filter(cabinet=operations, documents__gt=0)
    assert (
        sum(r.documents for r in rows)
        == selectors.invoice_totals(selectors.filter_invoices(operations, {}, rows=False)).count
    )
    drafts = rows.get(day=None, status="brouillon")
    assert (drafts.documents, drafts.ht, drafts.due) == (1, D("400.00"), D("0.00"))
    avoir = rows.get(kind="avoir")
    assert (avoir.day, avoir.ht, avoir.ttc) == (ago(10), D("-100.00"), D("-120.00"))
    # A deleted draft leaves nothing behind, nor does a reversed payment.
    assert not InvoiceDayTotal.objects.filter(cabinet=operations, documents__lt=0).exists()


# On PostgreSQL a search's number and objet are read from the stored search text (migration 0025):
# lower case, a number's part, LIKE's own wildcards typed as text and the two texts' junction included.
SEARCHES = [
    "Bornage",
    "1 300,00 €",
    "Promoteur",
    "introuvable",
    "120,00",
    "bornage",
    str(TODAY.year),
    "-",
    "%",
    "_",
    "\\",
    "1 Bornage",
]


@pytest.mark.parametrize("q", SEARCHES)
def test_a_searchs_totals_equal_the_invoices_added(operations, q):
    for params in ({"q": q}, {"q": q, "status": "emise"}, {"q": q, "start": ago(30)}):
        invoices = selectors.filter_invoices(operations, params, rows=False)
        assert selectors.list_totals(operations, params, invoices) == selectors.invoice_totals(invoices)
        assert selectors.invoice_totals(invoices).count == invoices.count()
