"""The known-answer set is sound: its evidence is verbatim and names one paragraph, and it
covers what the issue asks for (every judgement, every recommendation list, unanswerables)."""
from __future__ import annotations

import pytest

from evals.check_set import corpus_reports
from evals.gold import DEFAULT_SET, KINDS, gold_keys, load, problems
from evals.split import split_of

DORSET11 = "dorset-2011-ofsted-safeguarding-lac-inspection"
DARLO12 = "darlington-2012-cabinet-inspection-summary"
POOLE17 = "poole-2017-ofsted-sif-inspection-and-lscb-review"
DORSET16 = "dorset-2016-cabinet-post-ofsted-progress"


@pytest.fixture(scope="module")
def corpus():
    return corpus_reports()


@pytest.fixture(scope="module")
def items():
    return load(DEFAULT_SET)


def test_every_evidence_is_verbatim_and_names_one_paragraph(items, corpus):
    assert problems(items, *corpus) == []


def test_size_and_kinds(items):
    assert len(items) >= 100
    assert sum(1 for k in items if not k.answerable) >= 10
    assert {k.kind for k in items} == set(KINDS)
    assert {k.doc_id for k in items if k.answerable} >= {DORSET11, DARLO12, POOLE17, DORSET16,
                                                         "dorset-2020-self-evaluation"}


def test_the_fresh_questions_issue_13_asks_for(items):
    """At least 150 questions written fresh (ids n13-*, not edits of older ones), a third
    paraphrased away from the reports' words, and the classes the issue names, each in
    both splits."""
    fresh = [k for k in items if k.id.startswith("n13-")]
    assert len(fresh) >= 150
    assert sum(bool(k.extra.get("paraphrase")) for k in fresh) >= len(fresh) / 3
    for kind, least in (("comparison", 30), ("superlative", 15), ("yesno", 15), ("unanswerable", 20)):
        ofkind = [k for k in fresh if k.kind == kind]
        assert len(ofkind) >= least, kind
        assert {split_of(k.id) for k in ofkind} == {"dev", "test"}, kind
    assert any(k.missing_side for k in fresh if k.kind == "comparison")


def covered(items) -> set[tuple[str, str]]:
    return {key for k in items for key in gold_keys(k)}


@pytest.mark.parametrize("doc_id", [DORSET11, DARLO12, POOLE17])
def test_every_judgement_is_asked_about(items, corpus, doc_id):
    reports, _ = corpus
    missing = [j.locator for j in reports[doc_id].judgements if (doc_id, j.locator) not in covered(items)]
    assert missing == []


@pytest.mark.parametrize("doc_id", [POOLE17, DORSET16, DORSET11])
def test_every_recommendation_is_in_the_set(items, corpus, doc_id):
    reports, _ = corpus
    missing = [r.locator for r in reports[doc_id].recommendations if (doc_id, r.locator) not in covered(items)]
    assert missing == []
