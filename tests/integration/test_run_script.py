"""The README's first command (scripts/run.sh) serves the product as users see it: DEBUG off, French error
pages, static files by WhiteNoise, the demo's simulator fenced; it prints the URL and the demo logins."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """run.sh on its own database, static and media folders (the checkout's db.sqlite3 is left alone)."""
    tmp = tmp_path_factory.mktemp("run")
    port = _free_port()
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "REDIS", "DEBUG"))}
    env = keep | {
        "SKIP_SETUP": "1",
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "SECRET_KEY": "run-script-test-" + os.urandom(24).hex(),
        "FERNET_KEYS": "Z2VvcHJvZC10ZXN0LW9ubHktZmVybmV0LWtleS0wMDA=",
    }
    log = tmp / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            if process.poll() is not None:
                raise AssertionError(log.read_text())
            try:
                requests.get(f"{base}/connexion/", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline:
                    raise AssertionError("run.sh n'a pas démarré :\n" + log.read_text()) from None
                time.sleep(0.5)
        yield base, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_prints_the_url_and_the_demo_logins(served):
    base, log = served
    text = log.read_text()
    assert f"Géoprod est prêt : {base}/" in text
    for login in ("admin ", "compta ", "admin-rhone", "compta-rhone"):
        assert login in text


def test_debug_is_off_and_errors_are_french(served):
    base, _ = served
    response = requests.get(f"{base}/nulle-part/", timeout=10)
    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert "URLconf" not in response.text and "DEBUG = True" not in response.text


def test_static_files_are_served_hashed_by_whitenoise(served):
    base, _ = served
    page = requests.get(f"{base}/connexion/", timeout=10)
    assert page.headers["Content-Security-Policy"]
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.text)
    assert css, page.text
    response = requests.get(base + css.group(1), timeout=10)
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]


def test_demo_logs_in_over_plain_http_and_fences_the_simulator(served):
    base, _ = served
    with requests.Session() as browser:
        browser.get(f"{base}/connexion/", timeout=10)
        home = browser.post(
            f"{base}/connexion/",
            data={"username": "compta", "password": "geoprod", "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            headers={"Referer": f"{base}/connexion/"},
            timeout=10,
        )
        assert home.url == f"{base}/" and "Tableau de bord" in home.text
        assert "no-store" in home.headers["Cache-Control"]
    anonymous = requests.post(f"{base}/_chorus-sim/_control/reset", json={"data": True}, timeout=10)
    assert anonymous.status_code == 403
