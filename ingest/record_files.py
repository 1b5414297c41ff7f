"""The index's files under ``settings.records_dir``: one JSON record per report and
the vector files beside it. No Chroma here; ``ingest/store.py`` keeps the two in step.

    <doc_id>.json        the whole parsed Report (meta, paragraphs, judgements,
                         recommendations, content_hash) and its book-keeping under
                         "index" (``record_info``): what ``list``/``show``/``records``
                         read, and the commit point of an ingest
    <doc_id>.<content_hash>.sentences.npy
                         every sentence's embedding (``ingest/sentences.py``), float32
                         rows in reading order; the record's ``index.sentences`` says
                         how many rows each paragraph has. Read memory-mapped.
    <doc_id>.<content_hash>.chunks.npy
                         every chunk's embedding (as stored in Chroma), float32 rows
                         in the order of the record's ``index.chunk_ids``: a search of
                         a few reports reads these instead of asking Chroma. Read
                         memory-mapped.
    .<name>.<random>.tmp a file being written (``_write_atomic``); one left behind
                         was killed mid-write (``remove_temp_files``)
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from core.errors import NotFoundError, StoreError, one_line
from core.model import Chunk, Report

from .sentences import SENTENCES_VERSION, SentenceVectors
from .serialize import report_from_dict, report_to_dict

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_SAFE_HASH = re.compile(r"[0-9A-Za-z_-]{1,128}")
_LIST_HINT = "see the ids with `python -m ingest list`"
CHUNKS = ".chunks.npy"  # <doc_id>.<content_hash>.chunks.npy
SENTENCES = ".sentences.npy"  # <doc_id>.<content_hash>.sentences.npy
VECTOR_FILES = (SENTENCES, CHUNKS)


def not_found(doc_id: str) -> NotFoundError:
    return NotFoundError(f"no report {doc_id!r} in the index; {_LIST_HINT}")


def new_record(report: Report, chunks: list[Chunk], embeddings: list[list[float]], *,
               info: dict | None = None, sentences: SentenceVectors | None = None,
               ) -> tuple[dict, dict[str, np.ndarray]]:
    """What ``write`` stores for this version of ``report``: its record, and its vector
    files by suffix (chunk rows in the order the record lists the chunks)."""
    of_paragraph: dict[str, list[str]] = {}
    for c in chunks:
        of_paragraph.setdefault(c.locator, []).append(c.chunk_id)
    listed = [of_paragraph.get(p.locator, []) for p in report.paragraphs]
    row = {c.chunk_id: n for n, c in enumerate(chunks)}
    vectors = {CHUNKS: np.asarray([embeddings[row[cid]] for cids in listed for cid in cids],
                                  dtype=np.float32).reshape(len(chunks), -1)}
    record = report_to_dict(report)
    record["index"] = {
        **(info or {}),
        "chunks": len(chunks),
        # each paragraph's chunk ids, in reading order: a search of a few reports
        # names its chunks instead of filtering by metadata (``Index.query``)
        "chunk_ids": listed,
        "indexed_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if sentences is not None:
        vectors[SENTENCES] = sentences.vectors
        record["index"]["sentences"] = {"version": SENTENCES_VERSION, "content_hash": report.content_hash,
                                        "counts": list(sentences.counts)}
    return record, vectors


def chunk_ids(report: Report, info: dict) -> dict[str, tuple[str, ...]] | None:
    """locator -> the ids of its chunks, from the record's book-keeping (``record_info``);
    None for a record that does not list them (ingested before they were listed)."""
    listed = info.get("chunk_ids")
    if (not isinstance(listed, list) or len(listed) != len(report.paragraphs)
            or sum(len(ids) for ids in listed) != info.get("chunks")):
        return None
    return {p.locator: tuple(ids) for p, ids in zip(report.paragraphs, listed)}


class RecordFiles:
    def __init__(self, records_dir: Path):
        self.dir = Path(records_dir)

    # -- records ---------------------------------------------------------------------

    def path(self, doc_id: str) -> Path:
        """The record's path; a StoreError for an id that cannot name a file."""
        if not _SAFE_ID.match(doc_id or ""):
            raise StoreError(
                f"report id {doc_id!r} cannot be used: ids are letters, digits, '.', '_' and '-'"
            )
        return self.dir / f"{doc_id}.json"

    def _read(self, path: Path) -> dict:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"{path}: cannot read this index record ({one_line(exc)}); delete it and ingest the report again"
            ) from None

    def ids(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        return sorted(p.stem for p in self.dir.glob("*.json") if not p.name.startswith("."))

    def current_hash(self, doc_id: str) -> str | None:
        """The content hash of the committed version of ``doc_id``, or None."""
        try:
            return self._read(self.path(doc_id)).get("content_hash") or None
        except FileNotFoundError:
            return None

    def version(self) -> tuple:
        """Changes whenever a record is written or removed (each is an ``os.replace`` or
        an unlink, so a new inode or mtime): one directory listing, no record read.
        A reader compares it between questions instead of reading every record."""
        try:
            with os.scandir(self.dir) as entries:
                return tuple(sorted(
                    (e.name, st.st_ino, st.st_mtime_ns, st.st_size)
                    for e in entries if e.name.endswith(".json") and not e.name.startswith(".")
                    for st in (e.stat(),)
                ))
        except FileNotFoundError:
            return ()

    def hashes(self) -> dict[str, str]:
        """doc_id -> committed content hash, for every report in the index."""
        out = {}
        for doc_id in self.ids():
            h = self.current_hash(doc_id)
            if h:
                out[doc_id] = h
        return out

    def record(self, doc_id: str) -> tuple[Report, dict]:
        """The report and its book-keeping (``record_info``), from one reading of its file."""
        path = self.path(doc_id)
        try:
            data = self._read(path)
        except FileNotFoundError:
            raise not_found(doc_id) from None
        try:
            return report_from_dict(data), dict(data.get("index", {}))
        except (KeyError, ValueError, TypeError) as exc:
            raise StoreError(
                f"{path}: not a valid index record ({one_line(exc)}); delete it and ingest the report again"
            ) from None

    def records(self) -> list[tuple[Report, dict]]:
        """Every report with its book-keeping (``record_info``), each pair from one reading
        of its file, so the two always belong to the same version."""
        out = []
        for doc_id in self.ids():
            try:
                out.append(self.record(doc_id))
            except NotFoundError:  # removed while we listed
                continue
        return out

    def record_infos(self) -> dict[str, dict]:
        """doc_id -> book-keeping (``record_info``) for every report in the index."""
        out = {}
        for doc_id in self.ids():
            try:
                out[doc_id] = self.record_info(doc_id)
            except NotFoundError:
                continue
        return out

    def record_info(self, doc_id: str) -> dict:
        """Book-keeping kept beside the report: chunks, indexed_at and what the
        ingest passed as ``info`` to ``Index.replace``."""
        try:
            data = self._read(self.path(doc_id))
        except FileNotFoundError:
            raise not_found(doc_id) from None
        return dict(data.get("index", {}))

    def write(self, doc_id: str, record: dict) -> None:
        path = self.path(doc_id)
        try:
            _write_json(path, record)
        except OSError as exc:
            raise StoreError(f"cannot write {path}: {one_line(exc)}") from None

    def delete(self, doc_id: str) -> bool:
        """Delete the record; False if there was none."""
        path = self.path(doc_id)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StoreError(f"cannot delete {path}: {one_line(exc)}") from None
        return True

    # -- vectors beside the records --------------------------------------------------------

    def vectors_path(self, doc_id: str, content_hash: str, suffix: str) -> Path:
        self.path(doc_id)  # checks the id
        if not _SAFE_HASH.fullmatch(content_hash or ""):
            raise ValueError(f"{doc_id}: content hash {content_hash!r} cannot name a file")
        return self.dir / f"{doc_id}.{content_hash}{suffix}"

    def write_vectors(self, doc_id: str, content_hash: str, vectors: dict[str, np.ndarray],
                      wrote: list[Path]) -> None:
        """Write each suffix's file; ``wrote`` gets the paths that did not exist before
        (not ones the same version already had), each before its write starts, so the
        caller can delete them should anything after fail."""
        for suffix, array in vectors.items():
            path = self.vectors_path(doc_id, content_hash, suffix)
            if not path.exists():
                wrote.append(path)
            try:
                _write_npy(path, array)
            except OSError as exc:
                raise StoreError(f"cannot write {path}: {one_line(exc)}") from None

    def chunk_vectors(self, doc_id: str, content_hash: str, info: dict | None = None) -> np.ndarray | None:
        """The chunk vectors stored with version ``content_hash`` of ``doc_id`` (memory-mapped,
        read-only), one row per chunk in the order of ``chunk_ids``; None where there are
        none that fit (an index from before they were stored, or rows that do not add up)."""
        info = self._info_or_empty(doc_id, info)
        vectors = _load_npy(self.vectors_path(doc_id, content_hash, CHUNKS))
        return vectors if vectors is not None and len(vectors) == info.get("chunks") else None

    def sentence_vectors(self, doc_id: str, content_hash: str, info: dict | None = None) -> SentenceVectors | None:
        """The sentence vectors stored with version ``content_hash`` of ``doc_id``
        (memory-mapped, read-only), or None where there are none that fit: none stored
        (an index from before they were, or a report ingested without them), another
        ``SENTENCES_VERSION``, or rows that do not add up. ``info``: the record's
        ``record_info``, when the caller has read it already."""
        meta = self._info_or_empty(doc_id, info).get("sentences")
        if not isinstance(meta, dict) or meta.get("version") != SENTENCES_VERSION \
                or meta.get("content_hash") != content_hash or not isinstance(meta.get("counts"), list):
            return None
        vectors = _load_npy(self.vectors_path(doc_id, content_hash, SENTENCES))
        try:
            return None if vectors is None else SentenceVectors(tuple(int(n) for n in meta["counts"]), vectors)
        except (ValueError, TypeError):
            return None

    def _info_or_empty(self, doc_id: str, info: dict | None) -> dict:
        """``info`` if the caller read it already, else the record's (empty if there is none)."""
        if info is not None:
            return info
        try:
            return self.record_info(doc_id)
        except NotFoundError:
            return {}

    def remove_vector_files(self, unwanted: Callable[[str, str], bool], of: str | None = None) -> None:
        """Delete the vector files whose (doc_id, content_hash) is ``unwanted``; ``of``:
        only that report's files are looked at (ingest need not list every report's)."""
        if not self.dir.is_dir():
            return
        for suffix in VECTOR_FILES:
            for path in self.dir.glob(f"{of + '.' if of else ''}*{suffix}"):
                doc_id, _, content_hash = path.name[: -len(suffix)].rpartition(".")
                if unwanted(doc_id, content_hash):
                    with contextlib.suppress(OSError):
                        path.unlink()

    def remove_temp_files(self) -> None:
        """Delete what a write killed between its temp file and ``os.replace`` left."""
        if self.dir.is_dir():
            for tmp in self.dir.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    tmp.unlink()


# -- writing and reading files -----------------------------------------------------------------


def _write_json(path: Path, data: dict) -> None:
    """Write atomically: a temp file in the same folder, fsync, then os.replace."""
    def write(fh):
        fh.write((json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    _write_atomic(path, write)


def _write_npy(path: Path, array: np.ndarray) -> None:
    """Write an array atomically, as ``_write_json`` does a record."""
    _write_atomic(path, lambda fh: np.save(fh, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False))


def _load_npy(path: Path) -> np.ndarray | None:
    """A stored matrix, memory-mapped read-only; None if it is missing or not one."""
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return None
    return array if array.ndim == 2 else None


def _write_atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
