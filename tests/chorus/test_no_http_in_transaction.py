"""No network call inside a database transaction, and every call journaled even when it fails."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from chorus import client, services
from chorus.models import ChorusAttachment, ChorusExchange, ChorusSubmission, SubmissionState
from chorus.services import connection as chorus_connection
from tests import factories

pytestmark = pytest.mark.django_db
TOKEN_URL = "https://oauth.test/api/oauth/token"
API_BASE = "https://api.test/cpro"


@pytest.fixture
def piste(http, settings):
    """The product's real client, its simulator environment pointed at mocked hosts."""
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS, "simulator": {"token_url": TOKEN_URL, "api_base": API_BASE}
    }  # fmt: skip
    cache.clear()
    http.post(
        TOKEN_URL, json={"access_token": "jeton-0123456789", "token_type": "Bearer", "expires_in": 3600}
    )
    yield http
    cache.clear()


@pytest.fixture
def ready(cabinet):
    account = factories.make_chorus_account(cabinet)
    invoice = factories.make_invoice(cabinet, client=factories.make_public_client(cabinet), issued=True)
    sub = services.start_submission(invoice=invoice, account=account)
    ChorusSubmission.objects.filter(pk=sub.pk).update(state=SubmissionState.READY, piece_jointe_id=41)
    sub.refresh_from_db()
    return sub


def _add(sub):
    return services.add_attachment(
        submission=sub, content=b"%PDF-1.4 plan", filename="plan.pdf", extension="pdf",
        mime="application/pdf", designation="Plan", type="PLAN",
    )  # fmt: skip


def test_a_refused_attachment_is_journaled(piste, ready):
    piste.post(
        f"{API_BASE}/transverses/v1/ajouter/fichier",
        status=400,
        json={"codeRetour": 1, "libelle": "Fichier refusé"},
    )
    with pytest.raises(client.ChorusRejected):
        _add(ready)
    assert not ChorusAttachment.objects.exists()
    exchange = ChorusExchange.objects.get(operation="add_attachment")
    assert (exchange.http_status, exchange.submission_id) == (400, ready.pk)
    assert "Fichier refusé" in exchange.error


def test_attachment_is_linked_after_the_upload(piste, ready):
    piste.post(f"{API_BASE}/transverses/v1/ajouter/fichier", json={"codeRetour": 0, "pieceJointeId": 777})
    assert _add(ready).piece_jointe_id == 777
    assert ChorusExchange.objects.filter(operation="add_attachment", http_status=200).count() == 1


def test_attachment_uploaded_while_another_tab_submitted_is_not_linked(piste, ready, monkeypatch):
    def submitted_meanwhile(request):
        ChorusSubmission.objects.filter(pk=ready.pk).update(state=SubmissionState.SUBMITTED)
        return 200, {}, '{"codeRetour": 0, "pieceJointeId": 778}'

    piste.add_callback("POST", f"{API_BASE}/transverses/v1/ajouter/fichier", callback=submitted_meanwhile)
    with pytest.raises(services.SubmissionError, match="déjà soumise"):
        _add(ready)
    assert not ChorusAttachment.objects.exists()


def test_guard_fails_a_chorus_call_made_inside_a_transaction(piste, ready):
    piste.post(f"{API_BASE}/transverses/v1/ajouter/fichier", json={"codeRetour": 0, "pieceJointeId": 779})
    with pytest.raises(pytest.fail.Exception, match="dans une transaction"), transaction.atomic():
        _add(ready)
    assert not piste.calls  # not even the token was asked for


def test_guard_counts_only_the_callers_transactions():
    assert connection.in_atomic_block  # the test's own wrapper…
    assert not chorus_connection.caller_holds_transaction()  # …is not the caller's
    with transaction.atomic():
        assert chorus_connection.caller_holds_transaction()
