"""Candidate paragraphs ranked by their sentence closest to the question.

A chunk's embedding averages up to 160 tokens and its heading, so a paragraph whose
answer is one sentence among many ('There are 327 Dorset children subject to a child
protection plan' in a paragraph of service statistics) embeds like its other
sentences. Here each sentence is embedded on its own, read after its heading as the
extractive answerer reads it (``ingest.sentences.sentence_texts``), and a paragraph
scores its best sentence's cosine.

Sentence vectors come from the index, where ingest stored them: the caller's ``stored``
looks them up. A paragraph without them (an index ingested before they were stored) is embedded when it is first a candidate and kept
(least recently used first out, at most MAX_PARAGRAPHS), so a warm process embeds
only paragraphs it has not seen. Safe to share between threads.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, Sequence

import numpy as np

from core.model import Paragraph
from ingest.embedder import Embedder
from ingest.sentences import sentence_texts

__all__ = ["MAX_PARAGRAPHS", "SentenceRanker", "Stored", "sentence_texts"]

MAX_PARAGRAPHS = 20_000  # about 150 MB of float32 vectors at 384 dimensions and five sentences each

Candidate = tuple[Hashable, Paragraph]
# candidates -> each one's stored sentence vectors (rows of sentence_texts), or None
Stored = Callable[[Sequence[Candidate]], list["np.ndarray | None"]]


class SentenceRanker:
    def __init__(self, embedder: Embedder, max_paragraphs: int = MAX_PARAGRAPHS):
        self.embedder = embedder
        self.max_paragraphs = max_paragraphs
        self._vectors: OrderedDict[tuple[Hashable, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def rank(self, question_vector: Sequence[float], candidates: Sequence[Candidate], stored: Stored | None = None
             ) -> list[tuple[Hashable, float]]:
        """(key, best sentence cosine) for each candidate, best first; ties keep their order.
        ``stored``: where to look up stored vectors first (see ``vectors``)."""
        if not candidates:
            return []
        vectors = self.vectors(candidates, stored)
        q = np.asarray(question_vector, dtype=np.float32)
        scored = [(key, float(np.max(v @ q))) for (key, _), v in zip(candidates, vectors)]
        order = sorted(range(len(scored)), key=lambda i: (-scored[i][1], i))
        return [scored[i] for i in order]

    def vectors(self, candidates: Sequence[Candidate], stored: Stored | None = None) -> list[np.ndarray]:
        """Each candidate's sentence vectors, one row per ``sentence_texts`` entry: stored
        ones (``stored``), else kept ones, else embedded now (all of a call's missing ones at once)."""
        out: list[np.ndarray | None] = list(stored(candidates)) if stored else [None] * len(candidates)
        ids = [(key, p.text) for key, p in candidates]  # the text too: a re-ingested paragraph is new
        with self._lock:
            for n, i in enumerate(ids):
                if out[n] is None and i in self._vectors:
                    self._vectors.move_to_end(i)
                    out[n] = self._vectors[i]
        missing = [n for n, v in enumerate(out) if v is None]
        if missing:
            texts = [sentence_texts(candidates[n][1]) for n in missing]
            flat = np.asarray(self.embedder.embed([t for ts in texts for t in ts]), dtype=np.float32)
            ends = np.cumsum([len(ts) for ts in texts])
            with self._lock:
                for n, part in zip(missing, np.split(flat, ends[:-1])):
                    out[n] = self._vectors[ids[n]] = part
                    self._vectors.move_to_end(ids[n])
                while len(self._vectors) > self.max_paragraphs:
                    self._vectors.popitem(last=False)
        return out  # type: ignore[return-value]
