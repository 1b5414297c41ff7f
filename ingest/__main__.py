"""``python -m ingest``: see ``ingest/cli.py``."""
import os
import sys

from .cli import main

code = main()
if code == 130:
    # Interrupted: main() has rolled back, released the lock and printed 'interrupted'.
    # Exit at once: rarely (Ctrl-C while the model loads) CPython's finalisation
    # then re-kills the process with SIGINT (status -2, not 130), most likely because
    # the interrupt surfaced inside a library's nested PyRun_* call, which sets
    # CPython's "unhandled KeyboardInterrupt" flag even though main() handled it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
raise SystemExit(code)
