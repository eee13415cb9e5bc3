"""Production settings as the tests start them: `manage.py` in a subprocess, DEBUG off, secrets given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROD_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kq!2m9v$w4z@p8r&t5y*u1i(o3e)a6s^d0f%g-h_j+l=c" * 2,
    "FERNET_KEYS": "Z2VvcHJvZC10ZXN0LW9ubHktZmVybmV0LWtleS0wMDA=",
    "ALLOWED_HOSTS": "geoprod.example.fr",
    "DJANGO_SETTINGS_MODULE": "settings",
    "CHORUS_ENV": "production",
    "PISTE_CLIENT_ID": "geoprod-editeur",
    "PISTE_CLIENT_SECRET": "secret-piste-de-test",
    "EMAIL_URL": "smtp://mail.geoprod.example.fr:587/?tls=True",
}
# The demonstration: production settings with the offline simulator, explicitly asked for.
DEMO_ENV = {**PROD_ENV, "CHORUS_ENV": "simulator", "GEOPROD_DEMO": "true"}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py *args` with `env` over the machine's environment, without the test run's own database,
    Redis and production variables (so that a variable left out of `env` is really absent)."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in DEMO_ENV and not k.startswith(("DATABASE", "REDIS", "DJANGO_ALLOW"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )
