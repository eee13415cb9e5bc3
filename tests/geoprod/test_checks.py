"""System checks that catch an unsafe instance configuration, whatever settings module built it."""

from __future__ import annotations

from geoprod import checks


def _ids(found) -> list[str]:
    return [message.id for message in found]


def test_simulator_without_debug_nor_demo_is_an_error(settings):
    settings.DEBUG, settings.GEOPROD_DEMO, settings.CHORUS_ENV = False, False, "simulator"
    assert _ids(checks.simulator_only_in_demo(None)) == ["geoprod.E001"]


def test_simulator_in_development_or_demo_is_accepted(settings):
    settings.CHORUS_ENV = "simulator"
    settings.DEBUG, settings.GEOPROD_DEMO = True, False
    assert checks.simulator_only_in_demo(None) == []
    settings.DEBUG, settings.GEOPROD_DEMO = False, True
    assert checks.simulator_only_in_demo(None) == []


def test_real_chorus_over_plain_http_is_an_error(settings):
    settings.CHORUS_ENV = "sandbox"
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS,
        "sandbox": {"token_url": "http://oauth.example/token", "api_base": "https://api.example/cpro"},
    }
    found = checks.piste_over_https(None)
    assert _ids(found) == ["geoprod.E002"]
    assert "http://oauth.example/token" in found[0].msg


def test_default_real_chorus_endpoints_are_https(settings):
    for chorus_env in ("sandbox", "production"):
        settings.CHORUS_ENV = chorus_env
        assert checks.piste_over_https(None) == []


def test_demo_flag_is_a_deploy_warning(settings):
    settings.GEOPROD_DEMO = True
    assert _ids(checks.demo_is_not_production(None)) == ["geoprod.W001"]
    settings.GEOPROD_DEMO = False
    assert checks.demo_is_not_production(None) == []
