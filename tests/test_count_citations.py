"""Citations that back the answer to a count or a question over outcomes: a count of
recommendations cites the report's own sentence giving it (the items where it gives none);
'the outcomes' of a 2009-2013 report are its five outcome judgements; a report's own count
of judgements is a sentence counting judgements, not cases judged. Inline examples and the
real corpus."""
from __future__ import annotations

import pytest

from rag.model import Filters
from rag.structured import _COUNT_ONLY, _ITEMS_TOO, _OUTCOME_WORD

DARLINGTON = "darlington-2012-cabinet-inspection-summary"
DORSET11 = "dorset-2011-ofsted-safeguarding-lac-inspection"
DORSET16 = "dorset-2016-cabinet-post-ofsted-progress"
POOLE17 = "poole-2017-ofsted-sif-inspection-and-lscb-review"


def test_a_count_question_and_one_that_wants_the_items_too():
    assert _COUNT_ONLY.search("How many recommendations did Ofsted make?")
    assert _COUNT_ONLY.search("What was the number of recommendations?")
    assert not _COUNT_ONLY.search("What were the recommendations?")
    assert _ITEMS_TOO.search("How many recommendations were made, and what were they?")
    assert _ITEMS_TOO.search("How many recommendations were there? List them.")
    assert not _ITEMS_TOO.search("How many recommendations did Ofsted make to Dorset?")


def test_outcomes_named_but_not_a_summary_s_outcomes_judgements():
    assert _OUTCOME_WORD.search("Which outcome was judged only adequate?")
    assert _OUTCOME_WORD.search("How many of the five outcomes were good?")
    assert not _OUTCOME_WORD.search("How many of the outcomes judgements were good?")
    assert not _OUTCOME_WORD.search("Which areas were judged adequate?")


# == the real corpus ================================================================================

def _cited(answer) -> list[tuple[str, str]]:
    return [(c.doc_id, c.locator) for c in answer.citations]


@pytest.mark.integration
def test_a_count_of_recommendations_cites_the_report_s_own_count(chain):
    answer = chain.ask("How many recommendations did Ofsted make to Dorset in 2016?", Filters())
    assert "18" in answer.text
    assert _cited(answer) == [(DORSET16, "1.2")]  # 'It contained 18 main recommendations', not each of the 18


@pytest.mark.integration
def test_a_count_of_recommendations_a_report_does_not_state_cites_each_one_counted(chain):
    answer = chain.ask("How many recommendations did Ofsted make to Poole in 2017?", Filters())
    assert "15 recommendations" in answer.text
    assert len(answer.citations) == 15 and {c.doc_id for c in answer.citations} == {POOLE17}


@pytest.mark.integration
def test_a_count_that_asks_for_the_items_too_lists_them(chain):
    answer = chain.ask("How many recommendations did Ofsted make for Dorset in 2016, and what were they?",
                       Filters())
    assert "18 recommendations" in answer.text and len(answer.citations) == 18
    assert "private fostering" in answer.text


@pytest.mark.integration
def test_the_outcomes_of_a_2011_report_are_its_five_outcome_judgements(chain):
    answer = chain.ask("How many of the outcomes for Dorset's looked after children were judged good in 2011?",
                       Filters())
    assert "three judgements of good" in answer.text
    assert {c.locator for c in answer.citations} == {"Staying safe grade", "Enjoying and achieving grade",
                                                     "Economic well-being grade"}
    # a count of cases judged ('All but one seen ... were judged to be adequate') is no count of judgements
    answer = chain.ask("Which outcome for looked after children did Ofsted judge only adequate in Dorset in 2011?",
                       Filters())
    assert _cited(answer) == [(DORSET11, "Being healthy grade")]
    # areas, not outcomes: every judgement with the grade
    answer = chain.ask("Which areas were judged adequate in Dorset in 2011?", Filters())
    assert "two judgements of adequate" in answer.text


@pytest.mark.integration
def test_a_summary_s_outcomes_judgements_are_all_of_them(chain):
    answer = chain.ask("How many of Darlington's outcomes judgements were good?", Filters())
    assert "nine judgements of good" in answer.text
    assert (DARLINGTON, "10") in _cited(answer)  # 'Out of the eighteen outcomes judgements made, nine ...'
