"""The FEC of a generated exercice obeys every rule of A47 A-1 and its accounts add up to the documents."""

from __future__ import annotations

import datetime
import io
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from invoices import services
from invoices.books import fec
from invoices.models import AccountPlan, Invoice, InvoiceKind, InvoiceStatus, Payment
from tests import factories

D = Decimal
YEAR = 2026


def _line(designation, price, rate="20.00", qty="1", debours=False):
    return services.LineInput(
        designation=designation, unit_price=D(price), quantity=D(qty), vat_rate=rate, debours=debours
    )


@pytest.fixture
def year(cabinet, other_cabinet):
    """An exercice with every kind of document: two rates, débours, an acompte and its facture de solde,
    a partial avoir, règlements and a contre-passation; plus what must stay out of the file."""
    day = datetime.date
    dupont = factories.make_client(cabinet, nom="Dupont | Fils & Cie")
    mairie = factories.make_public_client(cabinet, nom="Commune de Blagnac")
    # Out: issued in the previous exercice.
    factories.make_invoice(cabinet, client=dupont, issued=True, today=day(YEAR - 1, 12, 30))

    bornage = services.create_invoice(
        cabinet=cabinet,
        client=dupont,
        lines=[
            _line("Bornage amiable", "1300.00"),
            _line("Plan d'intérieur", "200.00", rate="10.00"),
            _line("Frais d'enregistrement", "45.50", rate="0.00", debours=True),
        ],
    )
    bornage = services.issue_invoice(invoice=bornage, today=day(YEAR, 1, 15))

    quote = factories.make_quote(
        cabinet, client=mairie, accepted=True, lines=[("Division en volumes", "3", "1000.00", "20.00")]
    )
    acompte = services.issue_invoice(
        invoice=services.invoice_order_part(quote=quote, percent=D("30")), today=day(YEAR, 2, 3)
    )
    solde = services.issue_invoice(invoice=services.invoice_order(quote=quote), today=day(YEAR, 3, 10))

    avoir = services.create_credit_note(invoice=bornage, lines=[_line("Remise sur bornage", "100.00")])
    avoir = services.issue_invoice(invoice=avoir, today=day(YEAR, 3, 20))

    fresh = Invoice.objects.get
    paid = factories.make_payment(fresh(pk=bornage.pk), date=day(YEAR, 4, 2), mode="cheque")
    first = factories.make_payment(acompte, D("500.00"), date=day(YEAR, 4, 5))
    services.reverse_payment(payment=first, date=day(YEAR, 4, 6))
    factories.make_payment(fresh(pk=acompte.pk), date=day(YEAR, 4, 7))
    # Out: a draft, another cabinet's invoice, a règlement of the next exercice.
    factories.make_invoice(cabinet, client=dupont)
    factories.make_invoice(other_cabinet, issued=True, today=day(YEAR, 5, 1))
    factories.make_payment(solde, D("10.00"), date=day(YEAR + 1, 1, 2))

    fy = fec.FiscalYear.of(cabinet, YEAR)
    content = b"".join(fec.encoded(cabinet, fy))
    return {
        "cabinet": cabinet,
        "fy": fy,
        "bytes": content,
        "rows": _parse(content),
        "documents": [bornage, acompte, solde, avoir],
        "paid": paid,
    }


def _parse(content: bytes) -> list[dict[str, str]]:
    text = content.decode(fec.ENCODING)
    lines = text.split("\r\n")
    assert lines[-1] == ""
    header = lines[0].split("|")
    return [dict(zip(header, line.split("|"), strict=True)) for line in lines[1:-1]]


def _amount(value: str) -> Decimal:
    assert re.fullmatch(r"-?\d+,\d{2}", value), value
    return D(value.replace(",", "."))


def _net(rows, account, **match) -> Decimal:
    """Credit − debit of an account over the given rows (positive for a revenue or a liability)."""
    return sum(
        (
            _amount(r["Credit"]) - _amount(r["Debit"])
            for r in rows
            if r["CompteNum"] == account and all(r[k] == v for k, v in match.items())
        ),
        D("0.00"),
    )


