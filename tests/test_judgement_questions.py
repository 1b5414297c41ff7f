"""Questions over a report's judgements, computed from its records, on the real corpus:
the best or worst grade, how many got a grade, a grade none got, yes/no on a grade;
yes/no over text; and a grade cited where the inspectors say it."""
from __future__ import annotations

import re

import pytest

from core.model import Kind

pytestmark = pytest.mark.integration

DARLINGTON = "darlington-2012-cabinet-inspection-summary"
DORSET11 = "dorset-2011-ofsted-safeguarding-lac-inspection"
POOLE17 = "poole-2017-ofsted-sif-inspection-and-lscb-review"


def _graded(chain, doc_id: str, grade: str) -> set[str]:
    """Locators of the report's judgement records with ``grade``."""
    return {j.locator for j in chain.retriever.reports[doc_id].judgements if j.grade == grade}


def test_the_weakest_grade_and_every_area_given_it(chain):
    answer = chain.ask("Which areas came out weakest in Poole's 2017 inspection?")
    assert not answer.abstained
    assert answer.text.startswith("The weakest grade in Ofsted, Poole 2017 was requires improvement to be good")
    assert "none was inadequate" in answer.text
    # each judgement with that grade is said and cited; none with a better one
    cited = {c.locator for c in answer.citations}
    assert cited == _graded(chain, POOLE17, "requires improvement to be good")
    assert "good." not in answer.text.replace("to be good.", "")


def test_the_best_grade_of_a_report_no_area_of_which_was_outstanding(chain):
    answer = chain.ask("What was the strongest grade in Darlington's 2012 inspection summary?")
    assert not answer.abstained
    assert "was good, given to nine of its 22 judgements; none was outstanding" in answer.text
    assert {c.locator for c in answer.citations} == _graded(chain, DARLINGTON, "good")


def test_how_many_were_judged_good_with_the_report_s_own_count(chain):
    answer = chain.ask("How many of Darlington's judgements were good?")
    assert not answer.abstained
    assert "nine judgements of good" in answer.text
    cited = {c.locator for c in answer.citations}
    assert "10" in cited  # '... nine were graded as good ...': the report's own sentence
    assert cited - {"10"} == _graded(chain, DARLINGTON, "good")


def test_which_areas_were_outstanding_when_none_was(chain):
    answer = chain.ask("Which areas did Ofsted judge outstanding in Poole in 2017?")
    assert not answer.abstained
    assert answer.text.startswith("None of the seven judgements in Ofsted, Poole 2017 was outstanding")
    assert {c.locator for c in answer.citations} == _graded(chain, POOLE17, "good")


@pytest.mark.parametrize("question, first, grade", [
    ("Did Ofsted judge Poole's safeguarding children board to be good in 2017?", "Yes.", "good"),
    ("Was staying safe for Darlington's looked after children judged good?", "No.", "adequate"),
    ("Was Dorset's leadership and management of safeguarding services judged outstanding in 2011?", "Yes.",
     "outstanding"),
    ("Was being healthy for Dorset's looked after children judged at least good in 2011?", "No.", "adequate"),
    # over a list: any one, or every one
    ("Were any of Dorset's 2011 judgements outstanding?", "Yes.", "outstanding"),
    ("Were all of Darlington's judgements good?", "No.", "good"),
    ("Did Darlington get an outstanding grade for anything?", "No.", "good"),  # any area at all
    ("Was anything judged inadequate in Poole in 2017?", "No.", "good"),
])
def test_yes_or_no_on_a_recorded_grade(chain, question, first, grade):
    answer = chain.ask(question)
    assert answer.text.split()[0] == first, answer.text
    assert grade in answer.text and answer.citations


def test_yes_or_no_over_text_only_when_the_sentence_decides(chain):
    answer = chain.ask("Were any adoptions in Poole disrupted in the two years before the 2017 inspection?")
    assert answer.text.startswith("No."), answer.text
    assert any("no adoption disruptions" in c.text for c in answer.citations)
    # a sentence that does not say yes or no ('The LSCB is shared with Bournemouth') gets neither
    answer = chain.ask("Does Poole run its Local Safeguarding Children Board jointly with a neighbouring council?")
    assert not answer.abstained
    assert not re.match(r"(Yes|No)\b", answer.text), answer.text


def test_yes_to_whether_a_recommendation_was_made_when_one_on_it_is_recorded(chain):
    answer = chain.ask("Did inspectors suggest Darlington should get frontline staff and senior managers "
                       "involved in checking case files?")
    assert answer.text.startswith("Yes."), answer.text
    assert "front line practitioners and senior officers" in answer.text
    assert [c.doc_id for c in answer.citations] == [DARLINGTON] and answer.citations[0].locator.startswith("APPENDIX")
    answer = chain.ask("Did the inspectors expect Poole to recruit more foster carers for older children?")
    assert answer.text.startswith("Yes.") and "foster carers who can meet the needs of older children" in answer.text
    answer = chain.ask("Does Darlington's action plan have the council sending core group minutes to all members?")
    assert answer.text.startswith("Yes.") and "minutes of meetings are sent to all core group members" in answer.text
    assert len(answer.citations) == 1, answer.text
    answer = chain.ask("Were there any recommendations in Poole's 2017 report?")
    assert answer.text.startswith("Yes."), answer.text
    assert {c.doc_id for c in answer.citations} == {POOLE17} and len(answer.citations) > 5
    # a state asked of the recommendations is not whether one was made
    answer = chain.ask("Were all of Darlington's recommendations completed within 3 months?")
    assert not answer.text.startswith("Yes."), answer.text


def test_the_value_most_recommendations_share_is_counted_from_the_records(chain):
    recs = chain.retriever.reports[DARLINGTON].recommendations
    answer = chain.ask("Which organisation has the most actions in Darlington's action plan?")
    most = [r for r in recs if r.responsible == "DBC"]
    assert answer.text.startswith(f"In Darlington Council 2012, DBC is responsible for the most recommendations: "
                                  f"{len(most)} of {len(recs)} (CDDFT 6,"), answer.text
    assert len(answer.citations) == len(most) and all(c.doc_id == DARLINGTON for c in answer.citations)
    answer = chain.ask("What is the most common deadline in Darlington's action plan?")
    assert "Within 3 Months is the most common timescale of recommendations: 25 of 38" in answer.text, answer.text
    # a report whose recommendations record no timescale is not counted by one
    answer = chain.ask("What is the most common deadline in Poole's 2017 recommendations?")
    assert "most common timescale" not in answer.text


def test_a_grade_is_cited_where_the_inspectors_state_it(chain):
    """Not only the bare 'Grade 2 (good)' line: the numbered paragraph that says it too."""
    answer = chain.ask("What grade did Ofsted give Dorset for the quality of provision in safeguarding services in 2011?")
    assert "good" in answer.text
    report = chain.retriever.reports[DORSET11]
    said = [c for c in answer.citations if report.paragraph(c.locator).kind is Kind.PARAGRAPH
            and c.locator.isdigit()]
    assert said and any(re.search(r"\bis good\b", c.text) for c in said), [c.label for c in answer.citations]

