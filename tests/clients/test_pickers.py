"""The client and dossier pickers' search: only the cabinet's rows, login required, bad input answered in
French (never a 500)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients import selectors
from tests import factories

CLIENTS = reverse("clients:client-choices")
DOSSIERS = reverse("clients:dossier-choices")


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_client_search_finds_by_name_and_siret(cabinet, client_as, comptable):
    mine = factories.make_client(cabinet, nom="SCI Horizon", siret="73282932000074")
    factories.make_client(cabinet, nom="Mairie de Muret", siret="21310395200011")
    http = client_as(comptable)
    assert [r["id"] for r in results(http.get(CLIENTS, {"q": "horiz"}))] == [mine.pk]
    assert [r["label"] for r in results(http.get(CLIENTS, {"q": "732 829 320"}))] == ["SCI Horizon"]


def test_client_search_returns_only_the_cabinets_clients(cabinet, other_cabinet, client_as, comptable):
    mine = factories.make_client(cabinet, nom="SCI Horizon")
    factories.make_client(other_cabinet, nom="SCI Horizon Sud")
    found = results(client_as(comptable).get(CLIENTS, {"q": "Horizon"}))
    assert [r["id"] for r in found] == [mine.pk]
    everything = results(client_as(comptable).get(CLIENTS))
    assert [r["id"] for r in everything] == [mine.pk]


def test_dossier_search_returns_only_the_cabinets_dossiers(cabinet, other_cabinet, client_as, comptable):
    mine = factories.make_dossier(cabinet, objet="Bornage AB 12")
    factories.make_dossier(other_cabinet, objet="Bornage AB 13")
    found = results(client_as(comptable).get(DOSSIERS, {"q": "Bornage"}))
    assert found == [{"id": mine.pk, "label": str(mine), "detail": mine.client.nom, "client": mine.client_id}]


def test_dossier_search_finds_by_client_name_and_keeps_to_the_chosen_client(cabinet, client_as, comptable):
    horizon = factories.make_client(cabinet, nom="SCI Horizon")
    first = factories.make_dossier(cabinet, horizon, objet="Division en 4 lots")
    other = factories.make_dossier(cabinet, objet="Division parcellaire")
    http = client_as(comptable)
    assert [r["id"] for r in results(http.get(DOSSIERS, {"q": "horizon"}))] == [first.pk]
    assert {r["id"] for r in results(http.get(DOSSIERS, {"q": "Division"}))} == {first.pk, other.pk}
    chosen = results(http.get(DOSSIERS, {"q": "Division", "client": horizon.pk}))
    assert [r["id"] for r in chosen] == [first.pk]


def test_another_cabinets_client_filters_to_nothing(cabinet, other_cabinet, client_as, comptable):
    factories.make_dossier(cabinet)
    foreign = factories.make_dossier(other_cabinet)
    assert results(client_as(comptable).get(DOSSIERS, {"client": foreign.client_id})) == []


def test_results_are_capped_and_say_there_are_more(cabinet, client_as, comptable):
    for i in range(selectors.PICKER_ROWS + 1):
        factories.make_client(cabinet, nom=f"Client {i:02d}")
    reply = client_as(comptable).get(CLIENTS, {"q": "Client"}).json()
    assert len(reply["results"]) == selectors.PICKER_ROWS and reply["more"] is True
    assert reply["results"][0]["label"] == "Client 00"
    reply = client_as(comptable).get(CLIENTS, {"q": "Client 1"}).json()
    assert len(reply["results"]) == 10 and reply["more"] is False


@pytest.mark.parametrize("url", [CLIENTS, DOSSIERS])
def test_search_requires_login(client, db, url):
    response = client.get(url, {"q": "Horizon"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "x" * 101}, "La recherche compte au plus 100 caractères."),
        ({"client": "abc"}, "Le client indiqué n'est pas valide."),
        ({"client": "-3"}, "Le client indiqué n'est pas valide."),
        ({"client": "9" * 30}, "Le client indiqué n'est pas valide."),
        ({"client": "\u0661"}, "Le client indiqué n'est pas valide."),  # an Arabic-Indic 1, not id 1
    ],
)
def test_bad_input_is_answered_in_french(cabinet, client_as, comptable, params, message):
    response = client_as(comptable).get(DOSSIERS, params)
    assert response.status_code == 400 and response.json() == {"error": message}


def test_a_nul_character_is_refused_not_a_500(cabinet, client_as, comptable):
    response = client_as(comptable).get(CLIENTS, {"q": "Hori\x00zon"})
    assert response.status_code == 400 and "error" in response.json()


@pytest.mark.parametrize("url", [CLIENTS, DOSSIERS])
def test_a_search_reads_a_constant_number_of_queries(cabinet, client_as, comptable, url):
    http = client_as(comptable)
    factories.make_dossier(cabinet, objet="Bornage 1")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert http.get(url, {"q": "o"}).status_code == 200
        return len(captured)

    few = count()
    for i in range(selectors.PICKER_ROWS + 5):
        factories.make_dossier(cabinet, objet=f"Bornage {i + 2}")
    assert count() == few
