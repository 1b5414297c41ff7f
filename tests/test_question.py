"""Reading questions, naming sources, splitting sentences: pure functions, inline examples."""
from __future__ import annotations

import pytest

from core.errors import QuestionError
from core.model import Kind, Paragraph, ReportMeta, Voice
from core.sentences import sentences
from rag.citations import label, source_line
from rag.model import Filters
from rag.question import answer_type, check, filters_for, read, role_asked


def meta(doc_id, authority, year, voice, publisher="Ofsted", title="A report"):
    return ReportMeta(doc_id, title, authority, year, publisher, "x", voice, f"{doc_id}.txt")


LIBRARY = [
    meta("d11", "Dorset County Council", 2011, Voice.OFSTED,
         title="Inspection of safeguarding and looked after children services: Dorset"),
    meta("d16", "Dorset County Council", 2016, Voice.COMMITTEE_PAPER, "Dorset County Council Cabinet"),
    meta("d20", "Dorset Council", 2020, Voice.SELF_EVALUATION, "Dorset Council"),
    meta("p17", "Borough of Poole", 2017, Voice.OFSTED),
]


def para(locator, kind=Kind.PARAGRAPH):
    return Paragraph("x", locator, (), kind, "text", 0)


@pytest.mark.parametrize("locator, expected", [
    ("75", "Ofsted, Dorset 2011, para 75"),
    ("19 item 3", "Ofsted, Dorset 2011, para 19 item 3"),
    ("Being healthy grade", "Ofsted, Dorset 2011, Being healthy grade"),
])
def test_labels_for_an_ofsted_report(locator, expected):
    assert label(LIBRARY[0], para(locator)) == expected


def test_labels_for_council_papers():
    assert label(LIBRARY[1], para("3.4")) == "Dorset Cabinet 2016, para 3.4"
    assert label(LIBRARY[2], para("4.9 b ¶2")) == "Dorset self-evaluation 2020, 4.9 b ¶2"
    assert source_line(LIBRARY[0], para("75")) == (
        "Ofsted (2011) Inspection of safeguarding and looked after children services: Dorset, paragraph 75")


def test_councils_years_and_kinds_of_report_are_read():
    q = read("What did the Dorset cabinet paper say in 2016 about private fostering?", LIBRARY)
    assert q.places == ("Dorset",) and q.unknown_places == () and q.years == (2016,)
    assert q.voice == "committee-paper" and q.intent == "text"
    f = filters_for(q, Filters(), LIBRARY)
    assert (f.authority, f.year, f.voice) == ("Dorset", 2016, "committee-paper")
    assert [m.doc_id for m in LIBRARY if f.allows(m)] == ["d16"]


def test_the_date_of_a_figure_is_not_the_year_of_a_report():
    # figures 'at 31 December 2017' are printed by a report published in 2018
    assert read("How many children had a child protection plan in Dorset at 31 December 2017?", LIBRARY).years == ()
    assert read("How many children had a plan in Dorset's 2017 report?", LIBRARY).years == (2017,)
    assert read("What did Ofsted find on 27 November 2023 in Dorset?", LIBRARY).years == (2023,)


def test_a_financial_or_academic_year_is_the_report_of_its_closing_year():
    q = read("Did Dorset approve more adoptive families in 2019/20 than it had aimed to?", LIBRARY)
    assert q.years == (2020,)
    assert [m.doc_id for m in LIBRARY if filters_for(q, Filters(), LIBRARY).allows(m)] == ["d20"]
    assert read("How many children were adopted in Dorset in 2019-2020?", LIBRARY).years == (2020,)  # one period
    assert read("What changed in Poole in 2016-17?", LIBRARY).years == (2017,)
    assert read("What changed in Dorset in 2016-17?", LIBRARY).years == (2016,)  # no Dorset report of 2017
    assert read("How did Dorset change between 2011 and 2016?", LIBRARY).years == (2011, 2016)
    assert read("How did Dorset change from 2011-2016?", LIBRARY).years == (2011, 2016)  # a span, not a period
    assert read("Children adopted in 1999/00?", LIBRARY).years == (2000,)
    # a report looking ahead: no Dorset report of 2021, so '2020/21' is the 2020 paper's current year
    assert read("What income did Dorset expect by the end of 2020/21?", LIBRARY).years == (2020,)


