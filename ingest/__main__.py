"""``python -m ingest``: see ``ingest/cli.py``."""
from .cli import run

run()
