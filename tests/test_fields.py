"""rag.fields: labelled facts on covers and front sheets, and matching a question to one."""
from __future__ import annotations

import pytest

from core.model import Kind
from rag.fields import Field, fields, labelled, match
from rag.question import has_type


@pytest.mark.parametrize("text, expected", [
    ("Lead inspector: Joy Howick HMI Deputy lead inspector: Linda Steele HMI Team inspectors: Nicola Bennett HMI.",
     [("Lead inspector", "Joy Howick HMI"), ("Deputy lead inspector", "Linda Steele HMI"),
      ("Team inspectors", "Nicola Bennett HMI")]),
    ("Inspection of Safeguarding Services Ofsted 4 January 2012 Author: Lisa Summers **Extension:** 2469",
     [("Author", "Lisa Summers"), ("Extension", "2469")]),
    ("Cabinet Member(s) Councillor Rebecca Knox – Cabinet Member for Health Local Member(s) None "
     "Lead Director(s) Sara Tough – Director for Children's Services",
     [("Cabinet Member", "Councillor Rebecca Knox – Cabinet Member for Health"), ("Local Member", "None"),
      ("Lead Director", "Sara Tough – Director for Children's Services")]),
    ("Quality assurance manager: John Mitchell Senior HMI. Any complaints about the inspection should be made",
     [("Quality assurance manager", "John Mitchell Senior HMI")]),
    ("It is recommended that :-", []),
    ("Inspectors found that practice is good.", []),
])
def test_labelled(text, expected):
    assert labelled(text) == expected


def test_fields_of_a_report_rows_labels_and_signatures(make_report):
    report = make_report(paragraphs=[
        ("cover ¶1", (), "Published: 28 October 2011"),
        ("Front row 1", ("Front",), "Date of Meeting | 7 September 2016", Kind.TABLE_ROW),
        ("4", ("Recommendation",), "Members note the contents of this report."),
        ("cover ¶2", (), "Murray Rose", Kind.HEADING),
        ("cover ¶3", (), "Director of People Services", Kind.HEADING),
    ])
    # make_report gives a table row no cells: add them as the parser does
    from dataclasses import replace
    paras = list(report.paragraphs)
    paras[1] = replace(paras[1], cells=("Date of Meeting", "7 September 2016"))
    report = replace(report, paragraphs=tuple(paras))
    assert fields(report) == [
        Field("Published", "28 October 2011", ("cover ¶1",)),
        Field("Date of Meeting", "7 September 2016", ("Front row 1",)),
        Field("Director of People Services", "Murray Rose", ("cover ¶2", "cover ¶3")),
    ]


COVER = [
    Field("Inspection date", "11 September 2017 to 5 October 2017", ("a",)),
    Field("Report published", "24 November 2017", ("a",)),
    Field("Lead inspector", "Joy Howick HMI", ("b",)),
    Field("Author", "Lisa Summers", ("c",)),
    Field("Executive Summary", "Dorset's inspection took place in February 2016", ("d",)),
]


def labels(question: str, kind: str, candidates: list[Field] = COVER) -> list[str]:
    return [f.label for f in match(question, candidates, lambda value, clause: has_type(value, kind))]


def test_a_question_names_a_label_in_its_own_words():
    assert labels("Who led the Ofsted inspection of Poole in 2017?", "person") == ["Lead inspector"]
    assert labels("Who wrote the cabinet summary?", "person") == ["Author"]
    assert labels("When was the report published?", "date") == ["Report published"]


def test_two_clauses_get_a_field_each():
    assert labels("When was the inspection carried out and when was the report published?", "date") == [
        "Inspection date", "Report published"]


def test_a_role_the_label_does_not_name_is_no_match():
    # 'director' is not the lead inspector, however much else matches
    assert labels("Who was Poole's director of children's services at the time of the inspection?", "person") == []
    assert labels("When did the Executive Director start?", "date") == []


def test_a_qualified_role_is_not_the_role_itself():
    # a report that names only its lead inspector does not name a deputy
    assert labels("Who was the deputy lead inspector for Poole's 2017 inspection?", "person") == []
    deputy = COVER + [Field("Deputy lead inspector", "Linda Steele HMI", ("cover",))]
    assert labels("Who was the deputy lead inspector for Poole's 2017 inspection?", "person", deputy) == [
        "Deputy lead inspector"]


def test_the_value_must_hold_what_is_asked():
    assert labels("Who published the report?", "person") == []  # a date is no person


def test_a_date_asked_of_those_who_did_it_is_the_activity_s_date():
    # 'inspectors' names who visited; the label names what they did ('Inspection date')
    assert labels("When did inspectors visit Poole?", "date") == ["Inspection date"]


def test_a_role_line_with_no_colon_is_a_field(make_report):
    report = make_report(paragraphs=[("Medway Council ¶1", (), "Reporting inspector Sarah Urding HMI")])
    assert [(f.label, f.value) for f in fields(report)] == [("Reporting inspector", "Sarah Urding HMI")]
    assert labels("Who was the reporting inspector?", "person", fields(report)) == ["Reporting inspector"]


def test_the_source_a_question_names_is_no_label():
    assert labels("Who runs the out of hours service, according to the 2011 inspection report?", "person",
                  [Field("Reporting inspector", "Lynne Staines HMI", ("a",))]) == []
