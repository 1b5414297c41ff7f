"""Every number the answering side was tuned with, in one place.

The rule: a number that changes which paragraphs are retrieved or which sentences are
said, and that can be varied on the eval set (``python -m evals.compare``), is tuning
and lives here, with the measurement that chose it -- a constant taken from a paper
or a library's default counts too, since it can be varied. Not tuning, and so left
in its module: fixed facts (the lowest cosine, -1.0) and resource or safety limits
that never change an answer (vector files kept open, sentence vectors cached, the
longest question accepted).

Three tuned numbers are settings instead, because a deployment may set them from the
environment (README, "Settings"): ``Settings.top_k`` (RAG_TOP_K, paragraphs retrieved),
``Settings.abstain_below`` (RAG_ABSTAIN_BELOW, the best dense similarity under which
the chain abstains) and ``Settings.support_threshold`` (RAG_SUPPORT_THRESHOLD, the
guard's sentence-paragraph similarity; see ``lexical_min`` below).

``Settings.tuning`` holds one of these; it is never read from the environment. Vary
it with ``dataclasses.replace(settings, tuning=dataclasses.replace(settings.tuning, ...))``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    # -- retrieval (rag/retriever.py) --
    # RRF constant from Cormack, Clarke & Buettcher (SIGIR 2009), who found k=60 near
    # best across collections: large enough that the difference between rank 1 and rank
    # 2 of one list does not outweigh agreement between the two lists.
    rrf_k: int = 60
    # Dense and keyword weights in the fusion. Measured on the eval set (evals/compare.py):
    # keyword search alone found the evidence more often than dense alone (recall@5 0.87
    # against 0.78), so it counts more. Measured again on issue 13's dev split (146
    # answerable, 25 of them paraphrased away from the reports' words): recall@5 0.904 with
    # a dense weight of 0.5, 0.75 or 1.0 alike, 0.856 with a keyword weight of 0.5 or 0.75
    # (paraphrased 0.84 -> 0.72): the paraphrased questions' paragraphs that retrieval misses
    # are ranked 10th to 16th by dense search itself, so more dense weight does not find them.
    fusion_weights: tuple[float, float] = (0.5, 1.0)
    # Each search's own top each_top paragraphs are always in the fused top k: RRF alone let a
    # paragraph that only one search found, however first, fall below paragraphs both found
    # moderately ('there have been 16 adoptions' was dense search's first and fused 16th).
    # Measured on the eval set: recall@5 0.89 (none kept) -> 0.91 (2) -> 0.92 (3).
    # With the sentence search's tops these are eight keys for five places: each search's
    # first is kept before any search's second (retriever.keep_each_top); measured on issue
    # 13's dev split: recall@5 0.925 -> 0.95, false abstentions 0.04 -> 0.03, same correctness.
    # The fused order's own first is kept with them: when the tops alone filled k, the
    # paragraph both searches ranked well was lost ('At 31 March 2015, 323 children were being
    # looked after': fused 1st, dense 4th, keyword 3rd). Library dev 0.955 -> 0.985 correct,
    # seed dev 0.886 -> 0.880 (one two-part question); the fused top three instead: seed 0.874.
    each_top: int = 3
    # Likewise the sentence_top paragraphs among the fused first sentence_depth whose best
    # sentence is closest to the question (rag/sentence_rank.py): a long paragraph whose
    # answer is one sentence ('There are 327 Dorset children subject to a child protection
    # plan') embeds as its other sentences. Measured: recall@5 0.95 -> 0.96, correctness
    # 0.92 -> 0.93; p50 latency 23 -> 70 ms when the sentences were embedded per question
    # (ingest now stores their vectors).
    sentence_top: int = 2
    sentence_depth: int = 30
    # Each search returns max(depth_factor * k, min_depth) candidates: dense results are
    # chunks (a long paragraph can take several places) and fusion needs paragraphs that
    # rank only moderately in one list to be seen at all.
    depth_factor: int = 4
    min_depth: int = 20
    # -- keyword search (rag/keyword.py, BM25) --
    # Lucene's default: well tested on prose of this length (a paragraph, ~100 words).
    bm25_k1: float = 1.5
    # Full length normalisation (Lucene's default is 0.75): paragraphs here run from a
    # two-word cover line to 400-word prose, and measured on the eval set b=1.0 gave the
    # best citation precision (0.95 against 0.94 at 0.75) with the same recall.
    bm25_b: float = 1.0
    # -- the extractive answerer (rag/extractive.py) --
    # A sentence's score: weights of its cosine with the question, the share of the
    # question's words it holds, whether it holds the kind of thing asked, and 1/(1 + the
    # retrieval rank of its paragraph). Chosen on the eval set, with answer_min and the
    # fusion above (bench/results.md).
    w_dense: float = 0.45
    w_words: float = 0.35
    w_type: float = 0.15
    w_rank: float = 0.05
    # The best sentence must reach this, or the answerer abstains. Chosen on the eval set
    # (python -m evals run): 0.40 answered more questions than 0.45 with the same
    # abstention accuracy.
    answer_min: float = 0.40
    within: float = 0.04  # other sentences must score within this of the best
    max_sentences: int = 3
    # A 'when'/'how many'/'who' question wants one fact. Measured on the eval set: three
    # sentences cited more wrong paragraphs, one lost correct answers (0.88 -> 0.85).
    max_typed: int = 2
    per_paragraph: int = 2  # sentences said from one paragraph at most
    # -- the guard (rag/guard.py) --
    # A sentence is supported by a paragraph when this share of its own words is in the
    # paragraph's evidence, or half this share and the embedding similarity reaches
    # Settings.support_threshold.
    lexical_min: float = 0.6
