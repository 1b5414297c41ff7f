"""Questions worded away from the reports' words (issue 13's paraphrased class): an everyday
phrase for a sector term, and a fact stated in a sentence that only points back to what it
is about ('seven children were benefiting from these arrangements')."""
from __future__ import annotations

import pytest

from rag.extractive import refers_back
from rag.keyword import as_reports_say, expand, held_words, tokenize, without_report_named

DORSET11 = "dorset-2011-ofsted-safeguarding-lac-inspection"
DORSET16 = "dorset-2016-cabinet-post-ofsted-progress"
POOLE17 = "poole-2017-ofsted-sif-inspection-and-lscb-review"
DARLINGTON = "darlington-2012-cabinet-inspection-summary"


# -- pure functions --------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "At the time of the inspection, seven children were benefiting from these arrangements.",
    "At the time of our inspection they had completed 25 inspections.",
    "Given the large number of children from military families living in Dorset this is an omission.",
    "Such plans are reviewed monthly.",
    "However, this has improved from 50% in April to 82% in June 2020.",
])
def test_a_sentence_that_points_back(sentence):
    assert refers_back(sentence)


@pytest.mark.parametrize("sentence", [
    "This inspection found that services are good.",          # names its own thing
    "Services such as libraries were inspected.",             # 'such as' lists, it does not point
    "Children said they felt safe.",                          # 'they' are the children
    "Fostering services were good when they were last inspected in 2008.",
    "The local authority actively promotes fostering to adopt arrangements.",
])
def test_a_sentence_that_names_what_it_is_about(sentence):
    assert not refers_back(sentence)


def test_the_embedding_reads_the_reports_wording_of_an_everyday_phrase():
    assert as_reports_say("How often do children get into trouble with the law?") == \
        "How often do children get into trouble with the law? (offending)"
    assert as_reports_say("Were children sent home from school?").endswith("(excluded; exclusions)")
    assert as_reports_say("Do children run away from care?").endswith("(missing)")
    assert as_reports_say("How many care leavers were unemployed?").endswith(
        "(not in education, employment or training)")
    assert as_reports_say("How many young people who had left care were at university?").endswith("(care leavers)")
    # a question in the reports' words already, or with no such phrase, is left as it is
    assert as_reports_say("How many young people offend?") == "How many young people offend?"
    assert as_reports_say("How many children are adopted?") == "How many children are adopted?"


@pytest.mark.parametrize("question, searched", [
    # the words naming the report the filters chose are not searched for ...
    ("How well did Dorset handle allegations against staff, according to the 2011 inspection?",
     "How well did Dorset handle allegations against staff?"),
    ("How many inspections had the Young Inspectors completed at the time of the 2011 Ofsted inspection?",
     "How many inspections had the Young Inspectors completed?"),
    ("According to Dorset's September 2016 cabinet paper, was the action plan on track?",
     "was the action plan on track?"),
    ("What grade did Poole get in its 2017 inspection?", "What grade did Poole get?"),
    # ... unless they are what is asked, or too little is left
    ("Who led the 2011 inspection?", "Who led the 2011 inspection?"),
    ("What did Ofsted say?", "What did Ofsted say?"),
    ("Had any placements broken down in the two years before the 2017 inspection?",
     "Had any placements broken down in the two years before the 2017 inspection?"),
])
def test_a_search_leaves_out_the_words_naming_its_report(question, searched):
    assert without_report_named(question) == searched


@pytest.mark.integration
def test_a_question_naming_its_report_finds_the_finding_not_the_report_about_itself(chain):
    """'..., according to the 2011 inspection?': the inspection's paragraphs about itself ('The
    inspection team evaluated ...') are not what is asked."""
    answer = chain.ask("What does Darlington's summary say about how often children in its care get into "
                       "trouble with the law, and why?")
    assert "offend" in answer.text.lower() and answer.citations


def test_the_embedding_reads_both_terms_for_children_in_care():
    assert as_reports_say("How many children are in care?") == "How many children are in care? (looked after)"
    assert as_reports_say("How many looked-after children offend?").endswith("offend? (in care)")
    # phrases, not words: 'look at' is not 'looked after', nor 'in caring' 'in care'
    assert as_reports_say("What did Ofsted want Darlington to look at?") == "What did Ofsted want Darlington to look at?"
    assert as_reports_say("Who is in caring roles?") == "Who is in caring roles?"
    # both terms asked already: nothing to add
    assert as_reports_say("Are looked after children in care?") == "Are looked after children in care?"


