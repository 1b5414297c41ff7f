"""An unexpected error while answering one question: one line for the person asking,
the traceback in a log for whoever fixes it, so one bad question never stops the others.

The log is ``RAG_DATA_DIR/logs/errors.log``, beside the index it was answering from,
and shared by ``python -m rag ask --in ...`` and the page. Errors a user can act on
(``RagError``) never come here: they are their own one-line message.
"""
from __future__ import annotations

import datetime as _dt
import os
import traceback
from pathlib import Path

from core.settings import Settings

LOG_NAME = "errors.log"
# One old log is kept beside the current one, so a loop of failures cannot fill the disk.
MAX_BYTES = 2_000_000


def log_path(settings: Settings) -> Path:
    return Path(settings.data_dir).absolute() / "logs" / LOG_NAME


def record(settings: Settings, exc: BaseException, where: str) -> str:
    """Append ``exc``'s traceback to the log, headed by the time and ``where`` (the
    question, and the file line it came from); return the one-line message to show."""
    path = log_path(settings)
    when = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    entry = f"--- {when} {where}\n{''.join(traceback.format_exception(exc))}\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            os.replace(path, path.with_name(LOG_NAME + ".1"))
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(entry)  # one write: entries from two sessions do not interleave
        details = f"details in {path}"
    except OSError as err:
        details = f"the details could not be written to {path} ({err.strerror or err.__class__.__name__})"
    return f"internal error answering this question ({type(exc).__name__}); {details}"
