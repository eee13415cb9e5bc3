"""completer on a SUSPENDUE invoice, recycler on an A_RECYCLER one, and both refused elsewhere."""

from __future__ import annotations

from chorus.simulator import lifecycle, state
from tests.chorus.simulator.conftest import number_for

HISTORY = "factures/v1/consulter/historique"


def _returned(sim, outcome: str) -> int:
    identifiant = sim.submit(number_for(outcome))["identifiantFactureCPP"]
    state.advance_clock(days=2)
    sim.token = sim.get_token().json()["access_token"]
    return identifiant


def _codes(sim, identifiant: int) -> list[str]:
    sim.token = sim.get_token().json()["access_token"]
    changes = sim.ok(HISTORY, {"idFacture": identifiant})["historiquesDesStatuts"]["histoStatut"]
    return [c["histoStatutCode"] for c in changes]


def test_completing_a_suspended_invoice_resumes_it_to_payment(sim):
    identifiant = _returned(sim, lifecycle.SUSPENDUE)
    body = {
        "identifiantFactureCPP": identifiant,
        "commentaire": "PV de bornage joint",
        "pieceJointeComplementaire": [
            {"pieceJointeComplementaireDesignation": "PV", "pieceJointeComplementaireId": sim.upload()}
        ],
    }
    data = sim.ok("factures/v1/completer", body)
    assert data["dateTraitement"] == state.today().isoformat()
    state.advance_clock(days=11)
    assert _codes(sim, identifiant)[:4] == ["MISE_EN_PAIEMENT", "MANDATEE", "SERVICE_FAIT", "COMPLETEE"]


def test_completing_needs_a_comment_or_an_attachment(sim):
    identifiant = _returned(sim, lifecycle.SUSPENDUE)
    sim.refused("factures/v1/completer", {"identifiantFactureCPP": identifiant})


def test_completing_refuses_an_unknown_attachment(sim):
    identifiant = _returned(sim, lifecycle.SUSPENDUE)
    extra = [{"pieceJointeComplementaireDesignation": "PV", "pieceJointeComplementaireId": 1}]
    body = {"identifiantFactureCPP": identifiant, "pieceJointeComplementaire": extra}
    assert sim.refused("factures/v1/completer", body)["codeRetour"] == 20108


def test_recycling_reroutes_the_invoice_under_the_same_number(sim):
    identifiant = _returned(sim, lifecycle.A_RECYCLER)
    body = {
        "identifiantFactureCPP": identifiant,
        "destinataire": {"codeDestinataire": "21310555400017", "codeServiceExecutant": "FONCIER"},
    }
    data = sim.ok("factures/v1/recycler", body)
    assert (data["identifiantFactureCPP"], data["statutFacture"]) == (identifiant, "DEPOSEE")
    facture = sim.ok("factures/v1/consulter/fournisseur", {"identifiantFactureCPP": identifiant})["facture"]
    assert facture["destinataire"]["codeServiceExecutant"] == "FONCIER"
    state.advance_clock(days=11)
    assert _codes(sim, identifiant)[0] == "MISE_EN_PAIEMENT"


def test_recycling_checks_the_new_routing(sim):
    identifiant = _returned(sim, lifecycle.A_RECYCLER)
    body = {"identifiantFactureCPP": identifiant, "destinataire": {"codeDestinataire": "21690123100011"}}
    assert sim.refused("factures/v1/recycler", body)["codeRetour"] == 20104
    body["references"] = {"numeroBonCommande": "EJ-2026-7"}
    sim.ok("factures/v1/recycler", body)


def test_actions_are_refused_in_other_statuses(sim):
    identifiant = sim.submit(number_for(lifecycle.NORMAL))["identifiantFactureCPP"]
    complete = {"identifiantFactureCPP": identifiant, "commentaire": "x"}
    recycle = complete | {"destinataire": {"codeDestinataire": "12345678200051"}}
    assert sim.refused("factures/v1/completer", complete)["codeRetour"] == 20120
    assert sim.refused("factures/v1/recycler", recycle)["codeRetour"] == 20120


def test_completing_refuses_an_attachment_type_outside_typespj(sim):
    identifiant = _returned(sim, lifecycle.SUSPENDUE)
    extra = [{"pieceJointeComplementaireDesignation": "PV", "pieceJointeComplementaireId": sim.upload(),
              "pieceJointeComplementaireType": "PLAN"}]  # fmt: skip
    body = {"identifiantFactureCPP": identifiant, "pieceJointeComplementaire": extra}
    assert sim.refused("factures/v1/completer", body)["codeRetour"] == 20123


def test_actions_refuse_fields_the_reference_does_not_document(sim):
    identifiant = _returned(sim, lifecycle.SUSPENDUE)
    body = {"identifiantFactureCPP": identifiant, "commentaire": "x", "dateEcheancePaiement": "2027-01-01"}
    assert sim.refused("factures/v1/completer", body)["codeRetour"] == 20121
    assert _codes(sim, identifiant)[0] == "SUSPENDUE"


def test_a_forced_suspension_carries_the_buyer_comment_then_completion_resumes(sim, control):
    identifiant = sim.submit(number_for(lifecycle.NORMAL))["identifiantFactureCPP"]
    control(
        "status",
        {"identifiantFactureCPP": identifiant, "statut": "SUSPENDUE", "commentaire": "Plan manquant"},
    )
    sim.token = sim.get_token().json()["access_token"]
    [latest, *_] = sim.ok(HISTORY, {"idFacture": identifiant})["historiquesDesStatuts"]["histoStatut"]
    assert (latest["histoStatutCode"], latest["histoStatutCommentaire"]) == ("SUSPENDUE", "Plan manquant")
    assert latest["histoStatutUtilisateurNom"].startswith("Gestionnaire ")
    assert latest["histoStatutDatePassage"]
    sim.ok("factures/v1/completer", {"identifiantFactureCPP": identifiant, "commentaire": "Plan joint"})
    state.advance_clock(days=3)
    assert _codes(sim, identifiant)[:2] == ["SERVICE_FAIT", "COMPLETEE"]
