"""PISTE token endpoint, bearer check, technical account check, unknown paths and wrong methods."""

from __future__ import annotations

import pytest

from chorus.simulator import state
from tests.chorus.simulator.conftest import BASE, EXPIRED_LOGIN, GARONNE_LOGIN, cpro_account

OPERATION = "transverses/v1/recuperer/structures/actives/fournisseur"


def test_token_is_issued_for_the_platform_credentials(sim):
    data = sim.get_token().json()
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == 3600
    assert data["scope"] == "openid"
    assert len(data["access_token"]) >= 32


def test_token_accepts_http_basic_client_authentication(sim, client):
    response = client.post(
        f"{BASE}/api/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION="Basic Z2VvcHJvZC1zaW11bGF0ZXVyOnNlY3JldC1zaW11bGF0ZXVy",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("client_id", "secret"), [("geoprod-simulateur", "faux"), ("inconnu", "secret-simulateur")]
)
def test_token_refuses_wrong_client_credentials(sim, client_id, secret):
    response = sim.get_token(client_id, secret)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_token_refuses_another_grant_type(sim, client):
    response = client.post(f"{BASE}/api/oauth/token", {"grant_type": "password"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_token_endpoint_refuses_get(sim, client):
    assert client.get(f"{BASE}/api/oauth/token").status_code == 405


def test_missing_bearer_is_401(sim, client):
    response = client.post(f"{BASE}/cpro/{OPERATION}", "{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["codeRetour"] != 0
    assert "Bearer" in response["WWW-Authenticate"]


def test_unknown_bearer_is_401(sim):
    response = sim.post(OPERATION, {}, HTTP_AUTHORIZATION="Bearer inconnu")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_bearer_expires_with_simulated_time(sim):
    state.advance_clock(minutes=59)
    assert sim.post(OPERATION).status_code == 200
    state.advance_clock(minutes=2)
    response = sim.post(OPERATION)
    assert response.status_code == 401
    assert "expiré" in response.json()["libelle"]


def test_missing_technical_account_is_403(sim):
    response = sim.post(OPERATION, {}, HTTP_CPRO_ACCOUNT="")
    assert response.status_code == 403
    assert response.json()["codeRetour"] != 0


@pytest.mark.parametrize(
    "header",
    [
        cpro_account(GARONNE_LOGIN, "mauvais"),
        cpro_account("TECH_inconnu@cpp2017.fr"),
        "pas du base64 !",
        "VEVDSF8wMDAwMDAwMDE3ODA1MUBjcHAyMDE3LmZy",  # login without ":password"
    ],
)
def test_wrong_technical_account_is_403(sim, header):
    response = sim.post(OPERATION, {}, HTTP_CPRO_ACCOUNT=header)
    assert response.status_code == 403
    assert "login or password incorrects" in response["WWW-Authenticate"]


def test_expired_technical_password_is_403(sim):
    response = sim.post(OPERATION, {}, HTTP_CPRO_ACCOUNT=cpro_account(EXPIRED_LOGIN))
    assert response.status_code == 403
    assert "expiré le 31/01/2025" in response.json()["libelle"]


def test_unknown_path_is_404_json(sim):
    response = sim.post("factures/v1/inexistant")
    assert response.status_code == 404
    assert response.json()["codeRetour"] == 404


def test_wrong_method_is_405(sim, client):
    response = client.get(f"{BASE}/cpro/factures/v1/soumettre", **sim.headers())
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["codeRetour"] != 0


def test_health_check_is_a_get_with_a_bearer(sim, client):
    response = client.get(f"{BASE}/cpro/transverses/v1/health-check", **sim.headers())
    assert response.status_code == 200
    assert response.json() | {"statusCodeValue": 200} == response.json()
    assert sim.post("transverses/v1/health-check").status_code == 405


def test_invalid_json_body_is_a_functional_refusal(sim, client):
    response = client.post(
        f"{BASE}/cpro/{OPERATION}", "{pas du json", content_type="application/json", **sim.headers()
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001


def test_replies_are_utf8_json(sim):
    response = sim.post(OPERATION)
    assert response["Content-Type"] == "application/json;charset=utf-8"
    assert "Géomètres" in response.content.decode("utf-8")
