"""The production configuration: secure by default, refuses to start without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kq!2m9v$w4z@p8r&t5y*u1i(o3e)a6s^d0f%g-h_j+l=c" * 2,
    "FERNET_KEYS": "Z2VvcHJvZC10ZXN0LW9ubHktZmVybmV0LWtleS0wMDA=",
    "ALLOWED_HOSTS": "geoprod.example.fr",
    "DJANGO_SETTINGS_MODULE": "settings",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if k not in PROD_ENV and not k.startswith(("DATABASE", "REDIS"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_check_deploy_is_clean_in_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_production_refuses_to_start_without_fernet_keys():
    env = {k: v for k, v in PROD_ENV.items() if k != "FERNET_KEYS"}
    assert "FERNET_KEYS doit être défini" in _manage("check", **env).stderr


def test_real_chorus_needs_piste_credentials():
    result = _manage("check", **PROD_ENV, CHORUS_ENV="production")
    assert "PISTE_CLIENT_ID et PISTE_CLIENT_SECRET sont requis" in result.stderr


def test_simulator_is_not_served_next_to_the_real_chorus():
    script = "from django.urls import resolve, Resolver404\ntry:\n    resolve('/_chorus-sim/api/oauth/token')\n    print('served')\nexcept Resolver404:\n    print('absent')"
    env = {**PROD_ENV, "CHORUS_ENV": "production", "PISTE_CLIENT_ID": "id", "PISTE_CLIENT_SECRET": "s"}
    assert _manage("shell", "--no-imports", "-c", script, **env).stdout.strip() == "absent"
    assert _manage("shell", "--no-imports", "-c", script, **PROD_ENV).stdout.strip() == "served"