def test_header_is_the_eighteen_legal_columns_in_order(year):
    first = year["bytes"].split(b"\r\n", 1)[0].decode()
    assert first.split("|") == [
        "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
        "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
        "ValidDate", "Montantdevise", "Idevise",
    ]  # fmt: skip
    assert all(len(line.split(b"|")) == 18 for line in year["bytes"].split(b"\r\n")[:-1])


def test_file_is_named_after_siren_and_closing_date(year):
    assert fec.filename(year["cabinet"], year["fy"]) == "812345676FEC20261231.txt"


def test_file_name_follows_a_fiscal_year_starting_in_july(cabinet):
    cabinet.fiscal_year_start_month = 7
    fy = fec.FiscalYear.of(cabinet, YEAR)
    assert (fy.start, fy.end) == (datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
    assert fec.filename(cabinet, fy) == "812345676FEC20260630.txt"
    assert fec.FiscalYear.containing(cabinet, datetime.date(2026, 7, 1)).year == 2027


def test_dates_are_aaaammjj_inside_the_exercice_and_amounts_use_a_comma(year):
    for row in year["rows"]:
        for column in ("EcritureDate", "PieceDate", "ValidDate"):
            day = datetime.datetime.strptime(row[column], "%Y%m%d").date()
            assert re.fullmatch(r"\d{8}", row[column])
            if column != "ValidDate":
                assert year["fy"].start <= day <= year["fy"].end
        debit, credit = _amount(row["Debit"]), _amount(row["Credit"])
        assert debit >= 0 and credit >= 0 and (debit == 0) != (credit == 0)
        assert "." not in row["Debit"] + row["Credit"]


def test_no_mandatory_field_is_empty(year):
    for row in year["rows"]:
        empty = [c for c in fec.COLUMNS if c not in fec.OPTIONAL_COLUMNS and not row[c].strip()]
        assert empty == [], row
        assert row["Montantdevise"] == row["Idevise"] == ""


def test_every_entry_balances_and_numbers_run_from_one_in_each_journal(year):
    entries = defaultdict(list)
    for row in year["rows"]:
        entries[(row["JournalCode"], row["EcritureNum"])].append(row)
    for rows in entries.values():
        assert sum(_amount(r["Debit"]) for r in rows) == sum(_amount(r["Credit"]) for r in rows)
        assert len({(r["EcritureDate"], r["PieceRef"]) for r in rows}) == 1
    for journal in ("VE", "BQ"):
        numbers = [
            int(n)
            for j, n in dict.fromkeys((r["JournalCode"], r["EcritureNum"]) for r in year["rows"])
            if j == journal
        ]
        assert numbers == list(range(1, len(numbers) + 1))
        dates = [r["EcritureDate"] for r in year["rows"] if r["JournalCode"] == journal]
        assert dates == sorted(dates)
    assert len([k for k in entries if k[0] == "VE"]) == 4  # drafts, last year and the neighbour left out
    assert len([k for k in entries if k[0] == "BQ"]) == 4


def test_sales_accounts_add_up_to_the_documents(year):
    rows = [r for r in year["rows"] if r["JournalCode"] == "VE"]
    docs = Invoice.objects.filter(pk__in=[d.pk for d in year["documents"]]).prefetch_related("lines")
    ht = defaultdict(lambda: D("0.00"))
    tva = defaultdict(lambda: D("0.00"))
    to_collect = D("0.00")
    for doc in docs:
        sign = -1 if doc.kind == InvoiceKind.AVOIR else 1
        to_collect += sign * doc.net_to_pay
        for vat_line in doc.vat_lines():
            tva[vat_line.rate] += sign * vat_line.vat
        for line in doc.lines.all():
            if not line.debours:
                ht[line.rate] += sign * line.total_ht
    # HT per rate: all on 706, except the acompte, booked to 4191 until its facture de solde clears it.
    assert _net(rows, "706120") == ht[D("20.00")] - D("900.00") == D("4200.00")
    assert _net(rows, "706110") == ht[D("10.00")] == D("200.00")
    assert _net(rows, "419100") == D("0.00")
    assert _net(rows, "467100") == D("45.50")
    # TVA per rate, all on receipt so pending in 44574: the acompte's VAT once, on the acompte.
    assert _net(rows, "445740", CompteLib="TVA en attente d'exigibilité 20 %") == tva[D("20.00")] - D("180.00")
    assert _net(rows, "445740", CompteLib="TVA en attente d'exigibilité 10 %") == tva[D("10.00")] == D("20")
    assert _net(rows, "445740") == D("860.00")
    assert not {"4457120", "4457110"} & {r["CompteNum"] for r in rows}
    # TTC on 411: what the clients owe, each on their own auxiliary account.
    assert -_net(rows, "411000") == to_collect
    bornage = year["documents"][0]
    aux = f"411{bornage.client_id:05d}"
    assert -_net(rows, "411000", CompAuxNum=aux) == bornage.total_ttc - D("120.00")
    assert {r["CompAuxLib"] for r in rows if r["CompAuxNum"] == aux} == {"Dupont Fils & Cie"}


def test_avoir_is_the_reversed_entry_of_its_lines(year):
    avoir = year["documents"][3]
    rows = [r for r in year["rows"] if r["PieceRef"] == avoir.number]
    assert {(r["CompteNum"], r["Debit"], r["Credit"]) for r in rows} == {
        ("411000", "0,00", "120,00"),
        ("706120", "100,00", "0,00"),
        ("445740", "20,00", "0,00"),
    }
    assert rows[0]["EcritureLib"].startswith(f"Avoir {avoir.number}")


def test_bank_journal_books_each_reglement_and_its_reversal(year):
    rows = [r for r in year["rows"] if r["JournalCode"] == "BQ"]
    payments = Payment.objects.filter(cabinet=year["cabinet"], date__year=YEAR)
    assert -_net(rows, "512000") == sum((p.amount for p in payments), D("0.00"))
    assert _net(rows, "411000") == -_net(rows, "512000")
    reversal = [r for r in rows if r["EcritureLib"].startswith("Contre-passation")]
    # 500,00 of the acompte's 1 080,00 TTC made 500 × 180 / 1 080 = 83,33 of VAT due: given back.
    assert {(r["CompteNum"], r["Debit"], r["Credit"]) for r in reversal} == {
        ("512000", "0,00", "500,00"),
        ("411000", "500,00", "0,00"),
        ("445740", "0,00", "83,33"),
        ("4457120", "83,33", "0,00"),
    }
    cheque = [r for r in rows if r["PieceRef"] == f"REG{year['paid'].pk:06d}"]
    assert cheque[0]["EcritureLib"].startswith("Règlement chèque Dupont")


def test_free_text_never_breaks_a_field_and_encoding_is_latin9(year):
    assert "Dupont Fils & Cie" in year["bytes"].decode("iso-8859-15")
    with pytest.raises(UnicodeDecodeError):
        year["bytes"].decode("utf-8")  # « é » of « Règlement » is one Latin-9 byte


def test_accounts_follow_the_cabinet_plan(year):
    cabinet = year["cabinet"]
    AccountPlan.objects.create(cabinet=cabinet, sales_20="706000", bank="512100", sales_journal_code="VT")
    rows = _parse(b"".join(fec.encoded(cabinet, year["fy"])))
    assert {r["JournalCode"] for r in rows} == {"VT", "BQ"}
    assert _net(rows, "706000") == D("4200.00")
    assert "512100" in {r["CompteNum"] for r in rows}


def test_only_issued_documents_are_exported(year):
    pieces = {r["PieceRef"] for r in year["rows"] if r["JournalCode"] == "VE"}
    issued = Invoice.objects.filter(cabinet=year["cabinet"], issue_date__year=YEAR).exclude(
        status=InvoiceStatus.DRAFT
    )
    assert pieces == set(issued.values_list("number", flat=True))


def test_character_outside_latin9_is_written_as_its_plain_letter(cabinet):
    client = factories.make_client(cabinet, nom="Société Ștefan")
    factories.make_invoice(cabinet, client=client, issued=True, today=datetime.date(YEAR, 6, 1))
    content = b"".join(fec.encoded(cabinet, fec.FiscalYear.of(cabinet, YEAR)))
    assert "Société Stefan" in content.decode(fec.ENCODING)


def test_missing_siret_is_refused_in_french(cabinet):
    cabinet.siret = ""
    with pytest.raises(fec.FecError, match="SIRET du cabinet"):
        b"".join(fec.encoded(cabinet, fec.FiscalYear.of(cabinet, YEAR)))


def test_command_writes_the_named_file(year, tmp_path):
    out = io.StringIO()
    call_command(
        "export_fec", "--year", str(YEAR), "--cabinet", "812345676", "--output", str(tmp_path), stdout=out
    )
    written = tmp_path / "812345676FEC20261231.txt"
    assert written.read_bytes() == year["bytes"]
    assert "Exercice 2026" in out.getvalue()


def test_command_needs_a_cabinet_when_there_are_several(year):
    with pytest.raises(CommandError, match="précisez --cabinet"):
        call_command("export_fec", "--year", str(YEAR))
    with pytest.raises(CommandError, match="Aucun cabinet"):
        call_command("export_fec", "--year", str(YEAR), "--cabinet", "Inconnu")


def test_settled_documents_are_lettered_on_the_client_account(year):
    rows = year["rows"]
    bornage, acompte, solde, avoir = year["documents"]

    def letters(piece):
        return {(r["EcritureLet"], r["DateLet"]) for r in rows if r["PieceRef"] == piece and r["CompAuxNum"]}

    # The bornage, its avoir and the cheque that paid the rest.
    assert letters(bornage.number) == letters(avoir.number) == letters(f"REG{year['paid'].pk:06d}")
    assert letters(bornage.number) == {("AAA", "20260402")}
    # The acompte, a règlement, its contre-passation and the règlement that replaced it.
    acompte_group = {r["PieceRef"] for r in rows if r["EcritureLet"] == "AAB"}
    assert acompte.number in acompte_group and len(acompte_group) == 4
    # Not settled inside the exercice: no lettering.
    assert letters(solde.number) == {("", "")}
    assert all(r["CompteNum"] == "411000" for r in rows if r["EcritureLet"])
    balance = defaultdict(lambda: D("0.00"))
    for r in rows:
        if r["EcritureLet"]:
            balance[r["EcritureLet"]] += _amount(r["Debit"]) - _amount(r["Credit"])
    assert balance and set(balance.values()) == {D("0.00")}


def test_letter_codes_never_repeat():
    codes = [fec._letter_code(n) for n in range(26**3 + 30)]
    assert codes[:3] == ["AAA", "AAB", "AAC"] and len(set(codes)) == len(codes)


def test_debours_billed_by_acompte_reach_their_account_once(cabinet):
    quote = services.create_quote(
        cabinet=cabinet,
        client=factories.make_client(cabinet),
        objet="Bornage avec frais",
        lines=[
            _line("Bornage", "1000.00"),
            _line("Frais de géomètre-expert foncier", "100.00", "0.00", debours=True),
        ],
    )
    quote = services.decide_quote(quote=quote, accepted=True)
    day = datetime.date(YEAR, 2, 1)
    services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=D("50")), today=day)
    services.issue_invoice(invoice=services.invoice_order(quote=quote), today=day)
    rows = _parse(b"".join(fec.encoded(cabinet, fec.FiscalYear.of(cabinet, YEAR))))
    assert _net(rows, "467100") == D("100.00")
    assert _net(rows, "706120") == D("1000.00")
    assert _net(rows, "419100") == D("0.00")
    assert _net(rows, "445740") == D("200.00")
    assert -_net(rows, "411000") == D("1300.00")
