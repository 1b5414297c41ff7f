"""rag.sentence_rank: candidates ranked by their closest sentence, with the real model."""
from __future__ import annotations

import numpy as np
import pytest

from core.model import Kind, Paragraph
from rag.sentence_rank import SentenceRanker, sentence_texts

pytestmark = pytest.mark.integration


def para(locator: str, text: str, heading: str = "Service information") -> Paragraph:
    return Paragraph("d", locator, (heading,), Kind.PARAGRAPH, text, 0)


LONG = para("10", "Dorset is a large rural county with a population of 400,000. The council runs three children's "
            "homes and commissions placements from the independent sector. There are 327 Dorset children "
            "subject to a child protection plan. Health services are provided by two trusts.")
SHORT = para("2", "Children's services are inspected every three years by Ofsted.", "About this inspection")


def test_sentences_are_read_after_their_heading():
    assert sentence_texts(SHORT) == ["About this inspection: Children's services are inspected every three years by Ofsted."]


def test_the_paragraph_holding_the_answer_sentence_ranks_first(embedder):
    ranker = SentenceRanker(embedder)
    (question,) = embedder.embed(["How many children are on child protection plans?"])
    ranked = ranker.rank(question, [("short", SHORT), ("long", LONG)])
    assert [key for key, _ in ranked] == ["long", "short"]
    assert -1.0 <= ranked[1][1] < ranked[0][1] <= 1.0


def test_vectors_are_kept_and_the_cache_is_bounded(embedder):
    calls = []

    class Counting:
        def embed(self, texts):
            calls.append(len(texts))
            return embedder.embed(texts)

    ranker = SentenceRanker(Counting(), max_paragraphs=1)
    (question,) = embedder.embed(["inspection"])
    ranker.rank(question, [("short", SHORT)])
    ranker.rank(question, [("short", SHORT)])
    assert calls == [1]  # the second time from the cache
    ranker.rank(question, [("long", LONG)])
    ranker.rank(question, [("short", SHORT)])
    assert calls == [1, 4, 1]  # 'short' was dropped to keep one paragraph
    assert ranker.rank(question, []) == []


def test_stored_vectors_are_used_and_only_the_rest_embedded(embedder):
    """Vectors ingest stored are used as they are; a paragraph without them (an index from
    before they were stored) is embedded, once."""
    calls = []

    class Counting:
        def embed(self, texts):
            calls.append(list(texts))
            return embedder.embed(texts)

    stored_long = np.asarray(embedder.embed(sentence_texts(LONG)), dtype=np.float32)
    looked_up = []

    def stored(candidates):
        looked_up.append([key for key, _ in candidates])
        return [stored_long if key == "long" else None for key, _ in candidates]

    ranker = SentenceRanker(Counting())
    (question,) = embedder.embed(["How many children are on child protection plans?"])
    ranked = ranker.rank(question, [("short", SHORT), ("long", LONG)], stored=stored)
    assert [key for key, _ in ranked] == ["long", "short"]
    assert calls == [sentence_texts(SHORT)]  # LONG's four sentences came from the store
    assert ranked[0][1] == pytest.approx(float(np.max(stored_long @ np.asarray(question, dtype=np.float32))))
    ranker.rank(question, [("short", SHORT), ("long", LONG)], stored=stored)
    assert len(calls) == 1 and looked_up == [["short", "long"]] * 2
    # each call's own lookup is the one used
    vectors = ranker.vectors([("long", LONG)], stored=lambda c: [np.zeros((4, 384), np.float32)])
    assert not vectors[0].any()
