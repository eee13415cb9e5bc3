"""Fault switches, through the Python API and the control endpoints, and the call statistics."""

from __future__ import annotations

import time

import pytest

from chorus.simulator import faults, state
from chorus.simulator.models import SimInvoice

ACTIVES = "transverses/v1/recuperer/structures/actives/fournisseur"
SUBMIT = "factures/v1/soumettre"


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Records the simulator's sleeps instead of waiting."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def statuses(sim, n: int, operation: str = ACTIVES) -> list[int]:
    return [sim.post(operation).status_code for _ in range(n)]


def test_latency_is_added_before_the_reply(sim, sleeps):
    faults.latency(250)
    assert sim.post(ACTIVES).status_code == 200
    assert sleeps == [0.25]


def test_latencies_add_up(sim, sleeps):
    faults.latency(100)
    faults.latency(50, operation="fournisseur")
    sim.post(ACTIVES)
    assert sleeps == [0.15]


@pytest.mark.parametrize("code", [500, 502, 503, 504])
def test_server_error_on_every_call(sim, code):
    faults.server_error(code)
    response = sim.post(ACTIVES)
    assert response.status_code == code
    assert response.json()["codeRetour"] == code


def test_server_error_share_is_spread_evenly_and_repeatably(sim):
    faults.server_error(503, share=0.5)
    assert statuses(sim, 6) == [200, 503, 200, 503, 200, 503]
    faults.clear()
    faults.server_error(500, share=0.25)
    assert statuses(sim, 8) == [200, 200, 200, 500, 200, 200, 200, 500]


def test_server_error_count_then_recovery(sim):
    faults.server_error(500, count=2)
    assert statuses(sim, 4) == [500, 500, 200, 200]
    assert faults.active() == []


def test_fault_applies_only_to_the_named_operation(sim):
    faults.server_error(503, operation="soumettre")
    assert sim.post(ACTIVES).status_code == 200
    assert sim.post(SUBMIT, sim.invoice()).status_code == 503
    assert not SimInvoice.objects.exists()


def test_fault_operation_may_be_the_full_path(sim):
    faults.server_error(500, operation="factures/v1/soumettre")
    assert sim.post(SUBMIT, sim.invoice()).status_code == 500


def test_rate_limit_with_retry_after(sim):
    faults.rate_limit(retry_after=7, count=1)
    response = sim.post(ACTIVES)
    assert response.status_code == 429
    assert response["Retry-After"] == "7"
    assert sim.post(ACTIVES).status_code == 200


def test_read_timeout_sleeps_and_does_not_execute(sim, sleeps):
    faults.read_timeout(seconds=3, operation="soumettre", count=1)
    response = sim.post(SUBMIT, sim.invoice())
    assert sleeps == [3.0]
    assert response.status_code == 504
    assert not SimInvoice.objects.exists()


def test_default_timeout_outlasts_a_30_second_read_timeout(sim, sleeps):
    faults.read_timeout(count=1)
    sim.post(ACTIVES)
    assert sleeps[0] > 30


def test_accept_then_timeout_records_the_invoice_then_holds_the_reply(sim, sleeps):
    faults.accept_then_timeout(seconds=2)
    response = sim.post(SUBMIT, sim.invoice("F-2026-0777"))
    assert sleeps == [2.0]
    assert response.status_code == 200
    assert SimInvoice.objects.filter(numero="F-2026-0777").exists()
    found = sim.ok("factures/v1/rechercher/fournisseur", {"numeroFacture": "F-2026-0777"})
    assert found["parametresRetour"]["total"] == 1


def test_accept_then_timeout_holds_the_token_reply_too(sim, sleeps):
    faults.accept_then_timeout(seconds=3, operation="*", count=1)
    assert sim.get_token().status_code == 200
    assert sleeps == [3.0]


def test_expired_token_refuses_the_next_bearer_then_a_new_token_works(sim):
    faults.expire_token()
    response = sim.post(ACTIVES)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert sim.post(ACTIVES).status_code == 401  # that token is dead for good
    sim.token = sim.get_token().json()["access_token"]
    assert sim.post(ACTIVES).status_code == 200


