"""scripts/services.sh: the one place that starts PostgreSQL and Redis, for CI and the production smoke test.
Run here against stand-in commands on PATH, so the real services of the machine are never touched."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Stand-ins: each service "answers" once its start command has left a flag file behind.
SHIMS = {
    "pg_isready": '[ -f "$STATE/pg" ]',
    "pg_ctlcluster": 'echo "pg_ctlcluster $*" >> "$STATE/calls"; touch "$STATE/pg"',
    "redis-cli": '[ -f "$STATE/redis" ] && echo PONG',
    "redis-server": 'echo "redis-server $*" >> "$STATE/calls"; touch "$STATE/redis"',
}


@pytest.fixture
def services(tmp_path):
    """services(*already_up) runs scripts/services.sh with the stand-ins; returns (result, calls)."""
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir()
    state.mkdir()
    for name, body in SHIMS.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)

    def run(*already_up: str):
        for name in already_up:
            (state / name).touch()
        env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "STATE": str(state)}
        result = subprocess.run(
            ["bash", "scripts/services.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        calls = (state / "calls").read_text().splitlines() if (state / "calls").exists() else []
        return result, calls

    return run


def test_nothing_is_started_when_both_answer(services):
    result, calls = services("pg", "redis")
    assert (result.returncode, result.stdout, calls) == (0, "", [])


def test_what_does_not_answer_is_started_and_waited_for(services):
    if not Path("/etc/postgresql").is_dir():
        pytest.skip("needs an installed PostgreSQL cluster (/etc/postgresql)")
    result, calls = services()
    assert result.returncode == 0, result.stderr
    assert "Démarrage de PostgreSQL" in result.stdout and "Démarrage de Redis" in result.stdout
    assert calls[0].startswith("pg_ctlcluster --skip-systemctl-redirect ") and calls[0].endswith(
        " main start"
    )
    assert calls[1].startswith("redis-server --daemonize yes --bind 127.0.0.1 --port 6379")


def test_ci_and_the_smoke_test_use_it_and_keep_no_copy():
    for script in (".ci/run", "scripts/prod_smoke.sh"):
        text = (ROOT / script).read_text()
        assert "bash scripts/services.sh" in text, script
        assert "pg_ctlcluster" not in text and "redis-server" not in text, script
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.rstrip().endswith("bash scripts/test.sh") and "CREATE DATABASE" in ci
