"""Relances automatiques: the plan writes one step at a time as days pass, each letter citing what was sent
before; holds keep an invoice or a client out; a second run the same day writes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from invoices.models import (
    HoldReason,
    Reminder,
    ReminderChannel,
    ReminderDelivery,
    ReminderLevel,
)
from invoices.services import reminder_plan
from tests import factories
from tests.utils import pdf_pages

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 6, 1)  # 30 days: due 01/07/2026
DUE = datetime.date(2026, 7, 1)


def day(n: int) -> datetime.date:
    """J+n after the due date."""
    return DUE + datetime.timedelta(days=n)


@pytest.fixture
def invoice(cabinet):
    client = factories.make_client(cabinet, nom="SCI Les Tilleuls", email="compta@tilleuls.example")
    return factories.make_invoice(cabinet, client=client, issued=True, today=ISSUED)


def run(cabinet, n: int) -> list[Reminder]:
    return reminder_plan.run_plan(cabinet, day(n))


def test_the_default_plan_is_the_usual_three_steps_and_off(cabinet):
    plan = reminder_plan.plan_for(cabinet)
    steps = [(s.level, s.days_after_due, s.channel) for s in plan.steps.all()]
    assert not plan.enabled
    assert steps == [
        (ReminderLevel.COURTESY, 7, ReminderChannel.EMAIL),
        (ReminderLevel.FIRM, 21, ReminderChannel.EMAIL),
        (ReminderLevel.FORMAL, 45, ReminderChannel.LETTER),
    ]


def test_each_step_comes_on_its_day_and_once(cabinet, invoice):
    assert invoice.due_date == DUE
    assert run(cabinet, 6) == []
    [first] = run(cabinet, 7)
    assert (first.level, first.automatic, first.channel) == (ReminderLevel.COURTESY, True, "email")
    assert run(cabinet, 7) == [] and run(cabinet, 20) == []
    [second] = run(cabinet, 21)
    assert second.level == ReminderLevel.FIRM
    [third] = run(cabinet, 45)
    assert third.level == ReminderLevel.FORMAL and third.channel == "courrier"
    assert run(cabinet, 90) == []
    invoice.refresh_from_db()
    assert invoice.reminder_count == 3


def test_each_letter_cites_the_relances_really_sent(cabinet, invoice):
    run(cabinet, 7)
    [firm] = run(cabinet, 21)
    text = " ".join(pdf_pages(firm.pdf.read()))
    assert "Malgré notre rappel du 08/07/2026" in " ".join(text.split())


def test_a_long_overdue_invoice_climbs_one_step_a_week(cabinet, invoice):
    """Plan switched on when the invoice is already 60 days late: no mise en demeure out of the blue."""
    [first] = run(cabinet, 60)
    assert first.level == ReminderLevel.COURTESY
    assert run(cabinet, 63) == []
    [second] = run(cabinet, 67)
    assert second.level == ReminderLevel.FIRM
    [third] = run(cabinet, 74)
    assert third.level == ReminderLevel.FORMAL


def test_a_manual_relance_counts_as_a_step(cabinet, invoice):
    from invoices import services

    services.send_reminder(invoice=invoice, level=ReminderLevel.FIRM, today=day(10))
    [next_one] = run(cabinet, 45)
    assert next_one.level == ReminderLevel.FORMAL


def test_paid_and_credit_notes_are_not_reminded(cabinet, invoice):
    factories.make_payment(invoice, date=day(1))
    assert run(cabinet, 30) == []


def test_a_held_invoice_or_client_is_skipped_until_lifted(cabinet, invoice, admin):
    hold = reminder_plan.hold(
        cabinet=cabinet, invoice=invoice, reason=HoldReason.DISPUTE, note="bornes contestées"
    )
    assert run(cabinet, 7) == []
    reminder_plan.lift_hold(hold=hold)
    client_hold = reminder_plan.hold(cabinet=cabinet, client=invoice.client, reason=HoldReason.DO_NOT_REMIND)
    assert run(cabinet, 8) == []
    reminder_plan.lift_hold(hold=client_hold)
    assert [r.level for r in run(cabinet, 9)] == [ReminderLevel.COURTESY]
    actions = list(invoice.events.values_list("action", flat=True))
    assert "relances_suspendues" in actions and "relances_reprises" in actions


def test_an_email_step_leaves_by_the_outbox_with_the_letter(
    cabinet, invoice, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        [courtesy] = run(cabinet, 7)
    courtesy.refresh_from_db()
    assert courtesy.delivery == ReminderDelivery.SENT
    assert courtesy.delivery_note == "Envoyée par e-mail à compta@tilleuls.example."
    [message] = mail.outbox
    assert message.to == ["compta@tilleuls.example"]
    assert any(name.startswith("relance-") for name, _, _ in message.attachments)


def test_a_failed_email_goes_back_to_a_person(cabinet, invoice, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        [courtesy] = run(cabinet, 7)
    courtesy.refresh_from_db()
    assert courtesy.delivery == ReminderDelivery.FAILED and "Échec de l'envoi" in courtesy.delivery_note


def test_what_a_machine_cannot_do_waits_for_a_person(cabinet, invoice):
    [courtesy] = run(cabinet, 7)
    assert courtesy.delivery == ReminderDelivery.QUEUED  # handed to the outbox
    assert "compta@tilleuls.example" in courtesy.delivery_note
    run(cabinet, 21)
    [formal] = run(cabinet, 45)
    assert formal.delivery == ReminderDelivery.TO_HANDLE
    assert "recommandé" in formal.delivery_note
    reminder_plan.mark_sent(reminder=formal)
    formal.refresh_from_db()
    assert formal.delivery == ReminderDelivery.SENT and formal.handled_at is not None


def test_no_address_means_a_letter(cabinet):
    client = factories.make_client(cabinet, nom="M. Durand", email="")
    factories.make_invoice(cabinet, client=client, issued=True, today=ISSUED)
    [reminder] = run(cabinet, 7)
    assert "Aucune adresse e-mail" in reminder.delivery_note


def test_the_formal_notice_to_a_professional_shows_interest_and_the_indemnity(cabinet, invoice):
    run(cabinet, 7)
    run(cabinet, 21)
    [formal] = run(cabinet, 45)
    text = " ".join(" ".join(pdf_pages(formal.pdf.read())).split())
    assert formal.penalties > 0 and formal.indemnity == 40
    assert (
        "Indemnité forfaitaire pour frais de recouvrement" in text
        and "l'an, taux indiqué sur la facture" in text
    )


def test_next_step_rule():
    plan_steps = [
        type("S", (), {"level": 1, "days_after_due": 7})(),
        type("S", (), {"level": 2, "days_after_due": 21})(),
    ]
    today = datetime.date(2026, 9, 1)
    step = reminder_plan.next_step(plan_steps, last_level=None, last_sent=None, days_late=7, today=today)
    assert step.level == 1
    assert (
        reminder_plan.next_step(plan_steps, last_level=None, last_sent=None, days_late=6, today=today) is None
    )
    recent = today - datetime.timedelta(days=6)
    assert (
        reminder_plan.next_step(plan_steps, last_level=1, last_sent=recent, days_late=30, today=today) is None
    )
    assert (
        reminder_plan.next_step(plan_steps, last_level=2, last_sent=None, days_late=99, today=today) is None
    )


def test_only_enabled_plans_run_each_morning(cabinet, other_cabinet, invoice, monkeypatch):
    from invoices import tasks

    factories.make_invoice(other_cabinet, issued=True, today=ISSUED)
    plan = reminder_plan.plan_for(cabinet)
    plan.enabled = True
    plan.save()
    reminder_plan.plan_for(other_cabinet)
    ran = []
    monkeypatch.setattr(tasks.run_reminder_plan, "delay", ran.append)
    tasks.run_reminder_plans()
    assert ran == [cabinet.pk]


def test_a_partly_paid_invoice_is_reminded_and_only_its_own_holds_count(cabinet, invoice):
    factories.make_payment(invoice, amount=Decimal("100.00"), date=day(1))
    other = factories.make_client(cabinet, nom="Autre client")
    reminder_plan.hold(cabinet=cabinet, client=other, reason=HoldReason.DO_NOT_REMIND)
    held = factories.make_invoice(cabinet, issued=True, today=ISSUED)
    reminder_plan.hold(cabinet=cabinet, invoice=held, reason=HoldReason.DISPUTE)
    assert [d.invoice_id for d in reminder_plan.due_today(cabinet, day(9))] == [invoice.pk]
    assert [r.invoice for r in run(cabinet, 9)] == [invoice]
