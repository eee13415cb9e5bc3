"""Test overrides: fast hashing, eager Celery unless a test asks for a worker."""

from __future__ import annotations

import os

from settings import *  # noqa: F403

DEBUG = False
# Tests run the embedded configuration of the demonstration: DEBUG off with the offline simulator.
GEOPROD_DEMO = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
# No past year by default: the tests that need it ask `seed_demo --history N` (each issue renders a PDF).
DEMO_HISTORY_DOSSIERS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["*"]
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", "/tmp/geoprod-test-media")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
