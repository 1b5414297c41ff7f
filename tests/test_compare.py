"""Comparisons as composed answers (rag/compare.py): the sides read from the question,
then, on the real corpus, each side answered with its own citation, a side no report
answers named, and the direction stated."""
from __future__ import annotations

from dataclasses import replace

import pytest

from core.model import ReportMeta, Voice
from rag import compare
from rag.compare import Side, SideAnswer, Value, compose
from rag.model import Filters, Hit
from rag.question import read

# The five reports' metadata as the corpus manifest gives them (pure tests need no index).
LIBRARY = [
    ReportMeta("dorset-2011", "Inspection: Dorset", "Dorset County Council", 2011, "Ofsted", "inspection report",
               Voice.OFSTED, "a.txt", "inspection 12-23 September 2011; published 28 October 2011"),
    ReportMeta("dorset-2016", "Post Ofsted Progress", "Dorset County Council", 2016, "Dorset County Council Cabinet",
               "council report", Voice.COMMITTEE_PAPER, "b.txt", "meeting of 7 September 2016"),
    ReportMeta("poole-2017", "Inspection: Poole", "Borough of Poole", 2017, "Ofsted", "inspection report",
               Voice.OFSTED, "c.txt", "inspection 11 September - 5 October 2017"),
    ReportMeta("dorset-2020", "Self-evaluation", "Dorset Council", 2020, "Dorset Council", "self-evaluation",
               Voice.SELF_EVALUATION, "d.txt", "September 2020"),
    ReportMeta("darlington-2012", "Inspection summary", "Darlington Borough Council", 2012,
               "Darlington Borough Council", "council report", Voice.COMMITTEE_PAPER, "e.txt",
               "Ofsted inspection from 14 November 2011; Ofsted report dated 4 January 2012"),
]


def sides_of(text: str, given: Filters = Filters()) -> list[tuple[str, frozenset[str]]]:
    """Each side's label and the reports it allows."""
    found = compare.sides(read(text, LIBRARY), given, LIBRARY)
    return [(s.label, frozenset(m.doc_id for m in LIBRARY if s.filters.allows(m))) for s in found]


# -- reading the sides (pure) -----------------------------------------------------------------
def test_two_councils_each_take_the_year_named_beside_them():
    assert sides_of("How did Ofsted's leadership judgement for Dorset in 2011 compare with its leadership "
                    "judgement for Poole in 2017?") == [
        ("Dorset 2011", {"dorset-2011"}), ("Poole 2017", {"poole-2017"})]


def test_a_year_said_before_the_councils_is_every_sides():
    assert sides_of("Which council had more looked after children at its 2011 inspection, Dorset or Darlington?") == [
        ("Dorset 2011", {"dorset-2011"}), ("Darlington 2011", {"darlington-2012"})]


def test_two_years_of_one_council_with_the_kind_of_report_named_beside_each():
    assert sides_of("How did the number of children looked after by Dorset change between the 2011 inspection "
                    "and the 2020 self-evaluation?") == [
        ("Dorset 2011", {"dorset-2011"}), ("Dorset 2020 self-evaluation", {"dorset-2020"})]
    assert sides_of("On private fostering, how did Dorset's position in its 2016 cabinet paper compare with what "
                    "Ofsted found in Poole in 2017?") == [
        ("Dorset 2016 committee paper", {"dorset-2016"}), ("Poole 2017", {"poole-2017"})]


def test_a_year_no_report_is_from_is_told_by_the_councils_later_reports():
    got = sides_of("How had Dorset's services for children in care changed between the December 2007 Joint Area "
                   "Review and the 2011 inspection?")
    assert got[0] == ("Dorset 2007", {"dorset-2011", "dorset-2016", "dorset-2020"})
    assert [s.earlier for s in compare.sides(read(
        "How did Dorset's grade change between the 2007 review and the 2011 inspection?", LIBRARY), Filters(),
        LIBRARY)] == [True, False]
    assert got[1] == ("Dorset 2011", {"dorset-2011"})


def test_more_of_one_or_the_other_is_a_comparison():
    assert sides_of("Did inspectors look at more case files in Dorset in 2011 or in Darlington?") == [
        ("Dorset 2011", {"dorset-2011"}), ("Darlington 2011", {"darlington-2012"})]


