"""Tableau de bord in a real browser: Chart.js (served by the product) draws both charts from the JSON data
island, under the Content-Security-Policy, with the table of figures behind each; the period form works."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from geoprod import dashboard
from tests import factories


def test_dashboard_draws_its_charts_with_the_figures_behind(login, comptable, cabinet, site, csp_refusals):
    today = datetime.date.today()
    mairie = factories.make_public_client(cabinet, nom="Mairie de Ramonville")
    late = factories.make_invoice(
        cabinet, client=mairie, issued=True, today=today - datetime.timedelta(days=70)
    )
    current = factories.make_invoice(cabinet, client=mairie, issued=True)  # 1 300 HT, 1 560 TTC
    factories.make_payment(current, "560.00", mode="cheque")
    assert late.amount_due == 1560

    page = login(comptable)
    page.goto(f"{site}/")
    expect(page.get_by_role("heading", name="Chiffre d'affaires facturé et encaissé")).to_be_visible()

    for chart in ("chart-turnover", "chart-ageing"):
        canvas = page.locator(f"#{chart}")
        expect(canvas).to_be_visible()
        page.wait_for_function(f"() => window.Chart && Chart.getChart(document.getElementById('{chart}'))")
        drawn = page.evaluate(
            f"""() => {{
              const c = Chart.getChart(document.getElementById('{chart}'));
              return {{type: c.config.type, labels: c.data.labels, data: c.data.datasets.map(d => d.data),
                       width: c.width}};
            }}"""
        )
        assert drawn["type"] == "bar" and drawn["width"] > 100

    labels, invoiced, collected = page.evaluate(
        """() => { const c = Chart.getChart(document.getElementById('chart-turnover'));
                   return [c.data.labels, ...c.data.datasets.map(d => d.data)]; }"""
    )
    assert len(invoiced) == 12 and invoiced[-1] == 1300 and collected[-1] == 560
    late_month = dashboard.month_label(dashboard.month_start(today - datetime.timedelta(days=70)))
    assert invoiced[labels.index(late_month)] == 1300

    table = page.locator("#table-turnover")
    this_month = table.locator("tbody tr").last
    expect(this_month.locator("th")).to_have_text(dashboard.month_label(dashboard.month_start(today)))
    expect(this_month.locator("td").nth(0)).to_have_text("1\u202f300,00\xa0€".replace("\u202f", "\xa0"))
    expect(this_month.locator("td").nth(1)).to_have_text("560,00\xa0€")
    ageing = page.locator("#table-ageing")
    expect(ageing.get_by_role("row", name="31 à 60 jours")).to_contain_text("1\xa0560,00\xa0€")
    expect(ageing.get_by_role("row", name="Non échu")).to_contain_text("1\xa0000,00\xa0€")
    expect(page.locator("#table-top-clients")).to_contain_text("Mairie de Ramonville")

    first = dashboard.month_start(today)
    page.get_by_label("Du mois", exact=True).fill(f"{first:%Y-%m}")
    page.get_by_label("Au mois", exact=True).fill(f"{first:%Y-%m}")
    with page.expect_navigation():
        page.get_by_role("button", name="Afficher").click()
    expect(page.locator("#table-turnover tbody tr")).to_have_count(1)
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-turnover'))")
    labels = page.evaluate("() => Chart.getChart(document.getElementById('chart-turnover')).data.labels")
    assert labels == [dashboard.month_label(first)]
    assert csp_refusals == []
