#!/usr/bin/env bash
# Make sure Debian's headless Chromium is installed, for the report rendering tests
# (tests/dashboards). Idempotent: does nothing when /usr/bin/chromium (or $PANTAU_CHROMIUM) exists.
# Exits non-zero with a message saying what to do when it cannot install it: CI must not skip.
set -euo pipefail

chromium="${PANTAU_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $chromium is missing and apt-get is not available; install Chromium and set PANTAU_CHROMIUM to its path" >&2
    exit 1
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo -n)
    else
        echo "ensure-chromium: $chromium is missing and this is not root (no sudo): run 'apt-get install -y chromium' as root" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends chromium fonts-dejavu-core >/dev/null 2>&1; then
    "${sudo_cmd[@]}" apt-get update -q >/dev/null
    "${sudo_cmd[@]}" apt-get install -y --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
if [ ! -x "$chromium" ]; then
    echo "ensure-chromium: apt-get finished but $chromium is still missing" >&2
    exit 1
fi