def test_each_side_is_asked_on_its_own():
    q = ("How did the number of children looked after by Dorset change between the 2011 inspection and the 2020 "
         "self-evaluation?")
    assert [s.question for s in compare.sides(read(q, LIBRARY), Filters(), LIBRARY)] == [
        "How did the number of children looked after by Dorset the 2011 inspection?",
        "How did the number of children looked after by Dorset the 2020?"]  # its filters name the kind
    q = "Which had more care leavers: Poole at the 2017 inspection or Dorset in 2020?"  # each side's count
    assert [s.question for s in compare.sides(read(q, LIBRARY), Filters(), LIBRARY)] == [
        "How many care leavers: Poole at the 2017 inspection?",
        "How many care leavers: Dorset in 2020?"]
    # the other side's inspection is its naming, not this side's topic ('or in at its inspection');
    # a yes/no frame becomes each side's count ('Did inspectors read how many ...?' asks neither)
    q = "Did inspectors read more case files in Dorset in 2011 or in Darlington at its inspection?"
    assert [s.question for s in compare.sides(read(q, LIBRARY), Filters(), LIBRARY)] == [
        "How many case files in Dorset in 2011 did inspectors read?",
        "How many case files in Darlington at its inspection did inspectors read?"]
    q = "In 2011, were there more children in care in Dorset than in Darlington?"
    assert [s.question for s in compare.sides(read(q, LIBRARY), Filters(), LIBRARY)] == [
        "In 2011, how many children in care in Dorset were there?",
        "In 2011, how many children in care in Darlington were there?"]
    # what is compared, said inside the first side's part, is the elided side's question too
    q = "Was Poole's overall grade in 2017 worse than Darlington's?"
    assert [s.question for s in compare.sides(read(q, LIBRARY), Filters(), LIBRARY)] == [
        "Was Poole's overall grade in 2017 worse?", "Was overall grade in worse than Darlington's?"]
    q = "How did Dorset's and Darlington's overall effectiveness grades compare?"  # the topic trails the last side
    assert [s.question for s in compare.sides(read(q, LIBRARY), Filters(), LIBRARY)] == [
        "How did Dorset's and overall effectiveness grades?", "How did Darlington's overall effectiveness grades?"]


def test_two_kinds_of_report_of_one_council():
    assert sides_of("Does Dorset's self-evaluation agree with the cabinet paper on private fostering?") == [
        ("Dorset self-evaluation", {"dorset-2020"}), ("Dorset committee paper", {"dorset-2016"})]


def test_not_a_comparison_or_not_two_sides():
    assert sides_of("What was planned for April 2017 in the 2016 Dorset cabinet paper?") == []  # no comparing words
    assert sides_of("Were more Dorset care leavers in suitable accommodation than the national average in 2011?") == []
    assert sides_of("How did Dorset compare with Poole?", Filters(doc_id="dorset-2011")) == []  # one report chosen
    # two names of one report: Darlington's inspection from November 2011, reported in 2012
    assert sides_of("Did Darlington's grades change between 2011 and 2012?") == []


def test_a_council_the_library_does_not_hold_is_a_side_with_no_reports():
    assert sides_of("How did Dorset's care leavers compare with Leeds's in 2011?") == [
        ("Dorset 2011", {"dorset-2011"}), ("Leeds 2011", frozenset())]


# -- composing (pure) ---------------------------------------------------------------------------
def test_values_read_from_a_sides_sentences():
    q = read("Which had the higher rate of children on child protection plans: Poole or Dorset?", LIBRARY)
    assert compare.side_values(q, ["41 per 10,000 children were on a plan at 1 July 2020."]) == [
        Value("41 per 10,000", 41.0, "per 10,000")]
    u = read("How many care leavers were at university in Dorset in 2011 compared with 2020?", LIBRARY)
    assert [v.amount for v in compare.side_values(u, ["Dorset has 13 care leavers at university in September 2011."])
            ] == [13]
    assert [v.amount for v in compare.side_values(u, ["an additional fifty case files"])] == [50]
    assert compare.side_values(u, ["For example, one social worker said so."]) == []  # 'one' is no count
    assert compare.side_values(u, ["Exclusions in Years 9, 10 and 11 of pupils at Level 4 (grade 2)."]) == []
    # a figure of time is how long, not how many; a rate asked for is no count
    assert compare.side_values(u, ["Of these plans, 23 ended in less than 3 months."]) == [Value("23", 23.0)]
    assert compare.side_values(q, ["106 children (a rate of 35 per 10,000)"]) == [
        Value("35 per 10,000", 35.0, "per 10,000")]
    # of several counts, the one of the thing asked about
    assert [v.amount for v in compare.side_values(u, [
        "We have 31 care leavers at University and 2 dedicated Personal Advisors working with them."])] == [31]
    # a total and then its parts: the total
    c = read("Were there more children in care in Dorset in 2020 than in 2011?", LIBRARY)
    assert [v.amount for v in compare.side_values(c, [
        "There were 294 children looked after comprising; 62 children under five and 202 children of school age."
    ])] == [294]
    g = read("How did Dorset's and Darlington's overall effectiveness grades compare?", LIBRARY)
    assert compare.side_values(g, ["Overall effectiveness: Requires improvement (grade 3)."]) == [
        Value("requires improvement", 3.0, "grade")]


