# Sourced by the set-up scripts: find_python prints a Python >= 3.12 or returns 1.
# Looks at $MURMUR_PYTHON, then PATH, then $(pyenv root)/versions/3.1[2-9]*.

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
