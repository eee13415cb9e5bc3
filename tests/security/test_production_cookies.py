"""In production settings (DEBUG off), cookies only travel over HTTPS and stay out of reach of scripts."""

from __future__ import annotations

import json

from tests.prod import PROD_ENV, manage

SCRIPT = """
import json
from django.conf import settings
from django.test import Client
response = Client().get("/connexion/", secure=True, headers={"host": "geoprod.example.fr"})
cookie = response.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "status": response.status_code,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "session_samesite": settings.SESSION_COOKIE_SAMESITE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "csrf_cookie_secure": bool(cookie["secure"]),
    "csrf_cookie_samesite": cookie["samesite"],
    "hsts": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "plain_http": Client().get("/connexion/", headers={"host": "geoprod.example.fr"}).status_code,
    "login_throttle": settings.LOGIN_THROTTLE_ENABLED,
}))
"""


def test_session_and_csrf_cookies_are_secure_in_production(tmp_path):
    env = PROD_ENV | {"DATABASE_URL": "sqlite:///:memory:", "STATIC_ROOT": str(tmp_path / "static")}
    assert (
        manage("collectstatic", "--noinput", "-v0", **env).returncode == 0
    )  # the manifest production serves
    result = manage("shell", "--no-imports", "-c", SCRIPT, **env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["status"] == 200
    assert found["session_secure"] and found["session_httponly"] and found["session_samesite"] == "Lax"
    assert found["csrf_secure"] and found["csrf_cookie_secure"] and found["csrf_cookie_samesite"] == "Lax"
    assert found["hsts"] >= 31536000 and found["ssl_redirect"]
    assert found["plain_http"] == 301  # plain HTTP is sent to HTTPS
    assert found["login_throttle"]
