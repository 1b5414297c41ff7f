#!/usr/bin/env bash
# Set up and run the default test suite (everything but tests marked slow).
# Extra arguments go to pytest, e.g. scripts/test.sh -m slow
# The browser test (tests/test_browser.py) drives Debian's chromium: installed here with
# apt-get when missing and we are root (or have passwordless sudo); otherwise it is skipped.
set -euo pipefail
# Playwright comes from pip for its Python API only; it must never download a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  local why="" sudo=""
  if ! command -v apt-get >/dev/null 2>&1; then
    why="apt-get is not available"
  elif [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"
    else why="installing it needs root or passwordless sudo"; fi
  fi
  if [ -z "$why" ]; then
    echo "test: installing Debian's chromium with apt-get for the browser test (once)" >&2
    local log; log=$(mktemp)
    if $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 &&
       $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >>"$log" 2>&1 &&
       [ -x /usr/bin/chromium ]; then
      rm -f "$log"; return 0
    fi
    why="apt-get install chromium failed: $(tail -n 1 "$log" 2>/dev/null || true)"
    [ -x /usr/bin/chromium ] || [ -s "$log" ] || why="apt-get ran but left no /usr/bin/chromium"
    rm -f "$log"
  fi
  echo "test: /usr/bin/chromium is missing ($why); the browser test will be skipped" >&2
}
ensure_chromium || true

if [ $# -eq 0 ]; then set -- -m "not slow"; fi
exec .venv/bin/python -m pytest "$@"
