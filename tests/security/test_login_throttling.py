"""Password guessing is slowed per address, per account and per (account, address), with a growing wait
instead of a lock, and never locks the account's owner out from where they usually log in."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client

from geoprod import throttling
from geoprod.models import LoginFailures
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
HOME, ATTACKER = "198.51.100.20", "203.0.113.66"


def _login(username: str, password: str, ip: str = HOME, **headers):
    client = Client()
    response = client.post(
        "/connexion/", {"username": username, "password": password}, REMOTE_ADDR=ip, headers=headers
    )
    return response, client


def _guess(username: str, times: int, ip: str = ATTACKER) -> list[int]:
    return [_login(username, f"essai-{i}", ip)[0].status_code for i in range(times)]


def _later(seconds: float) -> None:
    """As if `seconds` had passed since every recorded failure."""
    LoginFailures.objects.update(last_failure_at=F("last_failure_at") - datetime.timedelta(seconds=seconds))


def _pair_wait(username: str, ip: str) -> datetime.timedelta:
    return throttling.wait(username=username, ip=ip)


def test_the_throttle_runs_before_any_password_check():
    assert settings.LOGIN_THROTTLE_ENABLED
    assert settings.AUTHENTICATION_BACKENDS[0] == "geoprod.throttling.ThrottleBackend"


def test_guessing_makes_the_next_attempt_wait_even_with_the_right_password(comptable):
    free = settings.LOGIN_FREE_FAILURES["pair"]
    assert _guess(comptable.username, free) == [200] * free
    response, client = _login(comptable.username, factories.PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion ont échoué" in body(response) and "1 minute" in body(response)
    assert f'value="{comptable.username}"' in body(response)
    assert "_auth_user_id" not in client.session


def test_the_wait_doubles_with_each_failure_and_hammering_does_not_extend_it(comptable):
    free, (base, ceiling) = settings.LOGIN_FREE_FAILURES["pair"], settings.LOGIN_DELAY_SECONDS
    _guess(comptable.username, free)
    first = _pair_wait(comptable.username, ATTACKER)
    assert base - 2 <= first.total_seconds() <= base
    assert _guess(comptable.username, 50) == [429] * 50  # refused unchecked: not counted
    assert _pair_wait(comptable.username, ATTACKER) <= first
    _later(base)
    assert _guess(comptable.username, 1) == [200]
    assert 2 * base - 2 <= _pair_wait(comptable.username, ATTACKER).total_seconds() <= 2 * base
    for _ in range(20):
        _later(ceiling)
        _guess(comptable.username, 1)
    assert _pair_wait(comptable.username, ATTACKER).total_seconds() <= ceiling


def test_the_owner_logs_in_from_home_while_their_account_is_hammered_from_elsewhere(comptable):
    assert _login(comptable.username, factories.PASSWORD, HOME)[0].status_code == 302  # a usual address
    for _ in range(10):
        _later(settings.LOGIN_DELAY_SECONDS[1])
        _guess(comptable.username, 20, ATTACKER)
    assert _login(comptable.username, factories.PASSWORD, ATTACKER)[0].status_code == 429
    response, client = _login(comptable.username, factories.PASSWORD, HOME)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(comptable.pk)


def test_guessing_one_account_from_many_addresses_slows_it_down_from_new_addresses(comptable):
    assert _login(comptable.username, factories.PASSWORD, HOME)[0].status_code == 302
    for i in range(settings.LOGIN_FREE_FAILURES["account"]):
        _guess(comptable.username, 1, ip=f"192.0.2.{i + 1}")
    assert _login(comptable.username, factories.PASSWORD, "192.0.2.200")[0].status_code == 429
    assert _login(comptable.username, factories.PASSWORD, HOME)[0].status_code == 302


def test_one_address_guessing_many_accounts_is_slowed_down_for_all_of_them(comptable, admin):
    assert _login(comptable.username, factories.PASSWORD, ATTACKER)[0].status_code == 302  # shared office
    for i in range(settings.LOGIN_FREE_FAILURES["ip"]):
        _guess(f"inconnu-{i}", 1)
    assert _login(admin.username, factories.PASSWORD, ATTACKER)[0].status_code == 429
    assert _login(admin.username, factories.PASSWORD, HOME)[0].status_code == 302
    assert _login(comptable.username, factories.PASSWORD, ATTACKER)[0].status_code == 302  # known there


def test_a_success_clears_the_count_of_that_address(comptable):
    _guess(comptable.username, settings.LOGIN_FREE_FAILURES["pair"] - 1, ip=HOME)
    assert _login(comptable.username, factories.PASSWORD, HOME)[0].status_code == 302
    assert _guess(comptable.username, settings.LOGIN_FREE_FAILURES["pair"] - 1, ip=HOME) == [200] * 4


def test_a_count_is_forgotten_after_a_day(comptable):
    _guess(comptable.username, settings.LOGIN_FREE_FAILURES["pair"])
    _later(throttling.FORGET_AFTER.total_seconds() + 1)
    assert _guess(comptable.username, 1) == [200]
    assert _pair_wait(comptable.username, ATTACKER) == datetime.timedelta(0)


def test_the_admin_login_is_throttled_too(admin):
    for i in range(settings.LOGIN_FREE_FAILURES["pair"]):
        Client().post(
            "/admin/login/", {"username": admin.username, "password": f"x{i}"}, REMOTE_ADDR=ATTACKER
        )
    assert _pair_wait(admin.username, ATTACKER) > datetime.timedelta(0)


def test_without_declared_proxies_a_forwarded_header_is_ignored(comptable):
    for i in range(settings.LOGIN_FREE_FAILURES["pair"]):
        _login(comptable.username, "faux", ATTACKER, x_forwarded_for=f"10.0.0.{i}")
    response, _ = _login(comptable.username, factories.PASSWORD, ATTACKER, x_forwarded_for="10.9.9.9")
    assert response.status_code == 429


def test_behind_a_declared_proxy_the_client_address_is_the_one_the_proxy_wrote(comptable, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for i in range(settings.LOGIN_FREE_FAILURES["pair"]):
        # A client-written X-Forwarded-For is kept by the proxy, which appends the address it saw.
        _login(comptable.username, "faux", proxy, x_forwarded_for=f"172.16.0.{i}, {ATTACKER}")
    assert (
        _login(comptable.username, factories.PASSWORD, proxy, x_forwarded_for=ATTACKER)[0].status_code == 429
    )
    response, _ = _login(comptable.username, factories.PASSWORD, proxy, x_forwarded_for=HOME)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("meta", "count", "expected"),
    [
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, 0, "10.0.0.2"),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "9.9.9.9, 1.2.3.4"}, 1, "1.2.3.4"),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "9.9.9.9, 1.2.3.4, 10.0.0.1"}, 2, "1.2.3.4"),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "pas-une-adresse"}, 1, None),
        ({"REMOTE_ADDR": "10.0.0.2"}, 1, "10.0.0.2"),
        ({"REMOTE_ADDR": "2001:DB8::1"}, 0, "2001:db8::1"),
        ({}, 0, None),
    ],
)
def test_client_ip(rf, settings, meta, count, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)
    assert throttling.client_ip(request) == expected


def test_old_counts_and_addresses_are_deleted(comptable):
    from geoprod.models import KnownLoginAddress

    _login(comptable.username, factories.PASSWORD, HOME)
    _guess("inconnu", 1)
    _later(throttling.FORGET_AFTER.total_seconds() + 1)
    KnownLoginAddress.objects.update(last_login_at=F("last_login_at") - throttling.KNOWN_FOR * 2)
    _guess("autre", 1, ip="192.0.2.9")
    assert not LoginFailures.objects.filter(key__contains="inconnu").exists()
    _login(comptable.username, factories.PASSWORD, "192.0.2.10")
    assert list(KnownLoginAddress.objects.values_list("ip_address", flat=True)) == ["192.0.2.10"]