@pytest.mark.parametrize("question, years", [
    # a financial or school year is reported at its end: the 2020 self-evaluation gives 2019/20's figures
    ("Did Dorset approve more adoptive families in 2019/20 than it had aimed to?", (2020,)),
    ("What was the caseload in 2018-19?", (2019,)),
    ("How many children were in care in 1999/00?", (2000,)),
    # a plan's term names no report's year; two years in full are two years
    ("What are the priorities of the Children, Young People and Families Plan 2020-23?", ()),
    ("How did placement stability change from 2011-2016?", (2011, 2016)),
])
def test_a_financial_or_school_year_is_the_year_that_reports_it(question, years):
    assert read(question, LIBRARY).years == years


@pytest.mark.parametrize("question, whole_list", [
    ("Within how many hours should return home interviews happen, according to Ofsted's recommendations?", False),
    ("By when did Ofsted recommend that plans be reviewed?", False),
    ("How many recommendations did Ofsted make for Poole in 2017?", True),
    ("How many of the recommendations were about care leavers?", True),
    ("List every recommendation Ofsted made for Poole.", True),
    ("Which of the improvement actions Ofsted set for Dorset involved the police?", False),
])
def test_a_figure_asked_of_a_recommendation_is_in_it_not_the_whole_list(question, whole_list):
    q = read(question, LIBRARY)
    assert q.intent == "recommendation" and q.wants_list is whole_list


def test_a_place_covers_every_council_of_that_name_and_lower_case_is_fine():
    f = filters_for(read("what does poole say about adoption?", LIBRARY), Filters(), LIBRARY)
    assert [m.doc_id for m in LIBRARY if f.allows(m)] == ["p17"]
    f = filters_for(read("Dorset's social workers", LIBRARY), Filters(), LIBRARY)
    assert [m.doc_id for m in LIBRARY if f.allows(m)] == ["d11", "d16", "d20"]


def test_a_council_not_in_the_library_is_noticed():
    q = read("What grade did Ofsted give Leeds in 2015?", LIBRARY)
    assert q.unknown_places == ("Leeds",) and q.intent == "grade"
    assert read("Is Reading mentioned, reading the report?", LIBRARY).places == ("Reading",)


def test_intent_list_and_topic():
    q = read("What were Poole's recommendations in 2017?", LIBRARY)
    assert (q.intent, q.wants_list, q.topic) == ("recommendation", True, ())
    q = read("What grade did Ofsted give Dorset for being healthy in 2011?", LIBRARY)
    assert q.intent == "grade" and q.topic == ("healthi",)
    q = read("Which areas were judged good in Darlington?", LIBRARY)
    assert q.grades == ("good",) and q.wants_list


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x07", "???", "x" * 101])
def test_questions_that_cannot_be_asked(bad):
    with pytest.raises(QuestionError):
        check(bad, max_chars=100)


def test_control_characters_are_removed():
    assert check("What\x00 grade\tdid\nDorset get?", 100) == "What grade did Dorset get?"


def test_sentences_keep_abbreviations_and_numbers_together():
    text = "Ofsted said e.g. Dorset is good. The council (para. 3) agreed! Rates fell to 3.4 per cent. Last one"
    assert sentences(text) == ["Ofsted said e.g. Dorset is good.", "The council (para. 3) agreed!",
                               "Rates fell to 3.4 per cent.", "Last one"]


def test_how_did_ofsted_rate_is_a_grade_question_but_a_rate_of_is_not():
    assert read("How did Ofsted rate Dorset's safeguarding services in 2011?", LIBRARY).intent == "grade"
    assert read("What did the report say about the rate of re-referrals in Poole?", LIBRARY).intent == "text"


def test_which_area_with_a_grade_wants_every_area_with_it():
    q = read("Which outcome did Ofsted judge only adequate in Dorset in 2011?", LIBRARY)
    assert q.grades == ("adequate",) and q.wants_list


def test_a_comparison_searches_both_sides_and_no_kind_of_report_narrows_it():
    q = read("How did Dorset in 2011 compare with Poole in 2017 on adoption?", LIBRARY)
    f = filters_for(q, Filters(), LIBRARY)
    assert (f.authority, f.places, f.year, f.years) == (None, ("Dorset", "Poole"), None, (2011, 2017))
    assert [m.doc_id for m in LIBRARY if f.allows(m)] == ["d11", "p17"]
    q = read("How did Dorset's numbers change between the 2011 inspection and the 2020 self-evaluation?", LIBRARY)
    f = filters_for(q, Filters(), LIBRARY)
    assert f.voice is None and [m.doc_id for m in LIBRARY if f.allows(m)] == ["d11", "d20"]


