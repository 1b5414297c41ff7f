"""The index: Chroma's chunks and the records beside them, kept in step.

Layout under ``settings.data_dir``::

    chroma/              Chroma's own files (embedded mode only; ``ingest/chroma_store.py``)
    records/             one JSON record per report and its vector files
                         (``ingest/record_files.py``); a record is the commit point
                         of an ingest
    ingest.lock          held (flock) by a running ingest (``ingest/lock.py``)

Server mode (``CHROMA_HOST`` set) keeps the chunks on a Chroma server; the records
still live in the *local* data dir, so every machine that ingests into or answers from
one server must share that folder (or ingest on one machine only).

Consistency: a chunk belongs to the index only when its (doc_id, content_hash)
matches that doc's records file, and so do the vector files (their file name carries
the hash). ``replace`` adds the new chunks (their ids carry the new hash) and writes
the chunk and sentence vectors, writes the records file (commit), then deletes the old hash's
chunks and vectors. A failure before the commit removes what it added; a process killed
at any point leaves at worst orphan chunks, vectors and a record's temp file, which
``repair()`` deletes.

Chroma types stop at ``ingest/chroma_store.py``: callers get ``Chunk``/``Report`` dataclasses.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from core.errors import StoreError, one_line
from core.model import Chunk, Report
from core.settings import Settings

from . import record_files
from .chroma_store import ChromaStore
from .record_files import RecordFiles
from .sentences import SentenceVectors


class Index:
    def __init__(self, settings: Settings, *, batch_size: int | None = None):
        self.settings = settings
        self._chroma = ChromaStore(settings, batch_size=batch_size)
        self._records = RecordFiles(settings.records_dir)

    def reopen(self) -> None:
        """See ``ChromaStore.reopen``: the next call opens the Chroma index afresh."""
        self._chroma.reopen()

    # -- records (no Chroma) -----------------------------------------------------------

    def current_hash(self, doc_id: str) -> str | None:
        """The content hash of the committed version of ``doc_id``, or None."""
        return self._records.current_hash(doc_id)

    def version(self) -> tuple:
        """Changes whenever a record is written or removed (``RecordFiles.version``)."""
        return self._records.version()

    def hashes(self) -> dict[str, str]:
        """doc_id -> committed content hash, for every report in the index."""
        return self._records.hashes()

    def report(self, doc_id: str) -> Report:
        return self._records.record(doc_id)[0]

    def reports(self) -> list[Report]:
        return [report for report, _ in self._records.records()]

    def records(self) -> list[tuple[Report, dict]]:
        """Every report with its book-keeping (``record_info``), each pair from one reading
        of its file, so the two always belong to the same version."""
        return self._records.records()

    def record_infos(self) -> dict[str, dict]:
        """doc_id -> book-keeping (``record_info``) for every report in the index."""
        return self._records.record_infos()

    def record_info(self, doc_id: str) -> dict:
        """Book-keeping kept beside the report: chunks, indexed_at and what the
        ingest passed as ``info`` to ``replace``."""
        return self._records.record_info(doc_id)

    chunk_ids = staticmethod(record_files.chunk_ids)

    def chunk_vectors(self, doc_id: str, content_hash: str, info: dict | None = None) -> np.ndarray | None:
        """See ``RecordFiles.chunk_vectors``."""
        return self._records.chunk_vectors(doc_id, content_hash, info)

    def sentence_vectors(self, doc_id: str, content_hash: str, info: dict | None = None) -> SentenceVectors | None:
        """See ``RecordFiles.sentence_vectors``."""
        return self._records.sentence_vectors(doc_id, content_hash, info)

    # -- chunks (Chroma) ---------------------------------------------------------------

    def count(self, doc_id: str | None = None, content_hash: str | None = None) -> int:
        """Chunks in the collection (of one doc, and one version of it, if given)."""
        return self._chroma.count(doc_id, content_hash)

    def query(self, embedding: list[float], k: int, where: dict | None = None,
              ids: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """The ``k`` nearest chunks, best first, with their cosine similarity (``ChromaStore.query``)."""
        return self._chroma.query(embedding, k, where, ids)

    def chunks(self, doc_id: str) -> list[Chunk]:
        """Every stored chunk of ``doc_id``, in reading order."""
        return self._chroma.chunks(doc_id)

    # -- both: the commit protocol -----------------------------------------------------

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
        ids = [c.chunk_id for c in chunks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{doc_id}: duplicate chunk ids")
        self._records.path(doc_id)  # checks the id before anything is stored

        existing = self._chroma.existing(ids)  # stored already (same version): never rolled back
        added: list[str] = []
        wrote: list[Path] = []  # vector files this call made
        try:
            self._chroma.upsert(doc_id, chunks, embeddings, added, keep=existing)
            record, vectors = record_files.new_record(report, chunks, embeddings, info=info, sentences=sentences)
            self._records.write_vectors(doc_id, new_hash, vectors, wrote)
            self._records.write(doc_id, record)  # <- commit point
        except BaseException as exc:
            self._chroma.discard(added)
            for path in wrote:
                with contextlib.suppress(OSError):
                    path.unlink()
            if isinstance(exc, StoreError) or not isinstance(exc, Exception):
                raise  # StoreError as is; KeyboardInterrupt/SystemExit after the rollback
            raise StoreError(f"cannot store {doc_id}: {one_line(exc)}") from exc

        # committed: drop the chunks and vector files of every other version of this doc
        self._records.remove_vector_files(lambda d, h: d == doc_id and h != new_hash, of=doc_id)
        self._chroma.delete_doc(doc_id, keep_hash=new_hash)

    def remove(self, doc_id: str) -> int:
        """Remove a report: its record (commit), then its chunks. Returns chunks removed."""
        had_record = self._records.path(doc_id).exists()
        n = self.count(doc_id=doc_id)
        if not had_record and n == 0:
            raise record_files.not_found(doc_id)
        if had_record:
            self._records.delete(doc_id)
        self._records.remove_vector_files(lambda d, _: d == doc_id, of=doc_id)
        self._chroma.delete_doc(doc_id)
        return n

    def repair(self) -> int:
        """Delete chunks whose (doc_id, content_hash) is not a committed record. Returns how many.
        Also deletes such vector files and the temp file of a record or vectors whose
        writing was killed; call it holding the ingest lock, as ``Ingestor.ingest`` does."""
        self._records.remove_temp_files()
        committed = self.hashes()
        self._records.remove_vector_files(lambda doc_id, content_hash: committed.get(doc_id) != content_hash)
        return self._chroma.delete_orphans(committed)
