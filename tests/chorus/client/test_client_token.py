"""The PISTE token: how it is asked for, cached, and renewed after a 401 (chorus-api.md §1)."""

from __future__ import annotations

import time
import types
from urllib.parse import parse_qs

import pytest
from django.core.cache import cache
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem

from chorus import client
from tests.chorus.client.support import API_BASE, CLIENT_ID, CLIENT_SECRET, TOKEN, TOKEN_URL

RATES = "transverses/v1/recuperer/tauxtva"
SUBMIT = "factures/v1/soumettre"
RATES_OK = {"codeRetour": 0, "libelle": "GCU_MSG_01_000", "listeTauxTva": []}


@pytest.fixture
def clock(monkeypatch):
    """Moves the locmem cache's clock without touching the rest of the process."""
    now = [time.time()]
    fake = types.SimpleNamespace(time=lambda: now[0])
    monkeypatch.setattr(locmem, "time", fake)
    monkeypatch.setattr(cache_base, "time", fake)
    return now


def _bearers(piste) -> list[str]:
    return [c.request.headers["Authorization"] for c in piste.api_calls()]


def test_token_is_asked_with_client_credentials_form(api, piste):
    piste.token()
    piste.reply(RATES, json=RATES_OK)

    api.vat_rates()

    (call,) = piste.token_calls()
    assert call.request.method == "POST"
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(call.request.body) == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
        "scope": ["openid"],
    }
    assert call.request.req_kwargs["timeout"] == (5, 30)


def test_one_token_serves_several_calls_and_clients(api, make_api, piste):
    piste.token()
    piste.reply(RATES, json=RATES_OK)

    api.vat_rates()
    api.vat_rates()
    make_api().vat_rates()

    assert len(piste.token_calls()) == 1
    assert _bearers(piste) == [f"Bearer {TOKEN}"] * 3


def test_token_cache_key_hides_the_secret_and_expires_a_minute_early(api, piste):
    piste.token(expires_in=3600)
    piste.reply(RATES, json=RATES_OK)

    api.vat_rates()

    key = client.token_cache_key(
        client.Endpoints("sandbox", TOKEN_URL, API_BASE), client.PisteApp(CLIENT_ID, CLIENT_SECRET)
    )
    assert CLIENT_SECRET not in key and CLIENT_ID not in key
    assert cache.get(key) == TOKEN
    other_app = client.token_cache_key(
        client.Endpoints("sandbox", TOKEN_URL, API_BASE), client.PisteApp("autre-app", CLIENT_SECRET)
    )
    assert other_app != key


def test_token_is_fetched_again_after_it_expires(api, piste, clock):
    piste.token(expires_in=3600)
    piste.token(access_token="jeton-suivant", expires_in=3600)
    piste.reply(RATES, json=RATES_OK)

    api.vat_rates()
    clock[0] += 3600 - 60 - 5
    api.vat_rates()
    assert len(piste.token_calls()) == 1

    clock[0] += 10
    api.vat_rates()

    assert len(piste.token_calls()) == 2
    assert _bearers(piste) == [f"Bearer {TOKEN}", f"Bearer {TOKEN}", "Bearer jeton-suivant"]


def test_a_token_living_under_a_minute_is_not_cached(api, piste):
    piste.token(expires_in=30)
    piste.token(access_token="jeton-2", expires_in=30)
    piste.reply(RATES, json=RATES_OK)

    api.vat_rates()
    api.vat_rates()

    assert len(piste.token_calls()) == 2


def test_401_renews_the_token_and_retries_once(api, piste):
    piste.token()
    piste.token(access_token="jeton-neuf")
    piste.reply(RATES, status=401, json={"error": "invalid_token"})
    piste.reply(RATES, json=RATES_OK | {"listeTauxTva": [{"codeTauxTva": "TVA20", "libelleTauxTva": "20 %"}]})

    rates = api.vat_rates()

    assert [r.code for r in rates] == ["TVA20"]
    assert len(piste.token_calls()) == 2
    assert _bearers(piste) == [f"Bearer {TOKEN}", "Bearer jeton-neuf"]


def test_401_twice_is_an_auth_error(api, piste, sleeps):
    piste.token()
    piste.token(access_token="jeton-neuf")
    piste.reply(RATES, status=401, body="")

    with pytest.raises(client.ChorusAuthError) as e:
        api.vat_rates()

    assert e.value.http_status == 401
    assert len(piste.api_calls()) == 2
    assert len(piste.token_calls()) == 2
    assert sleeps == []


def test_401_for_a_wrong_technical_account_says_so(api, piste):
    piste.token()
    piste.reply(
        RATES,
        status=401,
        body="",
        headers={
            "WWW-Authenticate": 'Bearer realm="PISTE",error="Unauthorized",'
            'error_description="login or password incorrects"'
        },
    )

    with pytest.raises(client.ChorusAuthError) as e:
        api.vat_rates()

    assert "compte technique" in str(e.value)
    assert "mot de passe" in str(e.value)


def test_401_on_submit_is_replayed_once_with_a_new_token(api, piste, make_submit):
    piste.token()
    piste.token(access_token="jeton-neuf")
    piste.reply(SUBMIT, status=401, body="")
    piste.reply(SUBMIT, json={"codeRetour": 0, "libelle": "OK", "identifiantFactureCPP": 8500017})

    assert api.submit(make_submit()).identifiant_facture_cpp == 8500017
    assert _bearers(piste) == [f"Bearer {TOKEN}", "Bearer jeton-neuf"]


def test_refused_token_is_dropped_from_the_cache(api, make_api, piste):
    piste.token()
    piste.token(access_token="jeton-neuf")
    piste.reply(RATES, status=401, body="")
    piste.reply(RATES, json=RATES_OK)

    api.vat_rates()
    make_api().vat_rates()

    assert _bearers(piste)[-1] == "Bearer jeton-neuf"
    assert len(piste.token_calls()) == 2
