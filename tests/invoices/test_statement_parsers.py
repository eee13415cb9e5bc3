"""Reading bank statements: CAMT.053 (two versions) and CSV (French export, signed amounts), and the refusals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from invoices.statements import Statement, StatementError, StatementLine, camt, check_currency, csvfile
from tests.bank_samples import FRENCH_CSV_MAPPING, IBAN, Entry, camt053, csv_bank

DAY = datetime.date(2026, 10, 1)


@pytest.mark.parametrize("version", ["02", "08"])
def test_camt053_credit_and_debit_entries(version):
    data = camt053(
        [
            Entry("1560.00", "FACTURE F2610-0001", debtor="SCI LES TILLEULS", ref="BQ-1"),
            Entry("42.10", "Frais tenue de compte", credit=False),
        ],
        version=version,
    )
    statement = camt.parse(data)
    assert statement.iban == IBAN and statement.currency == "EUR"
    credit, debit = statement.lines
    assert credit == StatementLine(
        date=DAY,
        amount=Decimal("1560.00"),
        label="FACTURE F2610-0001 VIR SEPA RECU",
        reference="BQ-1",
        debtor="SCI LES TILLEULS",
        currency="EUR",
    )
    assert debit.amount == Decimal("-42.10")


def test_camt053_pending_entries_are_left_out():
    statement = camt.parse(camt053([Entry("10", "x"), Entry("20", "y", status="PDNG")]))
    assert [line.amount for line in statement.lines] == [Decimal("10.00")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Document><oops", "n'est pas un XML valide"),
        (
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.054.001.02'/>",
            "n'est pas un relevé CAMT.053",
        ),
        (b"<?xml version='1.0'?><Facture/>", "n'est pas un relevé CAMT.053"),
        (
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'><BkToCstmrStmt/></Document>",
            "GrpHdr/MsgId",
        ),
        (
            camt053([Entry("10", "x")]).replace(b">10.00<", b">abc<"),
            "écriture 1 : montant absent ou illisible",
        ),
        (camt053([Entry("10", "x")]).replace(b"<BookgDt><Dt>2026-10-01", b"<BookgDt><Dt>2026-13-45"), "date"),
        (camt053([Entry("10", "x")]).replace(b"<CdtDbtInd>CRDT", b"<CdtDbtInd>XXXX"), "CRDT ou DBIT"),
        (
            camt053([Entry("10", "x")]).replace(b"<IBAN>" + IBAN.encode() + b"</IBAN>", b""),
            "compte (Acct/Id)",
        ),
    ],
)
def test_camt053_malformed_files_are_refused_in_french(data, message):
    with pytest.raises(StatementError, match=message.replace("(", r"\(").replace(")", r"\)")):
        camt.parse(data)


def test_camt053_entities_are_never_expanded():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>&b;</MsgId>
</GrpHdr></BkToCstmrStmt></Document>"""
    with pytest.raises(StatementError, match="aucun relevé"):
        camt.parse(bomb)


def test_another_currency_is_refused():
    statement = camt.parse(camt053([Entry("10", "x", currency="USD")]))
    with pytest.raises(StatementError, match=r"Devise non prise en charge \(USD\)"):
        check_currency(statement)
    with pytest.raises(StatementError, match="CHF"):
        check_currency(Statement(lines=[], currency="CHF"))


def test_french_csv_is_sniffed_and_read_with_its_mapping():
    data = csv_bank([Entry("1560", "VIR SCI TILLEULS", ref="R1"), Entry("12.5", "COTIS CARTE", credit=False)])
    layout = csvfile.sniff(data)
    assert layout.separator == ";" and layout.decimal_comma
    assert layout.headers == ["Date opération", "Libellé", "Débit", "Crédit", "Référence"]
    lines = csvfile.parse(data, FRENCH_CSV_MAPPING).lines
    assert [(line.date, line.amount, line.label, line.reference) for line in lines] == [
        (DAY, Decimal("1560.00"), "VIR SCI TILLEULS", "R1"),
        (DAY, Decimal("-12.50"), "COTIS CARTE", ""),
    ]


def test_signed_amount_csv_with_comma_separator_and_decimal_point():
    data = csv_bank([Entry("1234.5", "A"), Entry("10", "B", credit=False)], separator=",", debit_credit=False)
    layout = csvfile.sniff(data)
    assert layout.separator == "," and not layout.decimal_comma
    mapping = {"separator": ",", "decimal_comma": False, "date": "date", "label": "label", "amount": "amount"}
    assert [line.amount for line in csvfile.parse(data, mapping).lines] == [
        Decimal("1234.50"),
        Decimal("-10.00"),
    ]


def test_thousands_and_nbsp_in_french_amounts():
    data = "Date;Libellé;Montant\n01/10/2026;X;1\u00a0560,00 €\n02/10/2026;Y;-1.200,5\n".encode()
    mapping = {
        "separator": ";",
        "decimal_comma": True,
        "date": "Date",
        "label": "Libellé",
        "amount": "Montant",
    }
    assert [line.amount for line in csvfile.parse(data, mapping).lines] == [
        Decimal("1560.00"),
        Decimal("-1200.50"),
    ]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({**FRENCH_CSV_MAPPING, "date": "Jour"}, "La colonne « Jour » choisie pour « Date » n'existe pas"),
        ({**FRENCH_CSV_MAPPING, "credit": "", "debit": ""}, "colonne du montant"),
        ({**FRENCH_CSV_MAPPING, "amount": "Crédit"}, "soit une colonne « Montant »"),
        ({**FRENCH_CSV_MAPPING, "label": ""}, "date et du libellé"),
        ({**FRENCH_CSV_MAPPING, "separator": ","}, "colonne"),
    ],
)
def test_csv_with_wrong_columns_is_refused_in_french(mapping, message):
    with pytest.raises(StatementError, match=message):
        csvfile.parse(csv_bank([Entry("10", "x")]), mapping)


def test_csv_unreadable_cells_name_the_row():
    data = "Date;Libellé;Montant\n01/10/2026;X;10,00\n32/13/2026;Y;5,00\n01/10/2026;Z;dix\n".encode()
    mapping = {
        "separator": ";",
        "decimal_comma": True,
        "date": "Date",
        "label": "Libellé",
        "amount": "Montant",
    }
    with pytest.raises(StatementError, match="Ligne 3 : date « 32/13/2026 » illisible"):
        csvfile.parse(data, mapping)
    with pytest.raises(StatementError, match="Ligne 4 : montant « dix » illisible"):
        csvfile.parse(data.replace(b"32/13", b"02/10"), mapping)


def test_csv_currency_column_is_checked():
    data = csv_bank([Entry("10", "A", currency="GBP")], separator=",", debit_credit=False)
    mapping = {"separator": ",", "date": "date", "label": "label", "amount": "amount", "currency": "currency"}
    with pytest.raises(StatementError, match="GBP"):
        check_currency(csvfile.parse(data, mapping))


def test_not_a_table_is_refused():
    with pytest.raises(StatementError, match="pas de colonnes reconnaissables"):
        csvfile.sniff(b"bonjour\nau revoir\n")
