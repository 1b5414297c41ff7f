#!/usr/bin/env bash
# Set up and run the default test suite (everything but tests marked slow).
# Extra arguments go to pytest, e.g. scripts/test.sh -m slow
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if [ $# -eq 0 ]; then set -- -m "not slow"; fi
exec .venv/bin/python -m pytest "$@"