def test_either_wording_is_read_as_the_other():
    assert "offend" in expand(tokenize("children in trouble with the police"), {})
    # a text in the sector's term holds the everyday words too (the answerer's word share)
    assert {"troubl", "law"} <= held_words("young people who offend")
    assert {"sent", "home", "school"} <= held_words("fixed-term exclusions")
    # the two terms for children in care, as phrases
    assert set(tokenize("looked after")) <= held_words("481 Children in Care")
    assert "care" in held_words("294 children and young people looked after by Dorset County Council")
    assert held_words("we will look at 43 plans") == set(tokenize("we will look at 43 plans"))


# -- the real corpus, the real model: wordings not in the known-answer set ------------------


def _cited(answer):
    return {(c.doc_id, c.locator) for c in answer.citations}


@pytest.mark.integration
def test_a_count_in_a_sentence_pointing_back_is_quoted_with_what_it_counts(chain):
    answer = chain.ask("How many Poole children were benefiting from fostering to adopt at the 2017 inspection?")
    assert "seven children were benefiting from these arrangements" in answer.text
    # said with the sentence that names the arrangements, or a reader cannot tell what was counted
    assert "The local authority actively promotes fostering to adopt arrangements. At the time" in answer.text
    assert (POOLE17, "Inspection findings (children looked after and achieving permanence) ¶22") in _cited(answer)


@pytest.mark.integration
def test_a_sentence_naming_its_own_subject_is_not_paired(chain):
    # 'we are striving to recruit to these posts' points back, but its own words answer:
    # the sentence before it (overseas recruits) adds nothing asked and is not said
    answer = chain.ask("What share of Dorset's social work posts were vacant in 2020?")
    assert "13% vacancy rate" in answer.text
    assert "overseas" not in answer.text


@pytest.mark.integration
def test_the_sentence_pointed_back_to_is_said_when_it_holds_the_answer(chain):
    answer = chain.ask("What did Dorset introduce at its front door on 5 September 2016?")
    assert "Single Point of Access" in answer.text
    assert (DORSET16, "2.1") in _cited(answer)


@pytest.mark.integration
def test_trouble_with_the_law_finds_offending(chain):
    answer = chain.ask("What does Darlington's cabinet paper say about looked after young people "
                       "getting into trouble with the law?")
    assert "who offend" in answer.text
    assert (DARLINGTON, "Background Papers row 1") in _cited(answer)


@pytest.mark.integration
def test_sent_home_from_school_finds_exclusions(chain):
    answer = chain.ask("What did Ofsted say in 2011 about Dorset children in care being sent home from school?")
    assert "exclu" in answer.text
    assert (DORSET11, "99") in _cited(answer)


@pytest.mark.integration
def test_children_in_care_finds_the_count_of_children_looked_after(chain):
    # the 2011 report counts children 'looked after'; a reader asks how many were 'in care'
    answer = chain.ask("How many children were in care in Dorset in 2011?")
    assert "294 children and young people looked after" in answer.text
    assert (DORSET11, "8") in _cited(answer)
    assert "residential children's homes" not in answer.text  # 'care' beside a number is not the count


@pytest.mark.integration
def test_a_comparison_of_children_looked_after_reads_the_count_of_children_in_care(chain):
    # the 2020 self-evaluation says 'Children in Care': the same children, so the same measure
    answer = chain.ask("How many children were looked after by Dorset in 2011 compared with 2020?")
    assert "294" in answer.text and "481 Children in Care" in answer.text
    assert "rose" in answer.text
    assert "gives no figure" not in answer.text


@pytest.mark.integration
def test_unemployed_finds_not_in_education_employment_or_training(chain):
    answer = chain.ask("How many of Poole's care leavers were unemployed in 2017?")
    assert "four care leavers were not in education, employment or training" in answer.text


@pytest.mark.integration
def test_running_away_finds_missing_from_care(chain):
    answer = chain.ask("What did Ofsted say about Dorset children who run away from care in 2011?")
    assert "missing from care" in answer.text
