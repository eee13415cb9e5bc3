"""After a cabinet configured its Chorus block and went through a whole flow, neither the technical account's
password nor the platform's PISTE client secret is readable anywhere the product writes or shows: pages,
log lines, the exchange journal, any column of any of its tables (the simulator's tables play Chorus
Pro's own database and are left out)."""

from __future__ import annotations

import base64
import logging

import pytest
from django.apps import apps
from django.db import connection
from django.forms.models import model_to_dict

from chorus.models import DRAFT_FIELDS, ChorusExchange, ChorusSubmission
from chorus.simulator import faults
from chorus.simulator.models import SimTechnicalAccount
from geoprod.models import Role
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LOGIN = factories.CHORUS_LOGIN
PASSWORD = "Chorus-Mdp-7Qx!tres-secret"
PISTE_ID = "geoprod-editeur"
PISTE_SECRET = "piste-Secret-9Zk2-ne-jamais-afficher"


def _forms_of_secret(secret: str, *, user: str) -> set[str]:
    """The secret as typed, and as it travels in Basic / cpro-account headers."""
    return {
        secret,
        base64.b64encode(f"{user}:{secret}".encode()).decode(),
        base64.b64encode(secret.encode()).decode().rstrip("="),
    }


@pytest.fixture
def chorus(simulator, settings):
    settings.PISTE_CLIENT_ID, settings.PISTE_CLIENT_SECRET = PISTE_ID, PISTE_SECRET
    SimTechnicalAccount.objects.filter(login=LOGIN).update(password=PASSWORD)
    return simulator


def _submission_data(sub: ChorusSubmission, **overrides) -> dict:
    data = {k: ("" if v is None else v) for k, v in model_to_dict(sub, fields=DRAFT_FIELDS).items()}
    data.update(overrides)
    return data


def test_secrets_never_leave_their_vault(chorus, client, cabinet, caplog):
    caplog.set_level(logging.DEBUG)
    pages: list[tuple[str, str]] = []

    def keep(url, response):
        pages.append((url, response.content.decode(errors="replace")))
        assert response.status_code < 500, url
        return response

    admin = factories.make_user(cabinet, role=Role.ADMIN, is_staff=True, is_superuser=True)
    comptable = factories.make_user(cabinet, role=Role.COMPTABLE)
    client.force_login(admin)
    form = {"siret_fournisseur": cabinet.siret, "login": LOGIN}
    keep("wrong", client.post("/chorus/compte/mettre-a-jour/", {**form, "password": PASSWORD[:-1] + "?"}))
    keep("sync", client.post("/chorus/compte/mettre-a-jour/", {**form, "password": PASSWORD}, follow=True))
    keep("pieces", client.get("/parametres/pieces/"))
    assert cabinet.chorus_account.id_structure == 26300101

    client.force_login(comptable)
    invoice = factories.make_invoice(cabinet, client=factories.make_public_client(cabinet), issued=True)
    keep("send", client.post(f"/chorus/factures/{invoice.pk}/envoyer/", follow=True))
    sub = ChorusSubmission.objects.get(invoice=invoice)
    url = f"/chorus/envois/{sub.pk}/"
    keep("loupe", client.post(url + "loupe/", _submission_data(sub), follow=True))
    sub.refresh_from_db()
    faults.expire_token(count=1, operation="soumettre")  # the token is renewed: credentials travel again
    keep("submit", client.post(url + "soumettre/", _submission_data(sub, service_code="DGST"), follow=True))
    sub.refresh_from_db()
    assert sub.is_submitted
    chorus.advance_clock(days=2)
    keep("refresh", client.post(url + "rafraichir/", follow=True))
    keep("invoice", client.get(f"/factures/{invoice.pk}/"))

    client.force_login(admin)
    for admin_url in (
        "/admin/chorus/chorusaccount/",
        f"/admin/chorus/chorusaccount/{cabinet.chorus_account.pk}/change/",
        "/admin/chorus/chorusexchange/",
        f"/admin/chorus/chorusexchange/{ChorusExchange.objects.filter(operation='submit').first().pk}/change/",
        "/admin/chorus/chorussubmission/",
    ):
        keep(admin_url, client.get(admin_url))

    secrets = _forms_of_secret(PASSWORD, user=LOGIN) | _forms_of_secret(PISTE_SECRET, user=PISTE_ID)
    for where, text in pages:
        for secret in secrets:
            assert secret not in text, f"page {where} shows a secret"

    assert len(caplog.records) > 10
    for record in caplog.records:
        line = f"{record.getMessage()} {record.args!r} {getattr(record, 'exc_text', '') or ''}"
        for secret in secrets:
            assert secret not in line, f"log line leaks a secret: {record.name}"

    assert ChorusExchange.objects.count() >= 8
    for exchange in ChorusExchange.objects.all():
        text = f"{exchange.request} {exchange.response} {exchange.error}"
        for secret in secrets:
            assert secret not in text, f"journal row {exchange.operation} leaks a secret"

    _assert_no_column_holds(secrets)


def _assert_no_column_holds(secrets: set[str]) -> None:
    simulator_tables = {m._meta.db_table for m in apps.get_app_config("chorus_simulator").get_models()}
    tables = [t for t in connection.introspection.table_names() if t not in simulator_tables]
    assert "chorus_chorusaccount" in tables and "chorus_chorusexchange" in tables
    cells = 0
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if value is None:
                        continue
                    text = value.decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)
                    cells += 1
                    for secret in secrets:
                        assert secret not in text, f"table {table} holds a secret in plaintext"
    assert cells > 100
