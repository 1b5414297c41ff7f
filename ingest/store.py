"""The index: a Chroma collection of chunks (cosine space) + one JSON record per report.

Layout under ``settings.data_dir``::

    chroma/              Chroma's own files (embedded mode only)
    records/<doc_id>.json the whole parsed Report (meta, paragraphs, judgements,
                         recommendations, content_hash): what ``list``/``show``/
                         ``records`` read, and the commit point of an ingest
    records/<doc_id>.<content_hash>.sentences.npy
                         every sentence's embedding (``ingest/sentences.py``), float32
                         rows in reading order; the record's ``index.sentences`` says
                         how many rows each paragraph has. Read memory-mapped.
    records/<doc_id>.<content_hash>.chunks.npy
                         every chunk's embedding (as stored in Chroma), float32 rows
                         in the order of the record's ``index.chunk_ids``: a search of
                         a few reports reads these instead of asking Chroma
                         (``chunk_vectors``). Read memory-mapped.
    ingest.lock          held (flock) by a running ingest

Embedded mode (default) opens ``chromadb.PersistentClient(settings.chroma_dir)``.
Server mode (``CHROMA_HOST`` set) talks to a Chroma server with ``HttpClient``; the
records still live in the *local* data dir, so every machine that ingests into or
answers from one server must share that folder (or ingest on one machine only).

Consistency: a chunk belongs to the index only when its (doc_id, content_hash)
matches that doc's records file, and so do the vector files (their file name carries
the hash). ``replace`` adds the new chunks (their ids carry the new hash) and writes
the chunk and sentence vectors, writes the records file (commit), then deletes the old hash's
chunks and vectors. A failure before the commit removes what it added; a process killed
at any point leaves at worst orphan chunks, vectors and a record's temp file, which
``repair()`` deletes.

Chroma types stop here: callers get ``Chunk``/``Report`` dataclasses.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np

from core.errors import BusyError, ConfigError, NotFoundError, StoreError
from core.model import Chunk, Report
from .sentences import SENTENCES_VERSION, SentenceVectors
from .serialize import report_from_dict, report_to_dict
from core.settings import Settings

_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_LIST_HINT = "see the ids with `python -m ingest list`"
# Chroma returns these in metadata; they are part of the Chunk itself, not its metadata.
_EMBED_TEXT = "embed_text"
_SENTENCES = ".sentences.npy"  # records/<doc_id>.<content_hash>.sentences.npy
_CHUNKS = ".chunks.npy"  # records/<doc_id>.<content_hash>.chunks.npy
_VECTOR_FILES = (_SENTENCES, _CHUNKS)


class Index:
    def __init__(self, settings: Settings, *, batch_size: int | None = None):
        if batch_size is not None and batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if not _COLLECTION_NAME.match(settings.collection):
            raise ConfigError(
                f"RAG_COLLECTION={settings.collection!r} is not a valid Chroma collection name: "
                "3-512 characters from a-z A-Z 0-9 . _ -, starting and ending with a letter or digit"
            )
        self.settings = settings
        self.records_dir = Path(settings.records_dir)
        self._batch_size = batch_size
        self._client = None
        self._col = None

    # -- connection ------------------------------------------------------------------

    @property
    def where(self) -> str:
        """Human description of the Chroma behind this index."""
        s = self.settings
        return f"Chroma server {s.chroma_host}:{s.chroma_port}" if s.server_mode else f"{s.chroma_dir}"

    def _collection(self):
        if self._col is None:
            client = self._connect()
            with self._guard(f"open the collection {self.settings.collection!r}"):
                self._col = client.get_or_create_collection(
                    self.settings.collection,
                    configuration={"hnsw": {"space": "cosine"}},
                    embedding_function=None,  # we always pass vectors; never load Chroma's default model
                )
            self._client = client
        return self._col

    def _connect(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        s = self.settings
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if not s.server_mode:
            try:
                return chromadb.PersistentClient(path=str(s.chroma_dir), settings=chroma_settings)
            except Exception as exc:
                raise StoreError(f"cannot open the index at {s.chroma_dir}: {_one_line(exc)}") from None
        headers = {"Authorization": f"Bearer {s.chroma_token}"} if s.chroma_token else None
        try:
            client = chromadb.HttpClient(
                host=s.chroma_host, port=s.chroma_port, headers=headers, settings=chroma_settings
            )
            client.heartbeat()
            return client
        except Exception as exc:
            if _is_auth_error(exc):
                raise StoreError(
                    f"the Chroma server at {s.chroma_host}:{s.chroma_port} refused our token; check CHROMA_TOKEN"
                ) from None
            raise StoreError(_unreachable(s)) from None

    @contextlib.contextmanager
    def _guard(self, doing: str):
        """Chroma / HTTP failures -> StoreError naming what we were doing."""
        try:
            yield
        except (StoreError, ConfigError):
            raise
        except Exception as exc:
            if self.settings.server_mode and _is_transport_error(exc):
                # the same advice as when it was down at the start, with what failed
                raise StoreError(f"cannot {doing}: {_unreachable(self.settings, _one_line(exc))}") from None
            if _is_chroma_failure(exc):
                hint = ""
                if "dimension" in str(exc).lower():
                    hint = (
                        "; the index was built with another embedding model: set RAG_COLLECTION "
                        "to a new name, or remove the data folder and ingest again"
                    )
                raise StoreError(f"cannot {doing} in {self.where}: {_one_line(exc)}{hint}") from None
            raise

    def reopen(self) -> None:
        """Drop the open Chroma client: the next call opens the index afresh.

        Embedded mode: Chroma loads the vector index into memory once per folder per
        process and does not see chunks another process stores after that, so here a
        filtered search fails ('Error finding id': the metadata knows ids the vector
        index lacks) and an unfiltered one misses them. Chroma shares that copy between
        all clients of the folder in a process, so a new client alone would get the same
        stale copy: forget it (clients still holding it keep working). ``query`` calls
        this on such an error. A Chroma server keeps no copy in our process.
        """
        client, self._client, self._col = self._client, None, None
        if client is None or self.settings.server_mode:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(self.settings.chroma_dir), None)

    def _batch(self) -> int:
        if self._batch_size is None:
            try:
                self._batch_size = max(1, min(1000, int(self._client.get_max_batch_size())))
            except Exception:
                self._batch_size = 500
        return self._batch_size

    # -- records ---------------------------------------------------------------------

    def _record_path(self, doc_id: str) -> Path:
        if not _SAFE_ID.match(doc_id or ""):
            raise StoreError(
                f"report id {doc_id!r} cannot be used: ids are letters, digits, '.', '_' and '-'"
            )
        return self.records_dir / f"{doc_id}.json"

    def _read_record(self, path: Path) -> dict:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"{path}: cannot read this index record ({_one_line(exc)}); delete it and ingest the report again"
            ) from None

    def _record_ids(self) -> list[str]:
        if not self.records_dir.is_dir():
            return []
        return sorted(p.stem for p in self.records_dir.glob("*.json") if not p.name.startswith("."))

    def current_hash(self, doc_id: str) -> str | None:
        """The content hash of the committed version of ``doc_id``, or None."""
        try:
            return self._read_record(self._record_path(doc_id)).get("content_hash") or None
        except FileNotFoundError:
            return None

    def version(self) -> tuple:
        """Changes whenever a record is written or removed (each is an ``os.replace`` or
        an unlink, so a new inode or mtime): one directory listing, no record read.
        A reader compares it between questions instead of reading every record."""
        try:
            with os.scandir(self.records_dir) as entries:
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
        for doc_id in self._record_ids():
            h = self.current_hash(doc_id)
            if h:
                out[doc_id] = h
        return out

    def report(self, doc_id: str) -> Report:
        return self._record(doc_id)[0]

    def _record(self, doc_id: str) -> tuple[Report, dict]:
        path = self._record_path(doc_id)
        try:
            data = self._read_record(path)
        except FileNotFoundError:
            raise NotFoundError(f"no report {doc_id!r} in the index; {_LIST_HINT}") from None
        try:
            return report_from_dict(data), dict(data.get("index", {}))
        except (KeyError, ValueError, TypeError) as exc:
            raise StoreError(
                f"{path}: not a valid index record ({_one_line(exc)}); delete it and ingest the report again"
            ) from None

    def reports(self) -> list[Report]:
        return [report for report, _ in self.records()]

    def records(self) -> list[tuple[Report, dict]]:
        """Every report with its book-keeping (``record_info``), each pair from one reading
        of its file, so the two always belong to the same version."""
        out = []
        for doc_id in self._record_ids():
            try:
                out.append(self._record(doc_id))
            except NotFoundError:  # removed while we listed
                continue
        return out

    def record_infos(self) -> dict[str, dict]:
        """doc_id -> book-keeping (``record_info``) for every report in the index."""
        out = {}
        for doc_id in self._record_ids():
            try:
                out[doc_id] = self.record_info(doc_id)
            except NotFoundError:
                continue
        return out

    def record_info(self, doc_id: str) -> dict:
        """Book-keeping kept beside the report: chunks, indexed_at and what the
        ingest passed as ``info`` to ``replace``."""
        try:
            data = self._read_record(self._record_path(doc_id))
        except FileNotFoundError:
            raise NotFoundError(f"no report {doc_id!r} in the index; {_LIST_HINT}") from None
        return dict(data.get("index", {}))

    # -- chunks ----------------------------------------------------------------------

    def count(self, doc_id: str | None = None, content_hash: str | None = None) -> int:
        """Chunks in the collection (of one doc, and one version of it, if given)."""
        col = self._collection()
        with self._guard("count chunks"):
            if doc_id is None and content_hash is None:
                return int(col.count())
            got = col.get(where=_where(doc_id=doc_id, content_hash=content_hash), include=[])
            return len(got["ids"])

    def is_current(self, doc_id: str, content_hash: str) -> bool:
        """True if ``content_hash`` is committed for ``doc_id`` and all its chunks, their
        vectors and its sentence vectors (of this ``SENTENCES_VERSION``) are present."""
        if self.current_hash(doc_id) != content_hash:
            return False
        info = self.record_info(doc_id)
        if self.sentence_vectors(doc_id, content_hash, info) is None \
                or self.chunk_vectors(doc_id, content_hash, info) is None:
            return False
        expected = info.get("chunks")
        have = self.count(doc_id=doc_id, content_hash=content_hash)
        return have == expected if isinstance(expected, int) else have > 0

    def replace(
        self,
        report: Report,
        chunks: list[Chunk],
        embeddings: list[list[float]],
        *,
        info: dict | None = None,
        sentences: SentenceVectors | None = None,
    ) -> None:
        """Make ``report`` (with these chunks and, if given, its paragraphs' sentence
        vectors) the indexed version of its doc_id.

        All-or-nothing up to the commit (the records file); see the module doc.
        ``info`` is JSON book-keeping kept beside the report (``record_info``).
        """
        doc_id, new_hash = report.doc_id, report.content_hash
        if not new_hash:
            raise ValueError(f"{doc_id}: report has no content_hash")
        if len(chunks) != len(embeddings):
            raise ValueError(f"{doc_id}: {len(chunks)} chunks but {len(embeddings)} embeddings")
        for c in chunks:
            if c.doc_id != doc_id or c.metadata.get("content_hash") != new_hash:
                raise ValueError(f"chunk {c.chunk_id} does not belong to {doc_id}@{new_hash[:12]}")
        if sentences is not None and len(sentences.counts) != len(report.paragraphs):
            raise ValueError(f"{doc_id}: {len(report.paragraphs)} paragraphs but sentence counts "
                             f"for {len(sentences.counts)}")
        record_path = self._record_path(doc_id)
        col = self._collection()
        ids = [c.chunk_id for c in chunks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{doc_id}: duplicate chunk ids")

        step = self._batch()
        existing: set[str] = set()  # ids already stored (same version): never rolled back
        with self._guard("check existing chunks"):
            for i in range(0, len(ids), step):
                existing.update(col.get(ids=ids[i : i + step], include=[])["ids"])
        added: list[str] = []
        wrote: list[Path] = []  # vector files this call made (not ones the same version already had)
        try:
            for i in range(0, len(chunks), step):
                batch = chunks[i : i + step]
                batch_ids = [c.chunk_id for c in batch]
                # counted before the call: a batch that fails half-way is rolled back too
                added.extend(x for x in batch_ids if x not in existing)
                with self._guard(f"store the chunks of {doc_id}"):
                    col.upsert(
                        ids=batch_ids,
                        embeddings=[list(map(float, e)) for e in embeddings[i : i + step]],
                        documents=[c.text for c in batch],
                        metadatas=[_to_chroma_metadata(c) for c in batch],
                    )
            record = report_to_dict(report)
            of_paragraph: dict[str, list[str]] = {}
            for c in chunks:
                of_paragraph.setdefault(c.locator, []).append(c.chunk_id)
            listed = [of_paragraph.get(p.locator, []) for p in report.paragraphs]
            row = {cid: n for n, cid in enumerate(ids)}
            vectors = {_CHUNKS: np.asarray([embeddings[row[cid]] for cids in listed for cid in cids],
                                           dtype=np.float32).reshape(len(chunks), -1)}
            if sentences is not None:
                vectors[_SENTENCES] = sentences.vectors
            record["index"] = {
                **(info or {}),
                "chunks": len(chunks),
                # each paragraph's chunk ids, in reading order: a search of a few reports
                # names its chunks instead of filtering by metadata (``query``)
                "chunk_ids": listed,
                "indexed_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            }
            for suffix, array in vectors.items():
                path = self._vectors_path(doc_id, new_hash, suffix)
                if not path.exists():
                    wrote.append(path)
                try:
                    _write_npy(path, array)
                except OSError as exc:
                    raise StoreError(f"cannot write {path}: {_one_line(exc)}") from None
            if sentences is not None:
                record["index"]["sentences"] = {"version": SENTENCES_VERSION, "content_hash": new_hash,
                                                "counts": list(sentences.counts)}
            try:
                _write_json(record_path, record)  # <- commit point
            except OSError as exc:
                raise StoreError(f"cannot write {record_path}: {_one_line(exc)}") from None
        except BaseException as exc:
            self._rollback(added)
            for path in wrote:
                with contextlib.suppress(OSError):
                    path.unlink()
            if isinstance(exc, StoreError) or not isinstance(exc, Exception):
                raise  # StoreError as is; KeyboardInterrupt/SystemExit after the rollback
            raise StoreError(f"cannot store {doc_id}: {_one_line(exc)}") from exc

        # committed: drop the chunks and vector files of every other version of this doc
        self._remove_vector_files(lambda d, h: d == doc_id and h != new_hash, of=doc_id)
        with self._guard(f"remove the old chunks of {doc_id} (the next ingest will retry)"):
            col.delete(where={"$and": [{"doc_id": doc_id}, {"content_hash": {"$ne": new_hash}}]})

    @staticmethod
    def chunk_ids(report: Report, info: dict) -> dict[str, tuple[str, ...]] | None:
        """locator -> the ids of its chunks, from the record's book-keeping (``record_info``);
        None for a record that does not list them (ingested before they were listed)."""
        listed = info.get("chunk_ids")
        if (not isinstance(listed, list) or len(listed) != len(report.paragraphs)
                or sum(len(ids) for ids in listed) != info.get("chunks")):
            return None
        return {p.locator: tuple(ids) for p, ids in zip(report.paragraphs, listed)}

    # -- vectors beside the records --------------------------------------------------------

    def _vectors_path(self, doc_id: str, content_hash: str, suffix: str) -> Path:
        self._record_path(doc_id)  # checks the id
        if not re.fullmatch(r"[0-9A-Za-z_-]{1,128}", content_hash or ""):
            raise ValueError(f"{doc_id}: content hash {content_hash!r} cannot name a file")
        return self.records_dir / f"{doc_id}.{content_hash}{suffix}"

    def chunk_vectors(self, doc_id: str, content_hash: str, info: dict | None = None) -> np.ndarray | None:
        """The chunk vectors stored with version ``content_hash`` of ``doc_id`` (memory-mapped,
        read-only), one row per chunk in the order of ``chunk_ids``; None where there are
        none that fit (an index from before they were stored, or rows that do not add up)."""
        info = self._info_or_empty(doc_id, info)
        vectors = _load_npy(self._vectors_path(doc_id, content_hash, _CHUNKS))
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
        vectors = _load_npy(self._vectors_path(doc_id, content_hash, _SENTENCES))
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

    def _remove_vector_files(self, unwanted, of: str | None = None) -> None:
        """Delete the vector files whose (doc_id, content_hash) is ``unwanted``; ``of``:
        only that report's files are looked at (ingest need not list every report's)."""
        if not self.records_dir.is_dir():
            return
        for suffix in _VECTOR_FILES:
            for path in self.records_dir.glob(f"{of + '.' if of else ''}*{suffix}"):
                doc_id, _, content_hash = path.name[: -len(suffix)].rpartition(".")
                if unwanted(doc_id, content_hash):
                    with contextlib.suppress(OSError):
                        path.unlink()

    def _rollback(self, ids: list[str]) -> None:
        if not ids:
            return
        step = self._batch()
        try:
            for i in range(0, len(ids), step):
                self._col.delete(ids=ids[i : i + step])
        except Exception:
            pass  # best effort: they carry an uncommitted hash, so repair() removes them

    def repair(self) -> int:
        """Delete chunks whose (doc_id, content_hash) is not a committed record. Returns how many.
        Also deletes such vector files and the temp file of a record or vectors whose
        writing was killed (``_write_json``, ``_write_npy``); call it holding the ingest lock,
        as ``Ingestor.ingest`` does."""
        if self.records_dir.is_dir():
            for tmp in self.records_dir.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    tmp.unlink()
        col = self._collection()
        committed = self.hashes()
        self._remove_vector_files(lambda doc_id, content_hash: committed.get(doc_id) != content_hash)
        orphans: list[str] = []
        page = 5000
        offset = 0
        with self._guard("check the index for orphan chunks"):
            while True:
                got = col.get(include=["metadatas"], limit=page, offset=offset)
                ids = got["ids"]
                for cid, meta in zip(ids, got["metadatas"] or []):
                    meta = meta or {}
                    if committed.get(meta.get("doc_id")) != meta.get("content_hash"):
                        orphans.append(cid)
                if len(ids) < page:
                    break
                offset += page
            step = self._batch()
            for i in range(0, len(orphans), step):
                col.delete(ids=orphans[i : i + step])
        return len(orphans)

    def remove(self, doc_id: str) -> int:
        """Remove a report: its record (commit), then its chunks. Returns chunks removed."""
        path = self._record_path(doc_id)
        col = self._collection()
        had_record = path.exists()
        n = self.count(doc_id=doc_id)
        if not had_record and n == 0:
            raise NotFoundError(f"no report {doc_id!r} in the index; {_LIST_HINT}")
        if had_record:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise StoreError(f"cannot delete {path}: {_one_line(exc)}") from None
        self._remove_vector_files(lambda d, _: d == doc_id, of=doc_id)
        with self._guard(f"remove the chunks of {doc_id} (the next ingest will retry)"):
            col.delete(where={"doc_id": doc_id})
        return n

    def query(self, embedding: list[float], k: int, where: dict | None = None,
              ids: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """The ``k`` nearest chunks, best first, each with its cosine similarity (1 - distance).

        ``where`` is a Chroma metadata filter over the chunk metadata keys, e.g.
        ``{"authority": "Dorset County Council"}`` or ``{"year": {"$gte": 2016}}``.
        ``ids``: the chunks ``where`` selects, when the caller knows them (``chunk_ids``).
        Chroma searches the same chunks either way, with the same results, but resolves a
        ``where`` by scanning every chunk's metadata (measured at 51,000 chunks: 21 ms a
        search, against 6 ms given the ids). An id that is not stored (a damaged index)
        makes Chroma fail: then ``where`` is used.
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        search = dict(
            query_embeddings=[list(map(float, embedding))],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        res = None
        if ids is not None and (where is None or ids):
            try:
                res = self._query({**search, "ids": list(ids)})
            except StoreError:
                if where is None:
                    raise
        if res is None:
            res = self._query({**search, "where": where or None})
        found = res["ids"][0] if res["ids"] else []
        docs = (res.get("documents") or [[]])[0]
        metas = (res.get("metadatas") or [[]])[0]
        dists = (res.get("distances") or [[]])[0]
        return [
            (_from_chroma(cid, doc, meta), 1.0 - float(dist))
            for cid, doc, meta, dist in zip(found, docs, metas, dists)
        ]

    def _query(self, search: dict) -> dict:
        with self._guard("search the index"):
            try:
                return self._collection().query(**search)
            except Exception as exc:
                if self.settings.server_mode or not _is_internal_error(exc):
                    raise
                # Another process (`python -m ingest` while the page is open) stored chunks
                # since this process loaded the embedded vector index: load it again, once.
                self.reopen()
                return self._collection().query(**search)

    def chunks(self, doc_id: str) -> list[Chunk]:
        """Every stored chunk of ``doc_id``, in reading order."""
        col = self._collection()
        with self._guard(f"read the chunks of {doc_id}"):
            got = col.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        out = [_from_chroma(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(out, key=lambda c: (c.metadata.get("order", 0), c.part))


# -- lock ----------------------------------------------------------------------------


@contextlib.contextmanager
def ingest_lock(settings: Settings) -> Iterator[Path]:
    """Hold ``data_dir/ingest.lock`` (flock, non-blocking) for the duration."""
    data_dir = Path(settings.data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {data_dir}: {_one_line(exc)}; check RAG_DATA_DIR") from None
    path = data_dir / "ingest.lock"
    fh = open(path, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise BusyError(f"another ingest is running ({path}); wait for it to finish") from None
            raise StoreError(f"cannot lock {path}: {_one_line(exc)}") from None
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


# -- helpers -------------------------------------------------------------------------


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


def _where(**equal) -> dict | None:
    clauses = [{k: v} for k, v in equal.items() if v is not None]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _to_chroma_metadata(chunk: Chunk) -> dict:
    meta = {}
    for key, value in chunk.metadata.items():
        if value is None:
            continue
        if isinstance(value, bool) or isinstance(value, (int, float, str)):
            meta[key] = value
        else:
            meta[key] = getattr(value, "value", str(value))
    meta.setdefault("doc_id", chunk.doc_id)
    meta.setdefault("locator", chunk.locator)
    meta["part"] = chunk.part
    meta["parts"] = chunk.parts
    meta[_EMBED_TEXT] = chunk.embed_text
    return meta


def _from_chroma(chunk_id: str, document: str | None, metadata: dict | None) -> Chunk:
    meta = dict(metadata or {})
    embed_text = meta.pop(_EMBED_TEXT, "") or ""
    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta.get("doc_id", "")),
        locator=str(meta.get("locator", "")),
        part=int(meta.get("part", 0)),
        parts=int(meta.get("parts", 1)),
        text=document or "",
        embed_text=embed_text,
        metadata=meta,
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _is_chroma_failure(exc: BaseException) -> bool:
    try:
        from chromadb.errors import ChromaError
    except ImportError:  # pragma: no cover
        ChromaError = ()  # type: ignore[assignment]
    return isinstance(exc, ChromaError) or _is_transport_error(exc)


def _is_internal_error(exc: BaseException) -> bool:
    try:
        from chromadb.errors import InternalError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, InternalError)


def _unreachable(s: Settings, why: str = "") -> str:
    because = f" ({why})" if why else ""
    return (f"cannot reach the Chroma server at {s.chroma_host}:{s.chroma_port}{because}; start it with "
            f"`chroma run --path DIR --port {s.chroma_port}` or unset CHROMA_HOST")


def _is_transport_error(exc: BaseException) -> bool:
    try:
        import httpx
    except ImportError:  # pragma: no cover
        return isinstance(exc, ConnectionError)
    return isinstance(exc, (httpx.TransportError, ConnectionError))  # no answer, not an HTTP error status


def _is_auth_error(exc: BaseException) -> bool:
    name = type(exc).__name__.lower()
    text = str(exc).lower()
    return "auth" in name or "401" in text or "403" in text or "unauthori" in text or "forbidden" in text
