"""Fixtures shared by the Chorus Pro client's unit tests: a client wired to fake hosts and a PISTE mock.

tests/chorus/client/conftest.py hands them to this folder's tests only; other suites never see them.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import responses
from django.core.cache import cache

from chorus import client

TOKEN_URL = "https://oauth.test/api/oauth/token"
API_BASE = "https://api.test/cpro"
LOGIN = "TECH_00000000178051@cpp2017.fr"
PASSWORD = "Mot-de-passe-Technique-42"
CLIENT_ID = "geoprod-app"
CLIENT_SECRET = "piste-secret-0f9e8d7c"
TOKEN = "jeton-piste-a1b2c3d4e5"
CPRO_ACCOUNT = base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode()


class PisteMock:
    """Registers PISTE / Chorus replies on the `http` RequestsMock and reads back what was sent."""

    def __init__(self, http: responses.RequestsMock) -> None:
        self.http = http

    def token(self, access_token: str = TOKEN, expires_in: int = 3600, **kw: Any) -> None:
        if "json" not in kw and "body" not in kw:
            kw["json"] = {"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in}
        self.http.post(TOKEN_URL, **kw)

    def reply(self, path: str, method: str = "POST", **kw: Any) -> None:
        if "json" not in kw and "body" not in kw:
            kw["json"] = {"codeRetour": 0, "libelle": "GCU_MSG_01_000"}
        self.http.add(method, f"{API_BASE}/{path}", **kw)

    def api_calls(self) -> list[Any]:
        return [c for c in self.http.calls if c.request.url.startswith(API_BASE)]

    def token_calls(self) -> list[Any]:
        return [c for c in self.http.calls if c.request.url == TOKEN_URL]

    def sent(self, path: str, method: str = "POST") -> dict[str, Any] | None:
        """Asserts the one call made to `path` carried the contract's headers; returns its JSON body."""
        calls = [c for c in self.api_calls() if c.request.url == f"{API_BASE}/{path}"]
        assert len(calls) == 1, f"{len(calls)} appels à {path}"
        request = calls[0].request
        assert request.method == method
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert request.headers["cpro-account"] == CPRO_ACCOUNT
        assert request.headers["Content-Type"] == "application/json;charset=utf-8"
        assert request.headers["Accept"] == "application/json;charset=utf-8"
        assert request.req_kwargs["timeout"] == (5, 30)
        return json.loads(request.body) if request.body else None


@pytest.fixture
def piste(http) -> PisteMock:
    cache.clear()
    yield PisteMock(http)
    cache.clear()


@pytest.fixture
def journal() -> list[client.Exchange]:
    return []


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_api(piste, journal, sleeps):
    def make(**kw: Any) -> client.ChorusClient:
        kw.setdefault("retry", client.RetryPolicy(attempts=3, backoff=0.5))
        return client.ChorusClient(
            endpoints=client.Endpoints(environment="sandbox", token_url=TOKEN_URL, api_base=API_BASE),
            piste=client.PisteApp(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
            account=client.TechnicalAccount(login=LOGIN, password=PASSWORD),
            journal=journal.append,
            sleep=sleeps.append,
            **kw,
        )

    return make


@pytest.fixture
def api(make_api) -> client.ChorusClient:
    return make_api()


@pytest.fixture
def make_submit():
    """make_submit(**overrides) -> a complete SubmitRequest for a recipient requiring service and EJ."""

    def make(**kw: Any) -> client.SubmitRequest:
        defaults: dict[str, Any] = dict(
            numero_facture="FA-2026-00042",
            date_facture=date(2026, 11, 27),
            id_fournisseur=25123456,
            code_destinataire="12345678200028",
            code_service_executant="SERVICE_DEST_SERV_OBL",
            id_service_fournisseur=777,
            id_coordonnee_bancaire=51234,
            numero_bon_commande="EJ-2026-118",
            numero_marche="M2026-07",
            commentaire="Dossier 2026-113 - bornage parcelle AB 12",
            piece_jointe_principale_id=9100001,
            piece_jointe_principale_designation="Facture FA-2026-00042",
            totals=client.Totals(
                ht=Decimal("1250.10"),
                tva=Decimal("250.02"),
                ttc=Decimal("1500.12"),
                a_payer=Decimal("1500.12"),
            ),
            vat_lines=(
                client.VatLine(rate=Decimal("20"), base_ht=Decimal("1250.10"), montant_tva=Decimal("250.02")),
            ),
            complementary=(
                client.ComplementaryAttachment(piece_jointe_id=9100002, designation="PV de bornage"),
            ),
        )
        return client.SubmitRequest(**(defaults | kw))

    return make
