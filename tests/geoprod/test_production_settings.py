"""The production configuration: secure by default, refuses to start without its secrets."""

from __future__ import annotations

from tests.prod import DEMO_ENV, PROD_ENV, manage

INSTALLED = "from django.apps import apps\nprint(apps.is_installed('chorus.simulator'))"


def test_check_deploy_is_clean_in_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_production_refuses_to_start_without_fernet_keys():
    env = {k: v for k, v in PROD_ENV.items() if k != "FERNET_KEYS"}
    assert "FERNET_KEYS doit être défini" in manage("check", **env).stderr


def test_real_chorus_needs_piste_credentials():
    env = {k: v for k, v in PROD_ENV.items() if not k.startswith("PISTE")}
    result = manage("check", **env)
    assert "PISTE_CLIENT_ID et PISTE_CLIENT_SECRET sont requis" in result.stderr


def test_simulator_with_production_settings_fails_loudly():
    for chorus_env in ({"CHORUS_ENV": "simulator"}, {}):  # named, or left at its default
        env = {k: v for k, v in PROD_ENV.items() if k != "CHORUS_ENV"} | chorus_env
        result = manage("check", "--deploy", **env)
        assert result.returncode != 0
        assert "Le simulateur Chorus Pro (CHORUS_ENV=simulator) est refusé" in result.stderr
        assert "GEOPROD_DEMO=true" in result.stderr


def test_demo_flag_allows_the_simulator_and_check_deploy_says_it_is_a_demo():
    result = manage("check", "--deploy", **DEMO_ENV)
    assert "geoprod.W001" in result.stderr + result.stdout


def test_simulator_is_not_installed_nor_served_next_to_the_real_chorus():
    script = "from django.urls import resolve, Resolver404\ntry:\n    resolve('/_chorus-sim/api/oauth/token')\n    print('served')\nexcept Resolver404:\n    print('absent')"
    assert manage("shell", "--no-imports", "-c", script, **PROD_ENV).stdout.strip() == "absent"
    assert manage("shell", "--no-imports", "-c", INSTALLED, **PROD_ENV).stdout.strip() == "False"
    assert manage("shell", "--no-imports", "-c", script, **DEMO_ENV).stdout.strip() == "served"
    assert manage("shell", "--no-imports", "-c", INSTALLED, **DEMO_ENV).stdout.strip() == "True"


def test_production_without_a_mail_server_is_a_deploy_warning():
    env = {k: v for k, v in PROD_ENV.items() if k != "EMAIL_URL"}
    result = manage("check", "--deploy", **env)
    assert "geoprod.W002" in result.stderr + result.stdout
    assert "Boîte d'envoi" in result.stderr + result.stdout


PAGE_COST = (
    "from django.conf import settings\nprint(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))"
)
PG = {"DATABASE_URL": "postgres://geoprod@127.0.0.1:5432/geoprod"}


def test_postgresql_connections_get_the_planners_page_cost_for_memory_and_ssd():
    assert (
        manage("shell", "--no-imports", "-c", PAGE_COST, **PROD_ENV, **PG).stdout.strip()
        == "-c random_page_cost=1.1"
    )
    lowered = manage("shell", "--no-imports", "-c", PAGE_COST, **PROD_ENV, **PG, PG_RANDOM_PAGE_COST="1.5")
    assert lowered.stdout.strip() == "-c random_page_cost=1.5"
    assert (
        manage(
            "shell", "--no-imports", "-c", PAGE_COST, **PROD_ENV, **PG, PG_RANDOM_PAGE_COST=""
        ).stdout.strip()
        == "None"
    )


def test_a_page_cost_that_is_not_a_number_is_refused_in_french():
    result = manage("check", **PROD_ENV, **PG, PG_RANDOM_PAGE_COST="rapide")
    assert result.returncode != 0
    assert "PG_RANDOM_PAGE_COST doit être un nombre" in result.stderr
