"""/sante/: the database and Redis probes the compose healthchecks use; no login, nothing secret."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from unittest import mock

import pytest
import redis
from django.db import OperationalError, connection


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def answering_redis():
    """The URL of a Redis that answers: the run's own (CI) or one this test starts."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server or REDIS_URL")
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(50):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_embedded_mode_is_healthy_without_redis(client, db, settings, django_assert_num_queries):
    settings.REDIS_URL = ""
    with django_assert_num_queries(1):
        response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"base": "ok", "redis": "non configuré"}


def test_it_needs_no_login_and_is_never_cached(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/sante/")
    assert response.status_code == 200 and "/connexion/" not in response.get("Location", "")
    assert "no-store" in response["Cache-Control"]


def test_redis_that_answers_is_ok(client, db, settings, answering_redis):
    settings.REDIS_URL = answering_redis
    response = client.get("/sante/")
    assert (response.status_code, response.json()) == (200, {"base": "ok", "redis": "ok"})


def test_redis_down_answers_503_without_its_url(client, db, settings, caplog):
    settings.REDIS_URL = f"redis://:mot-de-passe-redis@127.0.0.1:{_free_port()}/0"
    response = client.get("/sante/")
    assert (response.status_code, response.json()) == (503, {"base": "ok", "redis": "indisponible"})
    assert "mot-de-passe-redis" not in response.content.decode() + caplog.text


def test_database_down_answers_503_without_the_error(client, db, settings):
    settings.REDIS_URL = ""
    refused = OperationalError('connection to server at "db" failed: password authentication failed')
    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = client.get("/sante/")
    assert (response.status_code, response.json()) == (
        503,
        {"base": "indisponible", "redis": "non configuré"},
    )
    assert "password" not in response.content.decode()


def test_it_only_reads(client, db, settings):
    settings.REDIS_URL = ""
    assert client.post("/sante/").status_code == 405
