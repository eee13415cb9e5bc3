"""Send an invoice by e-mail, then find it in the « Boîte d'envoi » with its PDF."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests import factories


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "mailing.backends.OutboxBackend"
    settings.DEFAULT_FROM_EMAIL = "factures@geoprod.example"


def test_send_an_invoice_by_email_then_find_it_in_the_outbox_with_its_pdf(
    login, site, cabinet, comptable, outbox
):
    client = factories.make_client(cabinet, nom="SCI Les Jardins", email="accueil@jardins.example")
    factories.make_contact(client, nom="Zoé Durand", fonction="Comptabilité", email="compta@jardins.example")
    invoice = factories.make_invoice(cabinet, client=client, issued=True, today=datetime.date(2026, 6, 1))
    page = login(comptable)

    page.goto(f"{site}/factures/{invoice.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Envoyer par e-mail").first.click()
    expect(page.get_by_label("Destinataires")).to_have_value("compta@jardins.example")
    expect(page.get_by_label("Objet")).to_have_value(f"Facture {invoice.number} — Géomètres Experts Garonne")
    page.get_by_label("Destinataires").fill("pas une adresse")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_text("« pas une adresse » n'est pas une adresse e-mail valide.")).to_be_visible()
    page.get_by_label("Destinataires").fill("compta@jardins.example, accueil@jardins.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer", exact=True).click()

    emails = page.locator("#emails")
    expect(emails).to_contain_text("compta@jardins.example, accueil@jardins.example")
    expect(emails.locator(".badge")).to_have_text("Envoyé")
    expect(page.locator("#historique")).to_contain_text("Envoyée par e-mail")

    with page.expect_navigation():
        page.get_by_role("link", name="Boîte d'envoi").click()
    with page.expect_navigation():
        page.get_by_role("link", name=f"Facture {invoice.number} — Géomètres Experts Garonne").click()
    expect(page.locator("dl.details")).to_contain_text("Géomètres Experts Garonne <factures@geoprod.example>")
    expect(page.locator(".email-body")).to_contain_text(f"notre facture n° {invoice.number}")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"{invoice.number}.pdf").click()
    assert download.value.suggested_filename == f"{invoice.number}.pdf"
    with open(download.value.path(), "rb") as f:
        assert f.read() == invoice.pdf_bytes()
