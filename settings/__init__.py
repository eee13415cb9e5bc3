"""Géoprod settings, read from the environment (django-environ).

Defaults are the embedded mode: SQLite, Celery tasks run in-process, the offline Chorus Pro simulator.
Setting DATABASE_URL / REDIS_URL switches to PostgreSQL / Redis + Celery workers.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Development and tests may run on built-in throwaway keys; production must provide its own.
_THROWAWAY_KEYS_OK = DEBUG or os.environ.get("DJANGO_SETTINGS_MODULE") == "settings.test"
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not _THROWAWAY_KEYS_OK:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "geoprod",
    "clients",
    "invoices",
    "chorus",
    "chorus.simulator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "invoices.journal.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "geoprod.urls"
WSGI_APPLICATION = "geoprod.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "geoprod.tenancy.cabinet_context",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: without a broker, tasks run in-process (embedded mode).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died before acknowledging it is handed out again after this many seconds (Redis).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password guessing: django-axes counts failed logins per (username, address) and refuses that pair for a
# while after AXES_FAILURE_LIMIT failures, with a French page (templates/geoprod/lockout.html).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "geoprod/lockout.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024

# Secrets at rest (Chorus passwords): Fernet keys, first one encrypts, all decrypt (rotation).
FERNET_KEYS = env.list("FERNET_KEYS", default=[])
if not FERNET_KEYS:
    if not _THROWAWAY_KEYS_OK:
        raise ImproperlyConfigured("FERNET_KEYS doit être défini quand DEBUG est désactivé.")
    FERNET_KEYS = ["Z2VvcHJvZC1kZXYtb25seS1mZXJuZXQta2V5LTAwMDA="]

# Chorus Pro: simulator | sandbox (PISTE qualification) | production.
CHORUS_ENV = env("CHORUS_ENV", default="simulator")
if CHORUS_ENV not in ("simulator", "sandbox", "production"):
    raise ImproperlyConfigured("CHORUS_ENV doit valoir simulator, sandbox ou production.")
SIMULATOR_PREFIX = "_chorus-sim"
SIMULATOR_BASE = env("CHORUS_SIMULATOR_URL", default="http://127.0.0.1:8000/" + SIMULATOR_PREFIX)
CHORUS_ENDPOINTS = {
    "simulator": {
        "token_url": env("CHORUS_SIMULATOR_TOKEN_URL", default=SIMULATOR_BASE + "/api/oauth/token"),
        "api_base": env("CHORUS_SIMULATOR_API_BASE", default=SIMULATOR_BASE + "/cpro"),
    },
    "sandbox": {
        "token_url": env(
            "CHORUS_SANDBOX_TOKEN_URL", default="https://sandbox-oauth.piste.gouv.fr/api/oauth/token"
        ),
        "api_base": env("CHORUS_SANDBOX_API_BASE", default="https://sandbox-api.piste.gouv.fr/cpro"),
    },
    "production": {
        "token_url": env(
            "CHORUS_PRODUCTION_TOKEN_URL", default="https://oauth.piste.gouv.fr/api/oauth/token"
        ),
        "api_base": env("CHORUS_PRODUCTION_API_BASE", default="https://api.piste.gouv.fr/cpro"),
    },
}
PISTE_CLIENT_ID = env("PISTE_CLIENT_ID", default="geoprod-simulateur" if CHORUS_ENV == "simulator" else "")
PISTE_CLIENT_SECRET = env(
    "PISTE_CLIENT_SECRET", default="secret-simulateur" if CHORUS_ENV == "simulator" else ""
)
# (connect, read) timeouts of every call to Chorus Pro, in seconds.
CHORUS_TIMEOUT = (
    env.float("CHORUS_CONNECT_TIMEOUT", default=5.0),
    env.float("CHORUS_READ_TIMEOUT", default=30.0),
)
# A « Soumettre » claimed longer ago than this lost its worker: its outcome is searched in Chorus first.
CHORUS_STALE_CLAIM_SECONDS = env.int("CHORUS_STALE_CLAIM_SECONDS", default=300)
if CHORUS_ENV != "simulator" and not (PISTE_CLIENT_ID and PISTE_CLIENT_SECRET):
    raise ImproperlyConfigured("PISTE_CLIENT_ID et PISTE_CLIENT_SECRET sont requis hors simulateur.")

# Production safety: on by default when DEBUG is off, so `check --deploy` passes.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
