"""The standalone server's URLconf and handler: both base URLs, no product middleware."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import resolve

from chorus.management.commands.chorus_simulator import URLCONF, SimulatorHandler


@pytest.mark.parametrize("prefix", ["", "/_chorus-sim"])
def test_both_bases_resolve(prefix):
    assert resolve(f"{prefix}/api/oauth/token", urlconf=URLCONF).func.__name__ == "token"
    match = resolve(f"{prefix}/cpro/factures/v1/soumettre", urlconf=URLCONF)
    assert match.func.__name__ == "view"
    assert resolve(f"{prefix}/inconnu", urlconf=URLCONF).url_name == "not-found"


def _call(
    app,
    path: str,
    body: bytes = b"",
    method: str = "POST",
    content_type: str = "application/x-www-form-urlencoded",
):
    seen = {}

    def start_response(status, headers):
        seen["status"] = int(status.split()[0])

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": content_type,
    }
    chunks = b"".join(app(environ, start_response))
    return seen["status"], chunks


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("prefix", ["", "/_chorus-sim"])
def test_handler_serves_the_simulator_over_plain_http(prefix, settings):
    settings.SECURE_SSL_REDIRECT = True
    app = SimulatorHandler()
    form = b"grant_type=client_credentials&client_id=geoprod-simulateur&client_secret=secret-simulateur"
    status, body = _call(app, f"{prefix}/api/oauth/token", form)
    assert status == 200
    assert json.loads(body)["token_type"] == "Bearer"
    status, _ = _call(app, f"{prefix}/connexion/", method="GET")
    assert status == 404
