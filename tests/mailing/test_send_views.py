"""« Envoyer par e-mail » from a facture, an acompte, an avoir, a devis and a relance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoices import services as invoicing
from invoices.models import DocumentAction
from mailing.models import EmailStatus, OutboxMessage, OutgoingEmail
from tests import factories
from tests.mailing.conftest import LATER
from tests.utils import body

pytestmark = pytest.mark.usefixtures("outbox_backend")


def test_the_form_proposes_the_billing_contact_first_and_the_cabinet_wording(client_as, comptable, invoice):
    page = body(client_as(comptable).get(f"/emails/facture/{invoice.pk}/"))
    assert 'value="compta@jardins.example"' in page
    assert page.index("compta@jardins.example") < page.index("paul@jardins.example")
    assert page.index("paul@jardins.example") < page.index("accueil@jardins.example")
    assert f'value="Facture {invoice.number} — Géomètres Experts Garonne"' in page
    assert "1\xa0560,00\xa0€ TTC" in page and "01/07/2026" in page
    assert f"{invoice.number}.pdf" in page


def test_sending_records_it_on_the_document_and_in_its_history(
    client_as, comptable, invoice, django_capture_on_commit_callbacks
):
    http = client_as(comptable)
    data = {
        "to": "compta@jardins.example; Paul <paul@jardins.example>",
        "cc": "",
        "subject": "Facture",
        "body": "Ci-joint.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(f"/emails/facture/{invoice.pk}/", data)
    assert response.status_code == 302 and response["Location"] == f"/factures/{invoice.pk}/#emails"
    email = OutgoingEmail.objects.get()
    assert email.to == ["compta@jardins.example", "Paul <paul@jardins.example>"]
    assert email.status == EmailStatus.SENT and email.sent_by == comptable and email.invoice == invoice
    assert OutboxMessage.objects.get().email == email

    page = body(http.get(f"/factures/{invoice.pk}/"))
    assert (
        "compta@jardins.example, Paul &lt;paul@jardins.example&gt;" in page
        or "Paul <paul@jardins.example>" in page
    )
    assert "Envoyée par e-mail" in page  # Historique
    assert 'id="emails"' in page and "Envoyé" in page and "compta-garonne" in page


def test_a_bad_address_is_refused_in_french_and_the_typed_values_are_kept(client_as, comptable, invoice):
    data = {
        "to": "compta@jardins.example, paul@@jardins",
        "cc": "x",
        "subject": "Mon objet",
        "body": "Mon texte",
    }
    response = client_as(comptable).post(f"/emails/facture/{invoice.pk}/", data)
    page = body(response)
    assert response.status_code == 200
    assert "« paul@@jardins » n'est pas une adresse e-mail valide." in page
    assert "« x » n'est pas une adresse e-mail valide." in page
    assert 'value="compta@jardins.example, paul@@jardins"' in page
    assert 'value="Mon objet"' in page and "Mon texte</textarea>" in page
    assert not OutgoingEmail.objects.exists()


def test_an_empty_recipient_is_refused(client_as, comptable, invoice):
    response = client_as(comptable).post(
        f"/emails/facture/{invoice.pk}/", {"to": " ; ", "subject": "S", "body": "B"}
    )
    assert "Indiquez au moins une adresse e-mail." in body(response)


def test_a_failed_sending_shows_echec_and_a_retry_button_never_a_500(
    client_as, comptable, invoice, settings, django_capture_on_commit_callbacks
):
    from tests.mailing.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    http = client_as(comptable)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            f"/emails/facture/{invoice.pk}/", {"to": "a@b.example", "subject": "S", "body": "B"}
        )
    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    page = body(http.get(f"/factures/{invoice.pk}/"))
    assert "Échec d'envoi</span>" in page and "Serveur de messagerie injoignable" in page
    assert "Échec d'envoi par e-mail" in page  # Historique
    assert f'action="/emails/{email.pk}/reessayer/"' in page and "Réessayer" in page

    settings.EMAIL_BACKEND = "mailing.backends.OutboxBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(f"/emails/{email.pk}/reessayer/")
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert "Réessayer" not in body(http.get(f"/factures/{invoice.pk}/"))


def test_a_draft_cannot_be_sent(client_as, comptable, cabinet):
    draft = factories.make_invoice(cabinet)
    http = client_as(comptable)
    assert http.get(f"/emails/facture/{draft.pk}/").status_code == 302
    http.post(f"/emails/facture/{draft.pk}/", {"to": "a@b.example", "subject": "S", "body": "B"})
    assert not OutgoingEmail.objects.exists()


def test_an_avoir_speaks_of_an_avoir(client_as, comptable, invoice):
    avoir = invoicing.issue_invoice(invoice=invoicing.create_credit_note(invoice=invoice))
    page = body(client_as(comptable).get(f"/emails/facture/{avoir.pk}/"))
    assert f'value="Avoir {avoir.number} — Géomètres Experts Garonne"' in page
    assert f"notre avoir n° {avoir.number}" in page and "payable" not in page


def test_an_acompte_is_sent_as_a_facture_d_acompte(client_as, comptable, cabinet):
    quote = factories.make_quote(cabinet, accepted=True)
    acompte = invoicing.issue_invoice(invoice=invoicing.invoice_order_part(quote=quote, percent=Decimal(30)))
    page = body(client_as(comptable).get(f"/emails/facture/{acompte.pk}/"))
    assert (
        f'value="Facture d&#x27;acompte {acompte.number}' in page
        or f"Facture d'acompte {acompte.number}" in page
    )
    assert f"notre facture d'acompte n° {acompte.number}" in page


def test_a_quote_is_sent_with_its_pdf(client_as, comptable, cabinet, django_capture_on_commit_callbacks):
    client = factories.make_client(cabinet, email="mairie@example.fr")
    quote = factories.make_quote(cabinet, client=client)
    http = client_as(comptable)
    page = body(http.get(f"/emails/devis/{quote.pk}/"))
    assert (
        f'value="Devis {quote.number} — Géomètres Experts Garonne"' in page
        and 'value="mairie@example.fr"' in page
    )
    with django_capture_on_commit_callbacks(execute=True):
        http.post(
            f"/emails/devis/{quote.pk}/", {"to": "mairie@example.fr", "subject": "Devis", "body": "Voici."}
        )
    email = OutgoingEmail.objects.get(quote=quote)
    assert email.status == EmailStatus.SENT
    assert quote.events.filter(action=DocumentAction.EMAILED).exists()
    assert "Envoyée par e-mail" in body(http.get(f"/factures/devis/{quote.pk}/"))


def test_a_relance_goes_with_its_letter_and_the_invoice(
    client_as, comptable, invoice, django_capture_on_commit_callbacks
):
    reminder = invoicing.send_reminder(invoice=invoice, today=LATER)
    http = client_as(comptable)
    page = body(http.get(f"/emails/facture/{invoice.pk}/relances/{reminder.pk}/"))
    assert f"Relance — facture {invoice.number}" in page and "reste dû s'élève à" in page
    with django_capture_on_commit_callbacks(execute=True):
        http.post(
            f"/emails/facture/{invoice.pk}/relances/{reminder.pk}/",
            {"to": "compta@jardins.example", "subject": "R", "body": "B"},
        )
    email = OutgoingEmail.objects.get()
    assert email.reminder == reminder and email.invoice == invoice
    from mailing import selectors

    names = [p.filename for p in selectors.parsed(OutboxMessage.objects.get()).attachments]
    assert names == [reminder.pdf.name.rsplit("/", 1)[-1], f"{invoice.number}.pdf"]


@pytest.mark.parametrize("kind", ["facture", "devis", "relance", "retry"])
def test_another_cabinets_document_is_not_found(client_as, stranger, cabinet, invoice, kind):
    if kind == "devis":
        url = f"/emails/devis/{factories.make_quote(cabinet).pk}/"
    elif kind == "relance":
        url = f"/emails/facture/{invoice.pk}/relances/{invoicing.send_reminder(invoice=invoice, today=LATER).pk}/"
    elif kind == "retry":
        email = OutgoingEmail.objects.create(
            cabinet=cabinet, invoice=invoice, to=["a@b.c"], subject="S", body="B", status=EmailStatus.FAILED
        )
        url = f"/emails/{email.pk}/reessayer/"
    else:
        url = f"/emails/facture/{invoice.pk}/"
    http = client_as(stranger)
    assert http.get(url).status_code in (404, 405)
    assert http.post(url, {"to": "a@b.example", "subject": "S", "body": "B"}).status_code == 404
    assert not OutgoingEmail.objects.filter(status=EmailStatus.PENDING).exists()


def test_a_user_without_cabinet_gets_403(client, invoice):
    client.force_login(factories.make_user(None, username="nobody"))
    assert client.get(f"/emails/facture/{invoice.pk}/").status_code == 403
