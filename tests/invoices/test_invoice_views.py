"""Invoice pages: roles, bad input shown next to the field with nothing lost, issue and immutability in the UI."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices.models import Invoice, InvoiceKind
from tests import factories


def line_data(designation="Bornage amiable", quantity="1", price="1300,00", rate="20.00", **extra):
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-designation": designation,
        "lines-0-quantity": quantity,
        "lines-0-unit": "forfait",
        "lines-0-unit_price": price,
        "lines-0-vat_rate": rate,
    }
    data.update(extra)
    return data


def header(client, **extra):
    data = {
        "client": client.pk,
        "objet": "Bornage parcelle AB 12",
        "payment_terms_days": "30",
        "vat_regime": "encaissements",
        "footer_text": "Merci.",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("role", ["admin", "comptable"])
def test_both_roles_can_list_and_create_invoices(role, request, cabinet, client_as):
    user = request.getfixturevalue(role)
    http = client_as(user)
    customer = factories.make_client(cabinet)
    assert http.get("/factures/").status_code == 200
    response = http.post("/factures/nouvelle/", {**header(customer), **line_data()})
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/factures/{invoice.pk}/"
    assert invoice.total_ttc == 1560 and invoice.is_draft
    new = http.get("/factures/nouvelle/").content.decode()
    assert "Nouvelle facture" in new and '<a class="btn secondary" href="/factures/">Annuler</a>' in new
    edit = http.get(f"/factures/{invoice.pk}/modifier/").content.decode()
    assert "Enregistrer le brouillon" in edit and f'href="/factures/{invoice.pk}/">Annuler</a>' in edit


def test_a_user_without_cabinet_gets_403(db, client_as):
    assert client_as(factories.make_user(None)).get("/factures/").status_code == 403


@pytest.mark.parametrize(
    ("lines", "extra", "message"),
    [
        (line_data(quantity="-2"), {}, "La quantité doit être positive"),
        (line_data(rate="19.60"), {}, "Taux de TVA inconnu"),
        (
            line_data(rate="20.00"),
            {"vat_regime": "exoneration"},
            "Choisissez le motif d&#x27;exonération",
        ),
        (
            line_data(rate="20.00"),
            {"vat_regime": "exoneration", "exemption_code": "261-D"},
            "toutes les lignes doivent être à 0 %",
        ),
        (line_data(rate="0.00"), {}, "Une ligne à 0 % doit avoir sa raison légale"),
    ],
)
def test_bad_input_gives_a_french_error_and_keeps_what_was_typed(
    lines, extra, message, cabinet, client_as, comptable
):
    customer = factories.make_client(cabinet)
    response = client_as(comptable).post("/factures/nouvelle/", {**header(customer, **extra), **lines})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Bornage parcelle AB 12" in page and "Bornage amiable" in page
    assert not Invoice.objects.exists()


def test_issue_then_the_ui_hides_edits_and_refuses_them(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet)
    http = client_as(comptable)
    assert "Valider" in http.get(f"/factures/{invoice.pk}/").content.decode()
    http.post(f"/factures/{invoice.pk}/valider/")
    invoice.refresh_from_db()
    assert invoice.number
    page = http.get(f"/factures/{invoice.pk}/").content.decode()
    assert f"/factures/{invoice.pk}/modifier/" not in page
    assert f"/factures/{invoice.pk}/valider/" not in page
    assert f"/factures/{invoice.pk}/supprimer/" not in page
    assert "Dupliquer" in page and "Créer un avoir" in page
    response = http.post(
        f"/factures/{invoice.pk}/modifier/",
        {**header(invoice.client, objet="Changé"), **line_data(price="1")},
    )
    assert response.status_code == 302
    http.post(f"/factures/{invoice.pk}/supprimer/")
    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.objet != "Changé" and stored.total_ht == 1300


def test_issued_pdf_is_the_stored_file(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet, issued=True)
    response = client_as(comptable).get(f"/factures/{invoice.pk}/pdf/")
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == invoice.pdf_sha256


def test_draft_pdf_preview_renders(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet)
    response = client_as(comptable).get(f"/factures/{invoice.pk}/pdf/")
    assert response.content.startswith(b"%PDF")


def test_duplicate_and_avoir_buttons(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet, issued=True)
    http = client_as(comptable)
    http.post(f"/factures/{invoice.pk}/dupliquer/")
    http.post(f"/factures/{invoice.pk}/avoir/")
    assert Invoice.objects.filter(status="brouillon", kind=InvoiceKind.FACTURE).count() == 1
    avoir = Invoice.objects.get(kind=InvoiceKind.AVOIR)
    assert avoir.origin == invoice and avoir.is_draft


def test_avoir_above_the_original_is_shown_next_to_the_lines(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet, issued=True)
    http = client_as(comptable)
    http.post(f"/factures/{invoice.pk}/avoir/")
    avoir = Invoice.objects.get(kind=InvoiceKind.AVOIR)
    data = {
        **header(invoice.client, payment_terms_days="0"),
        **line_data(designation="Remise", price="2000,00"),
    }
    page = http.post(f"/factures/{avoir.pk}/modifier/", data).content.decode()
    assert "dépasse ce qui reste à créditer" in page and "2000,00" in page


def test_payment_above_due_is_refused_next_to_the_allocation(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet, issued=True)
    http = client_as(comptable)
    data = {
        "client": invoice.client_id,
        "date": "2026-10-01",
        "amount": "1600,00",
        "mode": "cheque",
        "reference": "Chq 123",
        f"alloc_{invoice.pk}": "1600,00",
    }
    response = http.post("/factures/reglements/nouveau/", data)
    page = response.content.decode()
    assert response.status_code == 200 and "dépasse le reste dû" in page and "Chq 123" in page
    data.update(amount="1560,00", **{f"alloc_{invoice.pk}": "1560,00"})
    assert http.post("/factures/reglements/nouveau/", data).status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "payee"


def test_relancer_payeur_on_an_overdue_invoice(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet, issued=True, today=datetime.date(2025, 1, 10))
    http = client_as(comptable)
    assert "Relancer payeur" in http.get(f"/factures/{invoice.pk}/").content.decode()
    http.post(f"/factures/{invoice.pk}/relancer/", {"level": "2"})
    reminder = invoice.reminders.get()
    assert reminder.level == 2
    assert http.get(f"/factures/{invoice.pk}/relances/{reminder.pk}/pdf/").status_code == 200
    assert "Nb relance : 1" in http.get(f"/factures/{invoice.pk}/").content.decode()


def _list_queries(http, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_a_constant_number_of_queries(cabinet, client_as, comptable, django_assert_num_queries):
    http = client_as(comptable)
    family = factories.make_family(cabinet, "Topographie")
    factories.make_invoice(
        cabinet, dossier=factories.make_dossier(cabinet, famille=family, responsable=comptable), issued=True
    )
    few = _list_queries(http, "/factures/")
    for i in range(30):
        customer = factories.make_client(cabinet, responsable=comptable)
        dossier = factories.make_dossier(cabinet, client=customer, famille=family, responsable=comptable)
        invoice = factories.make_invoice(cabinet, dossier=dossier)
        Invoice.objects.filter(pk=invoice.pk).update(
            status="emise", number=f"X-{i}", issue_date="2026-01-01", reminder_count=i
        )
    with django_assert_num_queries(few):
        page = http.get("/factures/").content.decode()
    assert page.count('<tr id="facture-') == 25 and "Page 1 sur 2" in page
    assert _list_queries(http, "/factures/?status=emise&page=2") == few


def test_list_filters(cabinet, client_as, comptable):
    customer = factories.make_client(cabinet, nom="Mairie de Blagnac")
    late = factories.make_invoice(cabinet, client=customer, issued=True, today=datetime.date(2025, 1, 10))
    recent = factories.make_invoice(cabinet, issued=True)
    draft = factories.make_invoice(cabinet)
    http = client_as(comptable)

    def ids(query):
        page = http.get("/factures/?" + query).content.decode()
        return {pk for pk in (late.pk, recent.pk, draft.pk) if f'id="facture-{pk}"' in page}

    assert ids("") == {late.pk, recent.pk, draft.pk}
    assert ids("overdue=on") == {late.pk}
    assert ids("status=brouillon") == {draft.pk}
    assert ids(f"client={customer.pk}") == {late.pk}
    assert ids("start=2025-01-01&end=2025-12-31") == {late.pk}


def test_a_debours_line_is_ticked_in_the_form_and_kept_on_edit(cabinet, client_as, comptable):
    customer = factories.make_client(cabinet)
    lines = line_data(
        designation="Frais d'hypothèques", price="35,50", rate="0.00", **{"lines-0-debours": "on"}
    )
    response = client_as(comptable).post("/factures/nouvelle/", {**header(customer), **lines})
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and invoice.lines.get().debours
    edit = client_as(comptable).get(f"/factures/{invoice.pk}/modifier/").content.decode()
    assert re.search(r'<input type="checkbox" name="lines-0-debours"[^>]* checked', edit)


def test_the_regime_list_follows_the_cabinet(cabinet, client_as, comptable):
    page = client_as(comptable).get("/factures/nouvelle/").content.decode()
    assert 'value="autoliquidation"' in page and 'value="franchise"' not in page
    cabinet.vat_franchise, cabinet.tva_intracom = True, ""
    cabinet.save()
    page = client_as(comptable).get("/factures/nouvelle/").content.decode()
    assert 'value="franchise" selected' in page and 'value="encaissements"' not in page
