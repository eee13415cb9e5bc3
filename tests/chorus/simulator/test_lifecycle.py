"""Status progression driven by the simulator clock, the history, consultation and the supplier search."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from chorus.simulator import lifecycle, state
from chorus.simulator.models import SimInvoice
from tests.chorus.simulator.conftest import number_for

CONSULT = "factures/v1/consulter/fournisseur"
HISTORY = "factures/v1/consulter/historique"
SEARCH = "factures/v1/rechercher/fournisseur"


def status(sim, identifiant: int) -> str:
    return sim.ok(CONSULT, {"identifiantFactureCPP": identifiant})["facture"]["statutFacture"]


def search(sim, **criteria) -> dict:
    return sim.ok(SEARCH, criteria)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def test_outcomes_are_deterministic_and_varied():
    outcomes = [lifecycle.outcome_for(f"F-2026-{i:04d}") for i in range(1, 201)]
    assert outcomes == [lifecycle.outcome_for(f"F-2026-{i:04d}") for i in range(1, 201)]
    assert {lifecycle.REJETEE, lifecycle.SUSPENDUE, lifecycle.A_RECYCLER} < set(outcomes)
    assert outcomes.count(lifecycle.NORMAL) > 120


def test_paid_path_moves_with_the_clock(sim):
    identifiant = sim.submit(number_for(lifecycle.NORMAL))["identifiantFactureCPP"]
    seen = [status(sim, identifiant)]
    for step in (
        timedelta(minutes=5),
        timedelta(minutes=55),
        timedelta(days=2),
        timedelta(days=3),
        timedelta(days=5),
    ):
        state.advance_clock(seconds=step.total_seconds())
        sim.token = sim.get_token().json()["access_token"]
        seen.append(status(sim, identifiant))
    assert seen == [
        "DEPOSEE",
        "EN_COURS_ACHEMINEMENT",
        "MISE_A_DISPOSITION",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
    ]


def test_final_status_never_moves_again(sim):
    identifiant = sim.submit(number_for(lifecycle.NORMAL))["identifiantFactureCPP"]
    state.advance_clock(days=11)
    state.advance_clock(days=300)
    sim.token = sim.get_token().json()["access_token"]
    assert status(sim, identifiant) == "MISE_EN_PAIEMENT"
    assert SimInvoice.objects.get().history.count() == 6


def test_history_is_newest_first_with_dates_and_comments(sim):
    identifiant = sim.submit(number_for(lifecycle.NORMAL))["identifiantFactureCPP"]
    deposited = SimInvoice.objects.get().deposited_at
    state.advance_clock(days=11)
    sim.token = sim.get_token().json()["access_token"]
    data = sim.ok(HISTORY, {"idFacture": identifiant})
    assert data["statutCourantCode"] == "MISE_EN_PAIEMENT"
    changes = data["historiquesDesStatuts"]["histoStatut"]
    assert [c["histoStatutCode"] for c in changes] == [
        "MISE_EN_PAIEMENT",
        "MANDATEE",
        "SERVICE_FAIT",
        "MISE_A_DISPOSITION",
        "EN_COURS_ACHEMINEMENT",
        "DEPOSEE",
    ]
    expected_paid = timezone.localtime(deposited + timedelta(days=10)).strftime("%Y-%m-%d %H:%M")
    assert changes[0]["histoStatutDatePassage"] == expected_paid
    assert all(c["histoStatutCommentaire"] for c in changes)
    assert changes[1]["histoStatutUtilisateurNom"] == "Gestionnaire Mairie de Toulouse"
    assert data["historiquesDesStatuts"]["totalHistoStatut"] == 6


def test_history_honours_the_maximum(sim):
    identifiant = sim.submit(number_for(lifecycle.NORMAL))["identifiantFactureCPP"]
    state.advance_clock(days=3)
    sim.token = sim.get_token().json()["access_token"]
    data = sim.ok(HISTORY, {"idFacture": identifiant, "nbResultatsMaximum": 2})
    assert [c["histoStatutCode"] for c in data["historiquesDesStatuts"]["histoStatut"]] == [
        "SERVICE_FAIT",
        "MISE_A_DISPOSITION",
    ]


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        (lifecycle.REJETEE, "Rejet"),
        (lifecycle.SUSPENDUE, "Suspension"),
        (lifecycle.A_RECYCLER, "À recycler"),
    ],
)
def test_some_invoices_are_rejected_suspended_or_to_recycle(sim, outcome, reason):
    numero = number_for(outcome)
    identifiant = sim.submit(numero)["identifiantFactureCPP"]
    state.advance_clock(days=30)
    sim.token = sim.get_token().json()["access_token"]
    (found,) = search(sim, numeroFacture=numero)["listeFactures"]
    assert found["statut"] == outcome
    assert found["commentaireEtatCourant"].startswith(reason)
    assert status(sim, identifiant) == outcome


def test_recipient_not_reporting_payment_stops_at_mandatee(sim):
    numero = number_for(lifecycle.NORMAL)
    identifiant = sim.submit(numero, destinataire={"codeDestinataire": "25310042400014"})[
        "identifiantFactureCPP"
    ]
    state.advance_clock(days=60)
    sim.token = sim.get_token().json()["access_token"]
    assert status(sim, identifiant) == "MANDATEE"


def test_consulted_invoice_carries_its_data(sim):
    identifiant = sim.submit("F-2026-0001")["identifiantFactureCPP"]
    facture = sim.ok(CONSULT, {"identifiantFactureCPP": identifiant})["facture"]
    assert facture["numeroFacture"] == "F-2026-0001"
    assert facture["destinataire"]["codeDestinataire"] == "21310555400017"
    assert facture["destinataire"]["codeServiceExecutant"] == "DGST"
    assert facture["montantTotal"]["montantTtcTotal"] == 1500.0
    assert facture["fournisseur"]["codeCoordonneesBancairesFournisseur"] == 51001


def test_another_supplier_cannot_see_the_invoice(sim, rhone):
    identifiant = sim.submit("F-2026-0001")["identifiantFactureCPP"]
    assert rhone.refused(CONSULT, {"identifiantFactureCPP": identifiant})["codeRetour"] == 20007
    assert rhone.refused(HISTORY, {"idFacture": identifiant})["codeRetour"] == 20007
    assert search(rhone)["listeFactures"] == []


def test_unknown_invoice_is_refused(sim):
    sim.refused(CONSULT, {"identifiantFactureCPP": 1})
    sim.refused(CONSULT, {})


def test_search_by_number(sim):
    sim.submit("F-2026-0001")
    sim.submit("F-2026-0002")
    found = search(sim, numeroFacture="F-2026-0002")
    assert [f["numeroFacture"] for f in found["listeFactures"]] == ["F-2026-0002"]
    assert found["parametresRetour"]["total"] == 1


def test_search_without_result_is_an_empty_success(sim):
    found = search(sim, numeroFacture="F-1999-0001")
    assert found["listeFactures"] == []
    assert found["libelle"] == "TRA_MSG_00.015"
    assert found["parametresRetour"]["total"] == 0


def test_search_by_status_as_list_or_string(sim):
    paid = number_for(lifecycle.NORMAL)
    rejected = number_for(lifecycle.REJETEE)
    sim.submit(paid)
    sim.submit(rejected)
    state.advance_clock(days=30)
    sim.token = sim.get_token().json()["access_token"]
    assert [f["numeroFacture"] for f in search(sim, statutCourant=["REJETEE"])["listeFactures"]] == [rejected]
    assert [f["numeroFacture"] for f in search(sim, statutCourant="MISE_EN_PAIEMENT")["listeFactures"]] == [
        paid
    ]
    both = search(sim, statutCourant=["REJETEE", "MISE_EN_PAIEMENT"])
    assert both["parametresRetour"]["total"] == 2


def test_search_by_status_change_window(sim):
    early = sim.submit(number_for(lifecycle.NORMAL))["identifiantFactureCPP"]
    state.advance_clock(days=3)
    since = state.now() - timedelta(minutes=1)
    sim.token = sim.get_token().json()["access_token"]
    late = sim.submit("F-2026-9001")["identifiantFactureCPP"]
    window = search(
        sim, periodeDateHeureEtatCourantDu=iso(since), periodeDateHeureEtatCourantAu=iso(state.now())
    )
    assert [f["identifiantFactureCPP"] for f in window["listeFactures"]] == [late]
    before = search(sim, periodeDateHeureEtatCourantAu=iso(since))
    assert [f["identifiantFactureCPP"] for f in before["listeFactures"]] == [early]
    assert before["listeFactures"][0]["statut"] == "SERVICE_FAIT"


def test_status_change_time_is_precise_enough_for_a_delta_search(sim):
    sim.submit("F-2026-0001")
    (found,) = search(sim)["listeFactures"]
    changed = datetime.fromisoformat(found["dateHeureEtatCourant"])
    assert search(sim, periodeDateHeureEtatCourantDu=iso(changed))["parametresRetour"]["total"] == 1
    later = iso(changed + timedelta(milliseconds=1))
    assert search(sim, periodeDateHeureEtatCourantDu=later)["parametresRetour"]["total"] == 0


def test_search_accepts_utc_z_date_times(sim):
    sim.submit("F-2026-0001")
    since = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert search(sim, periodeDateHeureEtatCourantDu=since)["parametresRetour"]["total"] == 1


def test_search_by_deposit_dates(sim):
    sim.submit("F-2026-0001")
    today = state.today().isoformat()
    assert search(sim, periodeDateDepotDu=today, periodeDateDepotAu=today)["parametresRetour"]["total"] == 1
    tomorrow = (state.today() + timedelta(days=1)).isoformat()
    assert search(sim, periodeDateDepotDu=tomorrow)["parametresRetour"]["total"] == 0


def test_search_is_paged(sim):
    for i in range(1, 13):
        sim.submit(f"P-{i:02d}")
    paging = {
        "nbResultatsParPage": 5,
        "pageResultatDemandee": 3,
        "triColonne": "NumeroFacture",
        "triSens": "Ascendant",
    }
    found = search(sim, rechercheFactureParFournisseur=paging)
    assert [f["numeroFacture"] for f in found["listeFactures"]] == ["P-11", "P-12"]
    assert found["parametresRetour"] == {"total": 12, "pageCourante": 3, "pages": 3, "nbResultatsParPage": 5}
    default = search(sim)
    assert len(default["listeFactures"]) == 10
    assert default["listeFactures"][0]["numeroFacture"] == "P-12"


def test_search_rows_carry_the_contract_fields(sim):
    sim.submit("F-2026-0001")
    (row,) = search(sim)["listeFactures"]
    for key in (
        "identifiantFactureCPP",
        "numeroFacture",
        "statut",
        "dateHeureEtatCourant",
        "commentaireEtatCourant",
        "dateDepot",
        "dateFacture",
        "typeFacture",
        "modeDepot",
        "montantHT",
        "montantTTC",
        "montantAPayer",
        "devise",
        "codeDestinataire",
        "designationDestinataire",
        "codeServiceExecutant",
        "nomServiceExecutant",
        "rejetTraite",
    ):
        assert key in row
    assert row["designationDestinataire"] == "Mairie de Toulouse"


def test_search_by_recipient(sim):
    sim.submit("F-2026-0001")
    sim.submit("F-2026-0002", destinataire={"codeDestinataire": "12345678200051"})
    found = search(sim, listeDestinataire=[{"idDestinataire": 26310101}])
    assert [f["numeroFacture"] for f in found["listeFactures"]] == ["F-2026-0002"]


def test_clock_only_moves_forward():
    with pytest.raises(ValueError):
        state.advance_clock(hours=-1)


def test_forced_status_stops_the_progression(sim, control):
    identifiant = sim.submit(number_for(lifecycle.NORMAL))["identifiantFactureCPP"]
    control(
        "status", {"identifiantFactureCPP": identifiant, "statut": "SUSPENDUE", "commentaire": "PV manquant"}
    )
    state.advance_clock(days=30)
    sim.token = sim.get_token().json()["access_token"]
    (found,) = search(sim)["listeFactures"]
    assert (found["statut"], found["commentaireEtatCourant"]) == ("SUSPENDUE", "PV manquant")
