"""Gunicorn settings of the web service, read from the environment (the image's entrypoint uses this file).

GUNICORN_TIMEOUT bounds every request only with the sync worker (GUNICORN_THREADS=1, the default): a
worker busy past it is killed and replaced. With threads (gthread) the timeout only catches a frozen
worker, not a slow request, so threads trade that guard for concurrency.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise ValueError(f"{name} doit être un entier positif (reçu : {value!r}).")
    return int(value)


wsgi_app = "geoprod.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", 3)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 90)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A worker is recycled after this many requests (with jitter so they do not all restart at once): PDF
# rendering grows a process's memory, and a fresh worker gives it back.
max_requests = _int("GUNICORN_MAX_REQUESTS", 500)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 50)
# Access log on stdout ("-") by default; GUNICORN_ACCESS_LOG="" turns it off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The heartbeat file lives in memory: a container's disk-backed /tmp can stall it and get workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No runtime control socket (gunicorn ≥ 25.1): nothing uses it, and instances sharing a host would share its path.
control_socket_disable = True
