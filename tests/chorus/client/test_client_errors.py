"""How Chorus Pro's replies map to the four typed errors (chorus-api.md §2)."""

from __future__ import annotations

import pytest
import requests

from chorus import client

SUBMIT = "factures/v1/soumettre"
ADD = "transverses/v1/ajouter/fichier"


def _add(api) -> int:
    return api.add_attachment(b"%PDF-1.7 plan", name="plan.pdf", mime="application/pdf", extension="PDF")


def test_http_400_is_a_refusal_with_code_and_libelle(api, piste):
    piste.token()
    piste.reply(ADD, status=400, json={"codeRetour": 20003, "libelle": "Fichier trop volumineux"})

    with pytest.raises(client.ChorusRejected) as e:
        _add(api)

    assert (e.value.code, e.value.libelle, e.value.http_status) == ("20003", "Fichier trop volumineux", 400)
    assert "20003" in str(e.value) and "Fichier trop volumineux" in str(e.value)
    assert str(e.value).startswith("Chorus Pro a refusé la demande")


def test_http_200_with_non_zero_code_is_a_refusal(api, piste, make_submit):
    piste.token()
    piste.reply(SUBMIT, json={"codeRetour": 20013, "libelle": "Le service exécutant est obligatoire"})

    with pytest.raises(client.ChorusRejected) as e:
        api.submit(make_submit())

    assert (e.value.code, e.value.libelle, e.value.http_status) == (
        "20013",
        "Le service exécutant est obligatoire",
        200,
    )


def test_string_code_retour_is_read_too(api, piste):
    piste.token()
    piste.reply(ADD, json={"codeRetour": "20001", "libelle": "Extension non autorisée"})

    with pytest.raises(client.ChorusRejected) as e:
        _add(api)

    assert e.value.code == "20001"


def test_http_400_without_json_is_still_a_refusal(api, piste):
    piste.token()
    piste.reply(ADD, status=400, body="<html>Bad Request</html>", content_type="text/html")

    with pytest.raises(client.ChorusRejected) as e:
        _add(api)

    assert e.value.code == "400"


def test_http_413_is_a_refusal_for_size(api, piste):
    piste.token()
    piste.reply("factures/v1/deposer/pdf", status=413, body="")

    with pytest.raises(client.ChorusRejected) as e:
        api.deposit_pdf(b"%PDF", "gros.pdf")

    assert e.value.code == "413"
    assert "10 Mo" in e.value.libelle


def test_http_403_is_an_auth_error(api, piste):
    piste.token()
    piste.reply(ADD, status=403, body="")

    with pytest.raises(client.ChorusAuthError) as e:
        _add(api)

    assert e.value.http_status == 403
    assert "compte technique" in str(e.value)
    assert len(piste.api_calls()) == 1


def test_http_403_shows_chorus_reason_when_it_gives_one(api, piste):
    piste.token()
    piste.reply(
        ADD, status=403, json={"codeRetour": 403, "libelle": "Le mot de passe du compte technique a expiré."}
    )

    with pytest.raises(client.ChorusAuthError) as e:
        _add(api)

    assert "Le mot de passe du compte technique a expiré" in str(e.value)
    assert "Paramètres" in str(e.value)


def test_http_429_is_rate_limited_with_retry_after(api, piste):
    piste.token()
    piste.reply(ADD, status=429, headers={"Retry-After": "12"}, json={"message": "quota"})

    with pytest.raises(client.ChorusRateLimited) as e:
        _add(api)

    assert e.value.retry_after == 12.0
    assert isinstance(e.value, client.ChorusUnavailable)


def test_http_429_without_retry_after(api, piste):
    piste.token()
    piste.reply(ADD, status=429, body="")

    with pytest.raises(client.ChorusRateLimited) as e:
        _add(api)

    assert e.value.retry_after is None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_unavailable(api, piste, status):
    piste.token()
    piste.reply(ADD, status=status, body="Service Unavailable")

    with pytest.raises(client.ChorusUnavailable) as e:
        _add(api)

    assert not isinstance(e.value, client.ChorusRateLimited)
    assert e.value.http_status == status


@pytest.mark.parametrize(
    "failure",
    [
        requests.ReadTimeout("read timed out"),
        requests.ConnectTimeout("connect"),
        requests.ConnectionError("refused"),
    ],
)
def test_transport_failures_are_unavailable(api, piste, failure):
    piste.token()
    piste.reply(ADD, body=failure)

    with pytest.raises(client.ChorusUnavailable) as e:
        _add(api)

    assert isinstance(e.value.__cause__, requests.RequestException)
    assert "inconnu" in str(e.value) or "impossible" in str(e.value)


@pytest.mark.parametrize(
    "reply",
    [
        dict(body="<html><body>Maintenance</body></html>", content_type="text/html"),
        dict(body='{"codeRetour": 0, "pieceJointeId": ', content_type="application/json"),
        dict(body="[1, 2]", content_type="application/json"),
        dict(json={"codeRetour": 0, "libelle": "GCU_MSG_01_000"}),  # pieceJointeId missing
    ],
    ids=["html", "truncated-json", "json-array", "missing-field"],
)
def test_unreadable_replies_are_unavailable(api, piste, reply):
    piste.token()
    piste.reply(ADD, **reply)

    with pytest.raises(client.ChorusUnavailable):
        _add(api)


def test_unknown_path_is_unavailable_not_a_refusal(api, piste):
    piste.token()
    piste.reply(ADD, status=404, body="Not Found")

    with pytest.raises(client.ChorusUnavailable) as e:
        _add(api)

    assert e.value.http_status == 404


def test_token_endpoint_refusal_is_an_auth_error(api, piste):
    piste.token(status=401, json={"error": "invalid_client", "error_description": "Bad client credentials"})

    with pytest.raises(client.ChorusAuthError) as e:
        _add(api)

    assert "invalid_client" in str(e.value)
    assert "PISTE" in str(e.value)
    assert piste.api_calls() == []


def test_token_endpoint_400_is_an_auth_error(api, piste):
    piste.token(status=400, json={"error": "invalid_client"})

    with pytest.raises(client.ChorusAuthError):
        api.vat_rates()


def test_token_endpoint_down_is_unavailable(make_api, piste):
    api = make_api(retry=client.RetryPolicy(attempts=1))
    piste.token(status=503, body="down")

    with pytest.raises(client.ChorusUnavailable):
        api.vat_rates()


def test_token_reply_without_access_token_is_unavailable(make_api, piste):
    api = make_api(retry=client.RetryPolicy(attempts=1))
    piste.token(json={"token_type": "Bearer"})

    with pytest.raises(client.ChorusUnavailable):
        api.vat_rates()


def test_errors_are_chorus_errors_with_french_messages():
    assert issubclass(client.ChorusRateLimited, client.ChorusUnavailable)
    for cls in (client.ChorusUnavailable, client.ChorusAuthError, client.ChorusRejected):
        assert issubclass(cls, client.ChorusError)
    rejected = client.ChorusRejected("20001", "Destinataire introuvable")
    assert str(rejected) == "Chorus Pro a refusé la demande (code 20001) : Destinataire introuvable"


def test_the_transport_names_the_failed_operation(api, piste):
    piste.token()
    piste.reply("transverses/v1/ajouter/fichier", status=400, json={"codeRetour": 20003, "libelle": "x"})
    with pytest.raises(client.ChorusRejected) as e:
        api.add_attachment(b"%PDF", name="a.pdf", mime="application/pdf", extension="PDF")
    assert e.value.operation == "add_attachment"
