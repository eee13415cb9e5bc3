"""completer and recycler (chorus-api-reference.md §3.14): exact bodies, parsed answers, refusals, sent once."""

from __future__ import annotations

from datetime import date

import pytest
import requests

from chorus import client, refusals

OK = {"codeRetour": 0, "libelle": "GCU_MSG_01_000"}


def test_complete_sends_the_comment_and_the_attachments(api, piste):
    piste.token()
    piste.reply(
        "factures/v1/completer",
        json=OK | {"identifiantFactureCPP": 8500017, "numeroFacture": "F2026-0042", "dateTraitement": "2026-11-30"},
    )  # fmt: skip
    pj = client.ComplementaryAttachment(piece_jointe_id=9100003, designation="PV de bornage", type="PJ_PLAN")

    done = api.complete(
        client.CompleteRequest(identifiant_facture_cpp=8500017, commentaire="PV joint", complementary=(pj,))
    )

    assert piste.sent("factures/v1/completer") == {
        "identifiantFactureCPP": 8500017,
        "commentaire": "PV joint",
        "pieceJointeComplementaire": [
            {
                "pieceJointeComplementaireDesignation": "PV de bornage",
                "pieceJointeComplementaireId": 9100003,
                "pieceJointeComplementaireType": "PJ_PLAN",
            }
        ],
        "idUtilisateurCourant": 0,
    }
    assert done == client.Completed(8500017, "F2026-0042", date(2026, 11, 30))


def test_complete_without_attachments_sends_no_list(api, piste):
    piste.token()
    piste.reply("factures/v1/completer", json=OK)
    done = api.complete(client.CompleteRequest(identifiant_facture_cpp=8500017, commentaire="Voir courrier"))
    assert piste.sent("factures/v1/completer") == {
        "identifiantFactureCPP": 8500017,
        "commentaire": "Voir courrier",
        "idUtilisateurCourant": 0,
    }
    assert done.identifiant_facture_cpp == 8500017 and done.date_traitement is None


def test_recycle_sends_the_new_routing(api, piste):
    piste.token()
    piste.reply(
        "factures/v1/recycler",
        json=OK | {"identifiantFactureCPP": 8500017, "numeroFacture": "F2026-0042", "dateDepot": "2026-12-01",
                   "statutFacture": "DEPOSEE"},
    )  # fmt: skip

    done = api.recycle(
        client.RecycleRequest(
            identifiant_facture_cpp=8500017,
            code_destinataire="21310555400017",
            code_service_executant="FONCIER",
            numero_bon_commande="EJ-7",
            commentaire="Service corrigé",
        )
    )

    assert piste.sent("factures/v1/recycler") == {
        "identifiantFactureCPP": 8500017,
        "destinataire": {"codeDestinataire": "21310555400017", "codeServiceExecutant": "FONCIER"},
        "references": {"numeroBonCommande": "EJ-7"},
        "commentaire": "Service corrigé",
        "idUtilisateurCourant": 0,
    }
    assert done == client.Recycled(8500017, "F2026-0042", date(2026, 12, 1), "DEPOSEE")


def test_recycle_without_service_nor_engagement_sends_the_recipient_only(api, piste):
    piste.token()
    piste.reply("factures/v1/recycler", json=OK | {"statutFacture": "DEPOSEE"})
    api.recycle(client.RecycleRequest(identifiant_facture_cpp=8500017, code_destinataire="21310555400017"))
    assert piste.sent("factures/v1/recycler") == {
        "identifiantFactureCPP": 8500017,
        "destinataire": {"codeDestinataire": "21310555400017"},
        "idUtilisateurCourant": 0,
    }


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("complete", lambda api: api.complete(client.CompleteRequest(8500017, "x"))),
        ("recycle", lambda api: api.recycle(client.RecycleRequest(8500017, "21310555400017"))),
    ],
)
def test_actions_are_sent_once_even_when_the_reply_is_lost(api, piste, operation, call):
    piste.token()
    path = {"complete": "factures/v1/completer", "recycle": "factures/v1/recycler"}[operation]
    piste.reply(path, body=requests.ConnectionError("reset"))
    with pytest.raises(client.ChorusUnavailable):
        call(api)
    assert len(piste.api_calls()) == 1


def test_a_refused_completion_reads_in_french(api, piste):
    piste.token()
    piste.reply(
        "factures/v1/completer",
        json={"codeRetour": 20120, "libelle": "Action impossible : la facture est au statut MANDATEE, pas SUSPENDUE."},
    )  # fmt: skip
    with pytest.raises(client.ChorusRejected) as caught:
        api.complete(client.CompleteRequest(8500017, "x"))
    explained = refusals.explain(caught.value)
    assert explained.code == "20120"
    assert "n'est plus « Suspendue »" in explained.message and "Rafraîchir" in explained.message


def test_a_refused_recycling_names_the_field(api, piste):
    piste.token()
    piste.reply(
        "factures/v1/recycler",
        json={"codeRetour": 20104, "libelle": "Le numéro d'engagement (bon de commande) est obligatoire pour ce destinataire."},
    )  # fmt: skip
    with pytest.raises(client.ChorusRejected) as caught:
        api.recycle(client.RecycleRequest(8500017, "21690123100011"))
    explained = refusals.explain(caught.value)
    assert explained.field == "numero_engagement"
    assert "engagement" in explained.message and "Recycler" in explained.message
