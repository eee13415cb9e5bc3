"""The invoice list finds anything: number, client, objet, an amount however it is typed, a SIRET; its
filters, pagination and the totals of the whole filtered set."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from geoprod.search import parse_amount, siret_prefix
from invoices import selectors
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    ["1300", "1 300", "1300,00", "1 300,00 €", "1\u202f300,00\xa0€", "1.300,00", "1300.00", " 1300,0 "],
)
def test_an_amount_is_read_however_it_is_typed(typed):
    assert parse_amount(typed) == Decimal("1300.00")


@pytest.mark.parametrize("typed", ["", "F-2026-0001", "Bornage", "13 00", "1,300,00", "12345678901234"])
def test_what_is_not_an_amount_is_not_read_as_one(typed):
    assert parse_amount(typed) is None


def test_a_siret_is_read_with_or_without_its_spaces():
    assert siret_prefix("732 829 320 00074") == "73282932000074"
    assert siret_prefix("732829320") == "732829320"
    assert siret_prefix("7328") is None and siret_prefix("Mairie") is None


def rows(html: str) -> list[str]:
    return re.findall(r'<tr id="facture-(\d+)"', html)


@pytest.fixture
def invoices(cabinet):
    mairie = factories.make_public_client(cabinet, nom="Mairie de Blagnac", siret="21310069200018")
    sci = factories.make_client(cabinet, nom="SCI Les Tilleuls", siret="73282932000074")
    bornage = factories.make_invoice(
        cabinet, client=mairie, issued=True, objet="Bornage parcelle AB 12"
    )  # 1 300 HT, 1 560 TTC
    topo = factories.make_invoice(
        cabinet,
        [("Lever topographique", "1", "2450.50", "20.00")],
        client=sci,
        objet="Plan topographique",
    )
    return {"mairie": mairie, "sci": sci, "bornage": bornage, "topo": topo}


@pytest.mark.parametrize("typed", ["1 300", "1300,00", "1 300,00 €", "1 560,00", "1560"])
def test_search_finds_an_invoice_by_its_amount(typed, invoices, client_as, comptable):
    html = client_as(comptable).get("/factures/", {"q": typed}).content.decode()
    assert rows(html) == [str(invoices["bornage"].pk)]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("blagnac", "bornage"),  # client name, any case
        ("TOPOGRAPHIQUE", "topo"),  # objet
        ("732 829 320", "topo"),  # SIREN of the client, typed with spaces
        ("2 450,50 €", "topo"),
    ],
)
def test_search_finds_by_client_objet_siret(typed, found, invoices, client_as, comptable):
    html = client_as(comptable).get("/factures/", {"q": typed}).content.decode()
    assert rows(html) == [str(invoices[found].pk)]


def test_search_finds_by_number(invoices, client_as, comptable):
    number = invoices["bornage"].number
    html = client_as(comptable).get("/factures/", {"q": number.lower()}).content.decode()
    assert rows(html) == [str(invoices["bornage"].pk)]


def test_nothing_found_says_so(invoices, client_as, comptable):
    html = client_as(comptable).get("/factures/", {"q": "introuvable"}).content.decode()
    assert "Aucune facture ne correspond à ces critères." in html and 'value="introuvable"' in html


def test_filters_combine_with_the_search(invoices, client_as, comptable):
    http = client_as(comptable)
    assert rows(http.get("/factures/", {"status": "brouillon"}).content.decode()) == [
        str(invoices["topo"].pk)
    ]
    assert rows(http.get("/factures/", {"client": invoices["mairie"].pk}).content.decode()) == [
        str(invoices["bornage"].pk)
    ]
    assert rows(http.get("/factures/", {"q": "Plan", "status": "emise"}).content.decode()) == []


def test_the_dossier_filter_offers_the_chosen_clients_dossiers(cabinet, client_as, comptable):
    customer = factories.make_client(cabinet, nom="SCI Garonne")
    first = factories.make_dossier(cabinet, customer, objet="Division parcelle")
    second = factories.make_dossier(cabinet, customer, objet="Implantation maison")
    in_first = factories.make_invoice(cabinet, dossier=first)
    factories.make_invoice(cabinet, dossier=second)
    http = client_as(comptable)
    assert 'name="dossier"' not in http.get("/factures/").content.decode()
    html = http.get("/factures/", {"client": customer.pk, "dossier": first.pk}).content.decode()
    assert "Division parcelle" in html and "Implantation maison" in html  # both offered
    assert rows(html) == [str(in_first.pk)]


def test_the_client_and_dossier_chosen_stay_selected_and_names_are_escaped(cabinet, client_as, comptable):
    customer = factories.make_client(cabinet, nom="SCI <b>Garonne</b> & fils")
    other = factories.make_client(cabinet, nom="Mairie de Muret")
    dossier = factories.make_dossier(cabinet, customer, objet="Division " + "très longue " * 8)
    html = (
        client_as(comptable)
        .get("/factures/", {"client": customer.pk, "dossier": dossier.pk})
        .content.decode()
    )
    assert (
        f'<option value="{customer.pk}" selected>SCI &lt;b&gt;Garonne&lt;/b&gt; &amp; fils</option>' in html
    )
    assert f'<option value="{other.pk}">Mairie de Muret</option>' in html
    assert re.search(rf'<option value="{dossier.pk}" selected>[^<]{{1,60}}…</option>', html)


def test_a_bad_date_is_said_in_french_and_the_other_filters_still_apply(invoices, client_as, comptable):
    html = client_as(comptable).get("/factures/", {"start": "31/02/2026", "q": "blagnac"}).content.decode()
    assert "Saisissez une date valide." in html or "date valide" in html
    assert rows(html) == [str(invoices["bornage"].pk)] and 'value="blagnac"' in html


def test_a_period_ending_before_it_starts_is_refused(invoices, client_as, comptable):
    html = (
        client_as(comptable).get("/factures/", {"start": "2026-06-01", "end": "2026-01-01"}).content.decode()
    )
    assert "La fin de la période doit suivre son début." in html


def test_totals_cover_the_whole_filtered_set_not_the_page(cabinet, client_as, comptable):
    customer = factories.make_client(cabinet, nom="Promoteur Occitan")
    for _ in range(27):
        factories.make_invoice(cabinet, [("Piquetage", "1", "100.00", "20.00")], client=customer)
    factories.make_invoice(cabinet, [("Autre", "1", "5000.00", "20.00")])  # filtered out
    http = client_as(comptable)
    first = http.get("/factures/", {"client": customer.pk}).content.decode()
    assert len(rows(first)) == 25
    totals = first[first.index('aria-label="Totaux de la sélection"') :]
    assert "27 factures et avoirs" in totals
    assert re.search(r'data-total="ht">2\xa0700,00\xa0€', totals)
    assert re.search(r'data-total="vat">540,00\xa0€', totals)
    assert re.search(r'data-total="ttc">3\xa0240,00\xa0€', totals)
    assert re.search(r'data-total="due">0,00\xa0€', totals)  # drafts owe nothing yet
    assert f'href="?client={customer.pk}&amp;page=2"' in first  # the filter survives the page link
    second = http.get("/factures/", {"client": customer.pk, "page": 2}).content.decode()
    assert len(rows(second)) == 2 and "27 factures et avoirs" in second


def test_totals_count_avoirs_negatively_and_reste_du_on_open_invoices(cabinet):
    from invoices import services

    invoice = factories.make_invoice(cabinet, issued=True)  # 1 300 HT, 1 560 TTC
    factories.make_payment(invoice, "500.00")
    partial = [
        services.LineInput(
            designation="Remise", quantity=Decimal(1), unit_price=Decimal("100.00"), vat_rate="20.00"
        )
    ]
    services.issue_invoice(invoice=services.create_credit_note(invoice=invoice, lines=partial))
    totals = selectors.invoice_totals(selectors.filter_invoices(cabinet, {}))
    assert (totals.count, totals.ht, totals.vat, totals.ttc) == (
        2,
        Decimal("1200.00"),
        Decimal("240.00"),
        Decimal("1440.00"),
    )
    assert totals.due == Decimal("940.00")  # 1 560 − 500 paid − 120 credited


def test_filter_invoices_is_what_the_page_lists(invoices, cabinet):
    found = selectors.filter_invoices(cabinet, {"q": "1 300,00 €", "status": "", "client": None})
    assert list(found) == [invoices["bornage"]]


def test_another_cabinets_invoices_are_never_found(invoices, other_cabinet, client_as, comptable):
    theirs = factories.make_client(other_cabinet, nom="Mairie de Blagnac", siret="21310069200018")
    factories.make_invoice(other_cabinet, client=theirs)
    http = client_as(comptable)
    assert rows(http.get("/factures/", {"q": "Blagnac"}).content.decode()) == [str(invoices["bornage"].pk)]
    assert rows(http.get("/factures/", {"client": theirs.pk}).content.decode()) == []
    assert "Mairie de Blagnac" in http.get("/factures/").content.decode()  # only ours in the drop-down
    assert http.get("/factures/").content.decode().count(">Mairie de Blagnac</option>") == 1


def _queries(http, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert http.get("/factures/", params).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_reads_a_constant_number_of_queries(cabinet, client_as, comptable):
    http = client_as(comptable)
    searched = {"q": "Bornage", "status": "brouillon"}
    customer = factories.make_client(cabinet, nom="Bornage et Fils")
    factories.make_invoice(cabinet, client=customer, dossier=factories.make_dossier(cabinet, customer))
    few = (_queries(http, searched), _queries(http, {"client": customer.pk}))
    for i in range(12):
        other = factories.make_client(cabinet, nom=f"Bornage {i}")
        factories.make_invoice(cabinet, client=other, dossier=factories.make_dossier(cabinet, other))
        factories.make_invoice(cabinet, client=customer, dossier=factories.make_dossier(cabinet, customer))
    assert len(rows(http.get("/factures/", searched).content.decode())) == 25
    assert (_queries(http, searched), _queries(http, {"client": customer.pk})) == few


def test_on_a_real_day_the_period_filters_by_issue_date(cabinet, client_as, comptable):
    old = factories.make_invoice(
        cabinet, issued=True, today=datetime.date.today() - datetime.timedelta(days=40)
    )
    factories.make_invoice(cabinet, issued=True)
    end = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
    assert rows(client_as(comptable).get("/factures/", {"end": end}).content.decode()) == [str(old.pk)]


def test_pages_walk_the_filtered_set_in_the_lists_order_without_gap_or_repeat(cabinet, client_as, comptable):
    """A page's rows are chosen on the bare filtered set, then read with their joins: together the pages
    are the whole set, in the list's order (newest issued first)."""
    today = datetime.date.today()
    for days in (90, 60, 60, 30, 10):
        factories.make_invoice(cabinet, issued=True, today=today - datetime.timedelta(days=days))
    for _ in range(47):
        factories.make_invoice(cabinet, [("Piquetage", "1", "100.00", "20.00")])
    expected = [str(pk) for pk in selectors.matching_invoices(cabinet=cabinet).values_list("pk", flat=True)]
    http = client_as(comptable)
    seen = []
    for page in (1, 2, 3):
        seen += rows(http.get("/factures/", {"page": page}).content.decode())
    assert seen == expected and len(seen) == 52
    issued = [str(i.pk) for i in selectors.matching_invoices(cabinet=cabinet, status="emise")]
    assert [pk for pk in seen if pk in issued] == issued and len(issued) == 5


