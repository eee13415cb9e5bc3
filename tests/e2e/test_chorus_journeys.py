"""A comptable's day with Chorus Pro, click by click, by the labels on the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chorus.models import ChorusSubmission
from chorus.simulator import state
from chorus.simulator.models import SimInvoice
from invoices.models import Invoice
from tests import factories

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def chorus_account(cabinet):
    """Connected but never synchronised: the first « Chorus Pro : Envoyer » synchronises it."""
    return factories.make_chorus_account(cabinet, ready=False)


def field(scope, label: str):
    """The input a label names, whether or not the label carries the « * » of a required field."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _submit_and_wait(page: Page, button_name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button_name, exact=True).click()


def create_client(page: Page, site: str, *, nom: str, siret: str) -> None:
    page.get_by_role("link", name="Clients", exact=True).click()
    page.goto(f"{site}/clients/nouveau/")
    page.get_by_label("Nom").fill(nom)
    page.get_by_label("Ville").fill("Toulouse")
    page.get_by_label("Code postal").fill("31000")
    page.get_by_label("Catégorie").select_option(label="Collectivité territoriale")
    page.get_by_label("N° SIRET").fill(siret)
    _submit_and_wait(page, "Enregistrer")
    expect(page.locator("h1")).to_contain_text(nom)


def create_dossier(page: Page, *, objet: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="Nouveau dossier").click()
    page.get_by_label("Objet").fill(objet)
    _submit_and_wait(page, "Enregistrer")
    expect(page.locator("h1")).to_contain_text("Dossier")


def draft_and_issue_invoice(page: Page) -> Invoice:
    with page.expect_navigation():
        page.get_by_role("link", name="Nouvelle facture").click()
    page.locator("[name=lines-0-designation]").fill("Bornage amiable contradictoire")
    page.locator("[name=lines-0-quantity]").fill("1")
    page.locator("[name=lines-0-unit_price]").fill("1300,00")
    _submit_and_wait(page, "Enregistrer le brouillon")
    expect(page.locator(".messages")).to_contain_text("brouillon de facture a été enregistré")
    _submit_and_wait(page, "Valider")
    expect(page.locator("h1")).to_contain_text("N°")
    return Invoice.objects.get(pk=int(re.search(r"/factures/(\d+)/", page.url).group(1)))


