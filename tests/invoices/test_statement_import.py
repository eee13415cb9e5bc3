"""Importing a statement: lines and proposals, never twice, all or nothing; accepting, changing, ignoring."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from invoices.errors import InvoicingError
from invoices.models import BankAccount, BankLine, BankStatement, InvoiceStatus, LineStatus, Payment
from invoices.services import bank
from invoices.statements import StatementError, camt
from tests import factories
from tests.bank_samples import FRENCH_CSV_MAPPING, IBAN, Entry, camt053, csv_bank


@pytest.fixture
def setup(cabinet):
    client = factories.make_client(cabinet, nom="SCI Les Tilleuls")
    a = factories.make_invoice(cabinet, client=client, issued=True)  # 1 560,00 TTC each
    b = factories.make_invoice(cabinet, client=client, issued=True)
    account = BankAccount.objects.create(cabinet=cabinet, label="Compte courant")
    return client, a, b, account


def do_import(cabinet, account, data, fmt="camt053", mapping=None, name="releve.xml"):
    return bank.import_statement(
        cabinet=cabinet, account=account, filename=name, data=data, fmt=fmt, mapping=mapping
    )


def test_credit_lines_are_imported_with_their_proposals(cabinet, setup):
    client, a, b, account = setup
    data = camt053(
        [
            Entry("1560.00", f"FACTURE {a.number}"),
            Entry("1560.00", "VIR SCI LES TILLEULS"),
            Entry("30.00", "FRAIS", credit=False),
        ]
    )
    result = do_import(cabinet, account, data)
    assert (result.lines, result.debits, result.duplicates) == (2, 1, 0)
    first, second = BankLine.objects.order_by("id")
    assert (first.proposed_invoice_ids, first.confidence, first.client_id) == ([a.pk], "haute", client.pk)
    assert (second.proposed_invoice_ids, second.confidence) == ([b.pk], "haute")
    assert BankAccount.objects.get().iban == IBAN


def test_the_same_file_is_refused_the_second_time(cabinet, setup):
    *_, account = setup
    data = camt053([Entry("100", "x")])
    do_import(cabinet, account, data)
    with pytest.raises(StatementError, match="déjà été importé le"):
        do_import(cabinet, account, data)
    assert BankStatement.objects.count() == 1


def test_an_overlapping_statement_skips_lines_already_imported(cabinet, setup):
    *_, account = setup
    do_import(
        cabinet, account, camt053([Entry("100", "x", ref="R1"), Entry("200", "y", ref="R2")], msg_id="A")
    )
    result = do_import(
        cabinet, account, camt053([Entry("200", "y", ref="R2"), Entry("300", "z", ref="R3")], msg_id="B")
    )
    assert (result.lines, result.duplicates) == (1, 1)
    assert BankLine.objects.count() == 3
    with pytest.raises(StatementError, match="Toutes les lignes de ce relevé ont déjà été importées"):
        do_import(cabinet, account, camt053([Entry("300", "z", ref="R3")], msg_id="C"))


def test_two_identical_cheques_the_same_day_are_two_lines(cabinet, setup):
    *_, account = setup
    data = csv_bank([Entry("50", "REMISE CHEQUE"), Entry("50", "REMISE CHEQUE")])
    assert do_import(cabinet, account, data, "csv", FRENCH_CSV_MAPPING, "r.csv").lines == 2


def test_a_bad_entry_leaves_nothing_imported(cabinet, setup):
    *_, account = setup
    data = camt053([Entry("100", "x"), Entry("200", "y")]).replace(b">200.00<", b">deux cents<")
    with pytest.raises(StatementError):
        do_import(cabinet, account, data)
    assert not BankStatement.objects.exists() and not BankLine.objects.exists()


def test_another_currency_is_refused_before_anything_is_written(cabinet, setup):
    *_, account = setup
    with pytest.raises(StatementError, match="USD"):
        do_import(cabinet, account, camt053([Entry("100", "x", currency="USD")]))
    assert not BankStatement.objects.exists()


def test_accepting_a_line_records_the_payment_and_pays_the_invoice(cabinet, setup):
    client, a, b, account = setup
    do_import(
        cabinet, account, camt053([Entry("1560.00", f"FACTURE {a.number}", date=datetime.date(2026, 10, 3))])
    )
    line = BankLine.objects.get()
    payment = bank.accept_line(line=line)
    assert (payment.client, payment.amount, payment.mode, payment.date) == (
        client,
        Decimal("1560.00"),
        "virement",
        datetime.date(2026, 10, 3),
    )
    a.refresh_from_db()
    assert a.status == InvoiceStatus.PAID
    line.refresh_from_db()
    assert line.status == LineStatus.ACCEPTED and line.payment == payment
    with pytest.raises(InvoicingError, match="déjà été traitée"):
        bank.accept_line(line=line)


def test_an_overpayment_keeps_the_rest_on_the_client_account(cabinet, setup):
    client, a, b, account = setup
    do_import(cabinet, account, camt053([Entry("1600.00", f"FACTURE {a.number}")]))
    line = BankLine.objects.get()
    assert line.confidence == "moyenne"
    payment = bank.accept_line(line=line)
    assert payment.allocated == Decimal("1560.00") and payment.unallocated == Decimal("40.00")


def test_changing_the_proposal_pays_the_chosen_invoices_oldest_first(cabinet, setup):
    client, a, b, account = setup
    do_import(cabinet, account, camt053([Entry("2000.00", "VIREMENT")]))
    line = BankLine.objects.get()
    payment = bank.accept_line(line=line, invoices=[b, a])
    allocations = {al.invoice_id: al.amount for al in payment.allocations.all()}
    assert allocations == {a.pk: Decimal("1560.00"), b.pk: Decimal("440.00")}


def test_accepting_without_any_invoice_needs_a_client(cabinet, setup):
    client, *_, account = setup
    do_import(cabinet, account, camt053([Entry("12.34", "REMISE")]))
    line = BankLine.objects.get()
    with pytest.raises(InvoicingError, match="Choisissez le client"):
        bank.accept_line(line=line, invoices=[])
    payment = bank.accept_line(line=line, invoices=[], client=client)
    assert payment.unallocated == Decimal("12.34")


def test_an_invoice_paid_meanwhile_leaves_the_amount_unallocated(cabinet, setup):
    client, a, b, account = setup
    do_import(cabinet, account, camt053([Entry("1560.00", f"FACTURE {a.number}")]))
    factories.make_payment(a)
    payment = bank.accept_line(line=BankLine.objects.get())
    assert payment.unallocated == Decimal("1560.00")


def test_ignored_lines_are_not_accepted(cabinet, setup):
    *_, account = setup
    do_import(cabinet, account, camt053([Entry("100", "x")]))
    line = BankLine.objects.get()
    bank.ignore_line(line=line)
    with pytest.raises(InvoicingError):
        bank.ignore_line(line=line)
    with pytest.raises(InvoicingError):
        bank.accept_line(line=line, invoices=[])
    assert not Payment.objects.exists()


def test_accept_proposals_of_high_confidence_only(cabinet, setup):
    client, a, b, account = setup
    result = do_import(
        cabinet,
        account,
        camt053([Entry("1560.00", f"FACTURE {a.number}"), Entry("1000.00", f"FACTURE {b.number}")]),
    )
    assert bank.accept_proposals(statement=result.statement, confidence=["haute"]) == 1
    assert BankLine.objects.filter(status=LineStatus.PENDING).count() == 1
    assert bank.accept_proposals(statement=result.statement, confidence=["haute", "moyenne"]) == 1
    b.refresh_from_db()
    assert b.status == InvoiceStatus.PARTIALLY_PAID


def test_csv_needs_its_columns_once_then_remembers_them(cabinet, setup):
    *_, account = setup
    data = csv_bank([Entry("100", "x", ref="1")])
    with pytest.raises(bank.MappingNeeded) as needed:
        bank.import_file(cabinet=cabinet, account_id=account.pk, new_account="", filename="r.csv", data=data)
    assert needed.value.layout.headers[0] == "Date opération"
    do_import(cabinet, account, data, "csv", FRENCH_CSV_MAPPING, "r.csv")
    account.refresh_from_db()
    assert account.csv_mapping == FRENCH_CSV_MAPPING
    result = bank.import_file(
        cabinet=cabinet,
        account_id=account.pk,
        new_account="",
        filename="r2.csv",
        data=csv_bank([Entry("5", "y")]),
    )
    assert result.lines == 1


def test_a_camt_file_creates_its_account_from_the_iban(cabinet):
    result = bank.import_file(
        cabinet=cabinet, account_id=None, new_account="", filename="r.xml", data=camt053([Entry("5", "y")])
    )
    assert result.statement.account.label == IBAN


def test_an_account_of_another_cabinet_is_refused(cabinet, other_cabinet):
    foreign = BankAccount.objects.create(cabinet=other_cabinet, label="Autre")
    with pytest.raises(StatementError):
        bank.import_file(
            cabinet=cabinet,
            account_id=foreign.pk,
            new_account="",
            filename="r.xml",
            data=camt053([Entry("5", "y")]),
        )


def test_a_line_imported_meanwhile_by_another_request_rolls_the_import_back(cabinet, setup):
    *_, account = setup
    first = do_import(cabinet, account, camt053([Entry("1", "autre", ref="Z")], msg_id="Z")).statement
    entry = Entry("100", "x", ref="R1")
    # What a concurrent import leaves: the same line identity, committed after this import looked.
    BankLine.objects.create(
        cabinet=cabinet,
        statement=first,
        account=account,
        identity=bank.line_identity(camt.parse(camt053([entry])).lines[0]),
        date=datetime.date(2000, 1, 1),
        amount=Decimal("100"),
    )
    with pytest.raises(StatementError, match="vient d'être importé par ailleurs"):
        do_import(cabinet, account, camt053([entry, Entry("200", "y", ref="R2")]))
    assert BankStatement.objects.count() == 1 and BankLine.objects.count() == 2
