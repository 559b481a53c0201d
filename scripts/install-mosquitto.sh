#!/usr/bin/env bash
# Install the Mosquitto MQTT broker that the runner's integration tests start on a free port
# (tests/mqtt_fixtures.py runs `mosquitto -c <temp config>`, listener 127.0.0.1 only).
# Idempotent: does nothing when mosquitto is already on PATH or in /usr/sbin.
# Needs root (or passwordless sudo) and apt-get (Debian/Ubuntu); reads no stdin. The Debian
# package also installs a system service; it is left as the distribution sets it up (the tests
# never use it: they start their own broker).
set -euo pipefail

found() {
    command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]
}

if found; then
    echo "install-mosquitto: mosquitto is already installed"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-mosquitto: mosquitto is missing and apt-get is not available; install it by hand" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-mosquitto: installing mosquitto needs root (or passwordless sudo)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q </dev/null
$SUDO apt-get install -y -q --no-install-recommends mosquitto </dev/null

if ! found; then
    echo "install-mosquitto: apt-get finished but mosquitto is not installed" >&2
    exit 1
fi
echo "install-mosquitto: installed mosquitto"
