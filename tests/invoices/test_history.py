"""Every action on a document is journaled (who, when, what) and shown as its « Historique »."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoices import journal, services
from invoices.models import DocumentAction, DocumentEvent, Invoice
from tests import factories

pytestmark = pytest.mark.django_db


def _actions(invoice) -> list[str]:
    return list(
        DocumentEvent.objects.filter(invoice=invoice).order_by("at", "id").values_list("action", flat=True)
    )


def test_the_life_of_an_invoice_is_journaled_with_who_did_it(cabinet, comptable, client_as):
    comptable.first_name, comptable.last_name = "Julien", "Roux"
    comptable.save()
    web = client_as(comptable)
    draft = factories.make_invoice(cabinet)
    web.post(reverse("invoices:invoice-issue", args=[draft.pk]))
    invoice = Invoice.objects.get(pk=draft.pk)
    with journal.acting_as(comptable):
        payment = factories.make_payment(invoice, "100.00")
        services.reverse_payment(payment=payment, date=payment.date)
        avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=invoice))
    assert _actions(invoice) == [
        DocumentAction.CREATED,
        DocumentAction.ISSUED,
        DocumentAction.PAYMENT_RECORDED,
        DocumentAction.PAYMENT_REVERSED,
        DocumentAction.CREDITED,
    ]
    assert _actions(avoir) == [DocumentAction.CREATED, DocumentAction.ISSUED]
    issued = DocumentEvent.objects.get(invoice=invoice, action=DocumentAction.ISSUED)
    assert (issued.actor_id, issued.actor_name) == (comptable.pk, "Julien Roux")
    assert DocumentEvent.objects.get(invoice=invoice, action=DocumentAction.CREATED).actor_name == "système"

    page = web.get(reverse("invoices:invoice-detail", args=[invoice.pk])).content.decode()
    assert "Historique" in page
    assert "Règlement enregistré" in page and "Avoir émis" in page and "Julien Roux" in page


def test_a_reminder_and_a_deleted_draft_are_journaled(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True, today=datetime.date(2025, 1, 10))
    services.send_reminder(invoice=invoice)
    assert _actions(invoice)[-1] == DocumentAction.REMINDED
    draft = factories.make_invoice(cabinet)
    services.delete_draft(invoice=draft)
    assert _actions(draft) == [DocumentAction.CREATED, DocumentAction.DELETED]


def test_a_devis_has_its_history_too(cabinet, comptable, client_as):
    quote = factories.make_quote(cabinet, accepted=True)
    page = client_as(comptable).get(reverse("invoices:quote-detail", args=[quote.pk])).content.decode()
    assert [e.action for e in DocumentEvent.objects.filter(quote=quote)] == [
        DocumentAction.CREATED,
        DocumentAction.ACCEPTED,
    ]
    assert "Historique" in page and "Devis accepté" in page


def test_the_history_costs_the_same_queries_whatever_its_length(cabinet, comptable, client_as):
    invoice = factories.make_invoice(cabinet, issued=True)
    web = client_as(comptable)
    url = reverse("invoices:invoice-detail", args=[invoice.pk])
    web.get(url)
    with CaptureQueriesContext(connection) as short:
        web.get(url)
    for _ in range(5):
        factories.make_payment(invoice, "10.00")
    with CaptureQueriesContext(connection) as long:
        web.get(url)
    assert len(long) == len(short)
