"""No amount written with a decimal point: every page and PDF of the demo data, scanned."""

from __future__ import annotations

import re
import subprocess

from clients.models import Client, DossierStatus
from invoices import pdf
from invoices.demo import seed_demo_invoices
from invoices.models import Invoice, Payment, Quote, Reminder
from tests import factories

DOTTED_AMOUNT = re.compile(r"\d\.\d{2}(?!\d)\s*€")


def pdftotext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_demo_pages_and_pdfs_write_amounts_with_a_comma(cabinet, client_as, comptable):
    mairie = factories.make_public_client(cabinet)
    factories.make_dossier(cabinet, client=mairie, objet="Délimitation du domaine public")
    for nom, categorie in (("SCI Les Jardins", "entreprise"), ("M. et Mme Dupont", "particulier")):
        factories.make_dossier(
            cabinet,
            client=factories.make_client(cabinet, nom=nom, categorie=categorie),
            statut=DossierStatus.EN_COURS,
        )
    seed_demo_invoices(cabinet=cabinet)
    http = client_as(comptable)

    urls = ["/", "/factures/", "/factures/devis/", "/factures/reglements/"]
    urls += [f"/factures/{pk}/" for pk in Invoice.objects.values_list("pk", flat=True)]
    urls += [f"/factures/devis/{pk}/" for pk in Quote.objects.values_list("pk", flat=True)]
    urls += [f"/factures/reglements/{pk}/" for pk in Payment.objects.values_list("pk", flat=True)]
    for pk in Client.objects.values_list("pk", flat=True):
        urls += [f"/clients/{pk}/", f"/factures/reglements/nouveau/?client={pk}"]
    for url in urls:
        page = http.get(url).content.decode()
        assert not DOTTED_AMOUNT.search(page), (url, DOTTED_AMOUNT.search(page))

    documents = [
        (str(i), i.pdf_bytes() if i.pdf else pdf.render_invoice_pdf(i)) for i in Invoice.objects.all()
    ]
    documents += [(str(q), pdf.render_quote_pdf(q)) for q in Quote.objects.all()]
    documents += [(str(r), r.pdf.read()) for r in Reminder.objects.exclude(pdf="")]
    assert len(documents) > 25
    for name, data in documents:
        text = pdftotext(data)
        assert "€" in text and not DOTTED_AMOUNT.search(text), (name, DOTTED_AMOUNT.search(text))


def test_every_page_pdf_and_email_of_the_seeded_demo_writes_amounts_with_a_comma(db, client, settings):
    """The demo as `seed_demo` leaves it, walked link by link as each role (test_page_walk's walker), with the
    PDFs those pages link to and the e-mails each document would be sent with."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from geoprod.models import Cabinet
    from mailing import services as mailing
    from tests.security.test_page_walk import _walk

    settings.EMAIL_BACKEND = "mailing.backends.OutboxBackend"
    call_command("seed_demo", verbosity=0)
    cabinet = Cabinet.objects.get(raison_sociale="Géomètres Experts Garonne")
    documents = [
        *Invoice.objects.filter(cabinet=cabinet).exclude(number=None),
        *Quote.objects.filter(cabinet=cabinet),
    ]
    documents += list(Reminder.objects.filter(cabinet=cabinet))
    messages = [mailing.default_message(document) for document in documents]
    for subject, text in messages:
        assert not DOTTED_AMOUNT.search(subject + text), (subject, DOTTED_AMOUNT.search(subject + text))
    assert any("€" in text for _, text in messages)
    for document, (subject, text) in zip(documents[:3], messages, strict=False):
        mailing.deliver_email(
            email_id=mailing.send_document_email(
                document=document, to="a@b.example", subject=subject, body=text
            ).id
        )

    client.force_login(get_user_model().objects.get(username="admin"))  # sees every page a comptable sees
    pages: list[str] = []
    pdfs: dict[str, bytes] = {}
    found = _walk(
        client, limit=1500, check=lambda page: pages.append(page) or DOTTED_AMOUNT.findall(page), pdfs=pdfs
    )
    assert found == {}
    assert len(pages) > 50 and any("/emails/boite-d-envoi/" in page for page in pages)
    assert len(pdfs) > 10 and any("/emails/boite-d-envoi/" in url for url in pdfs)
    for url, data in pdfs.items():
        text = pdftotext(data)
        assert not DOTTED_AMOUNT.search(text), (url, DOTTED_AMOUNT.search(text))


def test_the_scan_catches_a_dotted_amount():
    assert DOTTED_AMOUNT.search("reste dû 530.28 €") and DOTTED_AMOUNT.search("(1000.00\xa0€)")
    assert not DOTTED_AMOUNT.search("1\xa0300,00\xa0€")