def test_the_values_compared_are_of_the_one_unit_each_side_gives_once():
    q = read("Which had the higher rate of children on child protection plans: Poole or Dorset?", LIBRARY)
    poole = compare.side_values(q, ["106 children were the subject of a plan (a rate of 35 per 10,000 children)."])
    dorset = compare.side_values(q, ["23% of plans ended in 3 months and 17% in 6.", "The rate is 41 per 10,000."])
    assert compare.compared_values(poole, dorset) == (Value("35 per 10,000", 35.0, "per 10,000"),
                                                      Value("41 per 10,000", 41.0, "per 10,000"))
    assert compare.compared_values(poole, compare.side_values(q, ["23% and 17%"])) is None


def test_the_direction_is_stated_over_time_and_between_councils():
    d2011, d2020 = Side("Dorset 2011", Filters(), "Dorset", 2011), Side("Dorset 2020", Filters(), "Dorset", 2020)
    assert compare.comparison([d2020, d2011], (Value("485", 485.0), Value("294", 294.0))) == \
        "From Dorset 2011 to Dorset 2020 the figure rose: 294, then 485."
    assert compare.comparison([d2011, d2020], (Value("good", 2.0, "grade"), Value("adequate", 3.0, "grade"))) == \
        "From Dorset 2011 to Dorset 2020 the grade declined: good, then adequate."
    dorset, darl = Side("Dorset", Filters(), "Dorset"), Side("Darlington", Filters(), "Darlington")
    assert compare.comparison([dorset, darl], (Value("good", 2.0, "grade"), Value("adequate", 3.0, "grade"))) == \
        "Dorset was graded higher than Darlington (good against adequate)."
    assert compare.comparison([dorset, darl], (Value("adequate", 3.0, "grade"),
                                               Value("requires improvement", 3.0, "grade"))) == (
        "Dorset (adequate) and Darlington (requires improvement) were graded at the same level of Ofsted's "
        "four-point scale, under different frameworks.")
    assert compare.comparison([dorset, darl], (Value("35", 35.0), Value("41", 41.0))) == \
        "Dorset's figure (35) is lower than Darlington's (41)."


def test_a_yes_no_comparison_is_decided_by_the_values_as_it_claims():
    d2011, d2020 = Side("Dorset 2011", Filters(), "Dorset", 2011), Side("Dorset 2020", Filters(), "Dorset", 2020)
    counts = (Value("481", 481.0), Value("294", 294.0))  # in the sides' order: 2020, then 2011

    def said(question, sides_=(d2020, d2011), values=counts):
        return compare.verdict(read(question, LIBRARY), list(sides_), values)
    # the first side named against the second
    assert said("Did Dorset have more children in care in 2020 than in 2011?") == "Yes."
    assert said("Did Dorset have fewer children in care in 2020 than in 2011?") == "No."
    assert said("Were more children looked after in 2011 than in 2020?", (d2011, d2020), counts[::-1]) == "No."
    # a verb of change: the later year against the earlier, whichever is named first
    assert said("Did the number of children looked after rise between 2020 and 2011?") == "Yes."
    assert said("Did the number of children looked after fall between 2011 and 2020?", (d2011, d2020),
                counts[::-1]) == "No."
    assert said("Did Dorset have as many children in care in 2020 as in 2011?") == ""  # no direction claimed
    # grades: better is the lower rank
    dorset, darl = Side("Dorset", Filters(), "Dorset"), Side("Darlington", Filters(), "Darlington")
    grades = (Value("good", 2.0, "grade"), Value("adequate", 3.0, "grade"))
    assert said("Was Dorset judged better than Darlington in 2011?", (dorset, darl), grades) == "Yes."
    assert said("Was Dorset rated lower than Darlington?", (dorset, darl), grades) == "No."
    assert said("Did Dorset's grade improve between 2011 and 2020?", (d2011, d2020), grades) == "No."


