"""Candidate paragraphs ranked by their sentence closest to the question.

A chunk's embedding averages up to 160 tokens and its heading, so a paragraph whose
answer is one sentence among many ('There are 327 Dorset children subject to a child
protection plan' in a paragraph of service statistics) embeds like its other
sentences. Here each sentence is embedded on its own, read after its heading as the
extractive answerer reads it, and a paragraph scores its best sentence's cosine.

Sentence vectors are computed when a paragraph is first a candidate and kept (least
recently used first out, at most MAX_PARAGRAPHS), so a warm process embeds only
paragraphs it has not seen. Safe to share between threads.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Hashable, Sequence

import numpy as np

from ingest.embedder import Embedder
from ingest.model import Paragraph

from .text import sentences

MAX_PARAGRAPHS = 20_000  # about 150 MB of float32 vectors at 384 dimensions and five sentences each


def sentence_texts(p: Paragraph) -> list[str]:
    """What is embedded for each sentence of ``p``: the sentence after its nearest heading."""
    heading = p.heading_path[-1] if p.heading_path else ""
    return [f"{heading}: {s}" if heading else s for s in sentences(p.text)] or [p.text]


class SentenceRanker:
    def __init__(self, embedder: Embedder, max_paragraphs: int = MAX_PARAGRAPHS):
        self.embedder = embedder
        self.max_paragraphs = max_paragraphs
        self._vectors: OrderedDict[tuple[Hashable, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def rank(self, question_vector: Sequence[float], candidates: Sequence[tuple[Hashable, Paragraph]]
             ) -> list[tuple[Hashable, float]]:
        """(key, best sentence cosine) for each candidate, best first; ties keep their order."""
        if not candidates:
            return []
        vectors = self._vectors_for(candidates)
        q = np.asarray(question_vector, dtype=np.float32)
        scored = [(key, float(np.max(v @ q))) for (key, _), v in zip(candidates, vectors)]
        order = sorted(range(len(scored)), key=lambda i: (-scored[i][1], i))
        return [scored[i] for i in order]

    def _vectors_for(self, candidates: Sequence[tuple[Hashable, Paragraph]]) -> list[np.ndarray]:
        ids = [(key, p.text) for key, p in candidates]  # the text too: a re-ingested paragraph is new
        with self._lock:
            missing = [(i, p) for i, (key, p) in zip(ids, candidates) if i not in self._vectors]
        if missing:
            texts = [sentence_texts(p) for _, p in missing]
            flat = np.asarray(self.embedder.embed([t for ts in texts for t in ts]), dtype=np.float32)
            ends = np.cumsum([len(ts) for ts in texts])
            with self._lock:
                for (i, _), part in zip(missing, np.split(flat, ends[:-1])):
                    self._vectors[i] = part
        with self._lock:
            out = []
            for i in ids:
                self._vectors.move_to_end(i)
                out.append(self._vectors[i])
            while len(self._vectors) > self.max_paragraphs:
                self._vectors.popitem(last=False)
            return out
