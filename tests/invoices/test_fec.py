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
    assert _net(rows, "445740", CompteLib="TVA en attente d'exigibilité 20 %") == tva[D("20.00")] - D(
        "180.00"
    )
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


# VAT on receipt (CGI 269-2-c): 44574 at invoicing, 44574 → 44571 with each règlement -------------------

PENDING = "445740"


def _export(cabinet) -> list[dict[str, str]]:
    return _parse(b"".join(fec.encoded(cabinet, fec.FiscalYear.of(cabinet, YEAR))))


def _issue(cabinet, client, lines, day):
    draft = services.create_invoice(cabinet=cabinet, client=client, lines=lines)
    return services.issue_invoice(invoice=draft, today=day)


def _vat_lines(rows, piece) -> list[tuple[str, str, str, str]]:
    """(account, label, debit, credit) of the VAT lines of one piece."""
    return [
        (r["CompteNum"], r["CompteLib"], r["Debit"], r["Credit"])
        for r in rows
        if r["PieceRef"] == piece and r["CompteNum"].startswith("4457")
    ]


def _pending(rows, rate) -> Decimal:
    return _net(rows, PENDING, CompteLib=f"TVA en attente d'exigibilité {rate} %")


def _reg(payment) -> str:
    return f"REG{payment.pk:06d}"


def test_with_one_invoice_unpaid_44574_holds_exactly_its_vat(year):
    rows = year["rows"]
    bornage, acompte, solde, avoir = year["documents"]
    # The facture de solde is the only document not paid inside the exercice (its 10,00 comes next year).
    assert _net(rows, PENDING) == solde.total_vat - acompte.total_vat == D("420.00")
    # Due: the bornage's VAT less its avoir's, and the acompte's (its cancelled règlement given back).
    assert _net(rows, "4457120") == D("260.00") - D("20.00") + D("180.00")
    assert _net(rows, "4457110") == D("20.00")


def test_in_a_year_where_everything_is_paid_44574_is_zero_and_44571_the_vat(cabinet):
    client = factories.make_client(cabinet)
    day = datetime.date
    first = _issue(
        cabinet, client, [_line("Bornage", "1234.56"), _line("Plan", "789.01", "10.00")], day(YEAR, 2, 1)
    )
    second = _issue(
        cabinet,
        client,
        [_line("Implantation", "333.33"), _line("Frais", "12.00", "0.00", debours=True)],
        day(YEAR, 3, 1),
    )
    avoir = services.issue_invoice(
        invoice=services.create_credit_note(invoice=first, lines=[_line("Remise", "100.00")]),
        today=day(YEAR, 4, 1),
    )
    fresh = Invoice.objects.get
    factories.make_payment(fresh(pk=first.pk), "1000.00", date=day(YEAR, 3, 15))
    factories.make_payment(fresh(pk=first.pk), date=day(YEAR, 5, 1))
    factories.make_payment(fresh(pk=second.pk), "0.01", date=day(YEAR, 5, 2))
    factories.make_payment(fresh(pk=second.pk), date=day(YEAR, 5, 3))
    rows = _export(cabinet)
    assert _net(rows, PENDING) == D("0.00")
    assert _pending(rows, "20") == _pending(rows, "10") == D("0.00")
    assert (
        _net(rows, "4457120") == first.vat_lines()[0].vat + second.total_vat - avoir.total_vat == D("293.58")
    )
    assert _net(rows, "4457110") == first.vat_lines()[1].vat == D("78.90")
    assert not [r for r in rows if r["JournalCode"] == "BQ" and r["CompteNum"] == "4457100"]