def test_a_side_no_report_answers_is_named(make_report):
    report = make_report()
    q = read("Which had more care leavers, Dorset in 2011 or Poole in 2017?", LIBRARY)
    hit = Hit(report.meta, report.paragraphs[1], score=1.0)
    answers = [SideAnswer(Side("Dorset 2011", Filters(), "Dorset", 2011), (("There were 40 care leavers.", (hit,)),),
                          (report.meta,)),
               SideAnswer(Side("Poole 2017", Filters(), "Poole", 2017), (), (LIBRARY[2],))]
    draft, hits = compose(q, answers)
    assert draft.sentences == (("Ofsted, Dorset 2011: There were 40 care leavers.", (0,)),) and hits == [hit]
    assert draft.note == "Ofsted, Poole 2017 gives no figure for this." and draft.compared and not draft.joint
    # a side whose sentences hold no figure gives none: what they say stays, and that is said
    answers[1] = replace(answers[1], sentences=(("One social worker said the caseloads were fine.", (hit,)),))
    draft, _ = compose(q, answers)
    assert len(draft.sentences) == 2 and draft.note == "Ofsted, Poole 2017 gives no figure for this."


def test_no_direction_between_figures_of_different_things(make_report):
    report = make_report()
    hit = Hit(report.meta, report.paragraphs[1], score=1.0)
    q = read("How many care leavers were at university in Dorset in 2011 compared with 2020?", LIBRARY)
    d2011, d2020 = Side("Dorset 2011", Filters(), "Dorset", 2011), Side("Dorset 2020", Filters(), "Dorset", 2020)

    def composed(then: str, now: str):
        return compose(q, [SideAnswer(d2011, ((then, (hit,)),), (report.meta,)),
                           SideAnswer(d2020, ((now, (hit,)),), (report.meta,))])[0]
    same = composed("Dorset has 13 care leavers attending university.", "We have 31 care leavers at University.")
    assert same.sentences[-1][0] == "From Dorset 2011 to Dorset 2020 the figure rose: 13, then 31." and same.joint
    other = composed("Dorset has 13 care leavers attending university.", "We have 262 care leavers in all.")
    assert len(other.sentences) == 2 and not other.joint


def test_a_side_answers_with_a_figure_of_the_same_kind_as_the_other_sides(make_report):
    """One side quotes a figure of another thing (a count of leaving-care services, a
    percentage of plans ended): the sentence its own search found giving one figure of the
    other side's unit, about the same of the question's words, is its answer instead."""
    then = make_report("d2011", [("1", (), "Dorset has 13 care leavers attending university.")])
    now = make_report("d2020", [("2", (), "We have 262 young people receiving leaving care services."),
                                ("3", (), "There are achievements. We have 31 care leavers at University.")],
                      year=2020)
    q = read("How many of Dorset's care leavers were at university in 2011, compared with 2020?", LIBRARY)
    d2011, d2020 = Side("Dorset 2011", Filters(), "Dorset", 2011), Side("Dorset 2020", Filters(), "Dorset", 2020)
    hits = {r.meta.doc_id: [Hit(r.meta, p, score=1.0) for p in r.paragraphs] for r in (then, now)}
    answers = [SideAnswer(d2011, ((then.paragraphs[0].text, (hits["d2011"][0],)),), (then.meta,),
                          found=tuple(hits["d2011"])),
               SideAnswer(d2020, ((now.paragraphs[0].text, (hits["d2020"][0],)),), (now.meta,),
                          found=tuple(hits["d2020"]))]
    got = compare.alike(q, answers)
    assert got[0] == answers[0]
    assert got[1].sentences == (("We have 31 care leavers at University.", (hits["d2020"][1],)),)
    draft, _ = compose(q, answers)
    assert draft.sentences[-1][0] == "From Dorset 2011 to Dorset 2020 the figure rose: 13, then 31."
    # no sentence of the same kind found: the side keeps its answer, and no direction is stated
    alone = [answers[0], replace(answers[1], found=tuple(hits["d2020"][:1]))]
    assert compare.alike(q, alone) == alone and not compose(q, alone)[0].joint


