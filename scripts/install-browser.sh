#!/usr/bin/env bash
# Debian's Chromium and ChromeDriver, for the browser tests. Installs as root; otherwise says how.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: the browser tests need Debian's chromium and chromium-driver. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
echo "==> installing chromium and chromium-driver (apt-get)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