def test_expired_token_does_not_touch_the_token_endpoint(sim):
    faults.expire_token()
    assert sim.get_token().status_code == 200
    assert faults.active()[0]["count"] == 1


def test_malformed_json(sim):
    faults.malformed_json(count=1)
    response = sim.post(ACTIVES)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()


def test_invalid_client_on_good_credentials(sim):
    faults.invalid_client(count=1)
    response = sim.get_token()
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
    assert sim.get_token().status_code == 200


def test_faults_on_the_token_endpoint(sim):
    faults.server_error(503, operation="token", count=1)
    assert sim.get_token().status_code == 503
    assert sim.post(ACTIVES).status_code == 200


def test_one_reply_fault_per_call_others_wait_their_turn(sim):
    faults.server_error(500, count=1)
    faults.rate_limit(count=1)
    assert statuses(sim, 3) == [500, 429, 200]


def test_fault_switch_validation():
    with pytest.raises(ValueError):
        faults.add("tremblement")
    with pytest.raises(ValueError):
        faults.server_error(418)
    with pytest.raises(ValueError):
        faults.latency(10, share=1.5)


def test_stats_count_calls_per_operation(sim, control):
    sim.post(ACTIVES)
    sim.post(ACTIVES)
    sim.post("factures/v1/inexistant")
    calls = state.stats()
    assert calls[ACTIVES] == 2
    assert calls["api/oauth/token"] == 1
    assert calls["inconnu"] == 1
    reply = control("stats", method="get")
    assert reply["calls"][ACTIVES] == 2
    assert reply["total"] == 4


def test_faulted_calls_are_counted_too(sim, control):
    faults.server_error(503, count=2)
    statuses(sim, 3)
    assert state.stats()[ACTIVES] == 3
    assert control("stats", method="get")["byStatus"][ACTIVES] == {"200": 1, "503": 2}


def test_control_endpoint_sets_and_clears_faults(sim, control):
    reply = control("faults", {"kind": "error", "status": 503, "operation": "fournisseur", "count": 1})
    assert reply["faults"][0]["params"] == {"status": 503}
    assert control("faults", method="get")["faults"][0]["operation"] == "fournisseur"
    assert sim.post(ACTIVES).status_code == 503
    control("faults", {"kind": "rate_limit", "retry_after": 3})
    assert sim.post(ACTIVES).status_code == 429
    control("faults/clear")
    assert sim.post(ACTIVES).status_code == 200


def test_control_endpoint_refuses_a_bad_fault(sim, staff_client):
    response = staff_client.post(
        "/_chorus-sim/_control/faults", '{"kind": "panne"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 400


def test_control_latency_and_timeout_switches(sim, control, sleeps):
    control("faults", {"kind": "latency", "ms": 120, "count": 1})
    control("faults", {"kind": "timeout", "seconds": 4, "operation": "soumettre", "count": 1})
    sim.post(ACTIVES)
    sim.post(SUBMIT, sim.invoice())
    assert sleeps == [0.12, 4.0]


def test_control_clock_advances_simulated_time(sim, control):
    before = control("clock", method="get")["now"]
    after = control("clock", {"hours": 2})["now"]
    assert after > before
    assert sim.post(ACTIVES).status_code == 401  # the one-hour token has expired


def test_control_reset_clears_faults_and_stats_by_default(sim, control):
    faults.server_error(503)
    sim.post(ACTIVES)
    control("reset")
    assert faults.active() == []
    assert state.stats() == {}


def test_control_reset_with_data_wipes_invoices_and_reseeds(sim, control):
    sim.submit("F-2026-0001")
    state.advance_clock(days=1)
    control("reset", {"data": True})
    assert not SimInvoice.objects.exists()
    assert control("clock", method="get")["now"][:10] == state.now().isoformat()[:10]
    sim.token = sim.get_token().json()["access_token"]
    assert sim.post(ACTIVES).status_code == 200


def test_control_endpoints_refuse_wrong_methods(sim, staff_client):
    assert staff_client.get("/_chorus-sim/_control/reset").status_code == 405
    assert staff_client.post("/_chorus-sim/_control/stats").status_code == 405
