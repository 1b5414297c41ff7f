"""The answer chain on the real corpus with the real model, in the default offline mode."""
from __future__ import annotations

import re

import pytest

from core.errors import NotFoundError, QuestionError
from core.settings import Settings
from rag.chain import ABSTAIN, AnswerChain
from rag.model import Filters
from rag.turn import Turn

pytestmark = pytest.mark.integration

DORSET11 = "dorset-2011-ofsted-safeguarding-lac-inspection"
POOLE17 = "poole-2017-ofsted-sif-inspection-and-lscb-review"


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


@pytest.mark.parametrize("question, says, cites", [
    ("Who led the Ofsted inspection of Poole in 2017?", "Joy Howick", "Information about this inspection ¶6"),
    ("Which cabinet member was responsible for Dorset's 2016 Post Ofsted Progress paper?", "Rebecca Knox",
     "Dorset County Council row 2"),
    ("Who wrote the Darlington cabinet summary of the Ofsted inspection?", "Lisa Summers", "Background Papers ¶1"),
    ("When was the Dorset 2011 Ofsted report published?", "28 October 2011",
     "Inspection of safeguarding and looked after children services ¶5"),
])
def test_cover_facts_are_answered_from_their_labels(chain, question, says, cites):
    answer = chain.ask(question)
    assert says in answer.text and not answer.abstained
    assert [c.locator for c in answer.citations] == [cites]
    assert_faithful(answer)


def test_a_grade_the_part_asked_about_does_not_have_is_not_borrowed_from_another_part(chain):
    # Darlington's table grades partnership working for safeguarding only.
    answer = chain.ask("What grade did Ofsted give Darlington for partnership working in services for "
                       "looked after children?")
    assert answer.abstained


def test_how_many_is_not_answered_with_a_date(chain):
    answer = chain.ask("How many children in Poole were on a child protection plan at the time of the 2017 inspection?")
    assert "106" in answer.text


def test_a_quoted_list_lead_in_brings_its_items(chain):
    answer = chain.ask("What are the six priorities in Dorset's Children, Young People and Families Plan?")
    for item in ("Best Start in Life", "Young & Thriving", "Good Care Provision", "Best Education for All",
                 "Best Place to Live", "Delivering Locally"):
        assert item in answer.text
    assert {c.locator for c in answer.citations} >= {f"2.1 ¶3 item {n}" for n in range(1, 7)}
    assert_faithful(answer)


def test_a_count_of_grades_quotes_the_reports_own_count_first(chain):
    answer = chain.ask("Of the eighteen judgements made in Darlington's Ofsted inspection, how many were good?")
    assert "nine judgements of good" in answer.text
    assert answer.citations[0].locator == "10" and "nine were graded as good" in answer.sentences[0].text
    assert_faithful(answer)


def test_between_two_close_recommendations_the_one_in_the_questions_words_wins(chain):
    answer = chain.ask("What did Ofsted tell Poole to do about the information given to foster carers?")
    assert [c.locator for c in answer.citations] == ["Recommendations (local authority) ¶9"]


def test_a_comparison_answers_from_both_councils_and_no_other(chain):
    answer = chain.ask("Which was judged better overall: Darlington in its 2012 inspection or Poole in 2017?")
    assert {c.doc_id for c in answer.citations} == {"darlington-2012-cabinet-inspection-summary",
                                                    "poole-2017-ofsted-sif-inspection-and-lscb-review"}
    assert "adequate" in answer.text and "requires improvement" in answer.text


def test_an_abbreviation_is_spelled_out_where_the_report_spells_it(chain):
    answer = chain.ask("What does MASH stand for in Poole's 2017 report?")
    assert not answer.abstained and all("(MASH)" in s.text for s in answer.sentences), answer.text
    assert "multi-agency safeguarding hub" in answer.text.lower().replace("multi agency", "multi-agency")


def test_a_deputy_is_not_the_lead(chain):
    """The Poole 2017 cover names its lead and deputy lead inspectors: each question gets its own."""
    deputy = chain.ask("Who was the deputy lead inspector of Poole's 2017 inspection?")
    lead = chain.ask("Who was the lead inspector of Poole's 2017 inspection?")
    assert "Deputy" in deputy.text and not deputy.abstained, deputy.text
    assert "Deputy" not in lead.text and not lead.abstained, lead.text


def test_a_caption_is_not_an_answer():
    """A self-evaluation's figure captions ('Figure 4: Summer activities at ...') name a
    picture; a question whose words they share is not answered by them."""
    from ingest.parser import CAPTION as _CAPTION
    from rag.extractive import _PICTURE_ASKED

    assert _CAPTION.match("Figure 4: Summer activities at the Cherries")
    assert _CAPTION.match("Table 2 - Children in care by age")
    assert not _CAPTION.match("Figure 10 shows the rate of 45 per 10,000.")
    assert not _CAPTION.match("In table 2 the figures show a rise.")
    assert _PICTURE_ASKED.search("What does figure 4 show?") and not _PICTURE_ASKED.search("What do the figures show?")


def test_each_stage_returns_a_new_turn_and_leaves_the_one_it_was_given(chain):
    priorities = "What are the six priorities in Dorset's Children, Young People and Families Plan?"
    found = chain._evidence(chain._read(Turn(priorities, Filters())))
    assert found.abstain is None and found.draft is None and found.hits
    drafted = chain._draft(found)
    # the list's items are cited from new hits, after the ones retrieval found, which stay as they were
    assert len(drafted.hits) > len(found.hits) and drafted.hits[:len(found.hits)] == found.hits
    assert found.draft is None and drafted.draft.sentences
    leeds = chain._evidence(chain._read(Turn("What grade did Ofsted give Leeds?", Filters())))
    assert leeds.abstain == "The library has no reports for Leeds." and chain._draft(leeds) is leeds


def test_the_chain_as_a_langchain_runnable(chain):
    from dataclasses import replace

    from langchain_core.runnables import RunnableLambda

    from rag.lc import as_runnable

    question = "What grade did Ofsted give Dorset for being healthy in 2011?"
    answers = as_runnable(chain)
    answer = answers.invoke(question)
    assert replace(answer, latency_ms=0) == replace(chain.ask(question), latency_ms=0)
    labels = answers | RunnableLambda(lambda a: [c.label for c in a.citations])
    assert labels.invoke(question)[0] == "Ofsted, Dorset 2011, Being healthy grade"
    poole = answers.invoke({"question": "What does the report say about adoption?",
                            "filters": Filters(authority="Poole")})
    assert poole.searched == ("Ofsted, Poole 2017",)
    follow_up = answers.invoke({"question": "What about Poole?", "history": [("Who led the Ofsted inspection "
                                                                              "of Dorset in 2011?", "")]})
    assert follow_up.standalone == "Who led the Ofsted inspection of Poole?"  # the year was Dorset's