def test_an_invoice_paid_in_two_parts_with_two_rates_moves_its_vat_to_the_cent(cabinet):
    client = factories.make_client(cabinet)
    invoice = _issue(
        cabinet,
        client,
        [_line("Bornage", "1234.56"), _line("Plan", "789.01", "10.00")],
        datetime.date(YEAR, 2, 1),
    )
    # VAT 246,91 (20 %) + 78,90 (10 %) = 325,81 ; TTC 2 349,38.
    assert (invoice.total_vat, invoice.net_to_pay) == (D("325.81"), D("2349.38"))
    assert _vat_lines(_export(cabinet), invoice.number) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "0,00", "246,91"),
        (PENDING, "TVA en attente d'exigibilité 10 %", "0,00", "78,90"),
    ]
    first = factories.make_payment(invoice, "1000.00", date=datetime.date(YEAR, 3, 1))
    second = factories.make_payment(Invoice.objects.get(pk=invoice.pk), date=datetime.date(YEAR, 4, 1))
    assert second.amount == D("1349.38")
    rows = _export(cabinet)
    # 1 000,00 × 325,81 / 2 349,38 = 138,68 of VAT: 138,68 × 246,91 / 325,81 = 105,10 at 20 %, the rest at 10 %.
    assert _vat_lines(rows, _reg(first)) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "105,10", "0,00"),
        ("4457120", "TVA collectée 20 %", "0,00", "105,10"),
        (PENDING, "TVA en attente d'exigibilité 10 %", "33,58", "0,00"),
        ("4457110", "TVA collectée 10 %", "0,00", "33,58"),
    ]
    # The second part takes what is left, so the whole VAT has moved once the invoice is paid.
    assert _vat_lines(rows, _reg(second)) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "141,81", "0,00"),
        ("4457120", "TVA collectée 20 %", "0,00", "141,81"),
        (PENDING, "TVA en attente d'exigibilité 10 %", "45,32", "0,00"),
        ("4457110", "TVA collectée 10 %", "0,00", "45,32"),
    ]
    assert (_net(rows, PENDING), _net(rows, "4457120"), _net(rows, "4457110")) == (0, D("246.91"), D("78.90"))
    for piece in (_reg(first), _reg(second)):
        assert sum(_amount(r["Debit"]) - _amount(r["Credit"]) for r in rows if r["PieceRef"] == piece) == 0


def test_a_contre_passation_gives_back_its_vat_and_a_refund_moves_none(cabinet):
    client = factories.make_client(cabinet)
    day = datetime.date
    invoice = _issue(
        cabinet, client, [_line("Bornage", "1000.00"), _line("Plan", "500.00", "5.50")], day(YEAR, 2, 1)
    )
    paid = services.record_payment(
        cabinet=cabinet, client=client, date=day(YEAR, 3, 1), amount=D("1000.00"), mode="virement",
        allocations=[(invoice, D("900.00"))],
    )  # fmt: skip
    refund = services.refund_payment(payment=paid, amount=D("100.00"), date=day(YEAR, 3, 2), mode="virement")
    cancelled = factories.make_payment(Invoice.objects.get(pk=invoice.pk), "500.00", date=day(YEAR, 3, 5))
    counter = services.reverse_payment(payment=cancelled, date=day(YEAR, 3, 6))
    rows = _export(cabinet)
    # 900,00 of 1 727,50 TTC: 118,52 of the 227,50 of VAT, 104,19 at 20 % and 14,33 at 5,5 %.
    assert [(a, d, c) for a, _, d, c in _vat_lines(rows, _reg(paid))] == [
        (PENDING, "104,19", "0,00"), ("4457120", "0,00", "104,19"),
        (PENDING, "14,33", "0,00"), ("4457105", "0,00", "14,33"),
    ]  # fmt: skip
    assert _vat_lines(rows, _reg(refund)) == []  # the rest given back was never allocated: no VAT
    moved = _vat_lines(rows, _reg(cancelled))
    assert moved and _vat_lines(rows, _reg(counter)) == [(a, label, c, d) for a, label, d, c in moved]
    assert _pending(rows, "20") == D("200.00") - D("104.19")
    assert _pending(rows, "5,5") == D("27.50") - D("14.33")
    assert _net(rows, "4457120") + _net(rows, "4457105") == D("118.52")


