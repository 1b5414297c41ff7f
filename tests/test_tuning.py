"""core/tuning.py: the defaults are the numbers the eval figures were measured with, and a
changed tuning reaches the component that uses it."""
from __future__ import annotations

import dataclasses

import pytest
from conftest import _make_report

from core.settings import Settings
from core.tuning import Tuning
from rag.extractive import ExtractiveAnswerer
from rag.guard import guard
from rag.keyword import KeywordIndex
from rag.model import Draft, Hit


def test_the_defaults_are_the_measured_values():
    assert dataclasses.asdict(Tuning()) == {
        "rrf_k": 60, "fusion_weights": (0.5, 1.0), "each_top": 3, "sentence_top": 2, "sentence_depth": 30,
        "depth_factor": 4, "min_depth": 20, "bm25_k1": 1.5, "bm25_b": 1.0,
        "w_dense": 0.45, "w_words": 0.35, "w_type": 0.15, "w_rank": 0.05, "answer_min": 0.40, "within": 0.04,
        "max_sentences": 3, "max_typed": 2, "per_paragraph": 2, "lexical_min": 0.6,
    }


def test_settings_hold_one_and_the_environment_never_sets_it():
    env = {"RAG_TOP_K": "8", "RAG_ABSTAIN_BELOW": "0.3", "RAG_SUPPORT_THRESHOLD": "0.5", "RAG_TUNING": "x",
           "RAG_ANSWER_MIN": "1.0"}
    settings = Settings.from_env(env)
    assert settings.tuning == Tuning() and Settings().tuning == Tuning()
    assert (settings.top_k, settings.abstain_below, settings.support_threshold) == (8, 0.3, 0.5)
    changed = Tuning(answer_min=0.5)
    assert Settings.from_env({}, tuning=changed).tuning is changed  # the caller's own, as compare.py passes it


class Flat:
    """Every text embeds alike (cosine 1.0): a sentence's score is then its words', type's and rank's."""

    def embed(self, texts):
        return [[1.0, 0.0] for _ in texts]

    def embed_query(self, texts):
        return self.embed(texts)


HITS = [Hit(report.meta, p, 1.0) for report in [_make_report(paragraphs=[
    ("1", ("Staying safe",), "Children in care say they feel safe in their placements. "
                             "In their placements, inspectors found, children in care feel safe.")])]
        for p in report.paragraphs]
QUESTION = "Do children in care feel safe in their placements?"


def test_the_extractive_answerer_reads_its_bar_and_limits_from_the_tuning():
    default = ExtractiveAnswerer(Flat()).answer(QUESTION, HITS)
    assert not default.abstain and len(default.sentences) == 2
    assert ExtractiveAnswerer(Flat(), Tuning(answer_min=1.0)).answer(QUESTION, HITS).abstain
    assert len(ExtractiveAnswerer(Flat(), Tuning(max_sentences=1)).answer(QUESTION, HITS).sentences) == 1
    assert len(ExtractiveAnswerer(Flat(), Tuning(per_paragraph=1)).answer(QUESTION, HITS).sentences) == 1


class Apart:
    """Each sentence embeds at right angles to its evidence: only the words can support it."""

    def embed(self, texts):
        half = len(texts) // 2
        return [[1.0, 0.0]] * half + [[0.0, 1.0]] * half


def test_the_guard_reads_its_lexical_bar_from_the_tuning():
    claim = "Children in care feel safe in their placements."  # every word in the evidence
    draft = Draft(((claim, (0,)),))
    assert guard(draft, HITS, Apart(), 0.55, Tuning().lexical_min).sentences
    # above 1.0 no share of words is enough, and the embeddings disagree
    assert not guard(draft, HITS, Apart(), 0.55, 1.5).sentences


def test_the_keyword_index_reads_bm25_from_the_tuning():
    items = [("short", "adoption"), ("long", "adoption " + "placement stability review " * 20)]
    full = dict(KeywordIndex().build(items).search("adoption", 2))
    none = dict(KeywordIndex(Tuning(bm25_b=0.0)).build(items).search("adoption", 2))
    assert full["short"] > full["long"]  # length normalised (b=1.0)
    assert none["short"] == pytest.approx(none["long"])  # no length normalisation at b=0


def test_compare_names_each_variant_by_what_it_changes():
    from evals.compare import VARIANTS, label

    base = Settings()
    for change, tuned in VARIANTS:  # each names a real setting or tuned number
        dataclasses.replace(base, **change, tuning=dataclasses.replace(base.tuning, **tuned))
    assert label(base, {}, {}) == "defaults: retrieval=fused, top_k=5, fusion_weights=(0.5, 1.0)"
    assert label(base, {"top_k": 8}, {}) == "top_k=8"
    assert label(base, {}, {"answer_min": 0.45, "each_top": 0}) == "answer_min=0.45, each_top=0"


@pytest.mark.integration
def test_the_chain_passes_the_settings_tuning_to_its_answerer(corpus_settings, embedder):
    from rag.chain import AnswerChain

    question = "How good are health outcomes for children in care in Dorset?"
    assert not AnswerChain(corpus_settings, embedder=embedder).ask(question).abstained
    strict = dataclasses.replace(corpus_settings, tuning=Tuning(answer_min=1.0))
    assert AnswerChain(strict, embedder=embedder).ask(question).abstained
