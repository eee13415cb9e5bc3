"""« Factures reçues » pages: the cabinet's rows only, filters and totals without N+1, the detail, the file,
the answers posted from the page (French errors, nothing typed lost)."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from einvoicing.models import ReceivedStatus
from tests import factories
from tests.einvoicing.test_receiving import lifecycle  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
LIST = reverse("einvoicing:received-list")


def test_the_list_shows_the_cabinets_rows_only(client_as, comptable, cabinet, other_cabinet):
    mine = factories.make_received(cabinet, supplier_name="Topo Matériel Services")
    theirs = factories.make_received(other_cabinet, supplier_name="Fournisseur du Rhône", number="RHONE-1")
    page = client_as(comptable).get(LIST).content.decode()
    assert "Topo Matériel Services" in page and "647,88" in page
    assert "Fournisseur du Rhône" not in page and "RHONE-1" not in page
    assert "Factures reçues" in page  # the nav entry
    c = client_as(comptable)
    for name in ("received-detail", "received-file", "received-readable"):
        assert c.get(reverse(f"einvoicing:{name}", args=[theirs.pk])).status_code == 404
    assert (
        c.post(reverse("einvoicing:received-answer", args=[theirs.pk]), {"reponse": "204"}).status_code == 404
    )
    assert c.get(reverse("einvoicing:received-detail", args=[mine.pk])).status_code == 200


def test_filters_totals_and_no_n_plus_one(client_as, admin, cabinet, django_assert_max_num_queries):
    for index in range(12):
        factories.make_received(
            cabinet,
            supplier_name=f"Fournisseur {index}",
            supplier_siren=f"{412345670 + index}",
            issue_date=datetime.date(2026, 10 + index % 2, 5),
            status=ReceivedStatus.REFUSED if index % 3 == 0 else ReceivedStatus.NEW,
        )
    c = client_as(admin)
    with django_assert_max_num_queries(10):
        response = c.get(LIST)
    assert response.context["totals"]["count"] == 12
    assert response.context["totals"]["ttc"] == Decimal("647.88") * 12
    with django_assert_max_num_queries(10):
        response = c.get(LIST, {"status": "refusee", "start": "2026-11-01", "end": "2026-11-30"})
    assert {r.status for r in response.context["page"].object_list} == {"refusee"}
    assert response.context["totals"]["count"] == 2  # indices 3 and 9
    assert c.get(LIST, {"q": "412 345 675"}).context["totals"]["count"] == 1
    assert c.get(LIST, {"q": "Fournisseur 1"}).context["totals"]["count"] == 3  # 1, 10, 11
    bad = c.get(LIST, {"start": "2026-12-01", "end": "2026-01-01"})
    assert bad.status_code == 200 and "La fin de la période doit suivre son début." in bad.content.decode()
    assert c.get(LIST, {"start": "pas une date"}).status_code == 200


def test_the_detail_shows_data_lines_and_the_file(client_as, comptable, cabinet):
    row = factories.make_received(cabinet)
    c = client_as(comptable)
    page = c.get(row.get_absolute_url()).content.decode()
    for text in (
        "FR-TEST-1",
        "Topo Matériel Services",
        "412345670",
        "05/11/2026",
        "Location station GNSS (mois)",
        "539,90",
        "Refuser la facture",
        "Aucune réponse envoyée",
    ):
        assert text in page, text
    download = c.get(reverse("einvoicing:received-file", args=[row.pk]))
    assert download.content == bytes(row.original) and "attachment" in download["Content-Disposition"]
    inline = c.get(reverse("einvoicing:received-readable", args=[row.pk]))  # the PA is unreachable here
    assert inline["Content-Type"] == "application/pdf" and inline["Content-Disposition"] == "inline"


def test_an_unreadable_file_is_shown_with_its_error(client_as, comptable, cabinet):
    row = factories.make_received(cabinet, content=b"\x00abc")
    page = client_as(comptable).get(row.get_absolute_url()).content.decode()
    assert "n'a pas pu être lu" in page and "Répondre au fournisseur" not in page


def test_refusing_from_the_page(client_as, comptable, cabinet, lifecycle):  # noqa: F811
    row = factories.make_received(cabinet)
    c = client_as(comptable)
    url = reverse("einvoicing:received-answer", args=[row.pk])
    missing = c.post(url, {"reponse": "210", "refus-code": "210", "refus-comment": "Facture en double"})
    page = missing.content.decode()
    assert missing.status_code == 200 and "Choisissez le motif." in page and "Facture en double" in page
    assert lifecycle.calls == []
    done = c.post(url, {"reponse": "210", "refus-code": "210", "refus-reason_code": "DOUBLON"}, follow=True)
    page = done.content.decode()
    assert "La facture est refusée." in page and "Facture en double (doublon)" in page
    row.refresh_from_db()
    assert row.status == ReceivedStatus.REFUSED and lifecycle.calls[0]["code"] == 210
    again = c.post(url, {"reponse": "205", "approbation-code": "205"}, follow=True)
    assert "n'est plus possible" in html.unescape(again.content.decode())
    assert c.post(url, {"reponse": "abc"}).status_code == 302


def test_collect_now_without_a_platform_says_what_to_do(client_as, admin):
    response = client_as(admin).post(reverse("einvoicing:received-collect"), follow=True)
    assert "Renseignez d'abord la plateforme agréée" in html.unescape(response.content.decode())


def test_a_credit_note_is_called_so(client_as, comptable, cabinet):
    row = factories.make_received(cabinet, type_code="381")
    page = client_as(comptable).get(row.get_absolute_url()).content.decode()
    assert "Avoir reçu FR-TEST-1" in page
    assert "Avoir" in client_as(comptable).get(LIST).content.decode()
