"""scripts/prod_smoke.sh: the production topology without Docker (gunicorn, Celery worker and beat,
PostgreSQL, Redis) and a user's smoke test through it. Runs where PostgreSQL and Redis are, as in CI."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_production_topology_smoke():
    if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")):
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as in CI")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    result = subprocess.run(
        ["bash", "scripts/prod_smoke.sh"], cwd=ROOT, env={**env, "PORT": str(_free_port())},
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    print(result.stdout[-3000:], result.stderr[-3000:])
    assert result.returncode == 0
    assert "Smoke test de la forme de production : réussi" in result.stdout
    assert result.stdout.count("  ok ") == 8
