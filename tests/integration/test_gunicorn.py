"""The web role of scripts/entrypoint.sh: gunicorn configured by gunicorn.conf.py from the environment, whose
timeout cuts a request that runs too long instead of letting it hold a worker for ever."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn started by the entrypoint on the sleeper app, GUNICORN_TIMEOUT=2; yields its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_TIMEOUT": "2",
        "GUNICORN_GRACEFUL_TIMEOUT": "1",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        ["sh", "scripts/entrypoint.sh", "web", "tests.integration.sleeper_wsgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(base, timeout=5)
            break
        except requests.RequestException:
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)
    print((tmp_path / "gunicorn.log").read_text())


def test_a_quick_request_is_served(gunicorn):
    response = requests.get(f"{gunicorn}/?s=0", timeout=5)
    assert (response.status_code, response.text) == (200, "fini")


def test_a_request_past_the_timeout_is_cut_and_the_worker_replaced(gunicorn):
    started = time.monotonic()
    try:  # gunicorn aborts the worker: an empty 500, or the connection closed
        cut = requests.get(f"{gunicorn}/?s=30", timeout=20).status_code == 500
    except requests.ConnectionError:
        cut = True
    assert cut and time.monotonic() - started < 10
    for _ in range(50):  # a fresh worker takes over
        try:
            assert requests.get(f"{gunicorn}/?s=0", timeout=5).text == "fini"
            break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        pytest.fail("no worker answers after the timeout")


def test_a_bad_setting_is_refused_in_french(tmp_path):
    env = {**os.environ, "GUNICORN_TIMEOUT": "soixante"}
    result = subprocess.run(
        [sys.executable, "-c", "import runpy; runpy.run_path('gunicorn.conf.py')"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0 and "GUNICORN_TIMEOUT doit être un entier positif" in result.stderr
