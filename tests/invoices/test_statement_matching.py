"""Proposals for credit lines: invoice number, client name and exact amount, sums, and confidences."""

from __future__ import annotations

import datetime
from decimal import Decimal

from invoices.statements import StatementLine
from invoices.statements.matching import BASSE, HAUTE, MOYENNE, Matcher, OpenInvoice, Proposal

DAY = datetime.date(2026, 10, 1)


def inv(id, number, client_id, client_name, due, day=1):
    return OpenInvoice(id, number, client_id, client_name, Decimal(due), datetime.date(2026, 9, day))


INVOICES = [
    inv(1, "F2609-0001", 10, "SCI Les Tilleuls", "1560.00", 1),
    inv(2, "F2609-0002", 10, "SCI Les Tilleuls", "440.00", 2),
    inv(3, "F2609-0003", 10, "SCI Les Tilleuls", "300.00", 3),
    inv(4, "F2609-0004", 20, "Commune de Muret", "2400.00", 4),
    inv(5, "F2609-0005", 30, "M. Jean Dupré", "999.99", 5),
]


def line(amount, label="", debtor=""):
    return StatementLine(date=DAY, amount=Decimal(amount), label=label, debtor=debtor)


def test_invoice_number_with_the_exact_amount_is_haute():
    assert Matcher(INVOICES).propose(line("1560.00", "VIR FACT F2609-0001 MERCI")) == Proposal(
        10, (1,), HAUTE
    )


def test_invoice_number_written_without_its_dash_is_found():
    assert Matcher(INVOICES).propose(line("2400", "MANDAT F26090004")).invoice_ids == (4,)


def test_invoice_number_with_another_amount_is_moyenne():
    assert Matcher(INVOICES).propose(line("1000", "F2609-0001 acompte")) == Proposal(10, (1,), MOYENNE)


def test_two_numbers_in_one_label_paying_both_exactly():
    proposal = Matcher(INVOICES).propose(line("2000", "F2609-0001 ET F2609-0002"))
    assert proposal == Proposal(10, (1, 2), HAUTE)


def test_client_name_and_exact_amount_is_haute():
    proposal = Matcher(INVOICES).propose(line("2400.00", "VIREMENT MAIRIE", debtor="COMMUNE DE MURET"))
    assert proposal == Proposal(20, (4,), HAUTE)


def test_client_name_without_accents_and_exact_amount():
    assert Matcher(INVOICES).propose(line("999.99", "VIR M JEAN DUPRE")).invoice_ids == (5,)


def test_sum_of_several_invoices_of_the_named_client_is_moyenne():
    proposal = Matcher(INVOICES).propose(line("740.00", "VIR SCI LES TILLEULS"))
    assert proposal == Proposal(10, (2, 3), MOYENNE)


def test_exact_amount_alone_is_basse():
    assert Matcher(INVOICES).propose(line("999.99", "VIR SEPA 88422")) == Proposal(30, (5,), BASSE)


def test_client_name_alone_proposes_the_client_without_invoice():
    assert Matcher(INVOICES).propose(line("12.00", "VIR TILLEULS")) == Proposal(10, (), BASSE)


def test_nothing_recognisable_has_no_proposal():
    assert Matcher(INVOICES).propose(line("12.34", "REMISE CHEQUES")).confidence == ""


def test_an_invoice_is_not_proposed_twice_in_one_statement():
    matcher = Matcher(INVOICES)
    assert matcher.propose(line("999.99", "F2609-0005")).invoice_ids == (5,)
    assert matcher.propose(line("999.99", "F2609-0005")).invoice_ids == ()


def test_a_partly_proposed_invoice_offers_its_rest():
    matcher = Matcher(INVOICES)
    matcher.propose(line("1000", "F2609-0001"))
    assert matcher.propose(line("560", "F2609-0001")) == Proposal(10, (1,), HAUTE)


def test_debit_lines_get_no_proposal():
    assert Matcher(INVOICES).propose(line("-1560", "F2609-0001")).confidence == ""
