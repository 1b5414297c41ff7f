"""The answer chain on the real corpus with the real model, in the default offline mode."""
from __future__ import annotations

import re

import pytest

from ingest.errors import NotFoundError, QuestionError
from ingest.settings import Settings
from rag.chain import ABSTAIN, AnswerChain
from rag.model import Filters

pytestmark = pytest.mark.integration

DORSET11 = "dorset-2011-ofsted-safeguarding-lac-inspection"
POOLE17 = "poole-2017-ofsted-sif-inspection-and-lscb-review"


@pytest.fixture(scope="module")
def chain(corpus_settings, embedder):
    c = AnswerChain(corpus_settings, embedder=embedder)
    c.warm_up()
    return c


def assert_faithful(answer):
    """Every citation is a paragraph retrieved for this question, and its text is the paragraph's."""
    retrieved = set(answer.retrieved)
    for c in answer.citations:
        assert (c.doc_id, c.locator) in retrieved
        report = c.doc_id
        assert c.text and c.support and all(s in c.text for s in c.support), (report, c.locator)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations}


def _dorset_2011_grade_lines(chain):
    report = chain.retriever.reports[DORSET11]
    return [j for j in report.judgements if j.source == "grade line"]


def test_every_dorset_2011_grade(chain):
    report = chain.retriever.reports[DORSET11]
    lines = _dorset_2011_grade_lines(chain)
    assert len(lines) == 20
    # Areas graded only in the Record of main findings (equality and diversity, twice).
    table_only = [j for j in report.judgements if j.source == "table"
                  and j.area.lower() not in {g.area.lower() for g in lines}]
    assert [j.area for j in table_only] == ["Equality and diversity"] * 2
    for j in lines + table_only:
        part = "safeguarding services" if j.heading_path[0] == "Safeguarding services" else "looked after children"
        question = f"What grade did Ofsted give Dorset for {j.area.lower()} in {part} in 2011?"
        answer = chain.ask(question)
        assert not answer.abstained, question
        assert_faithful(answer)
        assert answer.searched == ("Ofsted, Dorset 2011",), question
        # The sentence about this area states the right grade, and cites a paragraph that states it.
        about = [s for s in answer.sentences if j.area.lower() in s.text.lower()]
        assert about, (question, answer.text)
        assert any(j.grade in s.text for s in about), (question, answer.text)
        cited = {c.n: c for c in answer.citations}
        stated = [cited[n] for s in about for n in s.citations]
        assert any(j.grade in c.text.lower() and (c.locator == j.locator or j.area.lower() in c.text.lower())
                   for c in stated), (question, [c.label for c in stated])
        assert any(c.locator == j.locator for c in stated) or any(
            report.paragraph(c.locator).kind.value == "table row" for c in stated)


def test_a_grade_question_as_staff_ask_it(chain):
    answer = chain.ask("What grade did Ofsted give Dorset for being healthy in 2011?")
    assert not answer.abstained
    assert "adequate" in answer.text and "grade 3" in answer.text
    assert answer.citations[0].label == "Ofsted, Dorset 2011, Being healthy grade"
    assert_faithful(answer)


def test_poole_recommendations_listed_in_full(chain):
    answer = chain.ask("What were Poole's recommendations in 2017?")
    report = chain.retriever.reports[POOLE17]
    assert not answer.abstained
    assert "15 recommendations" in answer.text
    assert len(answer.sentences) == 15 == len(report.recommendations)
    assert {c.locator for c in answer.citations} == {r.locator for r in report.recommendations}
    assert answer.searched == ("Ofsted, Poole 2017",)
    assert_faithful(answer)


def test_a_topical_recommendation_question(chain):
    answer = chain.ask("What did Ofsted recommend for Poole about foster carers?")
    assert not answer.abstained and 1 <= len(answer.sentences) < 15
    assert all("foster carers" in s.text for s in answer.sentences)
    assert_faithful(answer)


@pytest.mark.parametrize("question", [
    "What grade did Ofsted give Leeds for leadership and management?",
    "What did Ofsted say about Dorset in 2030?",
    "What is the capital of France?",
])
def test_questions_the_library_cannot_answer_abstain(chain, question):
    answer = chain.ask(question)
    assert answer.abstained and answer.text.startswith(ABSTAIN)
    assert answer.citations == () and answer.sentences == ()


def test_unknown_council_says_so(chain):
    answer = chain.ask("What grade did Ofsted give Leeds for leadership and management?")
    assert "no reports for Leeds" in answer.text


@pytest.mark.parametrize("question", [
    "How good are health outcomes for children in care in Dorset?",
    "What does Ofsted say about the out-of-hours service in Poole?",
    "How many social workers does Dorset have in 2020?",
    "What is the rate of children subject to a child protection plan in Dorset in 2020?",
    "What did Darlington say about the views of children in assessments?",
    "What did the Dorset cabinet report say about private fostering?",
])
def test_text_questions_cite_only_what_was_retrieved(chain, question):
    answer = chain.ask(question)
    assert not answer.abstained, answer.text
    assert answer.citations and answer.unsupported_sentences == 0
    assert_faithful(answer)


def test_filters_name_the_reports_searched(chain):
    answer = chain.ask("What did Ofsted say about Dorset in 2011?")
    assert answer.searched == ("Ofsted, Dorset 2011",)
    assert {c.doc_id for c in answer.citations} <= {DORSET11}
    answer = chain.ask("What does the report say about adoption?", Filters(authority="Poole"))
    assert answer.searched == ("Ofsted, Poole 2017",)
    assert {c.doc_id for c in answer.citations} <= {POOLE17}


def test_bad_questions(chain):
    for bad in ["", "   ", "\x00\x01", "x" * 5000]:
        with pytest.raises(QuestionError):
            chain.ask(bad)


def test_empty_index_says_run_ingest(tmp_path, embedder):
    chain = AnswerChain(Settings(data_dir=tmp_path / "data"), embedder=embedder)
    with pytest.raises(NotFoundError, match="python -m ingest"):
        chain.ask("What grade did Dorset get?")
