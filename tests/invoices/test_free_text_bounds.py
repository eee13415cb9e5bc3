"""Every free text of a document has a maximum length (and, when it is printed, a maximum number of lines): a
French message next to the field, what was typed kept, nothing saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from geoprod import limits
from invoices import services
from invoices.errors import InvoicingError
from invoices.models import Invoice, Quote
from tests import factories
from tests.invoices.test_invoice_views import header, line_data
from tests.utils import body

pytestmark = pytest.mark.django_db


def _lines(count: int, designation: str = "Relevé topographique") -> dict:
    data = {"lines-TOTAL_FORMS": str(count), "lines-INITIAL_FORMS": "0"}
    for i in range(count):
        data |= {
            f"lines-{i}-designation": designation,
            f"lines-{i}-quantity": "1",
            f"lines-{i}-unit": "forfait",
            f"lines-{i}-unit_price": "10",
            f"lines-{i}-vat_rate": "20.00",
        }
    return data


@pytest.mark.parametrize(
    ("footer", "message"),
    [
        ("x" * (limits.FOOTER_MAX_CHARS + 1), f"au plus {limits.FOOTER_MAX_CHARS} caractères"),
        ("ligne\n" * (limits.FOOTER_MAX_LINES + 1), f"{limits.FOOTER_MAX_LINES} au plus"),
    ],
    ids=["characters", "lines"],
)
def test_invoice_footer_is_bounded(client_as, comptable, cabinet, footer, message):
    customer = factories.make_client(cabinet)
    response = client_as(comptable).post(
        "/factures/nouvelle/", {**header(customer, footer_text=footer), **line_data()}
    )
    assert response.status_code == 200
    text = body(response)
    assert message in text and "Bornage amiable" in text
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("url", ["/factures/nouvelle/", "/parametres/pieces/"])
def test_the_footer_limits_are_said_next_to_the_field(client_as, admin, url):
    assert limits.FOOTER_HELP in body(client_as(admin).get(url))


def test_invoice_footer_at_the_limit_is_accepted(client_as, comptable, cabinet):
    customer = factories.make_client(cabinet)
    footer = "\n".join(["x" * 50] * limits.FOOTER_MAX_LINES)
    response = client_as(comptable).post(
        "/factures/nouvelle/", {**header(customer, footer_text=footer), **line_data()}
    )
    assert response.status_code == 302
    assert Invoice.objects.get().footer_text.count("x") == 50 * limits.FOOTER_MAX_LINES


def test_cabinet_footer_is_bounded(client_as, admin, cabinet):
    data = {
        "invoice_prefix": "F",
        "invoice_footer": "é" * (limits.FOOTER_MAX_CHARS + 1),
        "payment_terms_days": "30",
        "late_penalty_rate": "12.15",
    }
    response = client_as(admin).post(reverse("settings:pieces"), data)
    assert response.status_code == 200
    assert f"au plus {limits.FOOTER_MAX_CHARS} caractères" in body(response)
    cabinet.refresh_from_db()
    assert len(cabinet.invoice_footer) < limits.FOOTER_MAX_CHARS


@pytest.mark.parametrize(
    ("designation", "message"),
    [
        ("x" * (limits.DESIGNATION_MAX_CHARS + 1), f"au plus {limits.DESIGNATION_MAX_CHARS} caractères"),
        ("a\n" * (limits.DESIGNATION_MAX_LINES + 1), f"{limits.DESIGNATION_MAX_LINES} au plus"),
    ],
    ids=["characters", "lines"],
)
@pytest.mark.parametrize("url", ["/factures/nouvelle/", "/factures/devis/nouveau/"])
def test_line_designation_is_bounded(client_as, comptable, cabinet, url, designation, message):
    customer = factories.make_client(cabinet)
    data = {**header(customer, date="2026-12-01", validity_days="30"), **line_data(designation=designation)}
    response = client_as(comptable).post(url, data)
    assert response.status_code == 200
    assert message in body(response)
    assert not Invoice.objects.exists() and not Quote.objects.exists()


def test_a_document_has_at_most_so_many_lines(client_as, comptable, cabinet):
    customer = factories.make_client(cabinet)
    http = client_as(comptable)
    response = http.post("/factures/nouvelle/", {**header(customer), **_lines(limits.DOCUMENT_MAX_LINES + 1)})
    assert response.status_code == 200
    assert f"Une pièce compte au plus {limits.DOCUMENT_MAX_LINES} lignes." in body(response)
    assert not Invoice.objects.exists()
    response = http.post("/factures/nouvelle/", {**header(customer), **_lines(limits.DOCUMENT_MAX_LINES)})
    assert response.status_code == 302
    assert Invoice.objects.get().lines.count() == limits.DOCUMENT_MAX_LINES


def test_a_forged_form_count_is_not_worked_through(client_as, comptable, cabinet):
    customer = factories.make_client(cabinet)
    data = {**header(customer), **_lines(1), "lines-TOTAL_FORMS": "1000000"}
    response = client_as(comptable).post("/factures/nouvelle/", data)
    assert response.status_code == 200
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    "lines",
    [
        [services.LineInput("Bornage", Decimal("10"))] * (limits.DOCUMENT_MAX_LINES + 1),
        [services.LineInput("x" * (limits.DESIGNATION_MAX_CHARS + 1), Decimal("10"))],
        [services.LineInput("a\n" * (limits.DESIGNATION_MAX_LINES + 1), Decimal("10"))],
    ],
    ids=["too-many-lines", "long-designation", "tall-designation"],
)
def test_the_service_refuses_what_the_form_refuses(cabinet, lines):
    with pytest.raises(InvoicingError) as e:
        services.create_invoice(cabinet=cabinet, client=factories.make_client(cabinet), lines=lines)
    assert e.value.field == "lines"
    assert not Invoice.objects.exists()
