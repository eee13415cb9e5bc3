"""« Exporter CSV / XLSX » of the client list: the searched clients of the user's cabinet only."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db


def _csv(response):
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_client_csv_follows_the_search(client_as, comptable, cabinet):
    found = factories.make_client(cabinet, nom="Géomètre Dupont", ville="Albi", siret="73282932000074")
    factories.make_dossier(cabinet, client=found)
    factories.make_client(cabinet, nom="Autre client", ville="Rodez")
    response = client_as(comptable).get(reverse("clients:client-export", args=["csv"]), {"q": "Albi"})
    rows = _csv(response)
    assert rows[0][:3] == ["Nom", "Catégorie", "SIRET"]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert (record["Nom"], record["Ville"], record["SIRET"], record["Dossiers"]) == (
        "Géomètre Dupont", "Albi", "73282932000074", "1",
    )  # fmt: skip
    assert record["Catégorie"] == "Entreprise"


def test_client_xlsx_keeps_the_siret_as_text_and_other_cabinets_out(
    client_as, stranger, cabinet, other_cabinet
):
    factories.make_client(cabinet, nom="Pas le mien")
    factories.make_client(other_cabinet, nom="Le mien", siret="73282932000074")
    response = client_as(stranger).get(reverse("clients:client-export", args=["xlsx"]))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Clients"]
    assert [c.value for c in ws["A"]] == ["Nom", "Le mien"]
    assert ws["C2"].value == "73282932000074" and ws["C2"].data_type == "s"
    assert ws["K2"].value == 0


def test_client_export_queries_do_not_grow_with_rows(client_as, comptable, cabinet):
    client = client_as(comptable)
    factories.make_client(cabinet)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            b"".join(client.get(reverse("clients:client-export", args=["csv"])).streaming_content)
        return len(ctx)

    few = count()
    for _ in range(5):
        factories.make_client(cabinet)
    assert count() == few


def test_client_list_offers_the_export_with_its_search(client_as, comptable):
    text = body(client_as(comptable).get(reverse("clients:client-list"), {"q": "Albi"}))
    assert f'href="{reverse("clients:client-export", args=["xlsx"])}?q=Albi"' in text
