#!/usr/bin/env bash
# Install backprop-lab (editable) with the given extras into a virtualenv, quietly: pip's
# output goes to VENV/pip.log and is shown only if the installation fails.
# Usage: bash scripts/install.sh VENV STAMP [EXTRAS]   (EXTRAS like "dev,notebooks,bench")
# BACKPROP_PIP_OPTIONS adds options to pip install (make notebooks: --no-compile).
set -euo pipefail

venv=$1
stamp=$2
extras=${3:-}
target=.
[ -n "$extras" ] && target=".[$extras]"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  fresh=yes
else
  fresh=no
fi
log=$venv/pip.log
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
if ! {
  [ "$fresh" = no ] || "${pip[@]}" install --upgrade pip
  # shellcheck disable=SC2086  # the options are words to split
  "${pip[@]}" install ${BACKPROP_PIP_OPTIONS:-} -e "$target"
} >"$log" 2>&1; then
  echo "backprop-lab: installing $target into $venv failed; the end of pip's log ($log):" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
touch "$stamp"
