"""« Comptabilité > Export FEC » for admins and comptables, and Paramètres > Comptabilité for admins."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.models import AccountPlan
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db


def _download(client, year):
    return client.get(reverse("books:fec-download"), {"exercice": str(year)})


@pytest.mark.parametrize("role", ["admin", "comptable"])
def test_both_roles_open_the_page_and_download(request, client_as, cabinet, role):
    user = request.getfixturevalue(role)
    today = timezone.localdate()
    invoice = factories.make_invoice(cabinet, issued=True, today=today)
    page = client_as(user).get(reverse("books:index"))
    assert page.status_code == 200
    assert "Export FEC" in body(page) and f"Exercice {today.year}" in body(page)

    response = _download(client_as(user), today.year)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="812345676FEC{today.year}1231.txt"'
    assert response["Content-Type"] == "text/plain; charset=iso-8859-15"
    content = b"".join(response.streaming_content).decode("iso-8859-15")
    assert content.startswith("JournalCode|JournalLib|EcritureNum|")
    assert f"|{invoice.number}|" in content


def test_another_cabinets_documents_never_appear(client_as, cabinet, other_cabinet, stranger):
    today = timezone.localdate()
    mine = factories.make_invoice(cabinet, issued=True, today=today)
    theirs = factories.make_invoice(other_cabinet, issued=True, today=today)
    response = _download(client_as(stranger), today.year)
    content = b"".join(response.streaming_content).decode("iso-8859-15")
    assert response["Content-Disposition"].endswith(f'"798456125FEC{today.year}1231.txt"')
    assert theirs.client.nom in content and mine.client.nom not in content


@pytest.mark.parametrize("value", ["1999", "abc", "", "2026'"])
def test_an_exercice_outside_the_list_is_refused_in_french(client_as, comptable, value):
    response = client_as(comptable).get(reverse("books:fec-download"), {"exercice": value})
    assert response.status_code == 400
    assert "Choisissez un exercice" in body(response)


def test_missing_siret_sends_back_to_the_page_with_the_reason(client_as, comptable, cabinet):
    cabinet.siret = ""
    cabinet.save()
    response = _download(client_as(comptable), timezone.localdate().year)
    assert response.status_code == 302
    page = client_as(comptable).get(response["Location"])
    assert "Renseignez le SIRET du cabinet" in body(page)


def test_exercices_offered_follow_the_first_month(client_as, admin, cabinet):
    cabinet.fiscal_year_start_month = 7
    cabinet.save()
    factories.make_invoice(cabinet, issued=True, today=timezone.localdate())
    text = body(client_as(admin).get(reverse("books:index")))
    fy_year = timezone.localdate().year + (1 if timezone.localdate().month >= 7 else 0)
    assert f"Exercice {fy_year} (du 01/07/{fy_year - 1} au 30/06/{fy_year})" in text


def test_nothing_is_cached_by_a_shared_proxy(client_as, comptable):
    response = _download(client_as(comptable), timezone.localdate().year)
    assert response["Cache-Control"] == "private, no-store"


# Paramètres > Comptabilité ------------------------------------------------------------------------


def _plan(**overrides):
    data = {f.name: f.default for f in AccountPlan._meta.fields if f.name not in ("id", "cabinet")}
    data.update(overrides)
    return data


def test_admin_saves_the_plan_as_typed_with_spaces(client_as, admin, cabinet):
    response = client_as(admin).post(
        reverse("settings:accounts"), _plan(sales_20=" 706 000 ", sales_journal_code="vt")
    )
    assert response.status_code == 302
    plan = AccountPlan.objects.get(cabinet=cabinet)
    assert (plan.sales_20, plan.sales_journal_code, plan.bank) == ("706000", "VT", "512000")


def test_admin_sets_the_account_of_pending_vat_and_the_page_shows_it(client_as, admin, cabinet):
    form = body(client_as(admin).get(reverse("settings:accounts")))
    assert "TVA collectée en attente d'exigibilité" in form and 'value="445740"' in form
    response = client_as(admin).post(reverse("settings:accounts"), _plan(vat_pending="4457 4"))
    assert response.status_code == 302
    assert AccountPlan.objects.get(cabinet=cabinet).vat_pending == "44574"
    assert "en attente d'exigibilité (TVA sur les encaissements) : 44574" in body(
        client_as(admin).get(reverse("books:index"))
    )


def test_a_bad_account_is_refused_in_french_and_the_input_kept(client_as, admin, cabinet):
    response = client_as(admin).post(reverse("settings:accounts"), _plan(bank="512-BNP", clients=""))
    text = body(response)
    assert response.status_code == 200
    assert "Un numéro de compte s'écrit en chiffres et lettres majuscules" in text
    assert "est obligatoire" in text
    assert 'value="512-BNP"' in text
    assert not AccountPlan.objects.filter(cabinet=cabinet).exists()


def test_comptable_gets_403_on_the_plan(client_as, comptable):
    response = client_as(comptable).get(reverse("settings:accounts"))
    assert response.status_code == 403


def test_identity_form_sets_the_first_month_of_the_exercice(client_as, admin, cabinet):
    from tests.geoprod.test_settings_pages import _identity

    response = client_as(admin).post(
        reverse("settings:cabinet"), _identity(cabinet, fiscal_year_start_month="10")
    )
    assert response.status_code == 302
    cabinet.refresh_from_db()
    assert cabinet.fiscal_year_start_month == 10
    client_as(admin).post(reverse("settings:cabinet"), _identity(cabinet))
    cabinet.refresh_from_db()
    assert cabinet.fiscal_year_start_month == 10  # a post without the field keeps it


def test_fiscal_years_go_back_to_the_first_document(cabinet):
    from invoices.books import fec

    factories.make_invoice(cabinet, issued=True, today=datetime.date(2024, 3, 1))
    years = [fy.year for fy in fec.fiscal_years(cabinet)]
    assert years == list(range(timezone.localdate().year, 2023, -1))
