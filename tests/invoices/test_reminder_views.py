"""Paramètres > Relances, « Relances du jour », and the « Exclure des relances » holds, as users meet them."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoices.models import ReminderDelivery, ReminderHold
from invoices.services import reminder_plan
from tests import factories

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 6, 1)
SETTINGS = reverse("settings:reminders")
TODAY = reverse("invoices:reminders-today")


def page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def overdue(cabinet, **kw):
    return factories.make_invoice(cabinet, issued=True, today=ISSUED, **kw)


def plan_post(**overrides):
    data = {
        "enabled": "on",
        "active_1": "on",
        "days_1": "10",
        "channel_1": "email",
        "active_2": "on",
        "days_2": "30",
        "channel_2": "email",
        "active_3": "on",
        "days_3": "60",
        "channel_3": "courrier",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_admin_sets_the_plan(cabinet, admin, client_as):
    web = client_as(admin)
    assert "Plan de relance" in page(web.get(SETTINGS))
    response = web.post(SETTINGS, plan_post(active_2=None))
    assert response.status_code == 302
    plan = reminder_plan.plan_for(cabinet)
    assert plan.enabled
    assert [(s.level, s.days_after_due, s.channel) for s in plan.steps.all()] == [
        (1, 10, "email"),
        (3, 60, "courrier"),
    ]


def test_steps_must_come_one_after_the_other(cabinet, admin, client_as):
    text = page(client_as(admin).post(SETTINGS, plan_post(days_2="5")))
    assert "Chaque étape vient après la précédente" in text
    assert 'value="5"' in text  # what was typed stays
    assert not reminder_plan.plan_for(cabinet).enabled


def test_the_plan_is_for_admins(comptable, client_as):
    assert client_as(comptable).get(SETTINGS).status_code == 403


def test_relances_du_jour_lists_what_waits_for_a_person(cabinet, comptable, client_as):
    invoice = overdue(cabinet)
    [reminder] = reminder_plan.run_plan(cabinet, datetime.date(2026, 7, 8))
    web = client_as(comptable)
    text = page(web.get(TODAY))
    assert invoice.number in text and "Rappel courtois" in text and reminder.delivery_note in text
    web.post(reverse("invoices:reminder-mark-sent", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.delivery == ReminderDelivery.SENT


def test_relances_du_jour_previews_the_plan_when_it_is_off(cabinet, comptable, client_as):
    invoice = overdue(cabinet)
    text = page(client_as(comptable).get(TODAY))
    assert "Ce que le plan enverrait aujourd'hui" in text and invoice.number in text


def test_the_page_runs_a_fixed_number_of_queries(cabinet, comptable, client_as):
    web = client_as(comptable)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(web.get(TODAY))
        return len(queries)

    overdue(cabinet)
    reminder_plan.run_plan(cabinet, datetime.date(2026, 7, 8))
    reminder_plan.hold(cabinet=cabinet, invoice=overdue(cabinet), reason="litige")
    few = count()  # every list of the page holds one row (each is paginated: a count, then its rows)
    for _ in range(4):
        overdue(cabinet)
    reminder_plan.run_plan(cabinet, datetime.date(2026, 7, 9))
    for invoice in cabinet.invoices.exclude(reminder_holds__isnull=False)[:2]:
        reminder_plan.hold(cabinet=cabinet, invoice=invoice, reason="litige")
    assert count() == few


def test_an_invoice_is_held_from_its_page_and_released(cabinet, comptable, client_as):
    invoice = overdue(cabinet)
    web = client_as(comptable)
    assert "Exclure des relances automatiques" in page(web.get(invoice.get_absolute_url()))
    web.post(
        reverse("invoices:invoice-hold", args=[invoice.pk]), {"reason": "litige", "note": "surface contestée"}
    )
    hold = ReminderHold.objects.get(invoice=invoice)
    text = page(web.get(invoice.get_absolute_url()))
    visible = " ".join(re.sub(r"<[^>]+>", "", text).split())
    assert "Exclue des relances automatiques : Litige (surface contestée)" in visible
    assert "Exclue des relances automatiques" in text  # the history line
    web.post(reverse("invoices:hold-lift", args=[hold.pk]))
    assert not ReminderHold.objects.exists()


def test_a_client_is_held_from_its_page(cabinet, comptable, client_as):
    client = factories.make_client(cabinet)
    web = client_as(comptable)
    assert "Exclure des relances automatiques" in page(web.get(client.get_absolute_url()))
    web.post(reverse("invoices:client-hold", args=[client.pk]), {"reason": "ne_pas_relancer"})
    assert ReminderHold.objects.get(client=client).reason == "ne_pas_relancer"
    assert "Ne pas relancer" in page(web.get(client.get_absolute_url()))


def test_a_hold_without_a_reason_is_refused_in_french(cabinet, comptable, client_as):
    invoice = overdue(cabinet)
    web = client_as(comptable)
    response = web.post(
        reverse("invoices:invoice-hold", args=[invoice.pk]), {"reason": "n'importe"}, follow=True
    )
    assert "Choisissez le motif" in page(response)
    assert not ReminderHold.objects.exists()


def test_other_cabinets_rows_are_not_found(cabinet, other_cabinet, stranger, client_as):
    invoice = overdue(cabinet)
    [reminder] = reminder_plan.run_plan(cabinet, datetime.date(2026, 7, 8))
    hold = reminder_plan.hold(cabinet=cabinet, client=factories.make_client(cabinet), reason="litige")
    web = client_as(stranger)
    assert web.post(reverse("invoices:reminder-mark-sent", args=[reminder.pk])).status_code == 404
    assert (
        web.post(reverse("invoices:invoice-hold", args=[invoice.pk]), {"reason": "litige"}).status_code == 404
    )
    assert web.post(reverse("invoices:hold-lift", args=[hold.pk])).status_code == 404
    assert invoice.number not in page(web.get(TODAY))


def test_lancer_les_relances_runs_the_plan_now(cabinet, admin, client_as, django_capture_on_commit_callbacks):
    invoice = overdue(cabinet)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(admin).post(reverse("invoices:reminders-run"))
    assert response.status_code == 302
    assert invoice.reminders.filter(automatic=True).count() == 1


def test_each_list_of_the_page_has_its_own_pages(cabinet, comptable, client_as):
    """A first run of the plan can write thousands of relances: every list of « Relances du jour » shows 25
    rows, with its own page number, and the other lists keep theirs."""
    clients = [factories.make_client(cabinet, nom=f"Client {i:02d}") for i in range(27)]
    for customer in clients:
        reminder_plan.hold(cabinet=cabinet, client=customer, reason="litige")
    web = client_as(comptable)
    first = page(web.get(TODAY))
    holds = first[first.index('id="exclusions"') :]
    assert holds.count("Reprendre les relances") == 25
    assert "Page 1 sur 2 (27 résultats)" in holds
    assert 'aria-label="Pagination des exclusions"' in holds
    assert 'href="?exclusions=2#exclusions">Page suivante »' in holds
    second = page(web.get(TODAY, {"exclusions": "2", "a_traiter": "3"}))
    holds = second[second.index('id="exclusions"') :]
    assert holds.count("Reprendre les relances") == 2
    assert "Client 00" in holds and "Client 01" in holds  # newest first: the first two held come last
    assert 'href="?a_traiter=3&exclusions=1#exclusions">« Page précédente' in holds
