"""After « Soumettre », click by click: the guided correction of a rejected invoice, and the claim letter for
moratory interest once the public buyer is late."""

from __future__ import annotations

import datetime
import re
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chorus.models import ChorusCorrection, ChorusSubmission
from chorus.simulator import lifecycle, state
from chorus.simulator.models import SimInvoice
from invoices.models import DocumentAction, DocumentEvent, Invoice, InvoiceKind
from tests import factories
from tests.e2e.test_chorus_journeys import field, send_to_chorus, submit, use_loupe

REASON = "Le numéro d'engagement ne correspond à aucune commande : refaites la facture avec l'EJ 2026-0042"


@pytest.fixture
def chorus_account(cabinet):
    return factories.make_chorus_account(cabinet, ready=False)


@pytest.fixture
def submitted(site, login, comptable, chorus_account, cabinet):
    """An invoice to the Mairie sent through the screens; returns (page, invoice)."""
    mairie = factories.make_public_client(cabinet)
    invoice = factories.make_invoice(
        cabinet,
        client=mairie,
        issued=True,
        objet="Plan topographique de la place du marché",
        lines=[("Levé topographique", "1", "1300.00", "20.00")],
    )
    page = login(comptable)
    page.goto(f"{site}/factures/{invoice.pk}/")
    send_to_chorus(page, invoice)
    use_loupe(page, mairie.siret, "Mairie de Toulouse")
    field(page, "Service").select_option("FONCIER")
    submit(page)
    assert ChorusSubmission.objects.get(invoice=invoice).is_submitted
    return page, invoice


def _accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def pdftotext(content: bytes) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return re.sub(r"\s+", " ", text.stdout.decode()).replace("\xa0", " ")


def test_a_rejected_invoice_is_corrected_by_avoir_and_new_draft(site, submitted):
    page, invoice = submitted
    submission = ChorusSubmission.objects.get(invoice=invoice)
    sim = SimInvoice.objects.get(numero=invoice.number)
    lifecycle.force_status(sim, "REJETEE", REASON, state.now())

    page.goto(f"{site}/factures/{invoice.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Rafraîchir").click()
    banner = page.locator("#chorus-rejection")
    expect(banner).to_contain_text("Facture rejetée par l'acheteur dans Chorus Pro")
    expect(banner).to_contain_text(REASON)

    # The envoi screen says the same, with the same action.
    page.goto(f"{site}{submission.get_absolute_url()}")
    expect(page.locator("#chorus-rejection")).to_contain_text(REASON)
    _accept_dialogs(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Corriger la facture rejetée").click()

    correction = ChorusCorrection.objects.get(submission=submission)
    draft, avoir = correction.draft, correction.avoir
    assert page.url.endswith(f"/factures/{draft.pk}/")
    expect(page.locator("h1")).to_contain_text("(brouillon)")
    expect(page.locator("#chorus-rejection")).to_contain_text(REASON)
    expect(page.locator("#chorus-rejection")).to_contain_text(f"facture N° {invoice.number}")
    expect(page.locator("ul.messages")).to_contain_text(f"annulée par l'avoir {avoir.number}")
    expect(page.locator("main")).to_contain_text("Levé topographique")
    expect(page.locator("main")).to_contain_text("FONCIER")  # the service sent, to check before sending again

    # The avoir is issued, numbered, and says it is not for Chorus Pro.
    with page.expect_navigation():
        page.locator("#chorus-rejection").get_by_role("link", name=f"facture N° {invoice.number}").click()
    expect(page.locator("#chorus-rejection")).to_contain_text(f"avoir N° {avoir.number}")
    with page.expect_navigation():
        page.locator("#chorus-rejection").get_by_role("link", name=f"avoir N° {avoir.number}").click()
    expect(page.locator("#chorus-not-offered")).to_contain_text("n'a pas à être déposé dans Chorus Pro")
    assert avoir.kind == InvoiceKind.AVOIR and avoir.origin_id == invoice.pk

    # A second click (an old tab) gives the same avoir and draft.
    page.goto(f"{site}{submission.get_absolute_url()}")
    assert page.get_by_role("button", name="Corriger la facture rejetée").count() == 0
    assert Invoice.objects.filter(kind=InvoiceKind.AVOIR).count() == 1

    # The replacement is corrected and issued under a new number.
    page.goto(f"{site}/factures/{draft.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Valider", exact=True).click()
    expect(page.locator("h1")).to_contain_text("N°")
    draft.refresh_from_db()
    assert draft.number and draft.number not in (invoice.number, avoir.number)


def test_claim_letter_for_a_late_public_buyer(site, submitted):
    page, invoice = submitted
    deposited = timezone.localdate() - datetime.timedelta(days=45)
    ChorusSubmission.objects.filter(invoice=invoice).update(
        date_depot=deposited, chorus_status="SERVICE_FAIT"
    )
    submission = ChorusSubmission.objects.get(invoice=invoice)
    deadline = deposited + datetime.timedelta(days=30)

    page.goto(f"{site}/factures/")
    badge = page.locator(f"tr#facture-{invoice.pk} .public-deadline")
    expect(badge).to_contain_text(f"Échéance publique {deadline:%d/%m/%Y} — en retard")
    expect(badge).to_have_class(re.compile(r"\bdanger\b"))

    page.goto(f"{site}/")
    expect(page.locator("#public-deadlines")).to_contain_text(invoice.number)
    expect(page.locator("#public-deadlines")).to_contain_text("en retard de 15 j")
    with page.expect_navigation():
        page.locator("#public-deadlines").get_by_role("link", name=invoice.number).click()

    expect(page.locator("#public-deadline")).to_contain_text(f"{deadline:%d/%m/%Y}")
    expect(page.locator("#public-late")).to_contain_text("En retard de 15 jours")
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger la demande d'intérêts moratoires").click()
    download = info.value
    assert download.suggested_filename.startswith("interets-moratoires-")
    text = pdftotext(open(download.path(), "rb").read())
    for expected in (
        f"facture N° {invoice.number}",
        f"déposée dans Chorus Pro le {deposited:%d/%m/%Y}",
        f"identifiant Chorus Pro {submission.identifiant_facture_cpp}",
        f"{deadline:%d/%m/%Y}",
        "40,00 €",
        "L2192-12",
        "2013-269",
    ):
        assert expected in text, expected
    assert DocumentEvent.objects.filter(invoice=invoice, action=DocumentAction.MORATORY_CLAIM).count() == 1
