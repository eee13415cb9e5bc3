""".dockerignore keeps the local environment, secrets and data out of the image, and everything it runs in."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _rules() -> list[tuple[bool, re.Pattern]]:
    """(excludes, pattern) per line, with Docker's syntax: `*` and `?` stay within a path segment, `**` spans
    segments, `!` re-includes, the last matching line wins."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        excludes = not line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = "".join(
            ".*" if part == "**" else "[^/]*" if part == "*" else "[^/]" if part == "?" else re.escape(part)
            for part in re.split(r"(\*\*|\*|\?)", pattern)
        )
        rules.append((excludes, re.compile(regex.replace(".*/", "(?:.*/)?"))))
    return rules


def sent_to_docker(path: str) -> bool:
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for excludes, pattern in _rules():
        if any(pattern.fullmatch(c) for c in candidates):
            excluded = excludes
    return not excluded


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python", ".env", ".env.production", ".git/HEAD", "db.sqlite3", "simulator.sqlite3",
        "media/factures/1/2026/F-2026-0001.pdf", "media/logos/logo.png", "staticfiles/css/app.css",
        "geoprod/__pycache__/settings.cpython-311.pyc", ".pytest_cache/v/cache/nodeids", "test-results/a.png",
        "tests/conftest.py", "bench/results/pdf.json", "geoprod.egg-info/PKG-INFO",
    ],
)  # fmt: skip
def test_local_environment_secrets_and_data_stay_out(path):
    assert not sent_to_docker(path)


def test_everything_the_image_runs_is_sent():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    runtime = [
        p
        for p in tracked.stdout.splitlines()
        if p.split("/")[0] in {"geoprod", "clients", "invoices", "chorus", "settings", "templates", "static"}
    ]
    runtime += [
        "manage.py",
        "pyproject.toml",
        "gunicorn.conf.py",
        "scripts/entrypoint.sh",
        "scripts/healthcheck.py",
    ]
    runtime += [".env.example"]
    assert len(runtime) > 100
    assert [p for p in runtime if not sent_to_docker(p)] == []
