#!/usr/bin/env bash
# Usage: scripts/bootstrap.sh
#
# Creates .venv with Python 3.11 and installs the project with the pinned versions (requirements.lock).
# Re-running is cheap: it reinstalls only when pyproject.toml or requirements.lock changed.
# PYTHON311 names the interpreter when neither python3.11 nor python3 is a 3.11.
set -euo pipefail
if [[ "${1:-}" =~ ^(-h|--help)$ ]]; then sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0; fi
cd "$(dirname "$0")/.."

find_python() {
  local candidate
  for candidate in "${PYTHON311:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  python="$(find_python)" || { echo "bootstrap: Python 3.11 is required (set PYTHON311)" >&2; exit 1; }
  "$python" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet -c requirements.lock -e '.[dev]' >&2
  rm -f .venv/.installed-* && touch "$stamp"
  echo "bootstrap: installed the project into .venv" >&2
fi
