"""Every invoicing URL answers 404 for another cabinet's ids, for GET and POST alike."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from invoices import services
from tests import factories


@pytest.fixture
def foreign(other_cabinet):
    """One of each object, all belonging to the other cabinet."""
    client = factories.make_client(other_cabinet)
    dossier = factories.make_dossier(other_cabinet, client=client)
    issued = factories.make_invoice(
        other_cabinet, client=client, issued=True, today=datetime.date(2025, 1, 2)
    )
    reminder = services.send_reminder(invoice=issued)
    return {
        "client": client,
        "dossier": dossier,
        "draft": factories.make_invoice(other_cabinet, client=client),
        "issued": issued,
        "reminder": reminder,
        "quote": factories.make_quote(other_cabinet, client=client, accepted=True),
        "payment": factories.make_payment(issued, "100"),
    }


INVOICE_URLS = [
    "invoice-detail",
    "invoice-edit",
    "invoice-issue",
    "invoice-delete",
    "invoice-duplicate",
    "invoice-credit",
    "invoice-pdf",
    "invoice-remind",
]
QUOTE_URLS = [
    "quote-detail",
    "quote-edit",
    "quote-pdf",
    "quote-decide",
    "quote-invoice",
    "quote-invoice-part",
]
PAYMENT_URLS = ["payment-detail", "payment-reverse"]


def foreign_urls(foreign) -> list[str]:
    urls = [
        reverse(f"invoices:{name}", args=[foreign[obj].pk])
        for name in INVOICE_URLS
        for obj in ("draft", "issued")
    ]
    urls += [reverse(f"invoices:{name}", args=[foreign["quote"].pk]) for name in QUOTE_URLS]
    urls += [reverse(f"invoices:{name}", args=[foreign["payment"].pk]) for name in PAYMENT_URLS]
    urls.append(reverse("invoices:reminder-pdf", args=[foreign["issued"].pk, foreign["reminder"].pk]))
    urls.append(reverse("invoices:invoice-create") + f"?client={foreign['client'].pk}")
    urls.append(reverse("invoices:invoice-create") + f"?dossier={foreign['dossier'].pk}")
    urls.append(reverse("invoices:quote-create") + f"?dossier={foreign['dossier'].pk}")
    urls.append(reverse("invoices:payment-create") + f"?client={foreign['client'].pk}")
    return urls


def test_every_url_is_404_for_another_cabinet(foreign, client_as, comptable):
    http = client_as(comptable)
    for url in foreign_urls(foreign):
        assert http.get(url).status_code in (404, 405), url
        assert (
            http.post(url, {"decision": "accepter", "level": "1", "date": "2026-01-01"}).status_code == 404
        ), url
    foreign["issued"].refresh_from_db()
    assert foreign["issued"].reminder_count == 1
    assert foreign["draft"].__class__.objects.filter(pk=foreign["draft"].pk, status="brouillon").exists()


def test_other_cabinet_rows_never_appear_in_lists(foreign, client_as, comptable):
    http = client_as(comptable)
    for name in ("invoice-list", "quote-list", "payment-list"):
        page = http.get(reverse(f"invoices:{name}")).content.decode()
        assert foreign["client"].nom not in page, name


def test_the_owner_reaches_the_same_urls(foreign, client_as, stranger):
    http = client_as(stranger)
    for name in ("invoice-detail", "invoice-pdf"):
        assert http.get(reverse(f"invoices:{name}", args=[foreign["issued"].pk])).status_code == 200
    assert http.get(reverse("invoices:quote-detail", args=[foreign["quote"].pk])).status_code == 200
    assert http.get(reverse("invoices:payment-detail", args=[foreign["payment"].pk])).status_code == 200
