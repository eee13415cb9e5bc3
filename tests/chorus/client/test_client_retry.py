"""Reads are retried with a short bounded backoff; deposits and submissions never are."""

from __future__ import annotations

import pytest
import requests

from chorus import client

RATES = "transverses/v1/recuperer/tauxtva"
RATES_OK = {"codeRetour": 0, "libelle": "GCU_MSG_01_000", "listeTauxTva": [{"codeTauxTva": "TVA20"}]}
SUBMIT = "factures/v1/soumettre"


def test_read_is_retried_after_a_server_error(api, piste, sleeps):
    piste.token()
    piste.reply(RATES, status=503, body="")
    piste.reply(RATES, json=RATES_OK)

    assert [r.code for r in api.vat_rates()] == ["TVA20"]
    assert len(piste.api_calls()) == 2
    assert sleeps == [0.5]


def test_read_gives_up_after_the_configured_attempts(api, piste, sleeps):
    piste.token()
    piste.reply(RATES, status=500, body="")

    with pytest.raises(client.ChorusUnavailable):
        api.vat_rates()

    assert len(piste.api_calls()) == 3
    assert sleeps == [0.5, 1.0]


def test_read_is_retried_after_a_timeout(api, piste, sleeps):
    piste.token()
    piste.reply(RATES, body=requests.ReadTimeout("read timed out"))
    piste.reply(RATES, json=RATES_OK)

    api.vat_rates()

    assert len(piste.api_calls()) == 2


def test_read_waits_as_long_as_retry_after_says(api, piste, sleeps):
    piste.token()
    piste.reply(RATES, status=429, headers={"Retry-After": "2"}, body="")
    piste.reply(RATES, json=RATES_OK)

    api.vat_rates()

    assert sleeps == [2.0]


def test_a_long_retry_after_is_not_waited_for_in_process(api, piste, sleeps):
    piste.token()
    piste.reply(RATES, status=429, headers={"Retry-After": "120"}, body="")

    with pytest.raises(client.ChorusRateLimited) as e:
        api.vat_rates()

    assert e.value.retry_after == 120.0
    assert sleeps == []
    assert len(piste.api_calls()) == 1


@pytest.mark.parametrize("status,error", [(400, client.ChorusRejected), (403, client.ChorusAuthError)])
def test_refusals_are_not_retried(api, piste, sleeps, status, error):
    piste.token()
    piste.reply(RATES, status=status, json={"codeRetour": 1, "libelle": "Non"})

    with pytest.raises(error):
        api.vat_rates()

    assert len(piste.api_calls()) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "reply", [dict(status=503, body=""), dict(body=requests.ReadTimeout("lost")), dict(status=429, body="")]
)
def test_submit_is_never_retried(api, piste, sleeps, make_submit, reply):
    piste.token()
    piste.reply(SUBMIT, **reply)
    piste.reply(SUBMIT, json={"codeRetour": 0, "identifiantFactureCPP": 1})

    with pytest.raises(client.ChorusUnavailable):
        api.submit(make_submit())

    assert len(piste.api_calls()) == 1
    assert sleeps == []


def test_deposit_and_attachment_are_never_retried(api, piste, sleeps):
    piste.token()
    piste.reply("factures/v1/deposer/pdf", status=500, body="")
    piste.reply("transverses/v1/ajouter/fichier", status=502, body="")

    with pytest.raises(client.ChorusUnavailable):
        api.deposit_pdf(b"%PDF", "f.pdf")
    with pytest.raises(client.ChorusUnavailable):
        api.add_attachment(b"x", name="a.pdf", mime="application/pdf", extension="PDF")

    assert len(piste.api_calls()) == 2
    assert sleeps == []


def test_retries_can_be_turned_off(make_api, piste, sleeps):
    api = make_api(retry=client.RetryPolicy(attempts=1))
    piste.token()
    piste.reply(RATES, status=503, body="")

    with pytest.raises(client.ChorusUnavailable):
        api.vat_rates()

    assert len(piste.api_calls()) == 1


def test_a_failed_page_is_retried_alone(api, piste, sleeps):
    piste.token()
    path = "factures/v1/rechercher/fournisseur"
    item = {"identifiantFactureCPP": 1, "numeroFacture": "FA-1", "statut": "DEPOSEE"}
    piste.reply(path, json={"codeRetour": 0, "listeFactures": [item], "parametresRetour": {"pages": 2}})
    piste.reply(path, status=503, body="")
    piste.reply(
        path,
        json={
            "codeRetour": 0,
            "listeFactures": [item | {"identifiantFactureCPP": 2}],
            "parametresRetour": {"pages": 2},
        },
    )

    found = list(api.search_invoices(page_size=1))

    assert [s.identifiant_facture_cpp for s in found] == [1, 2]
    pages = [c.request.body for c in piste.api_calls()]
    assert len(pages) == 3 and pages[1] == pages[2]


def test_backoff_doubles_up_to_its_cap():
    policy = client.RetryPolicy(attempts=6, backoff=1.0, max_backoff=3.0)
    down = client.ChorusUnavailable("x")
    assert [policy.delay(n, down) for n in range(1, 5)] == [1.0, 2.0, 3.0, 3.0]
    assert policy.delay(1, client.ChorusRateLimited("x", retry_after=0.2)) == 0.2
