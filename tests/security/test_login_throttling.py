"""Password guessing on the login page is throttled (django-axes) with a French message."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post("/connexion/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_axes_is_on():
    assert settings.AXES_ENABLED and settings.AXES_FAILURE_LIMIT <= 10
    assert "axes.backends.AxesStandaloneBackend" == settings.AUTHENTICATION_BACKENDS[0]


def test_guessing_locks_the_account_for_that_address_even_with_the_right_password(comptable):
    c = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(c, comptable.username, f"essai-{attempt}")
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    response = _login(c, comptable.username, "encore-raté")
    assert response.status_code == 429
    response = _login(c, comptable.username, factories.PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Trop de tentatives de connexion" in text and "15 minutes" in text
    assert "_auth_user_id" not in c.session


def test_another_user_or_address_is_not_locked(comptable, admin):
    c = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(c, comptable.username, f"essai-{attempt}")
    assert _login(Client(), comptable.username, factories.PASSWORD, ip="198.51.100.20").status_code == 302
    assert _login(Client(), admin.username, factories.PASSWORD).status_code == 302


def test_a_success_before_the_limit_clears_the_count(comptable):
    c = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(c, comptable.username, f"essai-{attempt}")
    assert _login(c, comptable.username, factories.PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=comptable.username, failures_since_start__gt=0).exists()


def test_lock_ends_after_the_cool_off(comptable, settings):
    c = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(c, comptable.username, f"essai-{attempt}")
    assert _login(c, comptable.username, factories.PASSWORD).status_code == 429
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert _login(c, comptable.username, factories.PASSWORD).status_code == 302
