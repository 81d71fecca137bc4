#!/usr/bin/env bash
# Start JupyterLab from VENV on notebooks/, printing its URL. It opens a browser only where there
# is a display to show it on (a desktop session, or macOS); on a server it prints the URL only.
# Usage: bash scripts/notebooks.sh VENV
set -euo pipefail

venv=$1
options=(--ServerApp.root_dir=notebooks)
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname -s)" != Darwin ]; then
  options+=(--no-browser)
fi
[ "$(id -u)" -eq 0 ] && options+=(--allow-root)  # a fresh machine's make runs as root
echo "backprop-lab: JupyterLab on notebooks/; open the URL below (with its token). Ctrl-C stops it."
exec "$venv/bin/jupyter" lab "${options[@]}"