def test_an_avoir_between_two_reglements_changes_the_vat_due_to_the_cent(cabinet):
    client = factories.make_client(cabinet)
    day = datetime.date
    invoice = _issue(
        cabinet, client, [_line("Bornage", "1000.00"), _line("Plan", "300.00", "10.00")], day(YEAR, 2, 1)
    )
    first = factories.make_payment(invoice, "600.00", date=day(YEAR, 3, 1))
    avoir = services.issue_invoice(
        invoice=services.create_credit_note(
            invoice=Invoice.objects.get(pk=invoice.pk), lines=[_line("Remise", "250.00")]
        ),
        today=day(YEAR, 3, 10),
    )
    rest = factories.make_payment(Invoice.objects.get(pk=invoice.pk), date=day(YEAR, 4, 1))
    assert rest.amount == invoice.net_to_pay - D("600.00") - avoir.net_to_pay == D("630.00")
    rows = _export(cabinet)
    # 600,00 of 1 530,00 TTC made 90,20 of the 230,00 of VAT due: 78,43 at 20 %, 11,77 at 10 %.
    assert [(a, d, c) for a, _, d, c in _vat_lines(rows, _reg(first))] == [
        (PENDING, "78,43", "0,00"), ("4457120", "0,00", "78,43"),
        (PENDING, "11,77", "0,00"), ("4457110", "0,00", "11,77"),
    ]  # fmt: skip
    # After the avoir (300,00 TTC, 50,00 of VAT at 20 %), the same 600,00 of the 1 230,00 left make
    # 600 × 180 / 1 230 = 87,80 due: 73,17 at 20 % (5,26 less) and 14,63 at 10 % (2,86 more). The avoir posts
    # that change itself: 44571 gives back 5,26 at 20 %, 44574 the rest of its VAT; at 10 % it makes 2,86 due.
    assert _vat_lines(rows, avoir.number) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "44,74", "0,00"),
        ("4457120", "TVA collectée 20 %", "5,26", "0,00"),
        (PENDING, "TVA en attente d'exigibilité 10 %", "2,86", "0,00"),
        ("4457110", "TVA collectée 10 %", "0,00", "2,86"),
    ]
    # The rest paid makes due only what is left: 150,00 − 73,17 and 30,00 − 14,63.
    assert [(a, d, c) for a, _, d, c in _vat_lines(rows, _reg(rest))] == [
        (PENDING, "76,83", "0,00"), ("4457120", "0,00", "76,83"),
        (PENDING, "15,37", "0,00"), ("4457110", "0,00", "15,37"),
    ]  # fmt: skip
    assert _pending(rows, "20") == _pending(rows, "10") == D("0.00")
    assert _net(rows, "4457120") == D("200.00") - D("50.00")
    assert _net(rows, "4457110") == D("30.00")


def _vat_balances(rows, *pieces) -> dict[str, Decimal]:
    """Credit − debit of each VAT account (44574 per rate by its label, 44571 per rate) over the given pieces."""
    balances: dict[str, Decimal] = defaultdict(lambda: D("0.00"))
    for r in rows:
        if r["PieceRef"] in pieces and r["CompteNum"].startswith("4457"):
            key = r["CompteLib"] if r["CompteNum"] == PENDING else r["CompteNum"]
            balances[key] += _amount(r["Credit"]) - _amount(r["Debit"])
    return {key: amount for key, amount in balances.items() if amount}


def _credit(invoice, amount, day):
    """An avoir of `amount` HT at 20 % on `invoice`, issued on `day`."""
    draft = services.create_credit_note(
        invoice=Invoice.objects.get(pk=invoice.pk), lines=[_line("Remise", amount)]
    )
    return services.issue_invoice(invoice=draft, today=day)


