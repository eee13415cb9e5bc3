"""Endpoints and PISTE application come from settings (settings.CHORUS_ENDPOINTS, PISTE_CLIENT_*)."""

from __future__ import annotations

import pytest

from chorus import client


def test_simulator_endpoints_by_default():
    found = client.endpoints_for("simulator")

    assert found.environment == "simulator"
    assert found.token_url.endswith("/_chorus-sim/api/oauth/token")
    assert found.api_base.endswith("/_chorus-sim/cpro")
    assert found.url("factures/v1/soumettre") == found.api_base + "/factures/v1/soumettre"


def test_endpoints_follow_settings(settings):
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS,
        "production": {
            "token_url": "https://oauth.piste.gouv.fr/api/oauth/token",
            "api_base": "https://api.piste.gouv.fr/cpro/",
        },
    }

    found = client.endpoints_for("production")

    assert found == client.Endpoints(
        "production", "https://oauth.piste.gouv.fr/api/oauth/token", "https://api.piste.gouv.fr/cpro"
    )


def test_unknown_environment_is_refused():
    with pytest.raises(ValueError):
        client.endpoints_for("qualif")


def test_piste_application_from_settings(settings):
    settings.PISTE_CLIENT_ID = "app-id"
    settings.PISTE_CLIENT_SECRET = "app-secret"

    assert client.piste_from_settings() == client.PisteApp("app-id", "app-secret")


def test_client_defaults_to_django_cache_for_tokens(piste):
    from django.core.cache import cache

    api = client.ChorusClient(
        endpoints=client.endpoints_for("simulator"),
        piste=client.PisteApp("id", "secret"),
        account=client.TechnicalAccount("TECH", "pw"),
    )
    piste.http.post(api.endpoints.token_url, json={"access_token": "t", "expires_in": 3600})
    piste.http.post(api.endpoints.url("transverses/v1/recuperer/tauxtva"), json={"codeRetour": 0})

    api.vat_rates()

    assert cache.get(client.token_cache_key(api.endpoints, client.PisteApp("id", "secret"))) == "t"
