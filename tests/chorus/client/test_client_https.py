"""Credentials leave only over HTTPS: the PISTE secret and the cpro-account header never go to http://."""

from __future__ import annotations

import pytest

from chorus import client
from tests.chorus.client.support import API_BASE, CLIENT_ID, CLIENT_SECRET, LOGIN, PASSWORD, TOKEN_URL

RATES = "transverses/v1/recuperer/tauxtva"
RATES_OK = {"codeRetour": 0, "libelle": "GCU_MSG_01_000", "listeTauxTva": []}


def _client(environment: str, token_url: str, api_base: str, journal: list) -> client.ChorusClient:
    return client.ChorusClient(
        endpoints=client.Endpoints(environment=environment, token_url=token_url, api_base=api_base),
        piste=client.PisteApp(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
        account=client.TechnicalAccount(login=LOGIN, password=PASSWORD),
        journal=journal.append,
        sleep=lambda seconds: None,
    )


@pytest.mark.parametrize("environment", [client.SANDBOX, client.PRODUCTION])
def test_piste_secret_is_never_sent_over_plain_http(piste, http, journal, environment):
    plain = TOKEN_URL.replace("https://", "http://")
    http.post(plain, json={"access_token": "t", "expires_in": 3600})
    api = _client(environment, plain, API_BASE, journal)

    with pytest.raises(client.ChorusAuthError, match="qu'en HTTPS"):
        api.vat_rates()

    assert len(http.calls) == 0


def test_technical_account_is_never_sent_over_plain_http(piste, http, journal):
    piste.token()
    plain = API_BASE.replace("https://", "http://")
    http.post(f"{plain}/{RATES}", json=RATES_OK)
    api = _client(client.SANDBOX, TOKEN_URL, plain, journal)

    with pytest.raises(client.ChorusAuthError, match="qu'en HTTPS"):
        api.vat_rates()

    assert [c.request.url for c in http.calls if c.request.url.startswith("http://")] == []


def test_the_offline_simulator_may_be_plain_http(piste, http, journal):
    token_url, api_base = TOKEN_URL.replace("https://", "http://"), API_BASE.replace("https://", "http://")
    http.post(token_url, json={"access_token": "t", "expires_in": 3600})
    http.post(f"{api_base}/{RATES}", json=RATES_OK)

    assert _client(client.SIMULATOR, token_url, api_base, journal).vat_rates() == []
