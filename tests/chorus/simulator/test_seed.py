"""The demo directory: idempotent seeding, valid SIRETs, automatic seeding at first use, the command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from stdnum.fr import siret

from chorus.simulator import seed_data, state
from chorus.simulator.models import SimBankAccount, SimInvoice, SimService, SimStructure, SimTechnicalAccount


@pytest.mark.django_db
def test_seed_is_idempotent():
    state.seed()
    counts = (SimStructure.objects.count(), SimService.objects.count(), SimBankAccount.objects.count())
    state.seed()
    assert (
        SimStructure.objects.count(),
        SimService.objects.count(),
        SimBankAccount.objects.count(),
    ) == counts
    assert SimTechnicalAccount.objects.count() == 3


@pytest.mark.django_db
def test_seed_restores_edited_demo_data():
    state.seed()
    SimService.objects.filter(code="DGST").update(active=False)
    state.seed()
    assert SimService.objects.get(code="DGST").active


def test_every_demo_siret_is_valid():
    for entry in seed_data.SUPPLIERS + seed_data.RECIPIENTS:
        assert siret.is_valid(entry["siret"]), entry["siret"]


@pytest.mark.django_db
def test_demo_cabinets_have_services_banks_and_an_account():
    state.seed()
    for login, structure_siret in [
        ("TECH_00000000178051@cpp2017.fr", "81234567600017"),
        ("TECH_00000000178052@cpp2017.fr", "79845612500011"),
    ]:
        account = SimTechnicalAccount.objects.get(login=login)
        (structure,) = account.structures.all()
        assert structure.siret == structure_siret and not structure.is_public
        assert structure.services.exists() and structure.bank_accounts.exists()
        assert account.password == "GeoprodDemo2026!"


@pytest.mark.django_db
def test_first_call_seeds_an_empty_database(client):
    assert not SimStructure.objects.exists()
    client.post("/_chorus-sim/api/oauth/token", {"grant_type": "client_credentials"})
    assert SimStructure.objects.filter(siret="21310555400017").exists()


@pytest.mark.django_db
def test_seed_command(capsys):
    call_command("chorus_simulator_seed")
    assert SimStructure.objects.filter(designation="Commune de Lyon").exists()
    assert "annuaire" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_command_reset_wipes_invoices(sim):
    sim.submit("F-2026-0001")
    call_command("chorus_simulator_seed", "--reset")
    assert not SimInvoice.objects.exists()
    assert SimStructure.objects.exists()
