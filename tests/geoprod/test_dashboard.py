"""Tableau de bord: figures against amounts computed by hand, the period, the charts' data, tenancy and a
constant number of queries."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chorus import services as chorus_services
from chorus.models import ChorusSubmission, SubmissionState
from geoprod import dashboard
from invoices import services as invoicing
from invoices.models import QuoteStatus
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
D = Decimal


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def line(ht: str):
    return [("Lever topographique", "1", ht, "20.00")]


@pytest.fixture
def books(cabinet):
    """Issued in date order (a series never goes back in time):
    A 1 000 HT to Xavier, 100 days ago (due 70 days ago, unpaid: 61-90 days);
    C 500 HT to Zoé, 80 days ago, fully credited by an avoir 50 days ago;
    D 1 000 HT to Xavier, 45 days ago (due 15 days ago, unpaid: 0-30 days);
    B 1 300 HT to Yves, today (not due), 600 € paid today by cheque."""
    xavier = factories.make_client(cabinet, nom="Xavier Géomètre")
    yves = factories.make_client(cabinet, nom="Yves Promoteur")
    zoe = factories.make_client(cabinet, nom="Zoé Foncière")
    a = factories.make_invoice(cabinet, line("1000.00"), client=xavier, issued=True, today=ago(100))
    c = factories.make_invoice(cabinet, line("500.00"), client=zoe, issued=True, today=ago(80))
    avoir = invoicing.issue_invoice(invoice=invoicing.create_credit_note(invoice=c), today=ago(50))
    d = factories.make_invoice(cabinet, line("1000.00"), client=xavier, issued=True, today=ago(45))
    b = factories.make_invoice(cabinet, line("1300.00"), client=yves, issued=True)
    factories.make_payment(b, "600.00", mode="cheque", date=TODAY)
    factories.make_invoice(cabinet, line("9999.00"), client=yves)  # a draft counts nowhere
    return {"a": a, "b": b, "c": c, "d": d, "avoir": avoir, "xavier": xavier, "yves": yves, "zoe": zoe}


def test_turnover_per_month_is_issued_ht_net_of_avoirs_and_collected_is_payments(cabinet, books):
    first, last = dashboard.default_period()
    months = {m.month: m for m in dashboard.turnover_by_month(cabinet, first, last)}
    assert len(months) == 12 and min(months) == first and max(months) == last
    expected_invoiced: dict[datetime.date, Decimal] = {}
    for day, ht in ((ago(100), D("1000")), (ago(80), D("500")), (ago(50), D("-500")), (ago(45), D("1000"))):
        expected_invoiced[dashboard.month_start(day)] = (
            expected_invoiced.get(dashboard.month_start(day), 0) + ht
        )
    expected_invoiced[dashboard.month_start(TODAY)] = expected_invoiced.get(
        dashboard.month_start(TODAY), 0
    ) + D("1300")
    for month, figures in months.items():
        assert figures.invoiced == expected_invoiced.get(month, D("0.00")), month
        assert figures.collected == (D("600.00") if month == dashboard.month_start(TODAY) else D("0.00"))
    assert sum(m.invoiced for m in months.values()) == D("3300.00")


def test_unpaid_by_age_buckets_what_remains_due(cabinet, books):
    ageing = {key: (amount, count) for key, _, amount, count in dashboard.unpaid_by_age(cabinet)}
    assert ageing == {
        "not_due": (D("960.00"), 1),  # B: 1 560 TTC − 600 paid
        "d30": (D("1200.00"), 1),  # D: due 15 days ago
        "d60": (D("0.00"), 0),
        "d90": (D("1200.00"), 1),  # A: due 70 days ago
        "over90": (D("0.00"), 0),  # C was fully credited
    }


def test_top_clients_rank_by_invoiced_ht_net_of_avoirs(cabinet, books):
    first, last = dashboard.default_period()
    top = dashboard.top_clients(cabinet, first, dashboard.add_months(last, 1))
    assert [(c["nom"], c["ht"]) for c in top] == [
        ("Xavier Géomètre", D("2000.00")),
        ("Yves Promoteur", D("1300.00")),
        ("Zoé Foncière", D("0.00")),
    ]


def test_quote_conversion_rate_and_open_amount(cabinet):
    customer = factories.make_client(cabinet)
    factories.make_quote(cabinet, client=customer, accepted=True)
    refused = factories.make_quote(cabinet, client=customer)
    invoicing.decide_quote(quote=refused, accepted=False)
    factories.make_quote(cabinet, line("2400.00"), client=customer)
    old = factories.make_quote(cabinet, client=customer, date=ago(800))  # pending, outside the period
    assert old.status == QuoteStatus.PENDING
    first, last = dashboard.default_period()
    figures = dashboard.quote_figures(cabinet, first, dashboard.add_months(last, 1))
    assert (figures["issued"], figures["accepted"], figures["refused"]) == (3, 1, 1)
    assert figures["rate"] == D("33.3")
    assert (figures["open_count"], figures["open_ht"]) == (2, D("3700.00"))


def test_chorus_invoices_are_counted_by_status(cabinet):
    account = factories.make_chorus_account(cabinet)
    mairie = factories.make_public_client(cabinet)
    subs = [
        chorus_services.start_submission(
            invoice=factories.make_invoice(cabinet, client=mairie, issued=True), account=account
        )
        for _ in range(3)
    ]
    ChorusSubmission.objects.filter(pk__in=[subs[0].pk, subs[1].pk]).update(
        state=SubmissionState.SUBMITTED, chorus_status="MISE_A_DISPOSITION"
    )
    counts = dict(dashboard.chorus_by_status(cabinet))
    assert sum(counts.values()) == 3 and 2 in counts.values() and 1 in counts.values()
    assert counts[SubmissionState.NEW.label] == 1


def test_home_page_shows_the_figures_and_the_chart_data(cabinet, books, client_as, comptable):
    html = client_as(comptable).get("/").content.decode()
    table = html[
        html.index('id="table-turnover"') : html.index("</table>", html.index('id="table-turnover"'))
    ]
    assert "3\xa0300,00\xa0€" in table and "600,00\xa0€" in table
    ageing = html[html.index('id="table-ageing"') :]
    assert "1\xa0200,00\xa0€" in ageing and "960,00\xa0€" in ageing and "3\xa0360,00\xa0€" in ageing
    assert "Xavier Géomètre" in html and "Taux de transformation" in html
    island = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(island.group(1))
    assert len(data["turnover"]["labels"]) == 12 and data["turnover"]["collected"][-1] == "600.00"
    assert data["ageing"]["amounts"] == ["960.00", "1200.00", "0.00", "1200.00", "0.00"]
    assert 'src="/static/vendor/chartjs/chart.umd.js"' in html and 'src="/static/js/dashboard.js"' in html


def test_another_cabinets_books_never_show(cabinet, books, other_cabinet, client_as, comptable):
    stranger_client = factories.make_client(other_cabinet, nom="Client Étranger")
    factories.make_invoice(other_cabinet, line("77777.00"), client=stranger_client, issued=True)
    html = client_as(comptable).get("/").content.decode()
    assert "Client Étranger" not in html and "77\xa0777" not in html and "93\xa0332" not in html


def test_the_period_is_chosen_in_months(cabinet, books, client_as, comptable):
    http = client_as(comptable)
    month = dashboard.month_start(ago(100))
    html = http.get("/", {"start": f"{month:%Y-%m}", "end": f"{month:%Y-%m}"}).content.decode()
    island = json.loads(re.search(r'type="application/json">(.*?)</script>', html, re.S).group(1))
    assert island["turnover"]["labels"] == [dashboard.month_label(month)]
    assert island["turnover"]["invoiced"][0] == str(
        sum(
            ht
            for day, ht in (
                (ago(100), D("1000.00")),
                (ago(80), D("500.00")),
                (ago(50), D("-500.00")),
                (ago(45), D("1000.00")),
            )
            if dashboard.month_start(day) == month
        )
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-13"}, "Indiquez un mois"),
        ({"start": "2026-06", "end": "2026-01"}, "La fin de la période doit suivre son début."),
        ({"start": "2020-01", "end": "2026-01"}, "36 mois au plus"),
    ],
)
def test_a_bad_period_is_said_in_french_and_the_last_twelve_months_are_shown(
    params, message, cabinet, client_as, comptable
):
    response = client_as(comptable).get("/", params)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    island = json.loads(re.search(r'type="application/json">(.*?)</script>', html, re.S).group(1))
    assert len(island["turnover"]["labels"]) == 12
    assert params.get("start", "") in html  # what was typed stays in the field


def _queries(http) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert http.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_reads_a_constant_number_of_queries(cabinet, client_as, comptable):
    http = client_as(comptable)
    customer = factories.make_client(cabinet)
    factories.make_invoice(cabinet, client=customer, issued=True)
    few = _queries(http)
    account = factories.make_chorus_account(cabinet)
    for i in range(4):
        other = factories.make_public_client(cabinet, nom=f"Mairie {i}")
        invoice = factories.make_invoice(cabinet, client=other, issued=True)
        factories.make_payment(invoice, "100.00")
        factories.make_quote(cabinet, client=other, accepted=bool(i % 2))
        chorus_services.start_submission(invoice=invoice, account=account)
    assert _queries(http) == few