# -- on the real corpus: each side answered with its own citation, then composed ------------------
DORSET11 = "dorset-2011-ofsted-safeguarding-lac-inspection"
DORSET20 = "dorset-2020-self-evaluation"
POOLE17 = "poole-2017-ofsted-sif-inspection-and-lscb-review"
DARLINGTON = "darlington-2012-cabinet-inspection-summary"


def cited_by(answer, doc_id: str) -> list:
    return [c for c in answer.citations if c.doc_id == doc_id]


def sentence_citing(answer, *doc_ids: str):
    """The answer's sentences citing each of ``doc_ids`` (and no other report)."""
    by_n = {c.n: c.doc_id for c in answer.citations}
    return [s for s in answer.sentences if {by_n[n] for n in s.citations} == set(doc_ids)]


@pytest.mark.integration
def test_two_councils_grades_compared_each_cited(chain):
    answer = chain.ask("Was the overall effectiveness of safeguarding services better in Dorset's 2011 "
                       "inspection or in Darlington's?")
    assert not answer.abstained, answer.text
    dorset, darlington = sentence_citing(answer, DORSET11), sentence_citing(answer, DARLINGTON)
    assert dorset and darlington, answer.text
    assert any("good" in s.text.lower() for s in dorset) and any("adequate" in s.text.lower() for s in darlington)
    # the direction, in a sentence citing both sides
    (stated,) = sentence_citing(answer, DORSET11, DARLINGTON)
    assert stated.text == "Dorset 2011 was graded higher than Darlington 2011 (good against adequate).", stated.text


@pytest.mark.integration
def test_one_council_two_years_across_report_types(chain):
    answer = chain.ask("How many care leavers were at university in Dorset in 2011 compared with the 2020 "
                       "self-evaluation?")
    assert not answer.abstained, answer.text
    then, now = sentence_citing(answer, DORSET11), sentence_citing(answer, DORSET20)
    assert any(" 13 care leavers" in s.text for s in then) and any(" 31 care leavers" in s.text for s in now)
    assert answer.text.index("13") < answer.text.index("31")  # the sides in the order asked
    (stated,) = sentence_citing(answer, DORSET11, DORSET20)
    assert stated.text == "From Dorset 2011 to Dorset 2020 self-evaluation the figure rose: 13, then 31."


@pytest.mark.integration
def test_two_councils_figures_the_direction_stated(chain):
    answer = chain.ask("Which had the higher rate of children subject to a child protection plan, Poole in 2017 "
                       "or Dorset in 2020?")
    assert any("35 per 10,000" in s.text for s in sentence_citing(answer, POOLE17)), answer.text
    assert any("41 per 10,000" in s.text for s in sentence_citing(answer, DORSET20)), answer.text
    (stated,) = sentence_citing(answer, POOLE17, DORSET20)
    assert stated.text == "Poole 2017's figure (35 per 10,000) is lower than Dorset 2020's (41 per 10,000)."


@pytest.mark.integration
def test_a_side_the_reports_do_not_answer_is_named_not_dropped(chain):
    from evals.metrics import NOT_GIVEN

    answer = chain.ask("How did Ofsted's judgement of the Local Safeguarding Children Board in Poole in 2017 "
                       "compare with its judgement of Darlington's board?")
    assert not answer.abstained, answer.text
    assert any("good" in s.text.lower() for s in sentence_citing(answer, POOLE17)), answer.text
    assert not cited_by(answer, DARLINGTON)  # nothing cited for a side with no answer ...
    assert "Darlington Council 2012 gives no grade for this." in answer.text  # ... but named
    assert NOT_GIVEN.search(answer.text.lower())
    assert not sentence_citing(answer, POOLE17, DARLINGTON)  # no direction with one side missing


@pytest.mark.integration
def test_a_council_the_library_does_not_hold_is_named(chain):
    answer = chain.ask("How did the number of care leavers in Poole in 2017 compare with Leeds?")
    assert "The library holds no report for Leeds 2017" in answer.text, answer.text


