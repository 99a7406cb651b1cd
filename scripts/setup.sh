#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the project with its test tools.
# Idempotent: reinstalls only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

is_new_enough() {  # $1: a python executable; true when it is >= 3.12 and actually runs
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  local candidate
  if [ -n "${MURMUR_PYTHON:-}" ]; then
    is_new_enough "$MURMUR_PYTHON" && { echo "$MURMUR_PYTHON"; return 0; }
    echo "setup: MURMUR_PYTHON=$MURMUR_PYTHON is not a working Python >= 3.12" >&2
    return 1
  fi
  for candidate in python3.13 python3.12 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && is_new_enough "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  # pyenv shims refuse versions that are not selected, so look at the installs directly.
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/3.1[2-9]*/bin/python3.1*; do
      case "$candidate" in *-config) continue ;; esac
      if [ -x "$candidate" ] && is_new_enough "$candidate"; then echo "$candidate"; return 0; fi
    done
  fi
  return 1
}

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
