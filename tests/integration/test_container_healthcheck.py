"""The compose healthcheck of the web service (`entrypoint.sh healthcheck web`) against the real application
started by `entrypoint.sh web` with production settings: HTTPS redirect on, one allowed host, no Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.prod import PROD_ENV

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(tmp_path, port: int) -> dict[str, str]:
    machine = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS", "DJANGO_ALLOW"))}
    return {
        **machine,
        **PROD_ENV,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "CHORUS_ENV": "production",
        "PISTE_CLIENT_ID": "geoprod-editeur",
        "PISTE_CLIENT_SECRET": "secret-piste",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sante.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }


def healthcheck(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", "scripts/entrypoint.sh", "healthcheck", "web"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def web(tmp_path):
    """The product served by `entrypoint.sh web` in production settings; yields (base URL, environment)."""
    port = _free_port()
    env = _environment(tmp_path, port)
    with (tmp_path / "web.log").open("wb") as log:
        process = subprocess.Popen(
            ["sh", "scripts/entrypoint.sh", "web"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            requests.get(base, timeout=5)
            break
        except requests.RequestException:
            time.sleep(0.1)
    yield base, env
    process.terminate()
    process.wait(timeout=10)
    print((tmp_path / "web.log").read_text())


def test_the_web_healthcheck_passes_through_allowed_hosts_and_the_https_redirect(web):
    base, env = web
    result = healthcheck(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        result.stdout.startswith("200")
        and '"base": "ok"' in result.stdout
        and "non configuré" in result.stdout
    )
    # What a bare probe would get, and why the healthcheck asks as the TLS proxy does:
    assert requests.get(f"{base}/sante/", allow_redirects=False, timeout=5).status_code in (301, 400)


def test_the_web_healthcheck_fails_when_nothing_answers(tmp_path):
    result = healthcheck(_environment(tmp_path, _free_port()))
    assert result.returncode == 1 and "/sante/ ne répond pas" in result.stdout
