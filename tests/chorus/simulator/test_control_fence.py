"""The control endpoints of the simulator served by the product change what every cabinet sees: only a
logged-in staff user may call them, with the CSRF token; the Chorus API itself keeps its token auth."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from chorus.simulator import faults
from chorus.simulator.views_control import CONTROLS
from geoprod.models import Role
from tests import factories

FAULT = json.dumps({"kind": "error", "status": 503})


def _post(client: Client, name: str = "faults", body: str = FAULT, **headers):
    return client.post(f"/_chorus-sim/_control/{name}", body, content_type="application/json", **headers)


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_anonymous_caller_is_refused_every_control(sim, client, name):
    methods, _ = CONTROLS[name]
    url = f"/_chorus-sim/_control/{name}"
    response = client.get(url) if "GET" in methods else _post(client, name, "{}")

    assert response.status_code == 403
    assert "personnel connecté" in response.json()["libelle"]


def test_anonymous_caller_cannot_set_a_fault(sim, client):
    assert _post(client).status_code == 403
    assert faults.active() == []


def test_cabinet_admin_who_is_not_staff_is_refused(sim, client, cabinet):
    client.force_login(factories.make_user(cabinet, role=Role.ADMIN, username="admin-cabinet"))

    assert _post(client).status_code == 403
    assert faults.active() == []


def test_staff_needs_the_csrf_token(sim):
    staff = get_user_model().objects.create_user(username="exploitation", is_staff=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)

    assert _post(browser).status_code == 403
    assert faults.active() == []

    browser.get("/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    assert _post(browser, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert [f["kind"] for f in faults.active()] == ["error"]


def test_chorus_api_keeps_its_token_auth_without_session_or_csrf(sim):
    api = Client(enforce_csrf_checks=True)
    reply = api.post(
        "/_chorus-sim/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": "geoprod-simulateur",
            "client_secret": "secret-simulateur",
        },
    )
    assert reply.status_code == 200 and reply.json()["access_token"]
