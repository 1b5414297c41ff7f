"""``python -m rag``: see ``rag/cli.py``."""
from .cli import main

raise SystemExit(main())
