"""The « Boîte d'envoi »: the embedded backend keeps the full MIME message; each cabinet sees its own."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage, get_connection
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mailing import services
from mailing.models import OutboxMessage
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.usefixtures("outbox_backend")


def sent(invoice, user, run_on_commit, to="compta@jardins.example"):
    subject, text = services.default_message(invoice)
    return run_on_commit(
        services.send_document_email, document=invoice, to=to, subject=subject, body=text, sent_by=user
    )


def test_the_backend_keeps_the_whole_mime_message(db):
    message = EmailMessage("Objet accentué é", "Corps", "a@b.example", ["c@d.example"])
    message.attach("plan.pdf", b"%PDF-1.7 test", "application/pdf")
    assert get_connection().send_messages([message]) == 1
    kept = OutboxMessage.objects.get()
    assert kept.cabinet is None and kept.recipients == "c@d.example" and kept.subject == "Objet accentué é"
    raw = bytes(kept.message)
    assert b"Content-Type: application/pdf" in raw and b'filename="plan.pdf"' in raw


def test_the_outbox_shows_the_message_with_its_headers_body_and_pdf(
    client_as, comptable, cabinet, invoice, run_on_commit
):
    cabinet.email = "contact@garonne.example"
    cabinet.save()
    sent(invoice, comptable, run_on_commit)
    http = client_as(comptable)
    listing = body(http.get("/emails/boite-d-envoi/"))
    kept = OutboxMessage.objects.get()
    assert f"Facture {invoice.number} — Géomètres Experts Garonne" in listing
    assert f'href="/emails/boite-d-envoi/{kept.pk}/"' in listing
    detail = body(http.get(f"/emails/boite-d-envoi/{kept.pk}/"))
    assert "Géomètres Experts Garonne <factures@geoprod.example>" in detail.replace("&lt;", "<").replace(
        "&gt;", ">"
    )
    assert "Reply-To" in detail and "contact@garonne.example" in detail
    assert f"notre facture n° {invoice.number}" in detail
    assert f"{invoice.number}.pdf" in detail
    response = http.get(f"/emails/boite-d-envoi/{kept.pk}/pieces/1/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]
    assert response.content == invoice.pdf_bytes()
    assert http.get(f"/emails/boite-d-envoi/{kept.pk}/pieces/2/").status_code == 404


def test_another_cabinets_messages_are_neither_listed_nor_found(
    client_as, comptable, stranger, invoice, run_on_commit
):
    sent(invoice, comptable, run_on_commit)
    kept = OutboxMessage.objects.get()
    http = client_as(stranger)
    assert invoice.number not in body(http.get("/emails/boite-d-envoi/"))
    assert http.get(f"/emails/boite-d-envoi/{kept.pk}/").status_code == 404
    assert http.get(f"/emails/boite-d-envoi/{kept.pk}/pieces/1/").status_code == 404


def test_the_outbox_list_does_not_query_per_row(client_as, comptable, cabinet, invoice, run_on_commit):
    http = client_as(comptable)
    sent(invoice, comptable, run_on_commit)
    with CaptureQueriesContext(connection) as one:
        assert http.get("/emails/boite-d-envoi/").status_code == 200
    quote = factories.make_quote(cabinet)
    for _ in range(3):
        sent(invoice, comptable, run_on_commit)
        run_on_commit(
            services.send_document_email,
            document=quote,
            to="a@b.example",
            subject="S",
            body="B",
            sent_by=comptable,
        )
    with CaptureQueriesContext(connection) as many:
        page = body(http.get("/emails/boite-d-envoi/"))
    assert page.count('href="/emails/boite-d-envoi/') == 1 + 7  # the navigation, then each message
    assert len(many) == len(one)


def test_the_invoice_page_lists_its_sendings_without_a_query_per_row(
    client_as, comptable, invoice, run_on_commit
):
    http = client_as(comptable)
    sent(invoice, comptable, run_on_commit)
    with CaptureQueriesContext(connection) as one:
        http.get(f"/factures/{invoice.pk}/")
    for _ in range(3):
        sent(invoice, comptable, run_on_commit)
    with CaptureQueriesContext(connection) as many:
        page = body(http.get(f"/factures/{invoice.pk}/"))
    assert page.count('id="email-') == 4
    assert len(many) == len(one)
