"""Sentences of a paragraph, and what is embedded for each.

A sentence is the unit an answer quotes and a citation supports. The answer chain
scores sentences by their embedding's cosine to the question (``rag/sentence_rank.py``
ranks candidate paragraphs by their closest sentence, ``rag/extractive.py`` picks the
sentences to quote), so ingest embeds every paragraph's sentences once (at ``RAG_INGEST_PRECISION``, as
the chunks), and the index keeps them beside the records (``ingest/store.py``);
a question then embeds only itself.

``SENTENCES_VERSION`` names the splitting rule and the text embedded per sentence:
stored vectors of another version are not used (rows would not line up with
sentences), and the next ingest embeds them again. Bump it when either changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from core.model import Paragraph
from core.sentences import sentences

SENTENCES_VERSION = 2  # 2: a sentence keeps its closing quote

def sentence_texts(p: Paragraph) -> list[str]:
    """What is embedded for each sentence of ``p``: the sentence after its nearest heading
    ('Being healthy: Grade 3 (adequate)' keeps its sense); the whole text if it has none."""
    heading = p.heading_path[-1] if p.heading_path else ""
    return [f"{heading}: {s}" if heading else s for s in sentences(p.text)] or [p.text]


@dataclass(frozen=True)
class SentenceVectors:
    """One report's sentence embeddings: ``vectors`` row i is the i-th text of
    ``sentence_texts`` over its paragraphs in reading order; ``counts[j]`` rows belong
    to paragraph j. Unit length, stored as float32."""

    counts: tuple[int, ...]
    vectors: np.ndarray  # (sum(counts), dimension)

    def __post_init__(self):
        if len(self.vectors) != sum(self.counts):
            raise ValueError(f"{sum(self.counts)} sentences but {len(self.vectors)} vectors")

    def rows(self) -> list[slice]:
        """Each paragraph's rows, in reading order."""
        ends = np.cumsum(self.counts, dtype=np.int64).tolist()
        return [slice(end - n, end) for n, end in zip(self.counts, ends)]


def embed_sentences(paragraphs: Sequence[Paragraph], embedder) -> SentenceVectors:
    """Every paragraph's ``sentence_texts`` embedded in one call (the model sorts them by
    length into batches)."""
    texts = [sentence_texts(p) for p in paragraphs]
    flat = [t for ts in texts for t in ts]
    vectors = np.asarray(embedder.embed(flat), dtype=np.float32) if flat else np.zeros((0, 0), np.float32)
    return SentenceVectors(tuple(len(ts) for ts in texts), vectors.reshape(len(flat), -1))
