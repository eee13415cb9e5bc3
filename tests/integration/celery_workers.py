"""Real Celery worker processes for the integration tests: on a Redis database of the tests' own, each pool on
a queue of its own, pointed at the live server's simulator and at the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

from geoprod.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("REDIS_URL", "").rsplit("/", 1)[0] + "/14"


class Workers:
    """Celery worker processes on the test broker. They consume a queue of their own: another run on the same
    machine (same Redis), or the retries a previous test left queued, never reach them."""

    def __init__(self, settings, tmp_path):
        self.queue = f"tests-{uuid.uuid4().hex[:12]}"
        db = connection.settings_dict
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "settings",
            "DEBUG": "true",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": BROKER,
            "CELERY_QUEUE": self.queue,  # what the tasks (and beat) queue goes to this pool too
            "MEDIA_ROOT": settings.MEDIA_ROOT,
            "CHORUS_SIMULATOR_TOKEN_URL": settings.CHORUS_ENDPOINTS["simulator"]["token_url"],
            "CHORUS_SIMULATOR_API_BASE": settings.CHORUS_ENDPOINTS["simulator"]["api_base"],
            "LOG_LEVEL": "WARNING",
        }
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []

    def start(self, *, pool: str = "threads", concurrency: int = 8, **env) -> subprocess.Popen:
        """A worker in a process group of its own: os.killpg(worker.pid, SIGKILL) kills it whole, pool included."""
        return self._run(
            ["worker", "--pool", pool, "--concurrency", str(concurrency), "-Q", self.queue,
             "-n", f"{self.queue}-{len(self.processes)}@%h"],
            env,
        )  # fmt: skip

    def start_beat(self, **env) -> subprocess.Popen:
        """Celery beat on the database scheduler, sending the schedule's tasks to this pool's queue."""
        beat = [
            "beat",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--max-interval",
            "1",
        ]
        return self._run(beat, env)

    def _run(self, command: list[str], env: dict) -> subprocess.Popen:
        log = self.tmp_path / f"celery-{len(self.processes)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "geoprod", *command, "--loglevel", "WARNING"],
                cwd=ROOT, env={**self.env, **env}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        process.log = log
        self.processes.append(process)
        return process

    @staticmethod
    def pool_processes(worker: subprocess.Popen) -> list[int]:
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def enqueue(self, task, *ids: int) -> None:
        """Publishes on the test broker explicitly: the app's own connection pool may point elsewhere."""
        with celery_app.connection_for_write(BROKER) as conn:
            for pk in ids:
                task.apply_async(args=(pk,), connection=conn, queue=self.queue)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()  # warm shutdown: running tasks finish
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def tail(self) -> str:
        return "\n".join(p.log.read_text(errors="replace")[-3000:] for p in self.processes)


def wait_until(condition, seconds: float, what: str, describe=lambda: ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what}: still not true after {seconds} s {describe()}")
