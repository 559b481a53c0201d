#!/usr/bin/env bash
# Install the system Chromium that the browser end-to-end test drives through Playwright
# (tests/e2e/test_ui_browser.py uses executable_path=/usr/bin/chromium; Playwright never
# downloads a browser). Idempotent: does nothing when /usr/bin/chromium exists.
# Needs root (or passwordless sudo) and apt-get (Debian/Ubuntu); reads no stdin.
set -euo pipefail

CHROMIUM="${HEARTH_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM is already installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: $CHROMIUM is missing and apt-get is not available; install Chromium by hand" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-browser: installing chromium needs root (or passwordless sudo)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q </dev/null
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core </dev/null

if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser: apt-get finished but $CHROMIUM does not exist" >&2
    exit 1
fi
echo "install-browser: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
