#!/usr/bin/env bash
# The extension's unit tests run on node's built-in test runner (node 18+); Debian's nodejs when it is missing.
set -euo pipefail
if ! command -v node >/dev/null 2>&1; then
  echo "Installing Debian's nodejs for the extension's unit tests"
  apt-get install -y -qq nodejs >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nodejs; }
fi
node --version
