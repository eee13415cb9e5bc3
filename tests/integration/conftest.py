"""Integration tests talk over real HTTP to the Chorus Pro simulator served by a live server (the `simulator`
fixture of tests/conftest.py), on PostgreSQL and Redis in CI."""

from __future__ import annotations

import os

import pytest

from tests import factories


@pytest.fixture
def account(simulator, cabinet):
    """The cabinet's Chorus block filled with the simulator's Garonne account, then « Mettre à jour »."""
    from chorus import services

    return services.update_account(account=factories.make_chorus_account(cabinet, ready=False))


@pytest.fixture
def workers(simulator, settings, tmp_path):
    """Celery workers to start (workers.start()), stopped after the test; needs Redis and PostgreSQL as in CI."""
    import subprocess

    import redis
    from django.db import connection
    from django.urls import set_urlconf

    from geoprod.celery import app as celery_app
    from tests.integration.celery_workers import BROKER, Workers

    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs Redis (REDIS_URL) and PostgreSQL (DATABASE_URL), as in CI")
    set_urlconf(None)  # a URLconf another test left on this thread (the standalone simulator's) is dropped
    # The workers cache their PISTE token in Redis; the simulator was reset, so a token cached by a previous
    # test's workers would be refused once (401, then renewed): start from none, so faults hit real calls.
    store = redis.Redis.from_url(BROKER)
    for key in store.scan_iter("*piste-token*"):
        store.delete(key)
    pool = Workers(settings, tmp_path)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield pool
    celery_app.conf.task_always_eager = previous
    pool.stop_all()
    print(pool.tail())  # shown when the test fails
    subprocess.run(["redis-cli", "-u", BROKER, "del", pool.queue], check=True, capture_output=True)
