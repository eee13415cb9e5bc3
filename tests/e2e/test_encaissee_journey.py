"""« Encaissée » in the browser: a B2B invoice transmitted to the offline Plateforme Agréée, a règlement
recorded, and the invoice page says the status was sent (Celery runs in-process, the simulator is served by
the live server)."""

from __future__ import annotations

from playwright.sync_api import expect

from einvoicing.models import OutgoingStatus, PlatformAccount
from einvoicing.simulator.models import SimFlow
from einvoicing.simulator.seed import seed_directory
from tests import factories


def test_a_payment_of_a_transmitted_invoice_sends_encaissee(
    login, comptable, cabinet, site, settings, csp_refusals
):
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

    page.get_by_role("link", name="Enregistrer un règlement").click()
    page.get_by_label("Montant").fill("1 560,00")
    page.get_by_label(f"{invoice.number} — reste dû").fill("1 560,00")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le règlement").click()

    page.goto(f"{site}{invoice.get_absolute_url()}")
    expect(page.get_by_text("Encaissée transmise le")).to_be_visible()
    expect(page.locator("#transmission")).to_contain_text("1\xa0560,00\xa0€ (TVA 20\xa0%)")
    status = OutgoingStatus.objects.get()
    assert (
        status.code == 212
        and SimFlow.objects.filter(flow_syntax="CDAR", tracking_id=status.tracking_id).count() == 1
    )
    assert csp_refusals == []
