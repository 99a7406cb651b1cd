#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the project.
#   scripts/setup.sh        what a run needs (make run)
#   scripts/setup.sh test   that plus the test tools (pytest, ruff, Selenium) and the headless
#                           browser the report tests open pages in (Debian's chromium and
#                           chromium-driver, from apt; no tool downloads a browser itself)
# Idempotent: reinstalls only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/find_python.sh

VENV=.venv
MODE=${1:-run}
if [ "$MODE" = test ]; then
  EXTRAS='.[dev]'
  STAMP=$VENV/.murmur-installed-test
else
  EXTRAS='.'
  STAMP=$VENV/.murmur-installed
fi

if [ "$MODE" = test ] && ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing headless Chromium for the report tests (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium chromium-driver >/dev/null
  else
    echo "setup: the report tests need chromium and chromedriver on PATH; install them" \
         "(Debian: sudo apt-get install chromium chromium-driver)" >&2
    exit 1
  fi
fi

if [ -x "$VENV/bin/python" ] && is_new_enough "$VENV/bin/python" \
   && [ -f "$STAMP" ] && [ "$STAMP" -nt pyproject.toml ]; then
  exit 0
fi

if ! PY=$(find_python); then
  echo "setup: no Python >= 3.12 found (looked on PATH and in \$(pyenv root)/versions)." >&2
  echo "setup: install one (e.g. 'pyenv install 3.12') or set MURMUR_PYTHON=/path/to/python3.12" >&2
  exit 1
fi
echo "setup: using $PY ($("$PY" --version 2>&1))"
if [ ! -x "$VENV/bin/python" ] || ! is_new_enough "$VENV/bin/python"; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e "$EXTRAS"
touch "$STAMP"
# a test install is a run install too
[ "$MODE" = test ] && touch "$VENV/.murmur-installed"
echo "setup: environment ready in $VENV"
