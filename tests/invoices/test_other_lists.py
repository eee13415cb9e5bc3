"""Devis, règlements, clients and dossiers: the same search box, their filters, totals and pagination,
scoped to the user's cabinet, in a constant number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices import services
from tests import factories

pytestmark = pytest.mark.django_db


def links(html: str, prefix: str) -> list[str]:
    return re.findall(rf'href="{prefix}(\d+)/"', html)


def _queries(http, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(url, params).status_code == 200
    return len(ctx.captured_queries)


# Devis ------------------------------------------------------------------------------------------


@pytest.fixture
def quotes(cabinet):
    mairie = factories.make_public_client(cabinet, nom="Mairie de Colomiers")
    sci = factories.make_client(cabinet, nom="SCI Les Pins")
    bornage = factories.make_quote(cabinet, client=mairie, objet="Bornage du stade")  # 1 300 HT
    division = factories.make_quote(
        cabinet,
        [("Division", "2", "450.00", "20.00")],
        client=sci,
        objet="Division en deux lots",
        accepted=True,
    )
    return {"bornage": bornage, "division": division, "sci": sci}


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"q": "colomiers"}, ["bornage"]),
        ({"q": "1 080,00 €"}, ["division"]),  # TTC of 900 HT
        ({"q": "900"}, ["division"]),
        ({"q": "stade"}, ["bornage"]),
        ({"status": "acceptee"}, ["division"]),
        ({"status": "en_attente", "q": "Division"}, []),
    ],
)
def test_devis_are_found_and_filtered(params, found, quotes, client_as, comptable):
    html = client_as(comptable).get("/factures/devis/", params).content.decode()
    table = html[html.index("Sélection") :]
    assert links(table, "/factures/devis/") == [str(quotes[k].pk) for k in found]


def test_devis_totals_cover_the_filtered_set(quotes, client_as, comptable):
    html = client_as(comptable).get("/factures/devis/", {"client": quotes["sci"].pk}).content.decode()
    assert (
        "1 devis" in html
        and 'data-total="ht">900,00\xa0€' in html
        and 'data-total="ttc">1\xa0080,00\xa0€' in html
    )


def test_devis_list_queries_stay_constant(cabinet, client_as, comptable):
    http = client_as(comptable)
    factories.make_quote(cabinet, objet="Bornage A")
    few = _queries(http, "/factures/devis/", {"q": "Bornage"})
    for i in range(8):
        dossier = factories.make_dossier(cabinet)
        factories.make_quote(cabinet, objet=f"Bornage {i}", client=dossier.client, dossier=dossier)
    assert _queries(http, "/factures/devis/", {"q": "Bornage"}) == few


# Règlements -------------------------------------------------------------------------------------


@pytest.fixture
def payments(cabinet):
    mairie = factories.make_public_client(cabinet, nom="Mairie de Muret")
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)  # 1 560 TTC
    cheque = factories.make_payment(invoice, "560.00", mode="cheque")
    transfer = factories.make_payment(invoice, "1000.00", mode="virement")
    return {"cheque": cheque, "transfer": transfer, "invoice": invoice}


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"mode": "cheque"}, ["cheque"]),
        ({"q": "1 000,00 €"}, ["transfer"]),
        ({"q": "muret", "mode": "virement"}, ["transfer"]),
        ({"q": "inconnu"}, []),
    ],
)
def test_reglements_are_found_and_filtered(params, found, payments, client_as, comptable):
    html = client_as(comptable).get("/factures/reglements/", params).content.decode()
    assert links(html, "/factures/reglements/") == [str(payments[k].pk) for k in found]


def test_reglements_total_is_the_filtered_sum(payments, client_as, comptable):
    http = client_as(comptable)
    assert 'data-total="ttc">1\xa0560,00\xa0€' in http.get("/factures/reglements/").content.decode()
    html = http.get("/factures/reglements/", {"mode": "cheque"}).content.decode()
    assert "1 règlement" in html and 'data-total="ttc">560,00\xa0€' in html


def test_reglements_of_another_cabinet_never_show(payments, other_cabinet, client_as, comptable):
    theirs = factories.make_invoice(other_cabinet, factories.DEFAULT_LINES, issued=True)
    factories.make_payment(theirs, "1560.00")
    html = client_as(comptable).get("/factures/reglements/", {"q": "1560"}).content.decode()
    assert links(html, "/factures/reglements/") == []


# Clients and dossiers ---------------------------------------------------------------------------


def test_clients_are_found_by_siret_typed_with_spaces_and_filtered_by_category(cabinet, client_as, comptable):
    mairie = factories.make_public_client(cabinet, nom="Mairie de Balma", siret="21310044500016")
    sci = factories.make_client(cabinet, nom="SCI Balma Centre")
    http = client_as(comptable)
    assert links(http.get("/clients/", {"q": "213 100 445"}).content.decode(), "/clients/") == [
        str(mairie.pk)
    ]
    html = http.get("/clients/", {"q": "balma", "categorie": "entreprise"}).content.decode()
    assert links(html, "/clients/") == [str(sci.pk)]


def test_dossiers_are_found_by_client_name_and_filtered_by_client(cabinet, client_as, comptable):
    mairie = factories.make_public_client(cabinet, nom="Mairie de Tournefeuille")
    ours = factories.make_dossier(cabinet, mairie, objet="Alignement rue des Écoles")
    other = factories.make_dossier(cabinet, objet="Bornage lotissement")
    http = client_as(comptable)
    found = http.get("/dossiers/", {"q": "tournefeuille"}).content.decode()
    assert f'href="/dossiers/{ours.pk}/"' in found and f'href="/dossiers/{other.pk}/"' not in found
    by_client = http.get("/dossiers/", {"client": mairie.pk}).content.decode()
    assert f'href="/dossiers/{ours.pk}/"' in by_client and f'href="/dossiers/{other.pk}/"' not in by_client


def test_a_reversed_payment_counts_negatively_in_the_total(payments, cabinet, comptable):
    from invoices import selectors

    services.reverse_payment(
        payment=payments["cheque"], date=datetime.date.today(), user=comptable, reason="Chèque sans provision"
    )
    totals = selectors.payment_totals(selectors.filter_payments(cabinet, {}))
    assert totals.count == 3 and str(totals.ttc) == "1000.00"


def test_reglements_list_queries_stay_constant(cabinet, client_as, comptable):
    http = client_as(comptable)
    mairie = factories.make_public_client(cabinet, nom="Mairie de Muret")
    invoice = factories.make_invoice(
        cabinet, [("Bornage", "1", "5000.00", "20.00")], client=mairie, issued=True
    )
    factories.make_payment(invoice, "10.00")
    params = {"q": "muret", "mode": "virement"}
    few = _queries(http, "/factures/reglements/", params)
    for _ in range(6):
        factories.make_payment(invoice, "10.00")
    html = http.get("/factures/reglements/", params).content.decode()
    assert len(links(html, "/factures/reglements/")) == 7
    assert _queries(http, "/factures/reglements/", params) == few
