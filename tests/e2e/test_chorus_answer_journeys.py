"""After « Soumettre »: the buyer suspends the invoice or sends it back for recycling, and the comptable
answers from the screens (« Compléter », « Recycler »), with the buyer's comment and Chorus's dated history."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from chorus.models import ChorusSubmission
from chorus.simulator import lifecycle, state
from chorus.simulator.models import SimInvoice
from tests import factories
from tests.e2e.test_chorus_journeys import MINIMAL_PDF, field

SUSPENSION = "Suspension : procès-verbal de bornage manquant"
RECYCLING = "À recycler : la facture doit être adressée à la Commune de Lyon"


@pytest.fixture
def submitted(site, cabinet):
    """An invoice to the Mairie de Toulouse, submitted to the simulator (service FONCIER)."""
    account = factories.make_chorus_account(cabinet, ready=False)
    invoice = factories.make_invoice(cabinet, client=factories.make_public_client(cabinet), issued=True)
    return factories.make_submission(invoice, account, lookup=True, service_code="FONCIER", submit=True)


def buyer_sets(submission: ChorusSubmission, status: str, comment: str) -> None:
    lifecycle.force_status(
        SimInvoice.objects.get(numero=submission.invoice.number), status, comment, state.now()
    )


def refresh(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Rafraîchir").click()


def history_row(page: Page, label: str):
    return page.locator("#historique tbody tr", has_text=label)


def test_a_suspended_invoice_is_completed_from_the_screen(site, login, comptable, submitted):
    buyer_sets(submitted, "SUSPENDUE", SUSPENSION)
    page = login(comptable)
    page.goto(f"{site}/factures/{submitted.invoice_id}/")
    refresh(page)
    block = page.locator("#chorus-pro")
    expect(block.locator("#invoice-chorus-status")).to_have_text("Suspendue")
    expect(block).to_contain_text(SUSPENSION)
    with page.expect_navigation():
        block.get_by_role("link", name="Compléter").click()

    panel = page.locator("#completer")
    expect(panel.locator("#buyer-comment")).to_contain_text(SUSPENSION)
    attachment = page.locator("#completion-attachment-form")
    attachment.get_by_label("Fichier").set_input_files(
        {"name": "pv-bornage.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    attachment.get_by_label("Désignation").fill("PV de bornage signé")
    attachment.get_by_label("Type").select_option(label="Procès-verbal de réception")
    with page.expect_navigation():
        attachment.get_by_role("button", name="Ajouter la pièce").click()
    expect(page.locator("#completion-attachments")).to_contain_text("pv-bornage.pdf")

    page.get_by_label("Commentaire pour l'acheteur").fill("Voici le PV signé par les riverains.")
    with page.expect_navigation():
        page.get_by_role("button", name="Compléter", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("Complément envoyé à Chorus Pro")
    expect(page.locator("#chorus-status")).to_have_value("Complétée")
    expect(page.locator("#completer")).to_have_count(0)
    expect(history_row(page, "Complétée")).to_contain_text("Voici le PV signé par les riverains.")
    sim = SimInvoice.objects.get(numero=submitted.invoice.number)
    assert sim.status == "COMPLETEE"
    [sent] = [c for c in sim.history.all() if c.code == "COMPLETEE"]
    assert sent.comment == "Voici le PV signé par les riverains."

    state.advance_clock(days=3)
    refresh(page)
    expect(page.locator("#chorus-status")).to_have_value("Service fait")
    rows = page.locator("#historique tbody tr")
    expect(rows.nth(0)).to_contain_text("Service fait")
    expect(rows.nth(1)).to_contain_text("Complétée")
    expect(history_row(page, "Suspendue")).to_contain_text(SUSPENSION)
    suspended_at = next(c.at for c in sim.history.all() if c.code == "SUSPENDUE")
    expect(history_row(page, "Suspendue")).to_contain_text(
        f"{state.timezone.localtime(suspended_at):%d/%m/%Y %H:%M}"
    )


def test_an_invoice_to_recycle_is_rerouted_from_the_screen(site, login, comptable, submitted):
    buyer_sets(submitted, "A_RECYCLER", RECYCLING)
    state.advance_clock(days=1)
    page = login(comptable)
    page.goto(f"{site}/chorus/envois/{submitted.pk}/")
    refresh(page)
    panel = page.locator("#recycler")
    expect(panel.locator("#buyer-comment")).to_contain_text(RECYCLING)

    field(panel, "Destinataire (SIRET)").fill("21690123100011")
    with page.expect_navigation():
        panel.get_by_role("button", name="Rechercher le destinataire").click()
    panel = page.locator("#recycler")
    expect(panel.locator("#recycle-designation")).to_have_value("Commune de Lyon")
    field(panel, "Service").select_option("VOIRIE")
    with page.expect_navigation():
        panel.get_by_role("button", name="Recycler", exact=True).click()
    engagement = page.locator("#recycler .field.has-error", has=field(page, "N° d'engagement"))
    expect(engagement).to_contain_text("exige un numéro d'engagement")
    assert SimInvoice.objects.get().status == "A_RECYCLER"

    field(page.locator("#recycler"), "N° d'engagement").fill("EJ-2026-0077")
    page.get_by_label("Commentaire pour l'acheteur").fill("Adressée à la voirie de Lyon.")
    with page.expect_navigation():
        page.get_by_role("button", name="Recycler", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("même numéro, nouvelle date de dépôt")
    expect(page.locator("#chorus-status")).to_have_value("Déposée")
    expect(page.locator("#date-depot")).to_have_text(f"{state.today():%d/%m/%Y}")
    sim = SimInvoice.objects.get()
    assert (sim.numero, sim.identifiant_cpp) == (submitted.invoice.number, submitted.identifiant_facture_cpp)
    assert (sim.recipient.siret, sim.recipient_service.code, sim.numero_bon_commande) == (
        "21690123100011", "VOIRIE", "EJ-2026-0077",
    )  # fmt: skip
    expect(history_row(page, "À recycler")).to_contain_text(RECYCLING)