def test_a_year_names_the_report_that_came_out_in_it_when_no_publication_date_is_printed():
    import dataclasses

    # ILACS reports print their inspection dates only; one inspected 8-19 November 2021
    # came out in January 2022, and staff call it the 2022 report.
    ilacs = dataclasses.replace(meta("w", "Wakefield", 2021, Voice.OFSTED),
                                inspection_start="2021-11-08", inspection_end="2021-11-19")
    assert [y for y in (2020, 2021, 2022, 2023) if Filters(year=y).allows(ilacs)] == [2021, 2022]
    early = dataclasses.replace(ilacs, inspection_start="2021-06-07", inspection_end="2021-06-18")
    assert [y for y in (2021, 2022) if Filters(year=y).allows(early)] == [2021]
    # a printed publication date is the one used
    printed = dataclasses.replace(ilacs, published="2021-12-20")
    assert [y for y in (2021, 2022) if Filters(year=y).allows(printed)] == [2021]


def test_an_answer_names_the_role_asked_with_its_qualifiers():
    def role_kept(question, text):
        return role_asked(question).named_by(text)

    asked = "Who was Poole's director of children's services at the time of the 2017 inspection?"
    assert role_kept(asked, "The director of children's services, Jan Thurgood, took up post in 2016.")
    assert role_kept(asked, "Directors have changed twice since the last inspection.")  # a word's other form
    assert not role_kept(asked, "It works closely with the Children in Care Council and scrutiny panel.")
    assert not role_kept(asked, "Lead inspector: Marcie Taylor HMI")
    assert not role_kept("Who was the deputy lead inspector?", "Lead inspector: Marcie Taylor HMI")
    assert role_kept("Who was the deputy lead inspector?", "Deputy lead inspector: Linda Steele HMI")
    assert role_kept("Who led the inspection?", "Lead inspector: Marcie Taylor HMI")  # no role named: any person


@pytest.mark.parametrize("question, yes_no", [
    ("Was the LSCB judged good?", True),
    ("Did the inspection find any cases where children were unsafe?", True),
    ("In Dorset's 2020 self-evaluation, were all conferences held on time?", True),
    ("Was leadership judged good or better?", True),
    ("Was leadership judged good or adequate?", False),  # a choice, not a yes or a no
    ("What grade was leadership given?", False),
    ("How many areas were good?", False),
])
def test_a_yes_no_question_is_told_by_its_opening_verb(question, yes_no):
    assert read(question, LIBRARY).polar is yes_no


@pytest.mark.parametrize("question, rank", [
    ("Which outcome area came out weakest?", "worst"),
    ("What was the best grade Darlington got?", "best"),
    ("What was the lowest grade any area received?", "worst"),
    ("Which was Poole's strongest area in 2017?", "best"),
    ("Where did Dorset do best in 2011?", "best"),
    ("What is in the best interests of children in care?", ""),
    ("How many of the judgements came out as good?", ""),
])
def test_a_superlative_over_judgements_is_told_from_best_interests(question, rank):
    assert read(question, LIBRARY).rank == rank


def test_a_who_after_how_many_starts_a_clause_and_asks_no_person():
    assert answer_type("How many of Dorset's young people who had left care were at university?") == "number"
    assert answer_type("Who led Poole's 2017 inspection?") == "person"
    assert answer_type("In 2011, who was the lead inspector?") == "person"


@pytest.mark.parametrize("question, kind", [
    # a clause setting the scene asks nothing: the question follows its comma
    ("When partners mapped where children are at risk, which part of the county had most hotspots?", None),
    ("When Ofsted inspected Dorset in 2011, how many children were looked after?", "number"),
    ("If a child needs a medical examination, who arranges it?", "person"),
    ("Before the 2011 inspection, when had services last been rated adequate?", "date"),
    ("When did Ofsted inspect Poole?", "date"),
    # a sum of money asked for, in other words than 'budget'
    ("How much money did the programme expect to bring in?", "money"),
    ("What income did the scheme secure?", "money"),
    ("How much was Dorset spending on transport for children in care?", "money"),
    ("How much a year had Dorset set aside in a fund for care leavers?", "money"),
])
def test_what_a_question_asks_is_read_from_its_own_clause(question, kind):
    assert answer_type(question) == kind
