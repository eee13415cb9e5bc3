"""The facture, devis and dossier forms choose their client and dossier by search: the page carries the
chosen row only, whatever the cabinet's size, and the server still validates the choice."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.invoices.test_invoice_views import header, line_data
from tests.utils import body

NEW_PAGES = ["/factures/nouvelle/", "/factures/devis/nouveau/", "/dossiers/nouveau/"]


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def queries(http, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", NEW_PAGES)
def test_a_new_form_lists_no_client_until_one_is_searched(cabinet, client_as, comptable, url):
    factories.make_dossier(cabinet)
    page = body(client_as(comptable).get(url))
    assert options(page, "client") == [""]
    assert 'data-picker="/clients/choix/"' in page and "js/picker.js" in page


def test_the_chosen_dossier_and_its_client_are_the_only_options(cabinet, client_as, comptable):
    factories.make_dossier(cabinet)
    dossier = factories.make_dossier(cabinet, objet="Division en 4 lots")
    page = body(client_as(comptable).get(f"/factures/nouvelle/?dossier={dossier.pk}"))
    assert options(page, "client") == ["", str(dossier.client_id)]
    assert options(page, "dossier") == ["", str(dossier.pk)]
    assert f'<option value="{dossier.pk}" selected data-client="{dossier.client_id}">{dossier}</option>' in page
    assert 'data-picker-fills="id_client"' in page


@pytest.mark.parametrize("url", NEW_PAGES + ["/factures/nouvelle/?dossier={dossier}", "edit"])
def test_queries_do_not_grow_with_clients_and_dossiers(cabinet, client_as, comptable, url):
    dossier = factories.make_dossier(cabinet)
    invoice = factories.make_invoice(cabinet, dossier=dossier)
    url = f"/factures/{invoice.pk}/modifier/" if url == "edit" else url.format(dossier=dossier.pk)
    http = client_as(comptable)
    few = queries(http, url)
    for _ in range(15):
        factories.make_dossier(cabinet)
    assert queries(http, url) == few


def test_a_posted_choice_is_still_validated_against_the_cabinet(cabinet, other_cabinet, client_as, comptable):
    foreign = factories.make_client(other_cabinet, nom="Client d'à côté")
    response = client_as(comptable).post("/factures/nouvelle/", {**header(foreign), **line_data()})
    page = body(response)
    assert response.status_code == 200 and "Sélectionnez un choix valide" in page
    assert "Client d'à côté" not in page and options(page, "client") == [""]


def test_a_kept_choice_is_shown_again_after_an_error(cabinet, client_as, comptable):
    customer = factories.make_client(cabinet, nom="SCI Horizon")
    response = client_as(comptable).post("/factures/nouvelle/", {**header(customer), **line_data(price="")})
    page = body(response)
    assert f'<option value="{customer.pk}" selected>SCI Horizon</option>' in page


def test_a_garbled_posted_id_is_refused_in_french(cabinet, client_as, comptable):
    factories.make_client(cabinet)
    for value in ("abc", "9" * 40, "١"):
        data = {**header(factories.make_client(cabinet)), "client": value, **line_data()}
        response = client_as(comptable).post("/factures/devis/nouveau/", data)
        assert response.status_code == 200 and "Sélectionnez un choix valide" in body(response)