def test_an_avoir_on_a_paid_invoice_takes_back_from_44571_the_vat_no_longer_due(cabinet):
    client = factories.make_client(cabinet)
    day = datetime.date
    paid = _issue(cabinet, client, [_line("Bornage", "1000.00")], day(YEAR, 2, 1))
    unpaid = _issue(cabinet, client, [_line("Implantation", "1000.00")], day(YEAR, 2, 1))
    payment = factories.make_payment(paid, date=day(YEAR, 2, 20))
    avoir = _credit(paid, "500.00", day(YEAR, 3, 1))
    unpaid_avoir = _credit(unpaid, "500.00", day(YEAR, 3, 1))
    rows = _export(cabinet)
    # 1 200,00 paid made its 200,00 due; the avoir of 600,00 leaves 100,00 due on the 600,00 kept.
    assert _vat_lines(rows, avoir.number) == [("4457120", "TVA collectée 20 %", "100,00", "0,00")]
    assert _vat_balances(rows, paid.number, _reg(payment), avoir.number) == {"4457120": D("100.00")}
    # Nothing paid, nothing due: the avoir takes all its VAT back from 44574, as always.
    assert _vat_lines(rows, unpaid_avoir.number) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "100,00", "0,00")
    ]
    assert _vat_balances(rows, unpaid.number, unpaid_avoir.number) == {
        "TVA en attente d'exigibilité 20 %": D("100.00")
    }


def test_reglements_on_each_side_of_an_avoir_make_due_only_the_vat_it_leaves(cabinet):
    client = factories.make_client(cabinet)
    day = datetime.date
    plain = _issue(cabinet, client, [_line("Bornage", "1000.00")], day(YEAR, 2, 1))
    frais = [_line("Bornage", "1000.00"), _line("Frais", "200.00", "0.00", debours=True)]
    with_debours = _issue(cabinet, client, frais, day(YEAR, 2, 1))
    plain_first = factories.make_payment(plain, "300.00", date=day(YEAR, 3, 1))
    plain_avoir = _credit(plain, "500.00", day(YEAR, 3, 10))
    plain_rest = factories.make_payment(Invoice.objects.get(pk=plain.pk), "300.00", date=day(YEAR, 4, 1))
    first = factories.make_payment(Invoice.objects.get(pk=with_debours.pk), "350.00", date=day(YEAR, 3, 1))
    avoir = _credit(with_debours, "500.00", day(YEAR, 3, 10))
    rest = factories.make_payment(Invoice.objects.get(pk=with_debours.pk), "450.00", date=day(YEAR, 4, 1))
    rows = _export(cabinet)
    due_20 = {"4457120": D("100.00")}
    # 300,00 of 1 200,00 made 50,00 due, and still do of the 600,00 the avoir leaves: it takes its VAT
    # from 44574 alone; the last 300,00 make the other 50,00 due.
    assert _vat_lines(rows, plain_avoir.number) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "100,00", "0,00")
    ]
    assert _net(rows, "4457120", PieceRef=_reg(plain_rest)) == D("50.00")
    assert (
        _vat_balances(rows, plain.number, _reg(plain_first), plain_avoir.number, _reg(plain_rest)) == due_20
    )
    # With 200,00 of débours, 350,00 of 1 400,00 made 50,00 due; of the 800,00 the avoir leaves, they make
    # 350 × 100 / 800 = 43,75 due: the avoir gives back 6,25 from 44571, and the last 450,00 make 56,25 due.
    assert _vat_lines(rows, avoir.number) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "93,75", "0,00"),
        ("4457120", "TVA collectée 20 %", "6,25", "0,00"),
    ]
    assert _net(rows, "4457120", PieceRef=_reg(first)) == D("50.00")
    assert _net(rows, "4457120", PieceRef=_reg(rest)) == D("56.25")
    assert _vat_balances(rows, with_debours.number, _reg(first), avoir.number, _reg(rest)) == due_20


