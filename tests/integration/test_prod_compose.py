"""docker-compose.yml, read with a YAML parser, agrees with the code: the compose schema, the six services and
their order (migrate first), the image's one entrypoint, the healthchecks, the environment that the settings,
gunicorn.conf.py and the entrypoint read, and a production configuration that passes `check --deploy`."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings
from django.urls import resolve

from tests.prod import manage

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


def command(service: str) -> list[str]:
    value = SERVICES[service]["command"]
    return value if isinstance(value, list) else value.split()


ENTRYPOINT = (ROOT / "scripts" / "entrypoint.sh").read_text()
ROLES = set(re.findall(r"^  (\w+)\)$", ENTRYPOINT, re.M))


def check_compose_schema(path: Path) -> subprocess.CompletedProcess:
    """What `docker compose config` would check first, offline: the compose specification's JSON schema."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip


def test_compose_file_follows_the_compose_schema():
    result = check_compose_schema(ROOT / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_follows_the_compose_schema_once_interpolated(tmp_path):
    def walk(node):
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return interpolate(node, DOT_ENV) if isinstance(node, str) else node

    resolved = tmp_path / "docker-compose.yml"
    resolved.write_text(yaml.safe_dump({k: walk(v) for k, v in COMPOSE.items() if not k.startswith("x-")}))
    result = check_compose_schema(resolved)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_six_services_of_the_production_shape():
    assert set(SERVICES) == {"migrate", "web", "worker", "beat", "postgres", "redis"}
    images = {SERVICES[s].get("image") for s in ("migrate", *APP_SERVICES)}
    assert len(images) == 1 and all(SERVICES[s].get("build") == "." for s in ("migrate", *APP_SERVICES))
    for service in ("migrate", *APP_SERVICES):  # one environment for every process of the image
        assert SERVICES[service]["environment"] == SERVICES["web"]["environment"]
    assert "healthcheck" in SERVICES["postgres"] and "healthcheck" in SERVICES["redis"]


def test_migrate_runs_once_before_web_worker_and_beat():
    migrate = SERVICES["migrate"]
    assert command("migrate") == ["migrate"] and migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for service in APP_SERVICES:
        depends = SERVICES[service]["depends_on"]
        assert {d: depends[d]["condition"] for d in depends} == {
            "postgres": "service_healthy",
            "redis": "service_healthy",
            "migrate": "service_completed_successfully",
        }
        assert "migrate" not in command(service)
    assert re.search(r"^  migrate\)\n\s+exec python manage.py migrate --noinput", ENTRYPOINT, re.M)


def test_every_process_starts_through_the_image_entrypoint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["sh", "/app/scripts/entrypoint.sh"]' in dockerfile
    assert 'CMD ["web"]' in dockerfile
    for service in ("migrate", *APP_SERVICES):
        assert command(service)[0] in ROLES, service
    assert "gunicorn --config gunicorn.conf.py" in ENTRYPOINT
    assert "celery -A geoprod worker" in ENTRYPOINT and "celery -A geoprod beat" in ENTRYPOINT
    assert "--scheduler" not in ENTRYPOINT  # beat runs the scheduler the settings declare
    assert (ROOT / "geoprod" / "celery.py").exists()


def test_gunicorn_serves_the_wsgi_application_on_the_published_port():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["wsgi_app"].replace(":", ".") == settings.WSGI_APPLICATION
    port = conf["bind"].rsplit(":", 1)[-1]
    assert any(str(p).split(":")[-1] == port for p in SERVICES["web"]["ports"])
    assert conf["timeout"] > 0 and conf["threads"] == 1  # the sync worker: the timeout bounds each request


def test_healthchecks_ask_the_entrypoint():
    for service, what in (("web", "web"), ("worker", "worker")):
        test = SERVICES[service]["healthcheck"]["test"]
        assert test == ["CMD", "sh", "/app/scripts/entrypoint.sh", "healthcheck", what], service
    assert "scripts/healthcheck.py" in ENTRYPOINT
    assert resolve("/sante/").func.__module__ == "geoprod.health"


def test_dockerfile_build_settings_start():
    """collectstatic runs at build time with throwaway values: they must be enough to start the settings."""
    run = re.search(
        r"RUN (SECRET_KEY=.*?) python manage\.py collectstatic", (ROOT / "Dockerfile").read_text(), re.S
    )
    assert run, "the Dockerfile no longer collects static files"
    build_env = dict(pair.split("=", 1) for pair in run.group(1).replace("\\\n", " ").split())
    result = manage("check", DJANGO_SETTINGS_MODULE="settings", **build_env)
    assert result.returncode == 0, result.stderr


def test_environment_is_what_the_settings_read():
    source = "".join(p.read_text() for p in (ROOT / "settings").glob("*.py"))
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"(\w+)\"", source)) | {"DJANGO_SETTINGS_MODULE"}
    read |= set(re.findall(r"(?:environ\.get|_int)\(\"(\w+)\"", (ROOT / "gunicorn.conf.py").read_text()))
    read |= set(re.findall(r"\$\{(\w+):-", ENTRYPOINT))
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


S3_DOT_ENV = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "geoprod-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
    "AWS_S3_REGION_NAME": "fr-par",
    "AWS_ACCESS_KEY_ID": "cle-acces",
    "AWS_SECRET_ACCESS_KEY": "cle-secrete",
}


@pytest.mark.parametrize("extra", [{}, S3_DOT_ENV], ids=["media-volume", "media-s3"])
def test_production_environment_passes_check_deploy(extra):
    """The app services' environment, as compose hands it over, starts Django and is deploy-clean."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS", "DJANGO_ALLOW"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**env, **app_environment({**DOT_ENV, **extra})}, capture_output=True, text=True,
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


def test_the_runbook_documents_every_variable_compose_asks_for():
    runbook = (ROOT / "docs" / "deploiement.md").read_text()
    asked = {name for name, _, _ in VARIABLE.findall((ROOT / "docker-compose.yml").read_text())}
    missing = {name for name in asked if f"`{name}`" not in runbook}
    assert not missing, f"docs/deploiement.md does not explain {missing}"
