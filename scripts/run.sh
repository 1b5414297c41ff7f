#!/usr/bin/env bash
# Set up, ingest corpus/ into the local index (data/), and serve the page on http://localhost:8501.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
.venv/bin/python -m ingest "${RAG_CORPUS_DIR:-corpus}" || echo "run: some files were not ingested (see above); starting the page with the rest" >&2
exec .venv/bin/python -m streamlit run ui/app.py  # settings in .streamlit/config.toml