def test_a_contre_passation_after_an_avoir_gives_back_only_the_vat_still_due_on_it(cabinet):
    day = datetime.date
    invoice = _issue(cabinet, factories.make_client(cabinet), [_line("Bornage", "1000.00")], day(YEAR, 2, 1))
    first = factories.make_payment(invoice, "600.00", date=day(YEAR, 2, 10))
    second = factories.make_payment(Invoice.objects.get(pk=invoice.pk), "600.00", date=day(YEAR, 2, 20))
    avoir = _credit(invoice, "500.00", day(YEAR, 3, 1))
    counter = services.reverse_payment(payment=second, date=day(YEAR, 3, 5))
    rows = _export(cabinet)
    assert _vat_lines(rows, avoir.number) == [("4457120", "TVA collectée 20 %", "100,00", "0,00")]
    # 600,00 still paid of the 600,00 the avoir leaves: its 100,00 of VAT stay due, nothing to give back.
    assert _vat_lines(rows, _reg(counter)) == []
    pieces = (invoice.number, _reg(first), _reg(second), avoir.number, _reg(counter))
    assert _vat_balances(rows, *pieces) == {"4457120": D("100.00")}


def test_a_closed_exercice_keeps_its_vat_entries_when_an_avoir_or_a_contre_passation_comes_later(cabinet):
    day = datetime.date
    invoice = _issue(cabinet, factories.make_client(cabinet), [_line("Bornage", "1000.00")], day(YEAR, 11, 2))
    payment = factories.make_payment(invoice, "900.00", date=day(YEAR, 12, 1))
    avoir = _credit(invoice, "500.00", day(YEAR, 12, 15))
    closed = b"".join(fec.encoded(cabinet, fec.FiscalYear.of(cabinet, YEAR)))
    rows = _parse(closed)
    # 900,00 paid made 150,00 due; of the 600,00 the avoir leaves, 600,00 are paid: 100,00 due (the 300,00
    # more are a trop-perçu, which makes no VAT due).
    assert _vat_lines(rows, avoir.number) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "50,00", "0,00"),
        ("4457120", "TVA collectée 20 %", "50,00", "0,00"),
    ]
    assert (_net(rows, PENDING), _net(rows, "4457120")) == (D("0.00"), D("100.00"))

    later = _credit(invoice, "100.00", day(YEAR + 1, 1, 10))
    counter = services.reverse_payment(payment=payment, date=day(YEAR + 1, 1, 20))
    assert b"".join(fec.encoded(cabinet, fec.FiscalYear.of(cabinet, YEAR))) == closed
    next_year = _parse(b"".join(fec.encoded(cabinet, fec.FiscalYear.of(cabinet, YEAR + 1))))
    # The second avoir leaves 80,00 of VAT, still all paid; the contre-passation makes none of it due.
    assert _vat_lines(next_year, later.number) == [("4457120", "TVA collectée 20 %", "20,00", "0,00")]
    assert _vat_lines(next_year, _reg(counter)) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "0,00", "80,00"),
        ("4457120", "TVA collectée 20 %", "80,00", "0,00"),
    ]
    # Over both files: nothing due, and 44574 holds the 80,00 of VAT neither avoir cancelled.
    assert _net(rows, "4457120") + _net(next_year, "4457120") == D("0.00")
    assert _net(rows, PENDING) + _net(next_year, PENDING) == D("80.00")


def test_an_avoir_cancelling_an_unpaid_invoice_leaves_nothing_pending(cabinet):
    invoice = _issue(
        cabinet, factories.make_client(cabinet), [_line("Bornage", "1000.00")], datetime.date(YEAR, 2, 1)
    )
    services.issue_invoice(
        invoice=services.create_credit_note(invoice=invoice), today=datetime.date(YEAR, 2, 2)
    )
    rows = _export(cabinet)
    assert _net(rows, PENDING) == D("0.00") and not any(r["CompteNum"] == "4457120" for r in rows)


