"""Walks every URL of the app that takes an id, with ids of another cabinet: always 404."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.urlconf import named_patterns

pytestmark = pytest.mark.django_db

# URL namespaces whose ids belong to a cabinet, and which object of the other cabinet to use.
SKIPPED_NAMESPACES = {"admin", "chorus_simulator"}


def _foreign_objects(other_cabinet):
    """One object of each kind, all belonging to the other cabinet. Checked in this order, so the most
    specific URL-name words come first."""
    from chorus import services as chorus_services
    from chorus.models import ChorusAttachment

    foreign_client = factories.make_public_client(other_cabinet)
    invoice = factories.make_invoice(other_cabinet, client=foreign_client, issued=True)
    submission = chorus_services.start_submission(
        invoice=invoice, account=factories.make_chorus_account(other_cabinet)
    )
    attachment = ChorusAttachment.objects.create(
        submission=submission,
        designation="Plan",
        type="PLAN",
        filename="plan.pdf",
        size=10,
        piece_jointe_id=1,
    )
    overdue = factories.make_invoice(
        other_cabinet,
        client=foreign_client,
        issued=True,
        today=datetime.date.today() - datetime.timedelta(days=90),
    )
    from invoices import services as invoicing

    invoicing.send_reminder(invoice=overdue)
    return {
        "attachment": attachment,
        "submission": submission,
        "contact": factories.make_contact(foreign_client),
        "reminder": overdue,
        "payment": factories.make_payment(invoice),
        "quote": factories.make_quote(other_cabinet, client=foreign_client),
        "invoice": invoice,
        "dossier": factories.make_dossier(other_cabinet, foreign_client),
        "family": factories.make_family(other_cabinet),
        "client": foreign_client,
    }


def _object_for(name: str, objects: dict):
    for key, obj in objects.items():
        if key in name.split(":")[-1]:
            return obj
    return None


def _kwargs(pattern, obj, objects) -> dict:
    kwargs = {"pk": obj.pk}
    if "reminder_pk" in pattern.pattern.converters:
        kwargs["reminder_pk"] = objects["reminder"].reminders.get().pk
    return kwargs


def test_every_url_with_an_id_refuses_other_cabinet(client_as, admin, comptable, other_cabinet):
    objects = _foreign_objects(other_cabinet)
    checked = []
    for name, pattern in named_patterns():
        if name.split(":")[0] in SKIPPED_NAMESPACES or "pk" not in pattern.pattern.converters:
            continue
        obj = _object_for(name, objects)
        assert obj is not None, f"{name}: no foreign object known for this URL, extend _foreign_objects"
        url = reverse(name, kwargs=_kwargs(pattern, obj, objects))
        for user in (admin, comptable):
            c = client_as(user)
            for method in (c.get, c.post):
                status = method(url).status_code
                assert status in (403, 404, 405), f"{method.__name__.upper()} {url} as {user}: {status}"
                assert status != 405 or method == c.get
        checked.append(name)
    assert {
        "clients:client-detail", "clients:contact-edit", "clients:dossier-edit", "invoices:invoice-detail",
        "invoices:reminder-pdf", "chorus:submission-submit", "chorus:attachment-remove", "chorus:invoice-send",
    } <= set(checked)  # fmt: skip
    print(len(checked), "URLs checked")