@pytest.mark.integration
def test_a_sides_grade_question_finds_the_area_by_the_names_staff_give_it(chain):
    """'leadership' is SIF's 'Leadership, management and governance' (impact_of_leaders);
    'services for children in care' is 2009-2013's looked after children services."""
    answer = chain.ask("Was leadership judged better at Darlington's 2011 inspection or at Poole's in 2017?")
    assert any("requires improvement" in s.text.lower() for s in sentence_citing(answer, POOLE17)), answer.text
    assert any("adequate" in s.text.lower() for s in sentence_citing(answer, DARLINGTON)), answer.text
    answer = chain.ask("How did the judgement of Dorset's services for children in care in 2011 compare with "
                       "Poole's in 2017?")
    dorset = " ".join(s.text for s in sentence_citing(answer, DORSET11))
    assert "overall effectiveness of services for looked after children" in dorset and "good" in dorset, answer.text
    assert "safeguarding" not in dorset.lower(), answer.text  # not the safeguarding services' judgement
    assert any("requires improvement" in s.text.lower() for s in sentence_citing(answer, POOLE17)), answer.text


@pytest.mark.integration
def test_each_side_gives_a_figure_of_the_same_kind(chain):
    """The 2020 side's first pick is a percentage of plans ended; the rate per 10,000 its
    search also found is what the 2017 side's figure is."""
    answer = chain.ask("Which rate of children subject to a child protection plan was higher, Poole's at "
                       "September 2017 or Dorset's in 2020?")
    assert any("41 per 10,000" in s.text for s in sentence_citing(answer, DORSET20)), answer.text
    assert any("35 per 10,000" in s.text for s in sentence_citing(answer, POOLE17)), answer.text
    (stated,) = sentence_citing(answer, POOLE17, DORSET20)
    assert "35 per 10,000" in stated.text and "41 per 10,000" in stated.text, stated.text


def test_each_side_counts_the_thing_compared(chain):
    """Figure comparisons: each side asked 'How many ...' keeps the sentence with a figure
    of the thing compared (case files for 'case records'; care leavers at university, not
    all care leavers), and the direction is stated only between two such figures."""
    answer = chain.ask("Were more children's case records examined by inspectors in Darlington or in Dorset in 2011?")
    assert "fifty case files" in answer.text and "43 case files" in answer.text
    answer = chain.ask("How many Dorset care leavers were at university in 2011 compared with 2020?")
    assert "13 care leavers" in answer.text and "31 care leavers" in answer.text and "262" not in answer.text
    assert "rose: 13, then 31" in answer.text
    answer = chain.ask("Which council had more care leavers, Dorset in 2020 or Poole in 2017?")
    assert "125 care leavers" in answer.text and "262" in answer.text
    assert "(262) is higher than" in answer.text


@pytest.mark.integration
def test_one_sentence_telling_both_sides_is_said_once(chain):
    """A year before any report, told by the other side's report ('from eight in 2008 to 70')."""
    answer = chain.ask("Did Dorset increase its number of early years professionals between 2008 and the 2011 "
                       "inspection, and by how much?")
    assert answer.text.count("from eight in 2008 to 70") == 1 and len(answer.citations) == 1


@pytest.mark.integration
def test_the_grade_compared_is_asked_of_the_elided_side(chain):
    """'... worse than Darlington's?': Darlington's side asks its overall grade too."""
    answer = chain.ask("Was Poole's overall grade in 2017 worse than Darlington's?")
    assert answer.text.startswith("No.") and "Overall effectiveness (Safeguarding services): adequate" in answer.text
    assert "same level" in answer.text


@pytest.mark.integration
def test_a_yes_no_comparison_is_answered_by_the_values_compared(chain):
    """'Were more ... in 2011 than in 2020?': the yes or no is the comparison's, decided by the
    two sides' figures (each cited), never read off one side's sentence."""
    answer = chain.ask("Were more children looked after by Dorset in 2011 than in 2020?")
    assert answer.text.startswith("No.")
    assert "294" in answer.text and "481" in answer.text and "rose: 294, then 481" in answer.text
    # in a reader's words: care leavers have left care, and 294 is the total its parts follow
    answer = chain.ask("Were there more children in care in Dorset in 2020 than in 2011?")
    assert answer.text.startswith("Yes.") and "rose: 294, then 481" in answer.text and "148" not in answer.text
    answer = chain.ask("Did the number of children looked after by Dorset rise between 2011 and 2020?")
    assert answer.text.startswith("Yes.")
    assert "294 children and young people" in answer.text  # not 'the five Dorset learning centres'