def test_an_acompte_and_its_facture_de_solde_make_their_vat_due_when_paid(cabinet):
    quote = factories.make_quote(
        cabinet,
        accepted=True,
        lines=[("Division", "1", "2000.00", "20.00"), ("Plan", "1", "1000.00", "10.00")],
    )
    day = datetime.date
    acompte = services.issue_invoice(
        invoice=services.invoice_order_part(quote=quote, percent=D("30")), today=day(YEAR, 2, 1)
    )
    solde = services.issue_invoice(invoice=services.invoice_order(quote=quote), today=day(YEAR, 5, 1))
    paid_acompte = factories.make_payment(Invoice.objects.get(pk=acompte.pk), date=day(YEAR, 2, 20))
    part = factories.make_payment(Invoice.objects.get(pk=solde.pk), "1000.00", date=day(YEAR, 5, 20))
    rows = _export(cabinet)
    # The acompte's VAT (120,00 + 30,00) is due with its règlement; the solde books only the rest (280 + 70).
    assert _vat_lines(rows, acompte.number) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "0,00", "120,00"),
        (PENDING, "TVA en attente d'exigibilité 10 %", "0,00", "30,00"),
    ]
    assert [(a, c) for a, _, _, c in _vat_lines(rows, _reg(paid_acompte)) if a != PENDING] == [
        ("4457120", "120,00"), ("4457110", "30,00")
    ]  # fmt: skip
    assert _net(rows, PENDING, PieceRef=solde.number) == D("350.00")
    # 1 000,00 of the 2 450,00 left to pay: 142,86 of the 350,00, 114,29 at 20 % and 28,57 at 10 %.
    assert _net(rows, "4457120", PieceRef=_reg(part)) == D("114.29")
    assert _net(rows, "4457110", PieceRef=_reg(part)) == D("28.57")
    assert _net(rows, PENDING) == D("350.00") - D("142.86")
    factories.make_payment(Invoice.objects.get(pk=solde.pk), date=day(YEAR, 6, 1))
    rows = _export(cabinet)
    assert _net(rows, PENDING) == D("0.00")
    assert (_net(rows, "4457120"), _net(rows, "4457110")) == (D("400.00"), D("100.00"))
    assert _net(rows, "419100") == D("0.00")
    # An avoir on the paid facture de solde takes its VAT back from 44571, where the solde's règlements put
    # it; the acompte's entries do not move.
    avoir = _credit(solde, "100.00", day(YEAR, 6, 10))
    rows = _export(cabinet)
    assert _vat_lines(rows, avoir.number) == [("4457120", "TVA collectée 20 %", "20,00", "0,00")]
    assert _net(rows, PENDING) == D("0.00")
    assert (_net(rows, "4457120"), _net(rows, "4457110")) == (D("380.00"), D("100.00"))
    assert _vat_lines(rows, acompte.number) == [
        (PENDING, "TVA en attente d'exigibilité 20 %", "0,00", "120,00"),
        (PENDING, "TVA en attente d'exigibilité 10 %", "0,00", "30,00"),
    ]
    assert _net(rows, "4457120", PieceRef=_reg(paid_acompte)) == D("120.00")
    assert _net(rows, "419100") == D("0.00")


def test_with_the_debits_option_vat_is_due_at_invoicing(cabinet):
    cabinet.vat_on_debits = True
    cabinet.save()
    invoice = _issue(
        cabinet, factories.make_client(cabinet), [_line("Bornage", "1000.00")], datetime.date(YEAR, 2, 1)
    )
    payment = factories.make_payment(invoice, date=datetime.date(YEAR, 3, 1))
    avoir = _credit(invoice, "500.00", datetime.date(YEAR, 3, 10))
    rows = _export(cabinet)
    assert _vat_lines(rows, invoice.number) == [("4457120", "TVA collectée 20 %", "0,00", "200,00")]
    assert {r["CompteNum"] for r in rows if r["PieceRef"] == _reg(payment)} == {"512000", "411000"}
    # The avoir takes back from 44571 all its VAT, due at invoicing whatever was paid.
    assert _vat_lines(rows, avoir.number) == [("4457120", "TVA collectée 20 %", "100,00", "0,00")]
    assert PENDING not in {r["CompteNum"] for r in rows}


