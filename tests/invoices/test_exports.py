"""« Exporter CSV / XLSX » of every list: the filtered rows, French CSV, typed XLSX, the cabinet's rows only."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invoices import services
from invoices.books import ageing
from invoices.models import Invoice
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
D = Decimal


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def export(browser, name, fmt, **params):
    return browser.get(reverse(name, args=[fmt]), params)


@pytest.fixture
def issued(cabinet):
    day = timezone.localdate() - datetime.timedelta(days=10)
    client = factories.make_client(cabinet, nom="SCI Les Tilleuls")
    return factories.make_invoice(
        cabinet,
        client=client,
        issued=True,
        today=day,
        lines=[("Relevé topographique", "2", "650.50", "20.00")],
    )


# Factures -----------------------------------------------------------------------------------------


def test_invoice_csv_is_french(client_as, comptable, issued):
    rows = read_csv(export(client_as(comptable), "invoices:invoice-export", "csv"))
    header, line = rows[0], rows[1]
    assert header[:5] == ["Numéro", "Type", "Date", "Échéance", "Client"]
    record = dict(zip(header, line, strict=True))
    assert record["Numéro"] == issued.number
    assert record["Date"] == f"{issued.issue_date:%d/%m/%Y}"
    assert record["Client"] == "SCI Les Tilleuls"
    assert (record["Total HT"], record["TVA"], record["Total TTC"]) == ("1301,00", "260,20", "1561,20")
    assert record["Reste dû"] == "1561,20" and record["Statut"] == "Émise"


def test_invoice_export_follows_the_lists_filters(client_as, comptable, cabinet, issued):
    draft = factories.make_invoice(cabinet, objet="Brouillon à exporter")
    response = export(client_as(comptable), "invoices:invoice-export", "csv", status="brouillon")
    rows = read_csv(response)
    assert [r[6] for r in rows[1:]] == [draft.objet]
    only_client = read_csv(
        export(client_as(comptable), "invoices:invoice-export", "csv", client=str(issued.client_id))
    )
    assert [r[0] for r in only_client[1:]] == [issued.number]


def test_invoice_xlsx_has_numbers_dates_and_a_bold_header(client_as, comptable, issued):
    ws = read_xlsx(export(client_as(comptable), "invoices:invoice-export", "xlsx"))["Factures"]
    header = [c.value for c in ws[1]]
    assert header[0] == "Numéro" and all(c.font.bold for c in ws[1])
    row = dict(zip(header, ws[2], strict=True))
    assert row["Total TTC"].value == pytest.approx(1561.20)
    assert "€" in row["Total TTC"].number_format
    assert row["Date"].value == datetime.datetime.combine(issued.issue_date, datetime.time())
    assert row["Date"].number_format == "DD/MM/YYYY"
    assert ws.column_dimensions["E"].width == 32
    assert ws.freeze_panes == "A2"


def test_only_the_cabinets_rows_are_exported(client_as, stranger, issued, other_cabinet):
    theirs = factories.make_invoice(other_cabinet, objet="Chez le voisin")
    rows = read_csv(export(client_as(stranger), "invoices:invoice-export", "csv"))
    assert [r[6] for r in rows[1:]] == [theirs.objet]
    ws = read_xlsx(export(client_as(stranger), "invoices:invoice-export", "xlsx"))["Factures"]
    assert ws.max_row == 2


def test_unknown_format_is_not_found(client_as, comptable):
    assert export(client_as(comptable), "invoices:invoice-export", "pdf").status_code == 404


def test_invoice_export_queries_do_not_grow_with_rows(client_as, comptable, cabinet):
    client = client_as(comptable)
    factories.make_invoice(cabinet)

    def count(fmt):
        with CaptureQueriesContext(connection) as ctx:
            response = export(client, "invoices:invoice-export", fmt)
            b"".join(response.streaming_content)
        return len(ctx)

    few = {fmt: count(fmt) for fmt in ("csv", "xlsx")}
    for _ in range(4):
        factories.make_invoice(cabinet, dossier=factories.make_dossier(cabinet))
    assert {fmt: count(fmt) for fmt in ("csv", "xlsx")} == few


def test_a_formula_typed_as_a_name_stays_text(client_as, comptable, cabinet):
    factories.make_invoice(cabinet, client=factories.make_client(cabinet, nom="=HYPERLINK(1)"))
    rows = read_csv(export(client_as(comptable), "invoices:invoice-export", "csv"))
    assert rows[1][4] == "'=HYPERLINK(1)"
    ws = read_xlsx(export(client_as(comptable), "invoices:invoice-export", "xlsx"))["Factures"]
    assert ws["E2"].value == "=HYPERLINK(1)" and ws["E2"].data_type == "s"


def test_list_page_links_keep_its_filters(client_as, comptable):
    text = body(client_as(comptable).get(reverse("invoices:invoice-list"), {"status": "emise", "page": "1"}))
    assert f'href="{reverse("invoices:invoice-export", args=["csv"])}?status=emise"' in text
    assert f'href="{reverse("invoices:invoice-export", args=["xlsx"])}?status=emise"' in text


# Devis, règlements --------------------------------------------------------------------------------


def test_quote_export(client_as, comptable, cabinet, other_cabinet):
    quote = factories.make_quote(cabinet, objet="Division parcellaire")
    factories.make_quote(other_cabinet, objet="Pas chez nous")
    rows = read_csv(export(client_as(comptable), "invoices:quote-export", "csv"))
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Numéro"] == quote.number and record["Objet"] == "Division parcellaire"
    assert record["Total HT"] == "1300,00" and record["Statut"] == "En attente"
    assert record["Valable jusqu'au"] == f"{quote.valid_until:%d/%m/%Y}"
    ws = read_xlsx(export(client_as(comptable), "invoices:quote-export", "xlsx"))["Devis"]
    assert ws["I2"].value == pytest.approx(1300.0)
    assert "Devis" in body(client_as(comptable).get(reverse("invoices:quote-list")))


def test_payment_export_names_the_invoices_and_the_reversal(client_as, comptable, issued, cabinet):
    payment = factories.make_payment(issued, D("500.00"), mode="cheque")
    services.reverse_payment(payment=payment, date=timezone.localdate())
    rows = read_csv(export(client_as(comptable), "invoices:payment-export", "csv"))
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert sorted(r["Montant"] for r in records) == ["-500,00", "500,00"]
    assert {r["Factures réglées"] for r in records} == {issued.number}
    assert any(r["Contre-passation"].startswith("Annule le règlement du") for r in records)
    assert {r["Mode"] for r in records} == {"Chèque"}
    ws = read_xlsx(export(client_as(comptable), "invoices:payment-export", "xlsx"))["Règlements"]
    assert sorted(ws.cell(row=r, column=5).value for r in (2, 3)) == [-500.0, 500.0]


def test_payment_export_queries_do_not_grow_with_rows(client_as, comptable, issued):
    client = client_as(comptable)
    factories.make_payment(issued, D("10.00"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            b"".join(export(client, "invoices:payment-export", "csv").streaming_content)
        return len(ctx)

    few = count()
    for _ in range(4):
        factories.make_payment(Invoice.objects.get(pk=issued.pk), D("10.00"))
    assert count() == few


# Balance âgée -------------------------------------------------------------------------------------


@pytest.fixture
def late(cabinet):
    """Four unpaid invoices of two clients, one per age, plus a paid one and an avoir (never owed)."""
    today = timezone.localdate()
    alpha = factories.make_client(cabinet, nom="Alpha")
    beta = factories.make_client(cabinet, nom="Beta")
    made = {}
    for days, client in ((130, alpha), (80, beta), (45, alpha), (10, alpha)):
        made[days] = factories.make_invoice(
            cabinet, client=client, issued=True, today=today - datetime.timedelta(days=days)
        )
    paid = factories.make_invoice(cabinet, client=beta, issued=True, today=today)
    factories.make_payment(paid)
    return made


def test_buckets_by_days_past_due():
    assert [ageing.bucket_of(d).label for d in (-3, 0, 1, 30, 31, 60, 61, 90, 91)] == [
        "Non échu", "Non échu", "0–30 jours", "0–30 jours", "31–60 jours", "31–60 jours",
        "61–90 jours", "61–90 jours", "> 90 jours",
    ]  # fmt: skip


def test_ageing_per_invoice(client_as, comptable, late):
    rows = read_csv(export(client_as(comptable), "books:ageing-export", "csv", par="facture"))
    header = rows[0]
    assert header[-5:] == ["Non échu", "0–30 jours", "31–60 jours", "61–90 jours", "> 90 jours"]
    records = {r[1]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(records) == {inv.number for inv in late.values()}
    today = timezone.localdate()
    for invoice in late.values():
        record = records[invoice.number]
        days = (today - invoice.due_date).days
        bucket = ageing.bucket_of(days).label
        assert record[bucket] == record["Reste dû"] == "1560,00"
        assert [k for k in header[-5:] if record[k]] == [bucket]
        assert record["Jours de retard"] == str(max(days, 0))


def test_ageing_per_client_sums_the_buckets(client_as, comptable, late):
    rows = read_csv(export(client_as(comptable), "books:ageing-export", "csv", par="client"))
    records = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(records) == {"Alpha", "Beta"}
    alpha = records["Alpha"]
    assert alpha["Reste dû"] == "4680,00"
    assert sum(D(alpha[b.label].replace(",", ".")) for b in ageing.BUCKETS) == D("4680.00")
    assert records["Beta"]["Reste dû"] == "1560,00"


def test_ageing_xlsx_has_both_sheets_and_only_the_cabinets_debts(client_as, comptable, stranger, late):
    wb = read_xlsx(export(client_as(comptable), "books:ageing-export", "xlsx"))
    assert wb.sheetnames == ["Par client", "Par facture"]
    assert wb["Par client"]["B2"].value == pytest.approx(4680.0)
    assert wb["Par facture"].max_row == 5
    theirs = read_xlsx(export(client_as(stranger), "books:ageing-export", "xlsx"))
    assert theirs["Par client"].max_row == theirs["Par facture"].max_row == 1
