"""The lifecycle of a B2B e-invoice in the browser: transmitted to the offline Plateforme Agréée, « Déposée »,
the simulator's clock ticks, « Approuvée » on the invoice page and in the list; then a règlement is recorded and
« Encaissée transmise » is shown (Celery runs in-process, the simulator is served by the live server)."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from einvoicing.models import PlatformAccount
from einvoicing.simulator.seed import seed_directory
from tests import factories


def test_a_b2b_invoice_deposited_then_approved_then_paid(
    login, comptable, cabinet, site, settings, csp_refusals
):
    settings.PA_SIMULATOR_ACK_SECONDS = 0
    settings.PA_SIMULATOR_LIFECYCLE_SECONDS = 0  # the clock ticks only when told
    settings.GEOPROD_DEMO = True  # plain http to the local simulator
    base = f"{site}/{settings.PA_SIMULATOR_PREFIX}"
    account = PlatformAccount(
        cabinet=cabinet,
        name="Simulateur",
        flow_url=f"{base}/flow-service",
        directory_url=f"{base}/directory-service",
        token_url=f"{base}/oauth/token",
        client_id="cabinet-garonne",
    )
    account.set_client_secret(settings.PA_SIMULATOR_SECRET)
    account.save()
    company = factories.make_client(
        cabinet, categorie="entreprise", siret="55210055400013", nom="SCI Les Tilleuls"
    )
    seed_directory([("552100554", company.nom)])
    invoice = factories.make_invoice(cabinet, client=company, issued=True)  # 1 300,00 € HT, TVA 20 %

    page = login(comptable)
    page.goto(f"{site}{invoice.get_absolute_url()}")
    with page.expect_navigation():
        page.get_by_role("button", name="Transmettre à la plateforme agréée").click()
    expect(page.get_by_text("Transmise à la plateforme", exact=True)).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="Actualiser le suivi").click()
    history = page.locator("table.einvoice-history")
    expect(page.locator("#cycle-de-vie")).to_contain_text("Déposée")
    expect(history).to_contain_text("Acceptée par la plateforme")

    # The buyer's side moves on: Reçue, Mise à disposition, Prise en charge, Approuvée.
    assert requests.post(f"{base}/lifecycle/advance?steps=4", timeout=10).json() == {"produced": 4}
    with page.expect_navigation():
        page.get_by_role("button", name="Actualiser le suivi").click()
    expect(page.locator("#cycle-de-vie")).to_contain_text("Approuvée")
    for label in ("Reçue par la plateforme", "Mise à disposition", "Prise en charge", "Approuvée"):
        expect(history).to_contain_text(label)

    page.goto(f"{site}/factures/")
    row = page.locator(f"#facture-{invoice.pk}")
    expect(row.locator(".einvoice-status")).to_have_text("Approuvée")

    # The cabinet is paid: « Encaissée » leaves for the buyer.
    page.goto(f"{site}{invoice.get_absolute_url()}")
    page.get_by_role("link", name="Enregistrer un règlement").click()
    page.get_by_label("Montant").fill("1 560,00")
    page.get_by_label(f"{invoice.number} — reste dû").fill("1 560,00")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le règlement").click()
    page.goto(f"{site}{invoice.get_absolute_url()}")
    expect(page.get_by_text("Encaissée transmise le")).to_be_visible()
    assert csp_refusals == []