def open_pdf(page: Page, invoice: Invoice) -> None:
    href = page.get_by_role("link", name="PDF", exact=True).get_attribute("href")
    response = page.context.request.get(page.url.split("/factures/")[0] + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body() == invoice.pdf_bytes()


def send_to_chorus(page: Page, invoice: Invoice) -> None:
    """« Chorus Pro : Envoyer », confirmed in the browser's dialog; lands on the submission screen."""
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.get_by_role("button", name="Chorus Pro : Envoyer").click()
    assert invoice.number in dialogs[0]
    expect(page.locator("h1")).to_contain_text("Envoi de la facture vers Chorus Pro")
    expect(page.locator("#piece-jointe")).not_to_have_value("")


def use_loupe(page: Page, siret: str, designation: str) -> None:
    field(page, "Destinataire").fill(siret)
    with page.expect_navigation():
        page.get_by_role("button", name="Rechercher le destinataire").click()
    expect(page.locator("#designation")).to_have_value(designation)


def add_then_remove_attachment(page: Page, submission: ChorusSubmission) -> None:
    section = page.locator("#pieces-jointes")
    section.get_by_label("Fichier").set_input_files(
        {"name": "plan-de-bornage.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    section.get_by_label("Désignation").fill("Plan de bornage")
    section.get_by_label("Type").select_option(label="Plan")
    with page.expect_navigation():
        section.get_by_role("button", name="Ajouter").click()
    expect(page.locator(".messages")).to_contain_text("Pièce jointe « Plan de bornage » ajoutée")
    row = page.locator("#pieces-jointes tr", has_text="Plan de bornage")
    expect(row).to_contain_text("plan-de-bornage.pdf")
    assert submission.attachments.count() == 1

    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        row.get_by_role("button", name="Retirer Plan de bornage").click()
    assert "Plan de bornage" in dialogs[0]
    expect(page.locator("#pieces-jointes")).to_contain_text("Aucune pièce jointe complémentaire")
    assert submission.attachments.count() == 0


def submit(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Soumettre", exact=True).click()


def refresh_after(page: Page, submission: ChorusSubmission, days: int) -> ChorusSubmission:
    state.advance_clock(days=days)
    with page.expect_navigation():
        page.get_by_role("button", name="Rafraîchir").click()
    submission.refresh_from_db()
    expect(page.locator(".messages")).to_contain_text(f"Statut Chorus Pro : {submission.status_display}")
    expect(page.locator("#chorus-status")).to_have_value(submission.status_display)
    return submission


def expect_chorus_logo(page: Page, url: str, invoice: Invoice, status: str) -> None:
    page.goto(url)
    row = page.locator(f"tr#facture-{invoice.pk}")
    logo = row.locator("img.chorus-logo")
    expect(logo).to_be_visible()
    expect(logo).to_have_attribute("title", f"Chorus Pro : {status}")


def test_comptable_sends_an_invoice_from_client_to_chorus_status(
    site, login, comptable, chorus_account, cabinet
):
    page = login(comptable)
    create_client(page, site, nom="Mairie de Toulouse", siret="21310555400017")
    client_url = page.url
    create_dossier(page, objet="Bornage du parc municipal")
    dossier_url = page.url
    invoice = draft_and_issue_invoice(page)
    assert invoice.dossier is not None and invoice.client.nom == "Mairie de Toulouse"
    open_pdf(page, invoice)

    send_to_chorus(page, invoice)
    submission = ChorusSubmission.objects.get(invoice=invoice)
    use_loupe(page, "21310555400017", "Mairie de Toulouse")
    expect(field(page, "Service")).to_contain_text("DGST — Direction générale des services techniques")
    field(page, "Service").select_option("DGST")
    add_then_remove_attachment(page, submission)
    field(page, "Service").select_option("DGST")  # the page was reloaded: choose again before sending
    submit(page)

    submission.refresh_from_db()
    expect(page.locator(".messages")).to_contain_text(
        f"Facture soumise à Chorus Pro (identifiant {submission.identifiant_facture_cpp})"
    )
    assert submission.is_submitted and submission.service_code == "DGST"
    assert SimInvoice.objects.filter(numero=invoice.number).count() == 1

    submission = refresh_after(page, submission, days=3)
    assert submission.chorus_status not in ("", "DEPOSEE")
    for url in (f"{site}/factures/", client_url, dossier_url):
        expect_chorus_logo(page, url, invoice, submission.status_display)


def test_an_avoir_is_sent_the_same_way(site, login, comptable, chorus_account, cabinet):
    mairie = factories.make_public_client(cabinet)
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)
    page = login(comptable)
    page.goto(f"{site}/factures/{invoice.pk}/")
    send_to_chorus(page, invoice)  # an avoir cites only an invoice submitted to the same recipient
    use_loupe(page, mairie.siret, "Mairie de Toulouse")
    field(page, "Service").select_option("FONCIER")
    submit(page)
    page.goto(f"{site}/factures/{invoice.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer un avoir").click()
    _submit_and_wait(page, "Valider")
    avoir = Invoice.objects.get(pk=int(re.search(r"/factures/(\d+)/", page.url).group(1)))
    assert avoir.is_credit_note and avoir.number

    send_to_chorus(page, avoir)
    expect(field(page, "N° Facture d'origine")).to_have_value(invoice.number)
    use_loupe(page, mairie.siret, "Mairie de Toulouse")
    field(page, "Service").select_option("FONCIER")
    submit(page)

    submission = ChorusSubmission.objects.get(invoice=avoir)
    assert submission.is_submitted
    sim = SimInvoice.objects.get(numero=avoir.number)
    assert (sim.type_facture, sim.numero_facture_origine) == ("AVOIR", invoice.number)
    submission = refresh_after(page, submission, days=3)
    expect_chorus_logo(page, f"{site}/factures/", avoir, submission.status_display)


def test_a_refusal_is_shown_next_to_its_field(site, login, comptable, chorus_account, cabinet):
    lyon = factories.make_public_client(cabinet, nom="Commune de Lyon", siret="21690123100011", ville="Lyon")
    invoice = factories.make_invoice(cabinet, client=lyon, issued=True)
    page = login(comptable)
    page.goto(f"{site}/factures/{invoice.pk}/")
    send_to_chorus(page, invoice)
    use_loupe(page, lyon.siret, "Commune de Lyon")
    submit(page)

    engagement = page.locator(".field.has-error", has=field(page, "N° d'engagement"))
    expect(engagement).to_contain_text("exige un numéro d'engagement")
    assert not SimInvoice.objects.exists()

    field(page, "N° d'engagement").fill("EJ-2026-0042")
    submit(page)
    expect(page.locator(".messages")).to_contain_text("Facture soumise à Chorus Pro")
    assert SimInvoice.objects.get(numero=invoice.number).numero_bon_commande == "EJ-2026-0042"
