"""« Tester la connexion » and manage.py chorus_doctor: each step in order, the first failure named with what
to do."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from chorus import client, services
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
STEPS = [
    "Jeton PISTE",
    "Compte technique",
    "Structure fournisseur",
    "Services",
    "Coordonnées bancaires",
    "Expiration du mot de passe",
]
TODAY = datetime.date(2026, 12, 2)


def test_every_step_passes_in_order(chorus, account):
    report = services.diagnose(account=account, today=TODAY)
    assert report.ok and [s.name for s in report.steps] == STEPS
    assert report.steps[3].detail == "1 service déclaré, dont 1 actif."
    assert report.steps[5].detail == "Valable jusqu'au 01/03/2027."
    assert chorus.calls["active_structures"] == 1


@pytest.mark.parametrize(
    ("operation", "error", "step", "words"),
    [
        ("check_token", client.ChorusAuthError("PISTE a refusé", http_status=401), "Jeton PISTE", "PISTE_CLIENT_ID"),
        ("active_structures", client.ChorusAuthError("x", http_status=401), "Compte technique", "login"),
        ("active_structures", client.ChorusAuthError("x", http_status=403), "Compte technique", "abonnée"),
        ("list_services", client.ChorusUnavailable("x", http_status=503), "Services", "Réessayez"),
        ("bank_accounts", client.ChorusUnavailable("x", http_status=503), "Coordonnées bancaires", "Réessayez"),
    ],
)  # fmt: skip
def test_the_first_failing_step_is_named_with_what_to_do(chorus, account, operation, error, step, words):
    chorus.fail[operation] = error
    report = services.diagnose(account=account, today=TODAY)
    assert not report.ok and report.failure.name == step and report.steps[-1] is report.failure
    assert words in report.failure.remedy


def test_a_structure_not_attached_is_the_products_finding(chorus, cabinet):
    account = factories.make_chorus_account(cabinet, siret_fournisseur="79845612500011")
    report = services.diagnose(account=account, today=TODAY)
    assert report.failure.name == "Structure fournisseur"
    assert report.failure.detail.startswith("Vérification Géoprod")


def test_an_expired_password_fails_and_one_expiring_soon_is_announced(chorus, account):
    expired = services.diagnose(account=account, today=datetime.date(2027, 3, 1))
    assert (
        expired.failure.name == "Expiration du mot de passe"
        and "a expiré le 01/03/2027" in expired.failure.detail
    )
    soon = services.diagnose(account=account, today=datetime.date(2027, 2, 10))
    assert soon.ok and "faites-le renouveler" in soon.steps[-1].detail


def test_command_prints_the_report_and_fails_on_a_failing_step(chorus, account, capsys):
    call_command("chorus_doctor")
    assert "[OK ] Expiration du mot de passe" in capsys.readouterr().out
    chorus.fail["active_structures"] = client.ChorusAuthError("x", http_status=401)
    with pytest.raises(CommandError, match="Compte technique"):
        call_command("chorus_doctor", cabinet=account.cabinet_id)
    assert "À faire :" in capsys.readouterr().out


def test_tester_la_connexion_shows_the_report_in_the_chorus_block(client_as, admin, chorus, account):
    data = {"siret_fournisseur": account.siret_fournisseur, "login": account.login, "password": ""}
    chorus.fail["bank_accounts"] = client.ChorusUnavailable("x", http_status=503)
    text = body(client_as(admin).post(reverse("chorus:account-test"), data))
    assert "Test de la connexion" in text and "Échec à l'étape « Coordonnées bancaires »" in text
    assert "Tester la connexion" in text


def test_tester_la_connexion_is_for_admins(client_as, comptable, account):
    assert client_as(comptable).post(reverse("chorus:account-test"), {}).status_code == 403
