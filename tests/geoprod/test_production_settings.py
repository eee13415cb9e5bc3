"""The production configuration: secure by default, refuses to start without its secrets."""

from __future__ import annotations

from tests.prod import PROD_ENV, manage


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
    result = manage("check", **PROD_ENV, CHORUS_ENV="production")
    assert "PISTE_CLIENT_ID et PISTE_CLIENT_SECRET sont requis" in result.stderr


def test_simulator_is_not_served_next_to_the_real_chorus():
    script = "from django.urls import resolve, Resolver404\ntry:\n    resolve('/_chorus-sim/api/oauth/token')\n    print('served')\nexcept Resolver404:\n    print('absent')"
    env = {**PROD_ENV, "CHORUS_ENV": "production", "PISTE_CLIENT_ID": "id", "PISTE_CLIENT_SECRET": "s"}
    assert manage("shell", "--no-imports", "-c", script, **env).stdout.strip() == "absent"
    assert manage("shell", "--no-imports", "-c", script, **PROD_ENV).stdout.strip() == "served"
