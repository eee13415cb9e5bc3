"""Chorus Pro's refusals in French sentences that say what to do, next to the field concerned."""

from __future__ import annotations

import pytest

from chorus import client, refusals


def _on(operation: str, error: client.ChorusError) -> client.ChorusError:
    error.operation = operation
    return error


@pytest.mark.parametrize(
    ("error", "field", "words"),
    [
        (client.ChorusAuthError("x", http_status=401), "", "compte technique"),
        (client.ChorusAuthError("x", http_status=403), "", "Tester la connexion"),
        (client.ChorusRateLimited("x"), "", "quelques minutes"),
        (client.ChorusUnavailable("x", http_status=503), "", "Rien ne sera déposé deux fois"),
        (_on("add_attachment", client.ChorusRejected("20003", "")), "fichier", "10 Mo"),
        (_on("find_structure", client.ChorusRejected("20000", "TRA_MSG_00.015")), "destinataire_siret", "SIRET"),
        (client.ChorusRejected("20101", "Performing service is mandatory for this recipient"), "service_code", "code service"),
        (client.ChorusRejected("20102", "Recipient not located or inactive"), "destinataire_siret", "introuvable"),
        (client.ChorusRejected("20109", "Header synthesis is not correct"), "", "totaux"),
        (_on("deposit_pdf", client.ChorusRejected("413", "trop gros", http_status=413)), "", "10 Mo"),
        (client.ChorusUnavailable("x", http_status=404), "", "CHORUS_ENV"),
        (_on("deposit_flux", client.ChorusRejected("20002", "GDP_MSG_01.002")), "", "PDF non signé"),
    ],
)  # fmt: skip
def test_each_listed_refusal_says_what_to_do(error, field, words):
    explained = refusals.explain(error)
    assert words in explained.message and explained.field == field
    assert "HTTP" not in explained.message and "code 20" not in explained.message


def test_a_code_means_different_things_on_different_operations():
    on_upload = refusals.explain(_on("add_attachment", client.ChorusRejected("20003", "")))
    on_submit = refusals.explain(_on("submit", client.ChorusRejected("20003", "Montant invalide")))
    assert on_upload.field == "fichier" and "Montant invalide" in on_submit.message


def test_an_unknown_refusal_quotes_chorus_and_keeps_the_raw_code():
    explained = refusals.explain(client.ChorusRejected("20999", "Le numéro d'engagement est inconnu"))
    assert explained.message.startswith(
        "Chorus Pro a refusé la demande : « Le numéro d'engagement est inconnu »"
    )
    assert (explained.field, explained.code) == ("numero_engagement", "20999")
