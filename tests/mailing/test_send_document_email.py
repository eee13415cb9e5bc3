"""The service the automatic reminders call: its contract, without a view."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from invoices import services as invoicing
from invoices.models import DocumentAction, DocumentEvent
from mailing import services
from mailing.models import EmailStatus, OutgoingEmail
from tests import factories
from tests.mailing.conftest import LATER

pytestmark = pytest.mark.usefixtures("outbox_backend")


def test_a_relance_sent_by_nobody_is_signed_systeme(invoice, run_on_commit):
    reminder = invoicing.send_reminder(invoice=invoice, today=LATER)
    subject, body = services.default_message(reminder)
    assert subject == f"Relance — facture {invoice.number} — Géomètres Experts Garonne"
    assert "arrivée à échéance le 01/07/2026" in body and "1\xa0560,00\xa0€" in body
    email = run_on_commit(
        services.send_document_email,
        document=reminder,
        to=["compta@jardins.example"],
        subject=subject,
        body=body,
    )
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.sent_by_name == "système"
    event = DocumentEvent.objects.get(invoice=invoice, action=DocumentAction.EMAILED)
    assert event.actor is None and event.actor_name == "système"


def test_nothing_is_queued_when_the_input_is_refused(invoice, cabinet):
    cases = [
        (dict(to="pas-une-adresse"), "to"),
        (dict(cc=["x@"]), "cc"),
        (dict(subject=" \n "), "subject"),
        (dict(body=""), "body"),
    ]
    for change, field in cases:
        args = {**dict(document=invoice, to="a@b.example", subject="S", body="B"), **change}
        with pytest.raises(services.MailingError) as e:
            services.send_document_email(**args)
        assert e.value.field == field
    with pytest.raises(services.MailingError, match="brouillon"):
        services.send_document_email(
            document=factories.make_invoice(cabinet), to="a@b.example", subject="S", body="B"
        )
    assert not OutgoingEmail.objects.exists()


def test_a_sending_abandoned_mid_way_can_be_retried_once_stale(invoice):
    email = OutgoingEmail.objects.create(
        cabinet=invoice.cabinet,
        invoice=invoice,
        to=["a@b.example"],
        subject="S",
        body="B",
        status=EmailStatus.SENDING,
    )
    email.claimed_at = timezone.now() - datetime.timedelta(minutes=1)
    assert not services.can_retry(email)
    email.claimed_at = timezone.now() - services.STALE_AFTER - datetime.timedelta(minutes=1)
    assert services.can_retry(email)


def test_recipients_billing_contact_first_each_address_once(cabinet):
    client = factories.make_client(cabinet, nom="Mairie", email="Accueil@mairie.example")
    factories.make_contact(client, nom="Anne", fonction="Maire", email="accueil@mairie.example")
    factories.make_contact(client, nom="Zoé", fonction="Service facturation", email="factures@mairie.example")
    factories.make_contact(client, nom="Bruno", fonction="", email="")
    assert [s.email for s in services.recipient_suggestions(client)] == [
        "factures@mairie.example",
        "accueil@mairie.example",
    ]
