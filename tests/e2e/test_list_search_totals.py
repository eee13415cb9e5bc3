"""A search of the invoice list in a browser: the rows first, then the totals row and the page count,
loaded without leaving the page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories


def test_a_search_fills_its_totals_and_its_page_count(login, comptable, cabinet, site, csp_refusals):
    customer = factories.make_client(cabinet, nom="Promoteur Occitan")
    for i in range(27):
        objet = "Division parcellaire" if i % 9 else "Bornage"
        factories.make_invoice(cabinet, [("Plan", "1", "1000.00", "20.00")], client=customer, objet=objet)
    page = login(comptable)
    page.goto(f"{site}/factures/")
    page.get_by_label("Rechercher").fill("division")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("tr[id^=facture-]")).to_have_count(24)
    totals = page.get_by_role("table", name="Totaux de la sélection")
    expect(totals).to_contain_text("24 factures et avoirs")
    expect(totals.locator("[data-total=ttc]")).to_have_text("28\xa0800,00\xa0€")
    expect(totals).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#list-pagination")).to_be_empty()  # one page: no pagination

    page.get_by_label("Rechercher").fill("parcellaire")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    expect(totals).to_contain_text("24 factures et avoirs")

    page.goto(f"{site}/factures/?q=occitan")  # the client's name: all 27, on two pages
    expect(page.get_by_role("navigation", name="Pagination")).to_contain_text("Page 1 sur 2 (27 résultats)")
    expect(page.get_by_role("table", name="Totaux de la sélection")).to_contain_text("27 factures et avoirs")
    page.get_by_role("link", name="Page suivante »").click()
    expect(page.get_by_role("navigation", name="Pagination")).to_contain_text("Page 2 sur 2 (27 résultats)")
    expect(page.locator("tr[id^=facture-]")).to_have_count(2)
    assert csp_refusals == []


def test_totals_that_cannot_be_loaded_say_so_and_offer_them_in_the_page(login, comptable, cabinet, site):
    for _ in range(3):
        factories.make_invoice(cabinet, [("Plan", "1", "1000.00", "20.00")], objet="Division")
    page = login(comptable)
    page.route("**/factures/totaux/**", lambda route: route.fulfill(status=500, body="Erreur"))
    page.goto(f"{site}/factures/?q=division")
    expect(page.locator("tr[id^=facture-]")).to_have_count(3)
    totals = page.get_by_role("table", name="Totaux de la sélection")
    expect(totals).to_contain_text("Totaux indisponibles pour le moment.")
    page.unroute("**/factures/totaux/**")
    with page.expect_navigation():
        totals.get_by_role("link", name="Calculer les totaux").click()
    expect(totals).to_contain_text("3 factures et avoirs")
    expect(totals.locator("[data-total=ttc]")).to_have_text("3\xa0600,00\xa0€")
