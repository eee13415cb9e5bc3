"""docker-compose.yml, read with a YAML parser, agrees with the settings: the five services, their commands,
the environment the settings read, and a production configuration that passes `check --deploy`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")
VARIABLE = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")
# What an operator would put in .env next to the compose file.
DOT_ENV = {
    "SECRET_KEY": "q8#kq!2m9v$w4z@p8r&t5y*u1i(o3e)a6s^d0f%g-h_j+l=c" * 2,
    "FERNET_KEYS": "Z2VvcHJvZC10ZXN0LW9ubHktZmVybmV0LWtleS0wMDA=",
    "POSTGRES_PASSWORD": "mot-de-passe-postgres",
    "PISTE_CLIENT_ID": "geoprod-editeur",
    "PISTE_CLIENT_SECRET": "secret-piste",
}


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?message}; a missing required variable raises KeyError."""

    def one(match: re.Match) -> str:
        name, kind, arg = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise KeyError(f"{name}: {arg}")
        return arg or ""

    return VARIABLE.sub(one, str(value))


def app_environment(env: dict[str, str] = DOT_ENV) -> dict[str, str]:
    return {k: interpolate(v, env) for k, v in SERVICES["web"]["environment"].items()}


def command(service: str) -> str:
    value = SERVICES[service]["command"]
    return " ".join(value) if isinstance(value, list) else value


def test_the_five_services_of_the_production_shape():
    assert set(SERVICES) == {"web", "worker", "beat", "postgres", "redis"}
    images = {SERVICES[s].get("image") for s in APP_SERVICES}
    assert len(images) == 1 and all(SERVICES[s].get("build") == "." for s in APP_SERVICES)
    for service in APP_SERVICES:  # the three app processes share one environment and wait for healthy stores
        assert SERVICES[service]["environment"] == SERVICES["web"]["environment"]
        depends = SERVICES[service]["depends_on"]
        assert {d: depends[d]["condition"] for d in depends} == {
            "postgres": "service_healthy",
            "redis": "service_healthy",
        }
        assert "healthcheck" in SERVICES["postgres"] and "healthcheck" in SERVICES["redis"]


def test_commands_match_the_code():
    web = command("web")
    assert "manage.py migrate --noinput" in web
    wsgi = re.search(r"gunicorn (\S+) --bind 0\.0\.0\.0:(\d+)", web)
    assert wsgi, web
    module = wsgi.group(1)
    assert module == settings.WSGI_APPLICATION.rsplit(".", 1)[0]
    assert (ROOT / (module.replace(".", "/") + ".py")).exists()
    assert any(str(p).split(":")[-1] == wsgi.group(2) for p in SERVICES["web"]["ports"])
    assert re.match(r"celery -A geoprod worker\b", command("worker"))
    beat = command("beat")
    assert re.match(r"celery -A geoprod beat\b", beat)
    scheduler = re.search(r"--scheduler (\S+)", beat)
    assert scheduler is None or scheduler.group(1) == settings.CELERY_BEAT_SCHEDULER
    assert (ROOT / "geoprod" / "celery.py").exists()


def test_environment_is_what_the_settings_read():
    source = (ROOT / "settings" / "__init__.py").read_text()
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"(\w+)\"", source)) | {"DJANGO_SETTINGS_MODULE"}
    env = app_environment()
    unknown = set(env) - read
    assert not unknown, f"variables the settings never read: {unknown}"
    assert env["DJANGO_SETTINGS_MODULE"] == "settings" and env["DEBUG"] == "false"

    database = urlsplit(env["DATABASE_URL"])
    postgres = SERVICES["postgres"]["environment"]
    assert database.scheme.startswith("postgres") and database.hostname == "postgres"
    assert (database.username, database.path.lstrip("/")) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_DB"],
    )
    assert database.password == interpolate(postgres["POSTGRES_PASSWORD"], DOT_ENV)
    redis = urlsplit(env["REDIS_URL"])
    assert redis.scheme == "redis" and redis.hostname == "redis" and redis.port == 6379

    media = env["MEDIA_ROOT"]
    for service in APP_SERVICES:
        assert any(str(v).endswith(":" + media) for v in SERVICES[service]["volumes"]), service


@pytest.mark.parametrize("name", ["SECRET_KEY", "FERNET_KEYS", "POSTGRES_PASSWORD"])
def test_compose_refuses_to_start_without_its_secrets(name):
    without = {k: v for k, v in DOT_ENV.items() if k != name}
    everything = {**SERVICES["web"]["environment"], **SERVICES["postgres"]["environment"]}
    with pytest.raises(KeyError, match=name):
        [interpolate(v, without) for v in everything.values()]


def test_production_environment_passes_check_deploy():
    """The app services' environment, as compose hands it over, starts Django and is deploy-clean."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS", "DJANGO_ALLOW"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**env, **app_environment()}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_default_chorus_environment_needs_the_piste_credentials_compose_asks_for():
    """With CHORUS_ENV left at its compose default, the settings refuse to start without the PISTE
    credentials: compose must then require them rather than hand over empty values."""
    env = app_environment()
    if env["CHORUS_ENV"] == "simulator":
        pytest.skip("compose defaults to the simulator, which needs no PISTE credentials")
    without = {k: v for k, v in DOT_ENV.items() if not k.startswith("PISTE")}
    with pytest.raises(KeyError, match="PISTE_CLIENT"):
        app_environment(without)
