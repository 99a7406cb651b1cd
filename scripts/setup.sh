#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the project with its test tools.
# Idempotent: reinstalls only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/find_python.sh

VENV=.venv
STAMP=$VENV/.murmur-installed
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
"$VENV/bin/python" -m pip install --quiet -e '.[dev]'
touch "$STAMP"
echo "setup: environment ready in $VENV"
