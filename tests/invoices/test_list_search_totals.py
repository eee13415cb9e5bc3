"""A search's page comes first, uncounted; its totals row and page count are loaded after it
(/factures/totaux/), or in the page itself with « totaux=1 » for a browser without JavaScript."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices import selectors
from tests import factories

pytestmark = pytest.mark.django_db


def rows(page: str) -> list[str]:
    return re.findall(r'<tr id="facture-(\d+)"', page)


def totals_row(page: str) -> str:
    start = page.index('aria-label="Totaux de la sélection"')
    return page[start : page.index("</table>", start)]


def totals_box(page: str) -> str:
    start = page.index('<div id="list-totals"')
    return page[start : page.index("</table>", start)]


def pagination(page: str) -> str:
    start = page.index('<div id="list-pagination"')
    return page[start : page.index("</div>", start)]


@pytest.fixture
def divisions(cabinet):
    """26 « Division » drafts (1 200 HT each) among 32, and one of another cabinet."""
    customer = factories.make_client(cabinet, nom="Promoteur Occitan")
    for i in range(32):
        objet = "Division parcellaire" if i % 6 else "Bornage"
        factories.make_invoice(cabinet, [("Plan", "1", "1200.00", "20.00")], client=customer, objet=objet)
    factories.make_invoice(factories.make_cabinet(raison_sociale="Voisin"), objet="Division")


def test_a_searchs_page_shows_its_rows_then_loads_its_totals(divisions, client_as, comptable):
    page = client_as(comptable).get("/factures/", {"q": "division"}).content.decode()
    assert len(rows(page)) == 25
    totals = totals_row(page)
    assert "Calcul des totaux…" in totals and "data-total" not in totals
    loader = re.search(r'<div id="list-totals" aria-live="polite" hx-get="([^"]+)" hx-trigger="load"', page)
    assert html_lib.unescape(loader.group(1)) == "/factures/totaux/?q=division"
    nav = pagination(page)
    assert "Page 1" in nav and " sur " not in nav  # not counted yet
    assert 'href="?q=division&amp;page=2">Page suivante »' in nav
    assert 'href="?q=division&amp;totaux=1">Calculer les totaux</a></noscript>' in page


def test_the_loaded_totals_count_the_whole_search_and_replace_the_pagination(divisions, client_as, comptable):
    http = client_as(comptable)
    loaded = http.get("/factures/totaux/", {"q": "division", "page": "2"}).content.decode()
    totals = totals_row(loaded)
    assert "26 factures et avoirs" in totals  # not the other cabinet's
    assert re.search(r'data-total="ht">31\xa0200,00\xa0€', totals)
    assert re.search(r'data-total="ttc">37\xa0440,00\xa0€', totals)
    assert '<div id="list-pagination" hx-swap-oob="true">' in loaded
    nav = pagination(loaded)
    assert "Page 2 sur 2 (26 résultats)" in nav
    assert 'href="?q=division&amp;page=1">« Page précédente' in nav


def test_the_second_uncounted_page_ends_the_search(divisions, client_as, comptable):
    page = client_as(comptable).get("/factures/", {"q": "division", "page": 2}).content.decode()
    assert len(rows(page)) == 1
    nav = pagination(page)
    assert "« Page précédente" in nav and "Page suivante" not in nav


def test_a_page_past_the_end_shows_the_last_one_as_a_counted_list_does(divisions, client_as, comptable):
    http = client_as(comptable)
    last = rows(http.get("/factures/", {"q": "division", "page": 2}).content.decode())
    for asked in ("3", "999999999999", "99999999999999999999999"):
        page = http.get("/factures/", {"q": "division", "page": asked}).content.decode()
        assert rows(page) == last, asked
        assert "Page 2 sur 2 (26 résultats)" in pagination(page)
    assert len(rows(http.get("/factures/", {"q": "division", "page": "deux"}).content.decode())) == 25


def test_without_javascript_the_totals_come_in_the_page(divisions, client_as, comptable):
    page = client_as(comptable).get("/factures/", {"q": "division", "totaux": "1"}).content.decode()
    assert "26 factures et avoirs" in totals_row(page) and "hx-get" not in totals_box(page)
    assert "Page 1 sur 2 (26 résultats)" in pagination(page)


def test_the_loaded_totals_are_those_of_every_filter(divisions, cabinet, client_as, comptable):
    from invoices import services

    found = selectors.matching_invoices(cabinet=cabinet, q="division").order_by("id")
    for invoice in found[:2]:
        services.issue_invoice(invoice=invoice)
    loaded = (
        client_as(comptable).get("/factures/totaux/", {"q": "division", "status": "emise"}).content.decode()
    )
    assert "2 factures et avoirs" in totals_row(loaded)
    assert re.search(r'data-total="ttc">2\xa0880,00\xa0€', totals_row(loaded))


def test_a_list_without_search_counts_in_the_page(divisions, client_as, comptable):
    page = client_as(comptable).get("/factures/", {"status": "brouillon"}).content.decode()
    assert "32 factures et avoirs" in totals_row(page)
    assert "Page 1 sur 2 (32 résultats)" in pagination(page)
    assert "hx-get" not in totals_box(page)


def test_a_search_of_spaces_is_no_search(divisions, client_as, comptable):
    page = client_as(comptable).get("/factures/", {"q": "   "}).content.decode()
    assert "32 factures et avoirs" in totals_row(page)


def _queries(http, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_search_page_and_its_totals_read_a_constant_number_of_queries(cabinet, client_as, comptable):
    http = client_as(comptable)
    searched = {"q": "Division", "page": "1"}
    factories.make_invoice(cabinet, issued=True, objet="Division")
    few = (_queries(http, "/factures/", searched), _queries(http, "/factures/totaux/", searched))
    for _ in range(30):
        factories.make_invoice(cabinet, objet="Division")
    assert (_queries(http, "/factures/", searched), _queries(http, "/factures/totaux/", searched)) == few


def test_the_totals_are_behind_the_login(divisions, client):
    answer = client.get("/factures/totaux/", {"q": "division"})
    assert answer.status_code == 302 and "/connexion/" in answer["Location"]
