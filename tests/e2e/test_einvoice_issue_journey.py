"""A B2B invoice in the browser, against the offline Plateforme Agréée: « Valider » finds the buyer in the
Directory, then the invoice list's bulk « Transmettre » sends it once and the progress page says so."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from einvoicing.models import EInvoice, EInvoiceState, PlatformAccount
from einvoicing.simulator.models import SimDirectoryLine, SimFlow
from einvoicing.simulator.seed import seed_directory
from invoices import facturx
from invoices.models import Invoice
from tests import factories

SIREN = "552100554"
SIRET = f"{SIREN}00013"


@pytest.fixture
def platform(site, settings, cabinet):
    settings.PA_SIMULATOR_ACK_SECONDS = 0
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
    return account


def test_valider_then_bulk_transmettre_a_b2b_invoice(site, login, comptable, cabinet, platform):
    company = factories.make_client(cabinet, categorie="entreprise", siret=SIRET, nom="SCI Les Tilleuls")
    seed_directory([(SIREN, "SCI LES TILLEULS")])
    SimDirectoryLine.objects.create(siren=SIREN, siret=SIRET, addressing_identifier=f"{SIREN}_{SIRET[9:]}")
    draft = factories.make_invoice(cabinet, client=company)
    page: Page = login(comptable)
    page.goto(f"{site}/factures/{draft.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Valider", exact=True).click()
    expect(page.locator("h1")).to_contain_text("N°")
    invoice = Invoice.objects.get(pk=draft.pk)
    xml = facturx.xml_from_pdf(invoice.pdf_bytes())
    assert f'schemeID="0225">{SIREN}_{SIRET[9:]}<'.encode() in xml

    page.goto(f"{site}/factures/")
    page.get_by_label(f"Sélectionner la facture {invoice.number} pour la plateforme agréée").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Transmettre la sélection à la plateforme agréée").click()
    expect(page.locator("h1")).to_contain_text("Transmission à la plateforme agréée")
    row = page.locator("#batch-lines tr", has_text=invoice.number)
    expect(row.locator("[data-state]")).to_have_text("Transmise à la plateforme")
    expect(page.locator("#batch-summary")).to_contain_text("Transmission terminée")
    assert EInvoice.objects.get(invoice=invoice).state == EInvoiceState.SENT
    assert SimFlow.objects.get().tracking_id == invoice.number

    # The same selection again (an old tab): the box is gone, nothing leaves twice.
    page.goto(f"{site}/factures/")
    expect(page.locator(f"tr#facture-{invoice.pk} input[type=checkbox]")).to_be_disabled()
    assert SimFlow.objects.count() == 1
