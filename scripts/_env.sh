# Sourced by scripts/demo, scripts/test and scripts/bench: create .venv and install the
# project into it (again only when pyproject.toml changed). Needs python3 >= 3.11 and PyPI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
EXTRAS="${HARVESTER_EXTRAS:-dev}"

if [ ! -x "$PY" ]; then
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "harvester needs Python 3.11 or newer (python3 is $(python3 --version))" >&2; exit 1; }
  python3 -m venv "$VENV"
fi
STAMP="$VENV/.installed-$EXTRAS"
HASH="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$HASH" ]; then
  echo "setting up $VENV (extras: $EXTRAS) ..." >&2
  "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$PY" -m pip install --quiet --disable-pip-version-check -e "$ROOT[$EXTRAS]" >&2
  echo "$HASH" > "$STAMP"
fi
