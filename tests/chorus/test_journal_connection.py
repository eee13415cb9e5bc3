"""The exchange journal outlives the caller's transaction (own connection, PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from chorus import client
from chorus.models import ChorusExchange
from chorus.services.connection import journal_for
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


class RolledBack(Exception):
    pass


def test_a_call_journaled_inside_a_rolled_back_transaction_stays_journaled(cabinet):
    if connection.vendor != "postgresql":
        pytest.skip("the journal's own connection exists on PostgreSQL (DATABASE_URL)")
    account = factories.make_chorus_account(cabinet)
    exchange = client.Exchange(
        operation="add_attachment", environment="simulator", method="POST", url_path="/cpro/x",
        http_status=400, duration_ms=12, code_retour=1, request=None, response=None, error="ChorusRejected: refusé",
    )  # fmt: skip
    with pytest.raises(RolledBack), transaction.atomic():
        factories.make_client(cabinet, nom="Créé puis annulé")
        journal_for(account)(exchange)
        raise RolledBack
    assert ChorusExchange.objects.filter(operation="add_attachment", http_status=400).count() == 1
    assert not cabinet.clients.filter(nom="Créé puis annulé").exists()  # the caller's work did roll back
