#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the documentation site's browser test
# (apps/docs/test/site.test.ts, driven by playwright-core). Installs it with apt-get when it is
# missing and this runs as root (CI machines); otherwise says how to install it and fails.
set -euo pipefail
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM_PATH" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the documentation site's browser test (apt-get install chromium)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  [ -x "$CHROMIUM_PATH" ] && exit 0
fi
echo "Chromium not found at $CHROMIUM_PATH: the documentation site's browser test needs it." >&2
echo "Install Debian's package (sudo apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary." >&2
exit 1
