"""Sending through a real SMTP server: the MIME message as it leaves, and failures that can be retried."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from invoices import facturx
from invoices.models import DocumentAction, DocumentEvent
from mailing import services
from mailing.models import EmailSettings, EmailStatus
from tests.mailing.conftest import free_port


def received(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


def send(invoice, comptable, run_on_commit, **kw):
    subject, body = services.default_message(invoice)
    args = dict(document=invoice, to="compta@jardins.example", subject=subject, body=body, sent_by=comptable)
    return run_on_commit(services.send_document_email, **{**args, **kw})


def test_invoice_leaves_with_its_factur_x_pdf_and_utf8_subject(invoice, comptable, smtp, run_on_commit):
    email = send(invoice, comptable, run_on_commit, cc=["Paul Martin <paul@jardins.example>"])

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.error == "" and email.sent_at is not None
    [envelope] = smtp.envelopes
    assert sorted(envelope.rcpt_tos) == ["compta@jardins.example", "paul@jardins.example"]
    headers = envelope.content.split(b"\r\n\r\n", 1)[0].decode("ascii")  # encoded, never raw UTF-8
    assert re.search(r"Subject:\s+=\?utf-8\?", headers), headers
    message = received(envelope)
    assert str(message["Subject"]).strip() == f"Facture {invoice.number} — Géomètres Experts Garonne"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    content = attachment.get_payload(decode=True)
    assert content == invoice.pdf_bytes()
    assert b"<rsm:CrossIndustryInvoice" in facturx.xml_from_pdf(content)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"n° {invoice.number}" in text and "1\xa0560,00\xa0€" in text and "01/07/2026" in text


def test_from_is_the_platform_address_under_the_cabinet_name_and_replies_go_to_the_cabinet(
    cabinet, invoice, comptable, smtp, run_on_commit
):
    cabinet.email = "contact@garonne.example"
    cabinet.save()
    send(invoice, comptable, run_on_commit)
    message = received(smtp.envelopes[-1])
    assert message["From"].addresses[0].display_name == "Géomètres Experts Garonne"
    assert message["From"].addresses[0].addr_spec == "factures@geoprod.example"
    assert str(message["Reply-To"]) == "contact@garonne.example"
    assert str(message["To"]) == "compta@jardins.example"

    EmailSettings.objects.create(
        cabinet=cabinet, sender_name="Cabinet Garonne — Facturation", reply_to="f@g.example"
    )
    send(invoice, comptable, run_on_commit)
    message = received(smtp.envelopes[-1])
    assert message["From"].addresses[0].display_name == "Cabinet Garonne — Facturation"
    assert str(message["Reply-To"]) == "f@g.example"


def test_the_sending_is_written_in_the_history_by_its_sender(invoice, comptable, smtp, run_on_commit):
    send(invoice, comptable, run_on_commit)
    event = DocumentEvent.objects.filter(invoice=invoice, action=DocumentAction.EMAILED).get()
    assert event.actor == comptable and "compta@jardins.example" in event.detail


def test_a_refusing_server_leaves_a_failure_with_the_reason_then_retry_sends(
    invoice, comptable, smtp, run_on_commit
):
    smtp.refuse = "550 5.1.1 Boîte aux lettres inconnue"
    email = send(invoice, comptable, run_on_commit)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED and smtp.envelopes == []
    assert "Destinataire refusé" in email.error and "550" in email.error and "inconnue" in email.error
    failed = DocumentEvent.objects.get(invoice=invoice, action=DocumentAction.EMAIL_FAILED)
    assert "550" in failed.detail

    smtp.refuse = None
    run_on_commit(services.retry_email, email=email)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.error == "" and email.attempts == 2
    assert len(smtp.envelopes) == 1


def test_a_closed_port_leaves_a_failure_then_retry_works_once_the_server_answers(
    invoice, comptable, smtp, settings, run_on_commit
):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()
    email = send(invoice, comptable, run_on_commit)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.error.startswith("Serveur de messagerie injoignable")

    settings.EMAIL_PORT = port
    run_on_commit(services.retry_email, email=email)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and len(smtp.envelopes) == 1


def test_a_sent_email_is_not_sent_again_by_a_redelivered_task(invoice, comptable, smtp, run_on_commit):
    email = send(invoice, comptable, run_on_commit)
    services.deliver_email(email_id=email.id)
    assert len(smtp.envelopes) == 1
    with pytest.raises(services.MailingError):
        services.retry_email(email=email)
