#!/usr/bin/env bash
# Shared set-up for scripts/run.sh and scripts/test.sh: Debian libraries WeasyPrint needs, the
# virtual environment and the Python dependencies. Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
DEBIAN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)

missing_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local pkg
  for pkg in "${DEBIAN_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

ensure_debian_packages() {
  local missing
  missing=$(missing_debian_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installation des paquets Debian manquants : $missing"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "Paquets Debian manquants : $missing" >&2
    echo "Installez-les avec : sudo apt-get install -y --no-install-recommends $missing" >&2
    exit 1
  fi
}

venv_packages=()
"$PYTHON" -c "import venv, ensurepip" 2>/dev/null || venv_packages+=("python3-venv")
# EXTRA_DEBIAN_PACKAGES: what a caller needs on top (scripts/test.sh: Chromium for the browser tests).
# shellcheck disable=SC2086
ensure_debian_packages "${venv_packages[@]}" ${EXTRA_DEBIAN_PACKAGES:-}

if [ ! -x .venv/bin/python ]; then
  echo "Création de l'environnement virtuel .venv"
  "$PYTHON" -m venv .venv
fi

stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installation des dépendances Python"
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
