"""The Chroma collection of chunks (cosine space): the only module that imports chromadb.

Embedded mode (default) opens ``chromadb.PersistentClient(settings.chroma_dir)``.
Server mode (``CHROMA_HOST`` set) talks to a Chroma server with ``HttpClient``.
Chroma failures become one-line ``StoreError``s naming what was being done; callers
get ``Chunk`` dataclasses, never a Chroma type. Which chunks belong to the index is
``ingest/store.py``'s business: this module adds, finds and deletes what it is told.
"""
from __future__ import annotations

import contextlib
import re

from core.errors import ConfigError, StoreError, one_line
from core.model import Chunk
from core.settings import Settings

_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$")
# Chroma returns these in metadata; they are part of the Chunk itself, not its metadata.
_EMBED_TEXT = "embed_text"


class ChromaStore:
    def __init__(self, settings: Settings, *, batch_size: int | None = None):
        if batch_size is not None and batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if not _COLLECTION_NAME.match(settings.collection):
            raise ConfigError(
                f"RAG_COLLECTION={settings.collection!r} is not a valid Chroma collection name: "
                "3-512 characters from a-z A-Z 0-9 . _ -, starting and ending with a letter or digit"
            )
        self.settings = settings
        self._batch_size = batch_size
        self._client = None
        self._col = None

    # -- connection ------------------------------------------------------------------

    @property
    def where(self) -> str:
        """Human description of the Chroma behind this index."""
        s = self.settings
        return f"Chroma server {s.chroma_host}:{s.chroma_port}" if s.server_mode else f"{s.chroma_dir}"

    def collection(self):
        """The Chroma collection, opened on first use."""
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
                raise StoreError(f"cannot open the index at {s.chroma_dir}: {one_line(exc)}") from None
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
                raise StoreError(f"cannot {doing}: {_unreachable(self.settings, one_line(exc))}") from None
            if _is_chroma_failure(exc):
                hint = ""
                if "dimension" in str(exc).lower():
                    hint = (
                        "; the index was built with another embedding model: set RAG_COLLECTION "
                        "to a new name, or remove the data folder and ingest again"
                    )
                raise StoreError(f"cannot {doing} in {self.where}: {one_line(exc)}{hint}") from None
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

    # -- chunks ----------------------------------------------------------------------

    def count(self, doc_id: str | None = None, content_hash: str | None = None) -> int:
        """Chunks in the collection (of one doc, and one version of it, if given)."""
        col = self.collection()
        with self._guard("count chunks"):
            if doc_id is None and content_hash is None:
                return int(col.count())
            got = col.get(where=_where(doc_id=doc_id, content_hash=content_hash), include=[])
            return len(got["ids"])

    def existing(self, ids: list[str]) -> set[str]:
        """Those of ``ids`` the collection holds."""
        col, step = self.collection(), self._batch()
        found: set[str] = set()
        with self._guard("check existing chunks"):
            for i in range(0, len(ids), step):
                found.update(col.get(ids=ids[i : i + step], include=[])["ids"])
        return found

    def upsert(self, doc_id: str, chunks: list[Chunk], embeddings: list[list[float]], added: list[str],
               keep: set[str]) -> None:
        """Store ``chunks`` of ``doc_id`` in batches. ``added`` gets each batch's ids not in
        ``keep`` before the batch is sent, so a batch that fails half-way is in it too: what
        the caller deletes should the replace fail."""
        col, step = self.collection(), self._batch()
        for i in range(0, len(chunks), step):
            batch = chunks[i : i + step]
            batch_ids = [c.chunk_id for c in batch]
            added.extend(x for x in batch_ids if x not in keep)
            with self._guard(f"store the chunks of {doc_id}"):
                col.upsert(
                    ids=batch_ids,
                    embeddings=[list(map(float, e)) for e in embeddings[i : i + step]],
                    documents=[c.text for c in batch],
                    metadatas=[_to_chroma_metadata(c) for c in batch],
                )

    def discard(self, ids: list[str]) -> None:
        """Delete ``ids``, best effort: a rollback must not hide the failure it is undoing."""
        if not ids:
            return
        step = self._batch()
        try:
            for i in range(0, len(ids), step):
                self._col.delete(ids=ids[i : i + step])
        except Exception:
            pass  # they carry an uncommitted hash, so Index.repair() removes them

    def delete_doc(self, doc_id: str, *, keep_hash: str | None = None) -> None:
        """Delete the chunks of ``doc_id`` (but for version ``keep_hash``, if given)."""
        if keep_hash is None:
            doing, where = f"remove the chunks of {doc_id}", {"doc_id": doc_id}
        else:
            doing = f"remove the old chunks of {doc_id}"
            where = {"$and": [{"doc_id": doc_id}, {"content_hash": {"$ne": keep_hash}}]}
        col = self.collection()
        with self._guard(f"{doing} (the next ingest will retry)"):
            col.delete(where=where)

    def delete_orphans(self, committed: dict[str, str]) -> int:
        """Delete every chunk whose (doc_id, content_hash) is not in ``committed``. Returns how many."""
        col = self.collection()
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
                return self.collection().query(**search)
            except Exception as exc:
                if self.settings.server_mode or not _is_internal_error(exc):
                    raise
                # Another process (`python -m ingest` while the page is open) stored chunks
                # since this process loaded the embedded vector index: load it again, once.
                self.reopen()
                return self.collection().query(**search)

    def chunks(self, doc_id: str) -> list[Chunk]:
        """Every stored chunk of ``doc_id``, in reading order."""
        col = self.collection()
        with self._guard(f"read the chunks of {doc_id}"):
            got = col.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        out = [_from_chroma(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(out, key=lambda c: (c.metadata.get("order", 0), c.part))


# -- helpers -------------------------------------------------------------------------


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
