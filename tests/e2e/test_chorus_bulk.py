"""Bulk « Envoyer » in the browser: tick invoices in the list, send them in one go, watch the lot's progress."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chorus import tasks
from chorus.models import ChorusSubmission, SendBatch
from chorus.services import bulk
from chorus.simulator.models import SimInvoice
from clients.models import Category
from tests import factories


@pytest.fixture
def chorus_account(cabinet):
    return factories.make_chorus_account(cabinet, ready=False)


@pytest.fixture
def mairie(cabinet):
    return factories.make_public_client(cabinet)


@pytest.fixture
def last_sent(cabinet, mairie, chorus_account, site):
    """An earlier invoice of the Mairie, submitted with the service FONCIER: what the next envois remember."""
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)
    factories.make_submission(invoice, chorus_account, lookup=True, service_code="FONCIER", submit=True)
    return invoice


def tick(page: Page, invoice) -> None:
    page.get_by_label(f"Sélectionner la facture {invoice.number} pour Chorus Pro").check()


def send_selection(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Chorus Pro : Envoyer la sélection").click()
    expect(page.locator("h1")).to_contain_text("Lot d'envoi Chorus Pro")


def line(page: Page, invoice):
    return page.locator("#batch-lines tr", has_text=invoice.number)


def test_bulk_envoyer_submits_the_complete_ones_and_stops_the_others(
    site, login, comptable, cabinet, mairie, last_sent
):
    complete = [factories.make_invoice(cabinet, client=mairie, issued=True) for _ in range(2)]
    lyon = factories.make_public_client(cabinet, nom="Commune de Lyon", siret="21690123100011", ville="Lyon")
    needs_engagement = factories.make_invoice(cabinet, client=lyon, issued=True)
    private = factories.make_invoice(
        cabinet, client=factories.make_client(cabinet, siret="", categorie=Category.PARTICULIER), issued=True
    )
    page = login(comptable)
    page.goto(f"{site}/factures/")
    refused = page.locator(f"tr#facture-{private.pk} input[type=checkbox]")
    expect(refused).to_be_disabled()
    expect(refused).to_have_attribute("title", re.compile("acheteur public"))
    expect(page.locator(f"tr#facture-{last_sent.pk} input[type=checkbox]")).to_be_disabled()
    for invoice in [*complete, needs_engagement]:
        tick(page, invoice)
    page.get_by_label(re.compile("Soumettre directement les factures complètes")).check()
    send_selection(page)

    expect(page.locator("#batch-summary")).to_contain_text("Envoi terminé")
    for invoice in complete:
        expect(line(page, invoice).locator("[data-state]")).to_have_text("Déposée")
        assert SimInvoice.objects.get(numero=invoice.number).recipient_service.code == "FONCIER"
    stopped = line(page, needs_engagement)
    expect(stopped.locator("[data-state]")).to_have_text("À soumettre")
    expect(stopped).to_contain_text("À compléter : Ce destinataire exige un numéro d'engagement.")
    assert not SimInvoice.objects.filter(numero=needs_engagement.number).exists()

    with page.expect_navigation():
        stopped.get_by_role("link", name="Voir l'envoi").click()
    page.get_by_label(re.compile("^N° d'engagement")).fill("EJ-2026-0042")
    with page.expect_navigation():
        page.get_by_role("button", name="Soumettre", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Facture soumise à Chorus Pro")
    assert SimInvoice.objects.get(numero=needs_engagement.number).numero_bon_commande == "EJ-2026-0042"


def test_the_progress_page_follows_the_deposits_by_itself(
    site, login, comptable, cabinet, mairie, last_sent, monkeypatch
):
    invoices = [factories.make_invoice(cabinet, client=mairie, issued=True) for _ in range(2)]
    queued = []
    monkeypatch.setattr(tasks.send_batch_item, "delay", queued.append)  # a worker that has not started yet
    page = login(comptable)
    page.goto(f"{site}/factures/")
    for invoice in invoices:
        tick(page, invoice)
    send_selection(page)
    expect(page.locator("#batch-summary")).to_contain_text("Envoi en cours")
    for invoice in invoices:
        expect(line(page, invoice).locator("[data-state]")).to_have_text("Dépôt du PDF en cours")

    for item_id in queued:  # the worker runs: the page shows it without being reloaded
        bulk.send_item(item_id=item_id)
    for invoice in invoices:
        expect(line(page, invoice).locator("[data-state]")).to_have_text("À soumettre")
    expect(page.locator("#batch-summary")).to_contain_text("Envoi terminé")
    assert SendBatch.objects.get().items.count() == 2

    with page.expect_navigation():
        line(page, invoices[0]).get_by_role("link", name="Voir l'envoi").click()
    expect(page.locator("#chorus-remembered")).to_contain_text(
        f"Service : repris du dernier envoi (facture {last_sent.number})"
    )
    expect(page.get_by_label(re.compile(r"^Service( \*)?$"))).to_have_value("FONCIER")
    with page.expect_navigation():
        page.get_by_role("button", name="Soumettre", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Facture soumise à Chorus Pro")
    assert ChorusSubmission.objects.get(invoice=invoices[0]).service_code == "FONCIER"
