"""Every call is journaled, and nothing secret reaches the journal or the logs."""

from __future__ import annotations

import base64
import json
import logging

import pytest

from chorus import client
from tests.chorus.client.support import CLIENT_SECRET, CPRO_ACCOUNT, LOGIN, PASSWORD, TOKEN

PDF = b"%PDF-1.7 facture " * 300
SECRETS = (PASSWORD, TOKEN, CLIENT_SECRET, CPRO_ACCOUNT)


def _dump(journal) -> str:
    # No `default=`: the journal must be storable as JSON as it is.
    return json.dumps([vars(e) for e in journal], ensure_ascii=False)


def test_each_call_is_journaled(api, piste, journal):
    piste.token()
    piste.reply("structures/v1/consulter", json={"codeRetour": 0, "libelle": "GCU_MSG_01_000"})

    api.consult_structure(26300989)

    token, call = journal
    assert (token.operation, token.method, token.url_path, token.http_status) == (
        "token",
        "POST",
        "/api/oauth/token",
        200,
    )
    assert (call.operation, call.environment, call.method, call.url_path) == (
        "consult_structure",
        "sandbox",
        "POST",
        "/cpro/structures/v1/consulter",
    )
    assert (call.http_status, call.code_retour, call.error) == (200, 0, None)
    assert call.request == {"idStructureCPP": 26300989, "codeLangue": "fr"}
    assert call.response == {"codeRetour": 0, "libelle": "GCU_MSG_01_000"}
    assert isinstance(call.duration_ms, int) and call.duration_ms >= 0


def test_a_refusal_is_journaled_with_its_code(api, piste, journal, make_submit):
    piste.token()
    piste.reply(
        "factures/v1/soumettre", status=400, json={"codeRetour": 20305, "libelle": "Numéro déjà utilisé"}
    )

    with pytest.raises(client.ChorusRejected):
        api.submit(make_submit())

    entry = journal[-1]
    assert (entry.operation, entry.http_status, entry.code_retour) == ("submit", 400, 20305)
    assert entry.error.startswith("ChorusRejected: ") and "Numéro déjà utilisé" in entry.error
    assert entry.request["montantTotal"]["montantHtTotal"] == 1250.1


def test_a_timeout_is_journaled_without_status(api, piste, journal):
    import requests

    piste.token()
    piste.reply("transverses/v1/recuperer/tauxtva", body=requests.ConnectionError("refused"))

    with pytest.raises(client.ChorusUnavailable):
        api.vat_rates()

    failed = [e for e in journal if e.operation == "vat_rates"]
    assert len(failed) == 3
    assert all(e.http_status is None and e.error.startswith("ChorusUnavailable") for e in failed)


def test_file_bodies_are_replaced_by_their_size(api, piste, journal):
    piste.token()
    piste.reply("factures/v1/deposer/pdf", json={"codeRetour": 0, "pieceJointeId": 1})
    piste.reply("transverses/v1/ajouter/fichier", json={"codeRetour": 0, "pieceJointeId": 2})
    piste.reply("factures/v1/deposer/flux", json={"codeRetour": 0, "numeroFluxDepot": "F1"})
    piste.reply(
        "transverses/v1/consulterCRDetaille",
        json={"codeRetour": 0, "etatCourantFlux": "IN_INTEGRE", "fichierCR": base64.b64encode(PDF).decode()},
    )

    api.deposit_pdf(PDF, "f.pdf")
    api.add_attachment(PDF[:1001], name="p.pdf", mime="application/pdf", extension="PDF")
    api.deposit_flux(PDF[:1000], "x.pdf")
    api.flux_report("F1")

    by_op = {e.operation: e for e in journal}
    assert by_op["deposit_pdf"].request["fichierFacture"] == f"<{len(PDF)} octets>"
    assert by_op["add_attachment"].request["pieceJointeFichier"] == "<1001 octets>"
    assert by_op["deposit_flux"].request["fichierFlux"] == "<1000 octets>"
    assert by_op["flux_report"].response["fichierCR"] == f"<{len(PDF)} octets>"
    assert base64.b64encode(PDF[:300]).decode()[:200] not in _dump(journal)


def test_no_secret_reaches_the_journal_or_the_logs(api, piste, journal, caplog, make_submit):
    caplog.set_level(logging.DEBUG)
    piste.token()
    piste.token(access_token="jeton-renouvele-9z8y")
    piste.reply("factures/v1/deposer/pdf", status=401, body="")
    piste.reply("factures/v1/deposer/pdf", json={"codeRetour": 0, "pieceJointeId": 1})
    # A gateway page echoing what it received must not carry the secrets into the journal either.
    piste.reply(
        "factures/v1/soumettre", status=502, body=f"<html>bad gateway {CPRO_ACCOUNT} {PASSWORD}</html>"
    )

    api.deposit_pdf(PDF, "f.pdf")
    with pytest.raises(client.ChorusUnavailable):
        api.submit(make_submit())

    written = _dump(journal) + caplog.text
    for secret in (*SECRETS, "jeton-renouvele-9z8y", base64.b64encode(PDF).decode()[:100]):
        assert secret not in written
    token_entry = journal[0]
    assert token_entry.request["client_secret"] == "<masqué>"
    assert token_entry.response["access_token"] == "<masqué>"
    assert "<masqué>" in journal[-1].response


def test_a_broken_journal_does_not_lose_chorus_answer(make_api, piste, make_submit):
    def broken(exchange):
        raise RuntimeError("base indisponible")

    api = client.ChorusClient(
        endpoints=make_api().endpoints,
        piste=client.PisteApp("geoprod-app", CLIENT_SECRET),
        account=client.TechnicalAccount(LOGIN, PASSWORD),
        journal=broken,
    )
    piste.token()
    piste.reply("factures/v1/soumettre", json={"codeRetour": 0, "identifiantFactureCPP": 8500017})

    assert api.submit(make_submit()).identifiant_facture_cpp == 8500017


def test_credentials_do_not_show_in_repr():
    assert PASSWORD not in repr(client.TechnicalAccount("TECH_1@cpro.fr", PASSWORD))
    assert CLIENT_SECRET not in repr(client.PisteApp("app", CLIENT_SECRET))
