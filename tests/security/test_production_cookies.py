"""In production settings (DEBUG off), cookies only travel over HTTPS and stay out of reach of scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "p9#kq!2m9v$w4z@p8r&t5y*u1i(o3e)a6s^d0f%g-h_j+l=c" * 2,
    "FERNET_KEYS": "Z2VvcHJvZC10ZXN0LW9ubHktZmVybmV0LWtleS0wMDA=",
    "ALLOWED_HOSTS": "geoprod.example.fr",
    "DJANGO_SETTINGS_MODULE": "settings",
}
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
    "axes": settings.AXES_ENABLED,
}))
"""


def test_session_and_csrf_cookies_are_secure_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS", "DJANGO_ALLOW"))}
    env |= PROD_ENV | {"DATABASE_URL": "sqlite:///:memory:", "STATIC_ROOT": str(tmp_path / "static")}

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )

    assert manage("collectstatic", "--noinput", "-v0").returncode == 0  # the manifest production serves from
    result = manage("shell", "--no-imports", "-c", SCRIPT)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["status"] == 200
    assert found["session_secure"] and found["session_httponly"] and found["session_samesite"] == "Lax"
    assert found["csrf_secure"] and found["csrf_cookie_secure"] and found["csrf_cookie_samesite"] == "Lax"
    assert found["hsts"] >= 31536000 and found["ssl_redirect"]
    assert found["plain_http"] == 301  # plain HTTP is sent to HTTPS
    assert found["axes"]
