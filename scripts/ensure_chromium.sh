#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; never a downloaded browser.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for browser tests"
  apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }
fi
/usr/bin/chromium --version
