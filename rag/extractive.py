"""The offline answerer: the retrieved sentences that best answer the question, each
followed by its citation. No LLM, deterministic, and it can only say what a paragraph
says, word for word.

A sentence's score mixes three things (weights below): how close its embedding is
to the question's, how many of the question's own words it contains, and how high
retrieval ranked its paragraph.
"""
from __future__ import annotations

import numpy as np

from ingest.embedder import Embedder

from .keyword import tokenize
from .model import Draft, Hit
from .text import sentences

W_DENSE, W_WORDS, W_RANK = 0.6, 0.3, 0.1
# Measured on the corpus: sentences that answer score ~0.6-0.75; the best sentence for
# a question the reports do not answer ('school uniforms') ~0.5.
ANSWER_MIN = 0.55  # the best sentence must reach this, or the answerer abstains
WITHIN = 0.12  # other sentences must score within this of the best
MAX_SENTENCES = 4
PER_PARAGRAPH = 2


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, embedder: Embedder, max_sentences: int = MAX_SENTENCES):
        self.embedder = embedder
        self.max_sentences = max_sentences

    def answer(self, question: str, hits: list[Hit], words: tuple[str, ...] | None = None) -> Draft:
        """``words``: the question's own keyword tokens (council names and years left out:
        the filters already chose the reports); by default all of the question's."""
        candidates = [(i, s) for i, h in enumerate(hits) for s in sentences(h.paragraph.text)]
        if not candidates:
            return Draft((), abstain=True)
        vectors = np.asarray(self.embedder.embed([question] + [s for _, s in candidates]))
        dense = vectors[1:] @ vectors[0]
        wanted = set(words) if words is not None else set(tokenize(question))
        scored = []
        for (i, s), cos in zip(candidates, dense):
            words = len(wanted & set(tokenize(s))) / len(wanted) if wanted else 0.0
            scored.append((W_DENSE * float(cos) + W_WORDS * words + W_RANK / (1 + i), i, s))
        # Best first; ties broken by retrieval rank, then by position, so answers are stable.
        scored.sort(key=lambda t: (-round(t[0], 6), t[1]))
        chosen: list[tuple[str, tuple[int, ...]]] = []
        per_hit: dict[int, int] = {}
        floor = max(ANSWER_MIN, scored[0][0]) - WITHIN
        if scored[0][0] < ANSWER_MIN:
            return Draft((), abstain=True)
        for score, i, s in scored:
            if score < floor or len(chosen) == self.max_sentences:
                break
            if per_hit.get(i, 0) == PER_PARAGRAPH or _repeats(s, [c for c, _ in chosen]):
                continue
            per_hit[i] = per_hit.get(i, 0) + 1
            chosen.append((s, (i,)))
        return Draft(tuple(chosen), abstain=not chosen)


def _repeats(sentence: str, kept: list[str]) -> bool:
    """Near-duplicates (the same finding quoted in two reports) are said once."""
    words = set(tokenize(sentence))
    for other in kept:
        o = set(tokenize(other))
        if words and o and len(words & o) / len(words | o) > 0.8:
            return True
    return False
