"""« Rapprochement bancaire » pages: import (CAMT.053, CSV with its columns step), bad input in French,
accept / change / ignore, tenancy and queries."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geoprod import limits
from invoices.models import BankAccount, BankLine, BankStatement, InvoiceStatus, LineStatus, Payment
from tests import factories
from tests.bank_samples import FRENCH_CSV_MAPPING, Entry, camt053, csv_bank

URL = "/factures/rapprochement/"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post_file(http, data: bytes, name="releve.xml", **extra):
    return http.post(
        f"{URL}importer/", {"file": upload(name, data), "account": "", "new_account": "", **extra}
    )


def test_import_a_camt053_and_accept_a_proposal(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet, issued=True)
    http = client_as(comptable)
    assert "Importer le relevé" in http.get(URL).content.decode()
    response = post_file(http, camt053([Entry("1560.00", f"VIR FACTURE {invoice.number}")]))
    statement = BankStatement.objects.get()
    assert response["Location"] == f"{URL}{statement.pk}/"
    page = http.get(response["Location"]).content.decode()
    assert invoice.number in page and "Haute" in page and "1\xa0560,00\xa0€" in page
    assert "Relevé importé : 1 ligne(s) au crédit importée(s)" in page
    line = BankLine.objects.get()
    http.post(f"{URL}lignes/{line.pk}/accepter/")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_accept_all_high_confidence_proposals(cabinet, client_as, comptable):
    a = factories.make_invoice(cabinet, issued=True)
    b = factories.make_invoice(cabinet, issued=True)
    statement = factories.make_statement(cabinet, [a, b])
    client_as(comptable).post(f"{URL}{statement.pk}/accepter/", {"confiance": "haute"})
    assert BankLine.objects.filter(status=LineStatus.ACCEPTED).count() == 2
    assert Payment.objects.count() == 2


def test_change_the_invoices_of_a_line(cabinet, client_as, comptable):
    client = factories.make_client(cabinet)
    a = factories.make_invoice(cabinet, client=client, issued=True)
    b = factories.make_invoice(cabinet, client=client, issued=True)
    statement = factories.make_statement(cabinet, [a])
    line = statement.lines.get()
    http = client_as(comptable)
    page = http.get(f"{URL}lignes/{line.pk}/").content.decode()
    assert f'value="{a.pk}" id="inv-{a.pk}" checked' in page and f'value="{b.pk}" id="inv-{b.pk}">' in page
    http.post(f"{URL}lignes/{line.pk}/", {"client": client.pk, "invoices": [b.pk]})
    b.refresh_from_db()
    a.refresh_from_db()
    assert b.status == InvoiceStatus.PAID and a.status == InvoiceStatus.ISSUED


def test_ignore_a_line(cabinet, client_as, comptable):
    statement = factories.make_statement(cabinet, [factories.make_invoice(cabinet, issued=True)])
    line = statement.lines.get()
    client_as(comptable).post(f"{URL}lignes/{line.pk}/ignorer/")
    line.refresh_from_db()
    assert line.status == LineStatus.IGNORED and not Payment.objects.exists()


def test_csv_goes_through_the_columns_step_and_the_mapping_is_remembered(cabinet, client_as, comptable):
    account = BankAccount.objects.create(cabinet=cabinet, label="Banque Populaire")
    http = client_as(comptable)
    data = csv_bank([Entry("100", "VIR X", ref="A1")])
    page = http.post(f"{URL}importer/", {"file": upload("r.csv", data), "account": account.pk})
    text = page.content.decode()
    assert page.status_code == 200 and "Colonnes du relevé CSV" in text and "Date opération" in text
    mapping = {k: v for k, v in FRENCH_CSV_MAPPING.items() if v}
    posted = {
        **mapping,
        "decimal_comma": "on",
        "content": base64.b64encode(data).decode(),
        "filename": "r.csv",
    }
    response = http.post(f"{URL}colonnes/", {**posted, "account": account.pk})
    assert response.status_code == 302 and BankLine.objects.count() == 1
    account.refresh_from_db()
    assert account.csv_mapping["date"] == "Date opération"
    response = http.post(
        f"{URL}importer/", {"file": upload("r2.csv", csv_bank([Entry("7", "Y")])), "account": account.pk}
    )
    assert response.status_code == 302 and BankLine.objects.count() == 2


def test_wrong_columns_keep_the_mapping_and_say_why(cabinet, client_as, comptable):
    account = BankAccount.objects.create(cabinet=cabinet, label="LCL")
    data = csv_bank([Entry("100", "VIR X")])
    posted = {
        "separator": ";",
        "decimal_comma": "on",
        "date": "Libellé",
        "label": "Date opération",
        "credit": "Crédit",
        "content": base64.b64encode(data).decode(),
        "filename": "r.csv",
        "account": account.pk,
    }
    page = client_as(comptable).post(f"{URL}colonnes/", posted).content.decode()
    assert "Ligne 2 : date « VIR X » illisible" in page
    assert '<option value="Libellé" selected>' in page
    assert not BankStatement.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<Document><pas-fini", "r.xml", "n&#x27;est pas un XML valide"),
        (camt053([Entry("10", "x", currency="CHF")]), "r.xml", "Devise non prise en charge (CHF)"),
        (b"bonjour\n", "r.csv", "pas de colonnes reconnaissables"),
        (b"", "r.xml", "Le fichier soumis est vide"),
    ],
)
def test_bad_files_get_a_french_message_never_a_500(cabinet, client_as, comptable, data, name, message):
    BankAccount.objects.create(cabinet=cabinet, label="Compte")
    response = client_as(comptable).post(
        f"{URL}importer/", {"file": upload(name, data), "account": "", "new_account": "Compte"}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not BankStatement.objects.exists()


def test_the_same_statement_twice_is_refused(cabinet, client_as, comptable):
    http = client_as(comptable)
    data = camt053([Entry("10", "x")])
    post_file(http, data)
    page = post_file(http, data).content.decode()
    assert "Ce relevé a déjà été importé le" in page and BankStatement.objects.count() == 1


def test_a_too_big_file_is_refused(cabinet, client_as, comptable, monkeypatch):
    monkeypatch.setattr(limits, "BANK_STATEMENT_MAX_BYTES", 1000)
    page = post_file(client_as(comptable), camt053([Entry("10", "x")] * 5)).content.decode()
    assert "Le relevé ne doit pas dépasser" in page and not BankStatement.objects.exists()


def test_a_tampered_columns_form_is_not_a_500(cabinet, client_as, comptable):
    account = BankAccount.objects.create(cabinet=cabinet, label="LCL")
    http = client_as(comptable)
    response = http.post(f"{URL}colonnes/", {"account": account.pk, "content": "%%%"})
    assert response.status_code == 302
    assert http.post(f"{URL}colonnes/", {"account": "abc"}).status_code == 404


def test_another_cabinets_statement_lines_and_accounts_give_404(cabinet, other_cabinet, client_as, comptable):
    foreign = factories.make_statement(other_cabinet, [factories.make_invoice(other_cabinet, issued=True)])
    line = foreign.lines.get()
    http = client_as(comptable)
    assert http.get(f"{URL}{foreign.pk}/").status_code == 404
    assert http.post(f"{URL}{foreign.pk}/accepter/").status_code == 404
    for action in ("", "accepter/", "ignorer/"):
        assert http.post(f"{URL}lignes/{line.pk}/{action}").status_code == 404
    assert http.post(f"{URL}colonnes/", {"account": foreign.account_id, "content": ""}).status_code == 404
    page = post_file(http, camt053([Entry("5", "x")]), account=foreign.account_id)
    assert page.status_code == 200 and not BankStatement.objects.filter(cabinet=cabinet).exists()
    line.refresh_from_db()
    assert line.status == LineStatus.PENDING


def test_a_user_without_cabinet_is_refused_and_anonymous_sent_to_login(client, db):
    assert client.get(URL).status_code == 302
    client.force_login(factories.make_user(None, username="orphan"))
    assert client.get(URL).status_code == 403


def test_lists_do_not_grow_in_queries_with_rows(cabinet, client_as, comptable):
    http = client_as(comptable)
    invoices = [factories.make_invoice(cabinet, issued=True) for _ in range(4)]
    first = factories.make_statement(cabinet, invoices[:1], label="A")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(url).status_code == 200
        return len(ctx.captured_queries)

    list_before, detail_small = count(URL), count(f"{URL}{first.pk}/")
    big = factories.make_statement(cabinet, invoices[1:], label="B")
    assert count(URL) == list_before
    assert count(f"{URL}{big.pk}/") == detail_small


def test_a_remembered_mapping_that_no_longer_reads_the_file_reopens_the_columns_step(
    cabinet, client_as, comptable
):
    account = BankAccount.objects.create(cabinet=cabinet, label="LCL", csv_mapping=FRENCH_CSV_MAPPING)
    data = csv_bank([Entry("100", "VIR X")]).replace(b"01/10/2026", b"2026.10.01")
    page = client_as(comptable).post(
        f"{URL}importer/", {"file": upload("r.csv", data), "account": account.pk}
    )
    text = page.content.decode()
    assert "Colonnes du relevé CSV" in text and "Ligne 2 : date « 2026.10.01 » illisible" in text
    assert '<option value="Date opération" selected>' in text
