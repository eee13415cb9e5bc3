"""Géoprod settings, read from the environment (django-environ).

Defaults are the embedded mode: SQLite, Celery tasks run in-process, the offline Chorus Pro simulator.
Setting DATABASE_URL / REDIS_URL switches to PostgreSQL / Redis + Celery workers.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from settings.media import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The demonstration (README's first command): DEBUG off, the embedded simulator, plain HTTP on loopback.
GEOPROD_DEMO = env.bool("GEOPROD_DEMO", default=False)
# Past dossiers per demo cabinet that `seed_demo` invoices over the last twelve months.
DEMO_HISTORY_DOSSIERS = env.int("DEMO_HISTORY_DOSSIERS", default=200)
_TESTS = os.environ.get("DJANGO_SETTINGS_MODULE") == "settings.test"
# Development and tests may run on built-in throwaway keys; production must provide its own.
_THROWAWAY_KEYS_OK = DEBUG or _TESTS
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not _THROWAWAY_KEYS_OK:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG or GEOPROD_DEMO else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_celery_beat",
    "geoprod",
    "clients",
    "invoices",
    "chorus",
    "einvoicing",
    "mailing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "geoprod.headers.SecurityHeadersMiddleware",
    "invoices.journal.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "geoprod.degraded.QueueDownMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "geoprod.urls"
WSGI_APPLICATION = "geoprod.wsgi.application"

# Widget templates come from templates/ first: a drop-down's empty choice reads « — Choisir — ».
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
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
    # The planner's price of reading a page out of order. PostgreSQL's default (4) is for spinning disks;
    # with the data in memory or on SSD it makes a visit of every row through a narrow index look cheaper
    # than an index-only scan of a covering index (the invoice list's totals, migration 0026). 1.1 is the
    # usual value for SSD; PG_RANDOM_PAGE_COST changes it, empty leaves the server's own.
    if page_cost := env("PG_RANDOM_PAGE_COST", default="1.1"):
        try:
            page_cost = float(page_cost)
        except ValueError:
            raise ImproperlyConfigured("PG_RANDOM_PAGE_COST doit être un nombre (par exemple 1.1).") from None
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c random_page_cost={page_cost}".strip()
    # The Chorus exchange journal's own connection to the same database (chorus/services/connection.py).
    # Not on SQLite, where a second connection would wait behind the first one's write lock.
    DATABASES["chorus_journal"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo issues its past year (a PDF per document, inside the series lock) while the server answers:
    # a request that writes waits its turn (a transaction takes the write lock when it begins, so two never
    # deadlock upgrading a read lock) instead of failing with « database is locked ».
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("timeout", 30)
    options.setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Redis down must answer fast (503 page, token cache fallback), not after the client's default retries.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=2.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: without a broker, tasks run in-process (embedded mode).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_IGNORE_RESULT = True  # tasks return nothing: publishing never waits on the result backend
# Every Chorus task is safe to run twice (conditional claims, search before re-send), so a task is
# acknowledged only once done and handed out again when its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers log through LOGGING below (JSON lines, failed tasks mailed to ADMINS), not Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A deposit or « Soumettre » (one Chorus call within CHORUS_TIMEOUT) ends well within these limits; the
# nightly refresh of one cabinet (paged searches, waits on 429) has its own, CHORUS_REFRESH_TIME_LIMIT.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=90)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=120)
CHORUS_REFRESH_TIME_LIMIT = env.int("CHORUS_REFRESH_TIME_LIMIT", default=600)
# A task whose worker died before acknowledging it is handed out again after this many seconds (Redis): a
# little above the longest task, so a running task is never handed out twice. (Submissions do not wait for
# it: the sweeper takes them back after CHORUS_STALE_CLAIM_SECONDS.)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CHORUS_REFRESH_TIME_LIMIT + 60),
    "socket_connect_timeout": REDIS_TIMEOUT,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
# Publishing while Redis is down fails after about one second: the page answers 503 instead of waiting.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password guessing (geoprod/throttling.py): free failures per (account, address), per account and per
# address, then a wait doubling with each failure between LOGIN_DELAY_SECONDS. Behind reverse proxies, set
# TRUSTED_PROXY_COUNT to their number so the client's own address is read from X-Forwarded-For; left at 0
# there, every user would share the proxy's address.
AUTHENTICATION_BACKENDS = [
    "geoprod.throttling.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_THROTTLE_ENABLED = env.bool("LOGIN_THROTTLE_ENABLED", default=True)
LOGIN_FREE_FAILURES = {"pair": 5, "account": 10, "ip": 30}
LOGIN_DELAY_SECONDS = (
    env.int("LOGIN_DELAY_MIN_SECONDS", default=30),
    env.int("LOGIN_DELAY_MAX_SECONDS", default=3600),
)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
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
# Media (invoice PDFs, reminder letters, logos) go through Django's storage API only: MEDIA_ROOT on one host
# (a shared volume), or a private S3-compatible bucket that several hosts share (docs/deploiement.md).
STORAGES = {
    "default": media_storage(env),
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
# The simulator answers anyone who can reach it: it exists only in development, tests and the demo
# (geoprod/checks.py says the same to `manage.py check`).
if CHORUS_ENV == "simulator":
    if not (DEBUG or GEOPROD_DEMO or _TESTS):
        raise ImproperlyConfigured(
            "Le simulateur Chorus Pro (CHORUS_ENV=simulator) est refusé quand DEBUG est désactivé : "
            "choisissez CHORUS_ENV=sandbox ou production, ou GEOPROD_DEMO=true pour une démonstration."
        )
    INSTALLED_APPS.append("chorus.simulator")
    INSTALLED_APPS.append("einvoicing.simulator")
SIMULATOR_PREFIX = "_chorus-sim"
# The offline Plateforme Agréée (AFNOR XP Z12-013 Flow and Directory Services), fenced like the Chorus one.
PA_SIMULATOR_PREFIX = "_pa-sim"
PA_SIMULATOR_SECRET = env("PA_SIMULATOR_SECRET", default="secret-pa-simulateur")
PA_SIMULATOR_ACK_SECONDS = env.float("PA_SIMULATOR_ACK_SECONDS", default=2.0)
# The simulator's lifecycle clock: a B2B invoice moves one status on every this many seconds (0: only when
# ticked, POST /_pa-sim/lifecycle/advance). See einvoicing/simulator/lifecycle.py.
PA_SIMULATOR_LIFECYCLE_SECONDS = env.int("PA_SIMULATOR_LIFECYCLE_SECONDS", default=60)
PA_SIMULATOR_BASE = env("PA_SIMULATOR_URL", default="http://127.0.0.1:8000/" + PA_SIMULATOR_PREFIX)
# How often beat reads the e-invoices' lifecycle statuses from the PA (webhooks trigger it sooner).
EINVOICE_LIFECYCLE_SECONDS = env.int("EINVOICE_LIFECYCLE_SECONDS", default=900)
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
# A deposit or « Soumettre » claimed longer ago than this lost its worker (above CELERY_TASK_TIME_LIMIT, so a
# live task is never taken for dead): the sweeper, run by beat every CHORUS_SWEEP_SECONDS, takes it back.
CHORUS_STALE_CLAIM_SECONDS = env.int("CHORUS_STALE_CLAIM_SECONDS", default=300)
CHORUS_SWEEP_SECONDS = env.int("CHORUS_SWEEP_SECONDS", default=120)
if CHORUS_ENV != "simulator" and not (PISTE_CLIENT_ID and PISTE_CLIENT_SECRET):
    raise ImproperlyConfigured("PISTE_CLIENT_ID et PISTE_CLIENT_SECRET sont requis hors simulateur.")

# Production safety: on by default when DEBUG is off, so `check --deploy` passes. The demo serves plain
# HTTP on loopback, where a redirect to HTTPS or secure-only cookies would lock everyone out.
_HTTPS = not (DEBUG or GEOPROD_DEMO)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_HTTPS)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_HTTPS)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# Scripts and styles come only from our static files (no inline code: templates carry none, and htmx's
# inline indicator styles are turned off in base.html), so an injected snippet cannot run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)

# Who hears about errors: ADMINS get every ERROR by mail (a 500, a failed task), through EMAIL_URL.
ADMINS = [("", address) for address in env.list("ADMINS", default=[])]
SERVER_EMAIL = env("SERVER_EMAIL", default="geoprod@localhost")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=SERVER_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Géoprod] "
# Without EMAIL_URL nothing leaves: messages are kept in the app's « Boîte d'envoi » (mailing.backends).
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "mailing.backends.OutboxBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Production logs one JSON object per line on stdout; development and the demo keep readable lines.
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG or GEOPROD_DEMO else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT doit valoir json ou text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "geoprod.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers are replaced by the root's (otherwise each error would be mailed twice).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
