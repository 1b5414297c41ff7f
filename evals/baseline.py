"""The naive pipeline a developer would build from a RAG tutorial, as the bar to beat.

Raw report text -> LangChain ``RecursiveCharacterTextSplitter(chunk_size=1000,
chunk_overlap=200)`` -> the same embedding model as the product -> an in-memory
Chroma collection (cosine) -> top-k similarity search. Its 'answer' is the top chunk's
text, its citations the top 4 chunks (a chunk is cited as doc_id + chunk number, since
it has no paragraph); it never abstains and has no guard. It is given the set's
council/year filters like the product, so the comparison is about chunking, retrieval
and answering, not about who read the filters.

``single_paragraph_share`` measures what character chunking does to citations: the
share of its chunks whose text lies inside one parsed paragraph (the rest straddle
paragraphs, so no paragraph number can be cited for them).
"""
from __future__ import annotations

import time
import uuid
from pathlib import Path

from core.settings import Settings
from ingest.embedder import Embedder, load_embedder

from .check_set import corpus_reports
from .gold import KnownAnswer, evidence_text, norm
from .metrics import Item, Result

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
CITED = 4  # the tutorial's k
SEARCHED = 10  # searched deeper only to measure recall@10


class NaiveBaseline:
    name = "baseline"

    def __init__(self, settings: Settings, embedder: Embedder | None = None, corpus_dir: Path | None = None):
        self.settings = settings
        self.corpus_dir = Path(corpus_dir or settings.corpus_dir)
        self._embedder = embedder
        self._collection = None
        self._reports: dict = {}
        self.chunks: list[tuple[str, int, str]] = []  # (doc_id, chunk number, text)

    def warm_up(self) -> None:
        if self._collection is not None:
            return
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self._embedder = self._embedder or load_embedder(self.settings)
        # The same files the product ingests, parsed only to name each file's doc_id and
        # to measure single_paragraph_share; the chunks come from the raw text.
        self._reports, raw = corpus_reports(self.corpus_dir)
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        self.chunks = [(doc_id, n, chunk) for doc_id, text in raw.items()
                       for n, chunk in enumerate(splitter.split_text(text), 1)]
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        # A fresh name per instance: ephemeral clients share one in-process store.
        col = client.create_collection(f"baseline-{uuid.uuid4().hex[:12]}",
                                       configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
        vectors = self._embedder.embed([text for _, _, text in self.chunks])
        batch = 500
        for i in range(0, len(self.chunks), batch):
            part = self.chunks[i:i + batch]
            col.add(ids=[f"{d}#{n}" for d, n, _ in part], embeddings=vectors[i:i + batch],
                    documents=[t for _, _, t in part], metadatas=[{"doc_id": d, "chunk": n} for d, n, _ in part])
        self._collection = col

    def ask(self, k: KnownAnswer) -> Result:
        self.warm_up()
        started = time.perf_counter()
        (vector,) = self._embedder.embed_query([k.question])
        where = self._where(k)
        found = self._collection.query(query_embeddings=[vector], n_results=SEARCHED, where=where,
                                       include=["documents", "metadatas"])
        ranked = tuple(Item(m["doc_id"], f"chunk {m['chunk']}", text, f"{m['doc_id']} chunk {m['chunk']}")
                       for text, m in zip(found["documents"][0], found["metadatas"][0]))
        latency = (time.perf_counter() - started) * 1000
        return Result(text=ranked[0].text if ranked else "", abstained=False, cited=ranked[:CITED], ranked=ranked,
                      latency_ms=latency, extra={"answerer": "top chunk"})

    def _where(self, k: KnownAnswer) -> dict | None:
        if k.authority is None and k.year is None:
            return None
        from rag.model import Filters

        wanted = Filters(authority=k.authority, year=k.year)
        return {"doc_id": {"$in": sorted(d for d, r in self._reports.items() if wanted.allows(r.meta)) or [""]}}

    @property
    def config(self) -> dict:
        return {"splitter": "RecursiveCharacterTextSplitter", "chunk_size": CHUNK_SIZE, "chunk_overlap": CHUNK_OVERLAP,
                "cited": CITED, "searched": SEARCHED, "chunks": len(self.chunks), "store": "chromadb ephemeral (cosine)"}

    def single_paragraph_share(self) -> float | None:
        self.warm_up()
        return single_paragraph_share(self.chunks, self._reports)


def single_paragraph_share(chunks, reports) -> float | None:
    """Share of (doc_id, n, text) chunks whose normalised text lies inside one paragraph's
    ``evidence_text`` of the same report."""
    if not chunks:
        return None
    texts = {doc_id: [evidence_text(p) for p in r.paragraphs] for doc_id, r in reports.items()}
    inside = sum(1 for doc_id, _, text in chunks if any(norm(text) in t for t in texts.get(doc_id, ())))
    return inside / len(chunks)
