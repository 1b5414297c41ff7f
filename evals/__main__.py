"""``python -m evals run ...``: see evals/cli.py."""
from .cli import main

raise SystemExit(main())
