"""The client and dossier pickers in a browser: search, choose with the keyboard, the dossier brings its
client, and the form posts the choice."""

from __future__ import annotations

from playwright.sync_api import expect

from invoices.models import Invoice
from tests import factories


def test_choosing_a_dossier_by_search_fills_its_client(login, comptable, cabinet, site, csp_refusals):
    horizon = factories.make_client(cabinet, nom="SCI Horizon")
    dossier = factories.make_dossier(cabinet, horizon, objet="Division en 4 lots")
    for i in range(3):
        factories.make_dossier(cabinet, objet=f"Bornage parcelle {i}")
    page = login(comptable)
    page.goto(f"{site}/factures/nouvelle/")
    search = page.get_by_role("combobox", name="Dossier")
    search.fill("4 lots")
    expect(page.locator(".picker-list [role=option]")).to_have_count(1)
    expect(page.get_by_role("option", name="Division en 4 lots")).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")
    expect(search).to_have_value(str(dossier))
    expect(page.get_by_role("combobox", name="Client")).to_have_value("SCI Horizon")
    assert page.locator("select[name=client]").input_value() == str(horizon.pk)
    page.locator("[name=lines-0-designation]").fill("Division en 4 lots")
    page.locator("[name=lines-0-unit_price]").fill("1300,00")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".messages")).to_contain_text("brouillon de facture a été enregistré")
    invoice = Invoice.objects.get()
    assert (invoice.client, invoice.dossier) == (horizon, dossier)
    assert csp_refusals == []


def test_choosing_a_client_by_search_and_another_clears_the_dossier(login, comptable, cabinet, site):
    dossier = factories.make_dossier(cabinet, objet="Division en 4 lots")
    other = factories.make_client(cabinet, nom="Mairie de Muret")
    page = login(comptable)
    page.goto(f"{site}/factures/devis/nouveau/?dossier={dossier.pk}")
    expect(page.get_by_role("combobox", name="Dossier")).to_have_value(str(dossier))
    client = page.get_by_role("combobox", name="Client")
    client.fill("muret")
    expect(page.locator(".picker-list [role=option]")).to_have_count(1)
    page.get_by_role("option", name="Mairie de Muret").click()
    expect(client).to_have_value("Mairie de Muret")
    assert page.locator("select[name=client]").input_value() == str(other.pk)
    assert page.locator("select[name=dossier]").input_value() == ""
    expect(page.get_by_role("combobox", name="Dossier")).to_have_value("")