def test_the_pending_vat_account_follows_the_cabinet_plan(year):
    AccountPlan.objects.create(cabinet=year["cabinet"], vat_pending="44574")
    rows = _export(year["cabinet"])
    assert _net(rows, "44574") == D("420.00") and PENDING not in {r["CompteNum"] for r in rows}


def test_vat_on_receipt_costs_the_same_queries_for_twice_the_reglements_and_avoirs(cabinet):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = factories.make_client(cabinet)

    def pay_invoices(month):
        """Three invoices issued in `month`, each partly paid, then credited by a small avoir that changes
        the VAT due (the sales journal's avoirs follow the same timeline as the règlements)."""
        lines = [_line("Bornage", "100.00"), _line("Plan", "10.00", "10.00")]
        invoices = [_issue(cabinet, client, lines, datetime.date(YEAR, month, day)) for day in (1, 2, 3)]
        for invoice in invoices:
            factories.make_payment(invoice, "50.00", date=datetime.date(YEAR, month, 10))
            avoir = services.create_credit_note(
                invoice=Invoice.objects.get(pk=invoice.pk), lines=[_line("Remise", "5.00")]
            )
            services.issue_invoice(invoice=avoir, today=datetime.date(YEAR, month, 11))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _export(cabinet)
        return len(captured)

    pay_invoices(2)
    few = queries()
    pay_invoices(4)
    assert queries() == few
    rows = _export(cabinet)
    assert len({r["PieceRef"] for r in rows if r["JournalCode"] == "VE" and r["CompteNum"] == "4457120"}) == 6


def test_reglements_move_vat_in_the_order_of_their_dates_across_exercices(cabinet):
    day = datetime.date
    invoice = _issue(cabinet, factories.make_client(cabinet), [_line("Bornage", "1000.00")], day(YEAR, 11, 2))
    later = factories.make_payment(invoice, "100.00", date=day(YEAR + 1, 1, 5))  # recorded first
    earlier = factories.make_payment(Invoice.objects.get(pk=invoice.pk), date=day(YEAR, 12, 20))
    this_year = _export(cabinet)
    next_year = _parse(b"".join(fec.encoded(cabinet, fec.FiscalYear.of(cabinet, YEAR + 1))))
    # 1 100,00 of 1 200,00 makes 183,33 due in the exercice it was received in, whenever it was recorded.
    assert _net(this_year, "4457120", PieceRef=_reg(earlier)) == D("183.33")
    assert _net(this_year, PENDING) == D("200.00") - D("183.33")
    assert _net(next_year, "4457120", PieceRef=_reg(later)) == D("16.67")
    assert _net(next_year, PENDING) == -D("16.67")  # the opening balance (à-nouveaux) is not in the file


def test_one_reglement_paying_two_invoices_moves_the_vat_of_both(cabinet):
    client = factories.make_client(cabinet)
    day = datetime.date(YEAR, 2, 1)
    bornage = _issue(cabinet, client, [_line("Bornage", "1000.00")], day)
    plan = _issue(cabinet, client, [_line("Plan", "500.00", "10.00")], day)
    payment = services.record_payment(
        cabinet=cabinet, client=client, date=datetime.date(YEAR, 3, 1), amount=D("1800.00"), mode="virement",
        allocations=[(bornage, D("1200.00")), (plan, D("550.00"))],
    )  # fmt: skip
    rows = _export(cabinet)
    assert [(a, d, c) for a, _, d, c in _vat_lines(rows, _reg(payment))] == [
        (PENDING, "200,00", "0,00"), ("4457120", "0,00", "200,00"),
        (PENDING, "50,00", "0,00"), ("4457110", "0,00", "50,00"),
    ]  # fmt: skip
    assert _net(rows, PENDING) == D("0.00")
