"""The ingest lock: one ingest at a time writes to a data folder."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path
from typing import Iterator

from core.errors import BusyError, StoreError, one_line
from core.settings import Settings


@contextlib.contextmanager
def ingest_lock(settings: Settings) -> Iterator[Path]:
    """Hold ``data_dir/ingest.lock`` (flock, non-blocking) for the duration."""
    data_dir = Path(settings.data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {data_dir}: {one_line(exc)}; check RAG_DATA_DIR") from None
    path = data_dir / "ingest.lock"
    fh = open(path, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise BusyError(f"another ingest is running ({path}); wait for it to finish") from None
            raise StoreError(f"cannot lock {path}: {one_line(exc)}") from None
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            yield path
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()
