from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
URL = reverse("clients:client-list")


def test_it_lists_only_own_cabinet_clients(client_as, comptable, cabinet, other_cabinet):
    factories.make_client(cabinet, nom="Mairie de Blagnac")
    factories.make_client(other_cabinet, nom="Commune de Villeurbanne")
    text = body(client_as(comptable).get(URL))
    assert "Mairie de Blagnac" in text
    assert "Commune de Villeurbanne" not in text


@pytest.mark.parametrize("q", ["blagnac", "Colomiers", "213100696", "21310 0696"])
def test_search_by_name_city_or_siret(client_as, comptable, cabinet, q):
    factories.make_client(cabinet, nom="Mairie de Blagnac", ville="Blagnac", siret="21310069600011")
    factories.make_client(cabinet, nom="SCI Horizon", ville="Colomiers", siret="")
    text = body(client_as(comptable).get(URL, {"q": q}))
    expected = "SCI Horizon" if q == "Colomiers" else "Mairie de Blagnac"
    other = "Mairie de Blagnac" if q == "Colomiers" else "SCI Horizon"
    assert expected in text
    assert other not in text


def test_search_without_match_says_so(client_as, comptable, cabinet):
    factories.make_client(cabinet, nom="Mairie de Blagnac")
    assert "Aucun client ne correspond à « zzz »." in body(client_as(comptable).get(URL, {"q": "zzz"}))


def test_list_is_paginated(client_as, comptable, cabinet):
    for i in range(30):
        factories.make_client(cabinet, nom=f"Client {i:02d}")
    c = client_as(comptable)
    first, second = body(c.get(URL)), body(c.get(URL, {"page": 2}))
    assert "Client 00" in first and "Client 29" not in first
    assert "Client 29" in second and "Page 2 sur 2" in second


def test_query_count_does_not_grow_with_rows(client_as, comptable, cabinet, django_assert_num_queries):
    c = client_as(comptable)
    user = factories.make_user(cabinet)
    for _ in range(3):
        factories.make_client(cabinet, responsable=user)
    c.get(URL)  # warm up the session
    with django_assert_num_queries(5) as few:
        c.get(URL)
    for _ in range(20):
        factories.make_client(cabinet, responsable=user)
    with django_assert_num_queries(len(few.captured_queries)):
        c.get(URL)
