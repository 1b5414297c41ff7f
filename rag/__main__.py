"""``python -m rag``: see ``rag/cli.py``."""
from .cli import run

run()
