"""The client form in a real browser: « Délai de paiement public » only shows for a public category."""

from __future__ import annotations

from playwright.sync_api import expect

from clients.models import Client


def test_public_payment_term_shows_only_for_a_public_category(login, comptable, cabinet, site, csp_refusals):
    page = login(comptable)
    page.goto(f"{site}/clients/nouveau/")
    term = page.get_by_label("Délai de paiement public")
    expect(term).to_be_hidden()  # « Entreprise » by default
    page.get_by_label("Catégorie").select_option("etablissement_public")
    expect(term).to_be_visible()
    page.get_by_label("Catégorie").select_option("particulier")
    expect(term).to_be_hidden()
    page.get_by_label("Catégorie").select_option("etablissement_public")
    term.select_option("50")
    page.locator("#id_nom").fill("CHU de Purpan")
    page.locator("#id_siret").fill("21310069600011")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("50 jours (établissement public de santé)")).to_be_visible()
    assert Client.objects.get(nom="CHU de Purpan").delai_paiement_public == 50
