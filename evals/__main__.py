"""``python -m evals run ...``: see evals/cli.py."""
from .cli import run

run()
