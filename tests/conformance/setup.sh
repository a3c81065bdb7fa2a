#!/usr/bin/env bash
# Creates the virtual environment the conformance suite runs the official
# Python SDKs in, with every package pinned (requirements.txt). Prints the
# path of its python. Reuses the environment while requirements.txt is
# unchanged.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${EHPC_CONFORMANCE_VENV:-$here/../../target/conformance-venv}"
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$stamp" "$here/requirements.txt"; then
    echo "$venv/bin/python"
    exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-deps --requirement "$here/requirements.txt" >&2
"$venv/bin/python" -m pip check >&2
cp "$here/requirements.txt" "$stamp"
echo "$venv/bin/python"
