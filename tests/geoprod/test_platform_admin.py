"""The Django admin belongs to the platform: cabinet admins cannot open it (so never see another cabinet's
rows there), and even the platform sees issued invoices, lines, counters, règlements, relances, the register
and the journal read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from geoprod.models import Counter, Membership, Role
from invoices import numbering
from invoices.models import DocumentEvent, LedgerEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(client):
    user = get_user_model().objects.create_superuser(username="plateforme-test", password="x")
    client.force_login(user)
    return client


def test_a_cabinet_admin_cannot_open_the_django_admin_even_as_staff(cabinet, other_cabinet, client):
    factories.make_invoice(other_cabinet, issued=True)
    user = factories.make_user(cabinet, role=Role.ADMIN, is_staff=True)
    client.force_login(user)
    for url in ("/admin/", "/admin/invoices/invoice/", "/admin/geoprod/counter/", "/admin/clients/client/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


def test_the_platform_sees_issued_documents_read_only(cabinet, platform):
    issued = factories.make_invoice(cabinet, issued=True)
    payment = factories.make_payment(issued, "100.00")
    counter = Counter.objects.get(cabinet=cabinet, name=numbering.SERIES)
    entry = LedgerEntry.objects.get(invoice=issued)
    event = DocumentEvent.objects.filter(invoice=issued).first()
    rows = {
        "geoprod/counter": counter.pk,
        "invoices/payment": payment.pk,
        "invoices/ledgerentry": entry.pk,
        "invoices/documentevent": event.pk,
        "invoices/invoice": issued.pk,
    }
    for model, pk in rows.items():
        assert platform.get(f"/admin/{model}/{pk}/change/").status_code == 200, model
        assert platform.post(f"/admin/{model}/{pk}/change/", {}).status_code == 403, model
        assert platform.post(f"/admin/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403, model
        if model != "invoices/invoice":
            assert platform.get(f"/admin/{model}/add/").status_code == 403, model
    assert Counter.objects.get(pk=counter.pk).value == 1


def test_the_admin_cannot_set_what_only_valider_sets(platform):
    form = platform.get("/admin/invoices/invoice/add/").context["adminform"].form
    for name in ("status", "number", "total_ht", "total_ttc", "pdf_sha256", "issue_date", "paid_amount"):
        assert name not in form.fields, name


def test_seed_demo_makes_cabinet_admins_plain_users_and_one_platform_superuser():
    call_command("seed_demo", verbosity=0)
    get_user_model().objects.filter(username="admin").update(is_superuser=True, is_staff=True)  # older seed
    call_command("seed_demo", verbosity=0)
    users = get_user_model().objects
    for username in ("admin", "admin-rhone", "compta"):
        user = users.get(username=username)
        assert not user.is_superuser and not user.is_staff, username
    platform = users.get(username="plateforme")
    assert platform.is_superuser and platform.check_password("geoprod")
    assert not Membership.objects.filter(user=platform).exists()