def test_a_searchs_pages_walk_its_matches_in_the_lists_order(cabinet, client_as, comptable):
    """The page's ids are chosen in a subquery (geoprod.pagination): the search condition must name that
    subquery's own invoice table, so that the pages hold exactly the matches, in order."""
    today = datetime.date.today()
    for days in range(44, -1, -1):  # numbered in date order
        objet = "Division parcellaire" if days % 3 else "Bornage"
        factories.make_invoice(cabinet, issued=True, objet=objet, today=today - datetime.timedelta(days=days))
    factories.make_invoice(factories.make_cabinet(raison_sociale="Voisin"), issued=True, objet="Division")
    expected = [
        str(pk)
        for pk in selectors.matching_invoices(cabinet=cabinet)
        .filter(objet__icontains="division")
        .values_list("pk", flat=True)
    ]
    http = client_as(comptable)
    seen = rows(http.get("/factures/", {"q": "divIsion"}).content.decode())
    seen += rows(http.get("/factures/", {"q": "divIsion", "page": 2}).content.decode())
    assert seen == expected and len(seen) == 30


@pytest.mark.parametrize("text", ["division", "F-", "ORNAG", "parcelle ab 1", "%", "_", "\\", "é", "Zz"])
def test_the_text_search_finds_what_icontains_finds_on_number_and_objet(cabinet, text):
    """On PostgreSQL number and objet are searched on one stored upper-cased text; it must find exactly
    the invoices Django's icontains finds on either, or on the client's name (wildcards typed are plain
    characters)."""
    for objet in ("Division 100% parcelle AB 12", "Bornage_amiable", "Relevé \\ étage", "Zz top"):
        factories.make_invoice(cabinet, issued=True, objet=objet)
    factories.make_invoice(cabinet, objet="Division en brouillon")
    found = set(selectors.matching_invoices(cabinet=cabinet, q=text).values_list("pk", flat=True))
    plain = set(
        selectors.matching_invoices(cabinet=cabinet)
        .filter(Q(number__icontains=text) | Q(objet__icontains=text) | Q(client__nom__icontains=text))
        .values_list("pk", flat=True)
    )
    assert found == plain
