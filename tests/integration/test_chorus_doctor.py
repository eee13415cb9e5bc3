"""chorus_doctor against the simulator over real HTTP: every step passes, the reference lists are cached by
« Mettre à jour », and a wrong technical password is named as the failing step."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from chorus import services
from chorus.simulator.seed_data import MOTIFS_EXONERATION, TYPES_PJ

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_doctor_passes_every_step_on_the_simulator(account, capsys):
    call_command("chorus_doctor", cabinet=account.cabinet_id)
    out = capsys.readouterr().out
    assert out.count("[OK ]") == 6 and "Raccordement Chorus Pro opérationnel." in out


def test_mettre_a_jour_caches_the_simulators_reference_lists(account):
    assert [t["code"] for t in account.attachment_types] == [code for _, code, _ in TYPES_PJ]
    assert [m["code"] for m in account.exemption_motives] == [code for code, _ in MOTIFS_EXONERATION]


def test_doctor_names_a_refused_technical_account(account):
    account.set_password("pas-le-bon-mot-de-passe")
    account.save()
    report = services.diagnose(account=account)
    assert report.failure.name == "Compte technique" and [s.ok for s in report.steps] == [True, False]
    with pytest.raises(CommandError, match="Compte technique"):
        call_command("chorus_doctor", cabinet=account.cabinet_id)
