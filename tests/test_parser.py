"""The parser rebuilds each report's printed structure.

Three kinds of test: short inline examples of each rule, pins on the real corpus
(the numbers a citation depends on), and properties that must hold for any text.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.grades import FRAMEWORKS
from core.model import Kind, ReportMeta, Voice
from core.textnorm import is_subsequence, normalise, words
from ingest.manifest import load_manifest, meta_for
from ingest.parser import parse

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DORSET11 = "dorset-2011-ofsted-safeguarding-lac-inspection"
DORSET16 = "dorset-2016-cabinet-post-ofsted-progress"
DORSET20 = "dorset-2020-self-evaluation"
POOLE17 = "poole-2017-ofsted-sif-inspection-and-lscb-review"
DARLO12 = "darlington-2012-cabinet-inspection-summary"
ALL = [DORSET11, DORSET16, POOLE17, DORSET20, DARLO12]


def meta(voice=Voice.OFSTED, year=2011, title="A report") -> ReportMeta:
    return ReportMeta("doc", title, "Dorset County Council", year, "Ofsted", "inspection report", voice, "doc.txt")


def corpus_report(doc_id: str):
    path = CORPUS / f"{doc_id}.txt"
    text = path.read_text(encoding="utf-8")
    return parse(text, meta_for(path, text, load_manifest(CORPUS))), text


@pytest.fixture(scope="module")
def reports():
    return {d: corpus_report(d)[0] for d in ALL}


def locators(report):
    return [p.locator for p in report.paragraphs]


# --- inline examples -------------------------------------------------------------------
def test_numbered_paragraph_split_by_page_break_is_rejoined():
    text = "Overall effectiveness\n\n1. The council is good and\n\nimproving quickly.\n2. Second.\n"
    r = parse(text, meta())
    assert [(p.locator, p.text) for p in r.paragraphs] == [
        ("1", "The council is good and improving quickly."),
        ("2", "Second."),
    ]


def test_unnumbered_block_after_numbered_paragraph_belongs_to_it():
    text = "1. The proportion attaining well at Key Stage 2 in\n\nEnglish and mathematics remains higher.\n\n2. Next.\n"
    r = parse(text, meta())
    assert r.paragraph("1").text.endswith("Key Stage 2 in English and mathematics remains higher.")


def test_grade_line_under_heading_becomes_a_judgement():
    text = "Being healthy\n\nGrade 3 (adequate)\n\n75. Health outcomes are adequate.\n"
    r = parse(text, meta())
    (j,) = r.judgements
    assert (j.area, j.grade, j.grade_number, j.grade_printed) == ("Being healthy", "adequate", 3, "Grade 3 (adequate)")
    assert r.paragraph(j.locator).kind is Kind.GRADE
    assert j.framework == FRAMEWORKS["safeguarding_lac"]


def test_inline_bold_grade_after_heading():
    text = "Leadership and management**Grade 2 (good)**\n\n116. Leadership is good.\n"
    (j,) = parse(text, meta()).judgements
    assert (j.area, j.grade) == ("Leadership and management", "good")


def test_decimal_numbers_stay_decimal_and_appendix_numbering_is_prefixed():
    text = ("1. Introduction\n\n- 1.1 First point.\n- 1.2 Second point.\n\nAppendix 1\n\n"
            "Recommendations from the Ofsted Report\n\n1. Prioritise oversight.\n2. Improve plans.\n")
    r = parse(text, meta(Voice.COMMITTEE_PAPER, 2016))
    assert locators(r) == ["1.1", "1.2", "Appendix 1 para 1", "Appendix 1 para 2"]
    assert r.paragraph("1.1").heading_path == ("Introduction",)
    assert [x.text for x in r.recommendations] == ["Prioritise oversight.", "Improve plans."]


def test_lettered_subsections_count_unnumbered_paragraphs():
    text = "4. PRACTICE\n\n4.9 Children in Care\n\na. Our approach\n\nFirst.\n\nSecond.\n\nb. Health\n\nThird.\n"
    r = parse(text, meta(Voice.SELF_EVALUATION, 2020))
    assert locators(r) == ["4.9 a ¶1", "4.9 a ¶2", "4.9 b ¶1"]
    assert r.paragraph("4.9 b ¶1").heading_path == ("PRACTICE", "Children in Care", "Health")


def test_list_items_belong_to_their_paragraph_with_timescales():
    text = ("Areas for improvement\n\n19. The council should take the following action.\n\nImmediately:\n\n"
            "- Dorset County Council to ensure visits are recorded\n\nWithin three months:\n\n"
            "- NHS Dorset to review procedures\n")
    r = parse(text, meta())
    assert locators(r) == ["19", "19 item 1", "19 item 2"]
    assert [(x.timescale, x.responsible, x.locator) for x in r.recommendations] == [
        ("immediately", "Dorset County Council", "19 item 1"),
        ("within three months", "NHS Dorset", "19 item 2"),
    ]


def test_tables_keep_cells_and_group_rows():
    text = "Record of main findings:\n\nSafeguarding services\t\nOverall effectiveness\tGood\nCapacity for improvement\tAdequate\n"
    r = parse(text, meta())
    rows = [p for p in r.paragraphs if p.kind is Kind.TABLE_ROW]
    assert [p.cells for p in rows] == [("Overall effectiveness", "Good"), ("Capacity for improvement", "Adequate")]
    assert rows[0].heading_path[-1] == "Safeguarding services"
    assert [(j.area, j.grade, j.source) for j in r.judgements] == [
        ("Overall effectiveness", "good", "table"), ("Capacity for improvement", "adequate", "table")]


def test_running_header_and_html_fragments_are_removed():
    text = ("Post Ofsted Progress\n\n1. Introduction\n\n- 1.1 The plan is\n\nPost Ofsted Progress\n\n"
            "in place.\n\nPost Ofsted Progress\n\n- 1.2 <p><u>Lead</u> officer named.</p>\n")
    r = parse(text, meta(Voice.COMMITTEE_PAPER, 2016, title="Post Ofsted Progress"))
    assert [(p.locator, p.text) for p in r.paragraphs] == [("1.1", "The plan is in place."), ("1.2", "Lead officer named.")]


def test_hard_wrapped_text_without_numbers():
    text = (
        "Recommendations\n\n"
        "Ensure that there is sufficient capacity in the multi-agency safeguarding hub\n"
        "for timely sharing of information to meet the needs of children.\n\n\n"
        "Improve contingency planning in child protection and child in need cases, so if\n"
        "the plan is not effective it is clear what actions will follow.\n\n"
        "Inspection findings\n\n"
        "The local authority has strengthened its early help provision to try to ensure\n"
        "that children and families receive the right interventions at the right time. As\n"
        "a result, children benefit.\n\n\n"
        "concerns escalate. This is making a positive difference to childrens lives, for\n"
        "example in improving school attendance.\n"
    )
    r = parse(text, meta(year=2017))
    assert locators(r) == ["Recommendations ¶1", "Recommendations ¶2", "Inspection findings ¶1"]
    assert r.paragraph("Inspection findings ¶1").text.endswith("children benefit. concerns escalate. This is making a "
                                                               "positive difference to childrens lives, for example in "
                                                               "improving school attendance.")
    assert len(r.recommendations) == 2


def test_repeated_section_names_are_qualified_by_their_parent():
    text = ("The experiences and progress of\nchildren who need help and\nprotection\n\n"
            "Requires improvement\nto be good\n\nSummary\n\nFirst summary.\n\n"
            "Leadership, management and\ngovernance\n\nRequires improvement\nto be good\n\nSummary\n\nSecond summary.\n")
    r = parse(text, meta(year=2017))
    assert "Summary (The experiences and progress of children who need help and protection) ¶1" in locators(r)
    assert "Summary (Leadership, management and governance) ¶1" in locators(r)
    assert [(j.area, j.grade) for j in r.judgements] == [
        ("The experiences and progress of children who need help and protection", "requires improvement to be good"),
        ("Leadership, management and governance", "requires improvement to be good"),
    ]
    assert all(j.framework == FRAMEWORKS["sif"] for j in r.judgements)


def test_a_section_title_with_its_grade_is_a_heading_however_long():
    """An ILACS title and grade on one line longer than any heading ('The impact of leaders
    ... families: requires improvement to be good') opens its section: it is not the end of
    the paragraph before it (23 paragraphs of 150 library reports were read so)."""
    title = "The impact of leaders on social work practice with children and families: requires improvement to be good"
    text = ("The experiences and progress of care leavers: good\n\n"
            "47. Leaders are aware of these issues and now have a plan in place to address it.\n\n"
            f"{title}\n\n48. The newly appointed director has quickly engaged with partner agencies.\n")
    r = parse(text, meta(year=2023))
    assert r.paragraph("47").text.endswith("address it.")
    assert r.paragraph("48").heading_path[-1] == title.split(":")[0]
    assert ("The impact of leaders on social work practice with children and families",
            "requires improvement to be good") in [(j.area, j.grade) for j in r.judgements]


# --- the real corpus ---------------------------------------------------------------------
def test_dorset_2011_paragraphs_1_to_120_once_each_in_order(reports):
    numbered = [p.locator for p in reports[DORSET11].paragraphs if p.number and p.kind is Kind.PARAGRAPH]
    assert numbered == [str(n) for n in range(1, 121)]


def test_dorset_2011_paragraph_119_is_complete_across_its_page_break(reports):
    p119 = reports[DORSET11].paragraph("119").text
    assert p119.startswith("Commissioning arrangements, including joint commissioning")
    assert "edge of care and to foster carers or parents to maintain placement stability." in p119
    assert p119.endswith("to provide advocacy or independent visitor services.")


def test_dorset_2011_record_of_main_findings(reports):
    table = [j for j in reports[DORSET11].judgements if j.source == "table"]
    expected = [
        ("Overall effectiveness", "good"), ("Capacity for improvement", "good"),
        ("Children and young people are safe and feel safe", "good"), ("Quality of provision", "good"),
        ("The contribution of health agencies to keeping children and young people safe", "good"),
        ("Ambition and prioritisation", "outstanding"), ("Leadership and management", "outstanding"),
        ("Performance management and quality assurance", "good"), ("Partnership working", "good"),
        ("Equality and diversity", "good"), ("Overall effectiveness", "good"), ("Capacity for improvement", "good"),
        ("Being healthy", "adequate"), ("Staying safe", "good"), ("Enjoying and achieving", "good"),
        ("Making a positive contribution, including user engagement", "outstanding"), ("Economic well-being", "good"),
        ("Quality of provision", "good"), ("Ambition and prioritisation", "outstanding"),
        ("Leadership and management", "good"), ("Performance management and quality assurance", "adequate"),
        ("Equality and diversity", "good"),
    ]
    assert [(j.area, j.grade) for j in table] == expected
    assert all(reports[DORSET11].paragraph(j.locator).heading_path[0] == "Record of main findings" for j in table)


def test_dorset_2011_grade_lines(reports):
    lines = {(j.heading_path[0], j.area): (j.grade, j.grade_number) for j in reports[DORSET11].judgements
             if j.source == "grade line"}
    assert len(lines) == 20
    assert lines[("Services for looked after children", "Being healthy")] == ("adequate", 3)
    assert lines[("Safeguarding services", "Leadership and management")] == ("outstanding", 1)
    assert lines[("Services for looked after children", "Leadership and management")] == ("good", 2)
    assert lines[("Services for looked after children", "Performance management and quality assurance")] == ("adequate", 3)


def test_dorset_2011_areas_for_improvement_both_parts(reports):
    recs = reports[DORSET11].recommendations
    assert [r.locator for r in recs] == [f"19 item {i}" for i in range(1, 12)] + [f"74 item {i}" for i in range(1, 8)]
    assert {r.timescale for r in recs} == {"immediately", "within three months", "within six months"}


def test_dorset_2016_structure(reports):
    r = reports[DORSET16]
    assert r.paragraph("3.4").text.startswith("In terms of Child Sexual Exploitation")
    assert [x.locator for x in r.recommendations] == [f"Appendix 1 para {n}" for n in range(1, 19)]
    assert r.paragraph("Appendix 1 para 16").text.startswith("Improve the coordination and impact")


def test_darlington_structure(reports):
    r = reports[DARLO12]
    numbered = [p.locator for p in r.paragraphs if p.number and p.kind is Kind.PARAGRAPH]
    assert numbered == [str(n) for n in range(1, 15)]
    assert r.paragraph("7").text.endswith("for a further two weeks.") or "prior to the inspection team" in r.paragraph("7").text
    grades = [(j.area, j.grade) for j in r.judgements]
    assert len(grades) == 22 and grades[0] == ("Overall effectiveness", "adequate") and grades[2] == (
        "Children and young people are safe and feel safe", "good")
    assert sum(1 for _, g in grades if g == "good") == 9
    assert len(r.recommendations) == 38
    assert r.recommendations[0].timescale == "IMMEDIATE" and r.recommendations[0].responsible == "DBC"


def test_poole_judgements_and_recommendations(reports):
    r = reports[POOLE17]
    grades = {j.area: j.grade for j in r.judgements}
    assert grades["Overall effectiveness"] == "requires improvement to be good"
    assert grades["The experiences and progress of children who need help and protection"] == "requires improvement to be good"
    assert grades["The experiences and progress of children looked after and achieving permanence"] == "requires improvement to be good"
    assert grades["adoption performance"] == "good"
    assert grades["experience and progress of care leavers"] == "good"
    assert grades["Leadership, management and governance"] == "requires improvement to be good"
    assert grades["The Local Safeguarding Children Board"] == "good"
    recs = r.recommendations
    assert len(recs) == 15
    assert sum(1 for x in recs if "LSCB" in " ".join(x.heading_path)) == 3
    assert recs[0].text.startswith("Ensure that there is sufficient capacity in the multi-agency safeguarding hub")


def test_poole_paragraphs_never_start_mid_sentence(reports):
    paras = [p for p in reports[POOLE17].paragraphs if p.kind is Kind.PARAGRAPH]
    assert len(paras) > 100
    assert [p.locator for p in paras if p.text[0].islower()] == []
    found = [p.locator for p in paras if p.locator.startswith("Inspection findings (children who need help and protection)")]
    assert len(found) > 15


def test_dorset_2020_lettered_locators(reports):
    r = reports[DORSET20]
    assert r.paragraph("4.9 b ¶2").heading_path[-2:] == ("Children in Care", "Our children in care")
    assert r.paragraph("1.1 ¶1").text.startswith("Dorset Council is a new unitary authority")


@pytest.mark.parametrize("doc_id", ALL)
def test_no_running_header_html_or_markup_left(reports, doc_id):
    for p in reports[doc_id].paragraphs:
        assert not re.search(r"</?[a-z]+>|\*\*", p.text), p.locator
        assert p.text != "Post Ofsted Progress"


@pytest.mark.parametrize("doc_id", ALL)
def test_corpus_properties(doc_id):
    report, text = corpus_report(doc_id)
    _assert_properties(report, text)
    assert len(report.paragraphs) > 50


# --- properties for any text ---------------------------------------------------------------
def _assert_properties(report, text):
    source = words(normalise(text))
    locs = [p.locator for p in report.paragraphs]
    assert len(locs) == len(set(locs)), "locators must be unique"
    for p in report.paragraphs:
        assert p.text.strip(), p.locator
        assert is_subsequence(words(p.text), source), f"{p.locator}: text not from the source"
    for rec in list(report.judgements) + list(report.recommendations):
        assert rec.locator in set(locs)


_lines = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.sampled_from(["", "1. Numbered text.", "- a bullet", "Grade 2 (good)", "Heading", "a. Sub", "x\ty\tz",
                     "Appendix 1", "Contents", "Requires improvement", "to be good", "2.3 Decimal", " lost bullet",
                     "Within three months:", "<p>html</p>", "**bold**", "lower case continuation."]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_lines, max_size=40))
def test_parser_never_crashes_and_keeps_properties(lines):
    text = "\n".join(lines)
    _assert_properties(parse(text, meta()), text)
