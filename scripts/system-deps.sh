#!/usr/bin/env bash
# Make sure the Debian packages backprop-lab needs are present: Graphviz's `dot` for pictures,
# python3-venv for the virtualenv, and (with --browser) Chromium for the page tests.
# As root it installs what is missing with apt-get; otherwise it names what to install.
set -euo pipefail

want_browser=no
[ "${1:-}" = "--browser" ] && want_browser=yes

missing=()
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [ "$want_browser" = yes ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "backprop-lab needs these Debian packages: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
