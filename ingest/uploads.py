"""A report uploaded through the page: kept under RAG_DATA_DIR/uploads and ingested,
or, if it cannot be, not kept at all (and any earlier file of that name put back).
Before that, ``infer_meta`` says what ingest would read from its text, to fill in the form."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from core.errors import ParseError, ReadError
from core.model import ReportMeta
from core.settings import Settings

from .embedder import Embedder
from .manifest import meta_for
from .pipeline import FileResult, Ingestor
from .readers import SUPPORTED_SUFFIXES, read_text

# progress(fraction done, what is happening)
UploadProgress = Callable[[float, str], None]


def ingest_upload(settings: Settings, embedder: Embedder, filename: str, data: bytes, *,
                  authority: str | None = None, year: int | None = None, title: str | None = None,
                  publisher: str | None = None, progress: UploadProgress | None = None) -> FileResult:
    """Store ``data`` as ``filename`` and ingest it with the metadata given (the rest is
    inferred, as for the command line). ReadError, with the reason, if it failed."""
    name = safe_name(filename)
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with tempfile.TemporaryDirectory(dir=folder) as keep:
        earlier = Path(keep) / name
        if path.exists():
            shutil.copy2(path, earlier)
        path.write_bytes(data)

        def step(done: int, total: int, _path: Path, result) -> None:
            if progress:
                progress(0.9 if result is not None else 0.1,
                         f"Indexed {name}" if result is not None else f"Reading, parsing and embedding {name} ...")

        try:
            (result,) = Ingestor(settings, embedder=embedder).ingest([path], progress=step, authority=authority,
                                                                    year=year, title=title, publisher=publisher)
        except BaseException:
            _put_back(path, earlier)
            raise
        if result.failed:
            _put_back(path, earlier)
            raise ReadError(path.name, result.error.removeprefix(f"{path}: ").removeprefix(f"{path.name}: "))
    return result


def infer_meta(settings: Settings, filename: str, data: bytes) -> ReportMeta:
    """What ingest would infer from the upload's own text (authority, year, publisher,
    title...), as for a file with no manifest row. ReadError or ParseError, naming the
    upload, if it cannot be read or does not say who or when."""
    name = safe_name(filename)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return meta_for(path, read_text(path, settings.max_file_mb * 1024 * 1024))
        except ReadError as e:
            raise ReadError(name, e.reason) from None
        except ParseError as e:
            raise ParseError(name, e.reason) from None


def safe_name(filename: str) -> str:
    """The upload's own name, reduced to letters, digits, '.', '-' and '_' (no folders)."""
    name = re.sub(r"[^\w.-]+", "_", Path(filename or "").name).strip("._") or "report"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise ReadError(name, f"a {suffix or 'file without an extension'} cannot be read; upload one of {kinds}")
    return name


def _put_back(path: Path, earlier: Path) -> None:
    if earlier.exists():
        shutil.copy2(earlier, path)
    else:
        path.unlink(missing_ok=True)
