#!/usr/bin/env bash
# Sets everything up and serves Géoprod with demo data on http://127.0.0.1:8000 (embedded mode:
# SQLite, Celery tasks in-process, the offline Chorus Pro simulator).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export DEBUG="${DEBUG:-true}"
export DJANGO_SETTINGS_MODULE=settings
PORT="${PORT:-8000}"
export CHORUS_SIMULATOR_URL="${CHORUS_SIMULATOR_URL:-http://127.0.0.1:${PORT}/_chorus-sim}"

.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo

cat <<MSG

  Géoprod est prêt : http://127.0.0.1:${PORT}/

  Comptes de démonstration (mot de passe : geoprod)
    admin          administratrice de « Géomètres Experts Garonne »
    compta         comptable de « Géomètres Experts Garonne »
    admin-rhone    administratrice de « Cabinet Rhône Topographie »
    compta-rhone   comptable de « Cabinet Rhône Topographie »
    plateforme     exploitant de la plateforme (administration Django, /admin/)

MSG
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
