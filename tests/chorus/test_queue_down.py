"""Redis down without Redis: the queue's and the cache's failures simulated (the real thing:
tests/integration/test_redis_down.py)."""

from __future__ import annotations

import pytest
import redis.exceptions
from django.urls import reverse
from kombu.exceptions import OperationalError

from chorus import tasks
from chorus.client.token_cache import FallbackTokenCache
from chorus.models import ChorusSubmission, SubmissionState
from tests.utils import body

UNAVAILABLE = "Service momentanément indisponible, réessayez dans quelques minutes."


class DownCache:
    def get(self, key):
        raise redis.exceptions.ConnectionError("Connection refused")

    set = delete = get


class UpCache(dict):
    def get(self, key):
        return super().get(key)

    def set(self, key, value, timeout):
        self[key] = value

    def delete(self, key):
        self.pop(key, None)


def test_token_cache_falls_back_to_process_memory():
    shared = UpCache()
    cache = FallbackTokenCache(shared)
    cache.set("jeton", "abc", 60)
    assert shared["jeton"] == "abc"
    cache._shared = DownCache()  # Redis goes down: the token is still known…
    assert cache.get("jeton") == "abc"
    cache.set("autre", "def", 60)  # …and a new one is kept without error
    assert cache.get("autre") == "def"
    cache.delete("jeton")
    assert cache.get("jeton") is None


def test_token_kept_in_memory_expires():
    cache = FallbackTokenCache(DownCache())
    cache.set("jeton", "abc", -1)
    assert cache.get("jeton") is None


@pytest.mark.django_db
def test_envoyer_with_the_queue_down_is_a_french_503_and_no_orphan(
    client_as, comptable, chorus, account, issued_invoice, monkeypatch
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deposit_invoice_pdf, "delay", down)
    response = client_as(comptable).post(reverse("chorus:invoice-send", args=[issued_invoice.pk]))
    assert response.status_code == 503 and UNAVAILABLE in body(response)
    assert response["Retry-After"]
    sub = ChorusSubmission.objects.get(invoice=issued_invoice)
    assert sub.state == SubmissionState.NEW and "réessayez" in sub.last_error
    assert not sub.deposit_pending and not sub.is_stalled  # its page offers « Réessayer le dépôt du PDF »
    assert "Réessayer le dépôt du PDF" in body(client_as(comptable).get(sub.get_absolute_url()))
