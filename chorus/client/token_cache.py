"""Where PISTE tokens are kept: the shared cache (Redis) when it answers, this process's memory when it does
not, so that Redis down does not stop calls to Chorus Pro (each process then asks PISTE for its own token)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

logger = logging.getLogger("chorus.client")


class FallbackTokenCache:
    def __init__(self, shared: Any) -> None:
        self._shared = shared
        self._local: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        try:
            return self._shared.get(key)
        except Exception as e:  # any cache backend failure: Redis down, timeout, refused connection
            self._warn("lecture", e)
        with self._lock:
            value, expires = self._local.get(key, (None, 0.0))
        return value if time.monotonic() < expires else None

    def set(self, key: str, value: str, timeout: float) -> None:
        with self._lock:
            self._local[key] = (value, time.monotonic() + timeout)
        try:
            self._shared.set(key, value, timeout)
        except Exception as e:
            self._warn("écriture", e)

    def delete(self, key: str) -> None:
        with self._lock:
            self._local.pop(key, None)
        try:
            self._shared.delete(key)
        except Exception as e:
            self._warn("suppression", e)

    @staticmethod
    def _warn(what: str, error: Exception) -> None:
        logger.warning(
            "Cache des jetons PISTE indisponible (%s : %s) : mémoire du processus", what, type(error).__name__
        )
