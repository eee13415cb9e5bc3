"""The tableau de bord's monthly running totals: kept by « Valider » and by each règlement in the same
transaction, equal to a rebuild from the documents after any sequence of operations, and rebuilt by the
command."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from invoices import services
from invoices.errors import InvoicingError
from invoices.models import MonthlyCollection, MonthlyTurnover
from invoices.services import figures
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
D = Decimal


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def line(ht: str, rate: str = "20.00"):
    return [("Lever topographique", "1", ht, rate)]


def snapshot(cabinet) -> tuple[set, set]:
    turnover = {
        (r.month, r.client_id, r.ht, r.vat, r.ttc, r.documents)
        for r in MonthlyTurnover.objects.filter(cabinet=cabinet)
    }
    collected = {(r.month, r.amount, r.payments) for r in MonthlyCollection.objects.filter(cabinet=cabinet)}
    return turnover, collected


@pytest.fixture
def scripted(cabinet):
    """Factures over three months, an avoir, an acompte then the final facture of the same commande,
    règlements allocated later, refunded in part, reversed; a draft and another cabinet's invoice."""
    xavier = factories.make_client(cabinet, nom="Xavier Géomètre")
    yves = factories.make_client(cabinet, nom="Yves Promoteur")
    a = factories.make_invoice(cabinet, line("1000.00"), client=xavier, issued=True, today=ago(70))
    b = factories.make_invoice(cabinet, line("500.00", "10.00"), client=yves, issued=True, today=ago(40))
    services.issue_invoice(invoice=services.create_credit_note(invoice=b), today=ago(35))
    quote = factories.make_quote(cabinet, line("2000.00"), client=xavier, accepted=True)
    acompte = services.issue_invoice(
        invoice=services.invoice_order_part(quote=quote, percent=D("30")), today=ago(20)
    )
    final = services.issue_invoice(invoice=services.invoice_order(quote=quote), today=ago(5))
    factories.make_invoice(cabinet, line("9999.00"), client=yves)  # a draft counts nowhere
    paid = factories.make_payment(a, "1200.00", date=ago(60))
    services.reverse_payment(payment=paid, date=ago(2))
    advance = services.record_payment(
        cabinet=cabinet, client=xavier, date=ago(10), amount=D("1000.00"), mode="virement"
    )
    services.allocate_payment(payment=advance, allocations=[(acompte, acompte.amount_due)])
    services.refund_payment(payment=advance, amount=D("100.00"), date=ago(1), mode="virement")
    with pytest.raises(InvoicingError):  # refused: nothing counted
        services.record_payment(cabinet=cabinet, client=xavier, date=TODAY, amount=D("-5"), mode="virement")
    other = factories.make_cabinet(raison_sociale="Autre cabinet")
    factories.make_invoice(other, line("777.00"), issued=True)
    return {"a": a, "acompte": acompte, "final": final, "xavier": xavier, "yves": yves, "other": other}


def test_running_totals_equal_a_rebuild_after_the_operations(cabinet, scripted):
    kept = snapshot(cabinet)
    figures.rebuild()
    assert snapshot(cabinet) == kept
    assert kept[0] and kept[1]


def test_turnover_rows_hold_the_documents_contributions(cabinet, scripted):
    month = figures.month_of
    rows = {
        (r.month, r.client_id): (r.ht, r.vat, r.ttc, r.documents)
        for r in MonthlyTurnover.objects.filter(cabinet=cabinet)
    }
    xavier, yves = scripted["xavier"].pk, scripted["yves"].pk
    expected: dict = {}

    def add(day, client, ht, vat, ttc):
        figures_ = expected.setdefault((month(day), client), [D(0), D(0), D(0), 0])
        figures_[0] += D(ht)
        figures_[1] += D(vat)
        figures_[2] += D(ttc)
        figures_[3] += 1

    add(ago(70), xavier, "1000.00", "200.00", "1200.00")
    add(ago(40), yves, "500.00", "50.00", "550.00")
    add(ago(35), yves, "-500.00", "-50.00", "-550.00")  # the avoir
    add(ago(20), xavier, "600.00", "120.00", "720.00")  # the 30 % acompte
    add(ago(5), xavier, "1400.00", "280.00", "1680.00")  # the final facture adds what the acompte did not
    assert rows == {key: tuple(v) for key, v in expected.items()}
    assert scripted["final"].prepaid_ht == D("600.00")


def test_collected_rows_count_refunds_and_reversals_negatively(cabinet, scripted):
    collected: dict = {}
    for day, amount in (
        (ago(60), "1200.00"),
        (ago(2), "-1200.00"),
        (ago(10), "1000.00"),
        (ago(1), "-100.00"),
    ):
        total, n = collected.get(figures.month_of(day), (D(0), 0))
        collected[figures.month_of(day)] = (total + D(amount), n + 1)
    assert {r.month: (r.amount, r.payments) for r in MonthlyCollection.objects.filter(cabinet=cabinet)} == (
        collected
    )


def test_other_cabinets_rows_stay_apart(cabinet, scripted):
    assert MonthlyTurnover.objects.filter(cabinet=scripted["other"]).get().ht == D("777.00")
    assert not MonthlyTurnover.objects.filter(cabinet=cabinet, ht=D("777.00")).exists()


def test_rebuild_command_restores_lost_or_wrong_rows(cabinet, scripted):
    kept = snapshot(cabinet)
    MonthlyTurnover.objects.filter(cabinet=cabinet).update(ht=D("1.00"))
    MonthlyCollection.objects.filter(cabinet=cabinet).delete()
    call_command("rebuild_dashboard_figures", verbosity=0)
    assert snapshot(cabinet) == kept
    other_rows = MonthlyTurnover.objects.filter(cabinet=scripted["other"]).count()
    assert other_rows == 1


def test_rebuild_of_one_cabinet_leaves_the_others(cabinet, scripted):
    MonthlyTurnover.objects.filter(cabinet=scripted["other"]).update(ht=D("1.00"))
    figures.rebuild(cabinet.pk)
    assert MonthlyTurnover.objects.get(cabinet=scripted["other"]).ht == D("1.00")
