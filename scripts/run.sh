#!/usr/bin/env bash
# Sets everything up and serves Géoprod with demo data on http://127.0.0.1:8000 as users see it: DEBUG
# off, French error pages, static files by WhiteNoise, gunicorn; embedded mode (SQLite, Celery tasks
# in-process, the offline Chorus Pro simulator, allowed by GEOPROD_DEMO=true).
# Developers: `DEBUG=true bash scripts/run.sh` serves with Django's autoreloading development server.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${SKIP_SETUP:-}" ] || bash scripts/setup.sh  # SKIP_SETUP=1: already installed (the tests of this script)

export DEBUG="${DEBUG:-false}"
export GEOPROD_DEMO=true
export DJANGO_SETTINGS_MODULE=settings
PORT="${PORT:-8000}"
# No mail server in the demo: what would leave is kept in the app's « Boîte d'envoi ».
unset EMAIL_URL
export CHORUS_SIMULATOR_URL="${CHORUS_SIMULATOR_URL:-http://127.0.0.1:${PORT}/_chorus-sim}"
export PA_SIMULATOR_URL="${PA_SIMULATOR_URL:-http://127.0.0.1:${PORT}/_pa-sim}"

# DEBUG off needs real keys: unless given, made once for this checkout and kept (so the Chorus passwords
# stay readable from one run to the next).
if [ -z "${SECRET_KEY:-}" ] || [ -z "${FERNET_KEYS:-}" ]; then
  if [ ! -f .demo-secrets ]; then
    (umask 077 && .venv/bin/python - >.demo-secrets <<'PY'
import secrets
from cryptography.fernet import Fernet
print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"FERNET_KEYS={Fernet.generate_key().decode()}")
PY
    )
  fi
  set -a
  # shellcheck disable=SC1091
  source .demo-secrets
  set +a
fi

.venv/bin/python manage.py migrate --noinput -v 0
# Cabinets, clients and dossiers first; the year of invoices (each issued through « Valider » with its PDF,
# in date order) is issued by a second pass in the background once the server answers.
.venv/bin/python manage.py seed_demo --sans-factures -v 0
if [ "$DEBUG" != true ]; then
  # Collected again only when a static file or a dependency changed (a second run stays fast).
  static_root="${STATIC_ROOT:-staticfiles}"
  stamp="$( (find static -type f -printf '%p %T@\n'; sha256sum pyproject.toml) | sha256sum | cut -c1-16)"
  if [ ! -f "$static_root/.collected-$stamp" ]; then
    .venv/bin/python manage.py collectstatic --noinput --clear -v 0
    touch "$static_root/.collected-$stamp"
  fi
fi

cat <<MSG

  Géoprod est prêt : http://127.0.0.1:${PORT}/

  Comptes de démonstration (mot de passe : geoprod)
    admin          administratrice de « Géomètres Experts Garonne »
    compta         comptable de « Géomètres Experts Garonne »
    admin-rhone    administratrice de « Cabinet Rhône Topographie »
    compta-rhone   comptable de « Cabinet Rhône Topographie »
    plateforme     exploitant de la plateforme (administration Django, /admin/)

  Les e-mails ne partent pas : ils sont conservés dans la « Boîte d'envoi » de l'application.
  Les pièces de l'année écoulée (factures, avoirs, règlements) s'ajoutent en
  arrière-plan pendant quelques minutes (journal : ${DEMO_SEED_LOG:-demo-seed.log}).

MSG
# Same process group as the server: stopping run.sh stops it too. A second run finds the invoices and does nothing.
.venv/bin/python manage.py seed_demo --pause 0.15 >>"${DEMO_SEED_LOG:-demo-seed.log}" 2>&1 &
if [ "$DEBUG" = true ]; then
  exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
fi
# Threads: a page that calls Chorus is answered by the simulator served by this same server.
exec .venv/bin/gunicorn geoprod.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --threads 4 --timeout 120 \
  --access-logfile - --access-logformat '%(t)s "%(r)s" %(s)s'
