"""Redis down is a degraded mode, not a 500. The test starts its own redis-server, points the app's cache and
task queue at it, then stops it: « Envoyer » and « Soumettre » answer a French 503 at once and leave no
orphan; « Rafraîchir » and « Mettre à jour » work (PISTE token kept in process memory); reading pages work."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest
import redis
from django.urls import reverse

from chorus.models import ChorusSubmission, SubmissionState
from geoprod.celery import app as celery_app
from tests import factories
from tests.utils import body

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
UNAVAILABLE = "Service momentanément indisponible, réessayez dans quelques minutes."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own, on a free port (the shared one is never stopped)."""
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.exceptions.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    process.url = url
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture
def app_on_redis(own_redis, settings):
    """The cache and the task queue of the app on that Redis, with the production settings' short timeouts."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {
                "socket_connect_timeout": settings.REDIS_TIMEOUT,
                "socket_timeout": settings.REDIS_TIMEOUT,
            },
        }
    }
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "broker_transport_options")}
    celery_app.conf.update(
        broker_url=own_redis.url, task_always_eager=False,
        broker_transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    )  # fmt: skip
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield own_redis
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _stop(process) -> None:
    process.terminate()
    process.wait(timeout=10)


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_redis_down_answers_503_without_orphans_and_chorus_reads_keep_working(
    simulator, account, cabinet, client, app_on_redis
):
    mairie = factories.make_public_client(cabinet)
    submitted = factories.make_submission(
        factories.make_invoice(cabinet, client=mairie, issued=True), account, lookup=True, service_code="DGST",
        submit=True,
    )  # fmt: skip
    ready = factories.make_submission(
        factories.make_invoice(cabinet, client=mairie, issued=True), account, lookup=True, service_code="DGST"
    )
    unsent = factories.make_invoice(cabinet, client=mairie, issued=True)
    client.force_login(factories.make_user(cabinet, role="admin"))
    assert redis.Redis.from_url(app_on_redis.url).ping()
    _stop(app_on_redis)

    # « Envoyer »: 503 in French at once, and the submission says the deposit was not launched (no spinner).
    response, seconds = _timed(lambda: client.post(reverse("chorus:invoice-send", args=[unsent.pk])))
    assert response.status_code == 503 and UNAVAILABLE in body(response), body(response)[:500]
    assert seconds < 5, seconds
    print(f"\nRedis arrêté : « Envoyer » répond 503 en {seconds:.2f} s")
    sub = ChorusSubmission.objects.get(invoice=unsent)
    assert sub.state == SubmissionState.NEW and sub.last_error_code == "FILE"
    page = body(client.get(sub.get_absolute_url()))
    assert "Réessayer le dépôt du PDF" in page and "Dépôt du PDF de la facture" not in page

    # « Soumettre »: 503, nothing claimed, what was typed kept.
    data = {
        "destinataire_siret": ready.destinataire_siret, "service_code": "DGST", "type_tva": ready.type_tva,
        "mode_paiement": "VIREMENT", "id_coordonnee_bancaire": "", "commentaire": "Relevé de mars",
    }  # fmt: skip
    response, seconds = _timed(
        lambda: client.post(reverse("chorus:submission-submit", args=[ready.pk]), data)
    )
    assert response.status_code == 503 and UNAVAILABLE in body(response) and seconds < 5
    ready.refresh_from_db()
    assert (ready.state, ready.commentaire) == (SubmissionState.READY, "Relevé de mars")

    # « Rafraîchir » and « Mettre à jour » need a PISTE token: kept in process memory while Redis is down.
    response = client.post(reverse("chorus:submission-refresh", args=[submitted.pk]), follow=True)
    assert response.status_code == 200 and "Statut Chorus Pro" in body(response)
    form = {
        "siret_fournisseur": account.siret_fournisseur,
        "login": account.login,
        "environment": "simulator",
    }
    response = client.post(reverse("chorus:account-sync"), form, follow=True)
    assert response.status_code == 200 and "mise à jour" in body(response), body(response)[:800]

    # Reading pages never touch Redis.
    for url in [unsent.get_absolute_url(), reverse("invoices:invoice-list"), submitted.get_absolute_url()]:
        assert client.get(url).status_code == 200, url
