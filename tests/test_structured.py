"""Answers from the records (rag/structured.py) on small hand-made reports."""
from __future__ import annotations

from dataclasses import replace

import pytest

from core.grades import field_for, states_grade
from core.model import Kind
from rag import question as q_
from rag.structured import answer


def _reports(make_report):
    out = []
    for year, item in ((2014, "Improve the timeliness of assessments."), (2018, "Improve supervision of social workers."),
                       (2023, "Improve the quality of referrals from partners.")):
        report = make_report(f"barnsley-{year}", [("What needs to improve item 1", ("What needs to improve",), item,
                                                    Kind.LIST_ITEM)],
                             authority="Barnsley", year=year, recommendations=[("What needs to improve item 1", item, "")])
        out.append(report)
    return out


def test_a_list_of_what_to_improve_naming_no_year_is_the_latest_report_s(make_report):
    reports = _reports(make_report)
    library = [r.meta for r in reports]
    draft, hits = answer(q_.read("What does Ofsted say Barnsley needs to improve?", library), reports)
    assert [h.meta.year for h in hits] == [2023]
    assert "referrals" in draft.sentences[0][0] and "2023" in draft.note
    # a year named is that report's list
    draft, hits = answer(q_.read("What did Ofsted say Barnsley needs to improve in 2014?", library),
                         [r for r in reports if r.meta.year == 2014])
    assert [h.meta.year for h in hits] == [2014]


def test_a_grade_of_several_reports_names_each_report(make_report):
    reports = [make_report(f"{place.lower()}-2013", [("Capacity to improve grade", ("Services for looked after children",),
                                                      f"Capacity to improve: {grade}")], authority=place, year=2013,
                           judgements=[("Capacity to improve", ("Services for looked after children",), grade)])
               for place, grade in (("Norfolk", "inadequate"), ("Sandwell", "adequate"))]
    library = [r.meta for r in reports]
    draft, _ = answer(q_.read("Whose capacity to improve was judged better, Norfolk's or Sandwell's?", library), reports)
    said = [s for s, _ in draft.sentences]
    assert any("Norfolk (2013)" in s and "inadequate" in s for s in said)
    assert any("Sandwell (2013)" in s and "adequate" in s for s in said)


@pytest.mark.parametrize("sentence, grade, says", [
    ("Services for children in Barnsley are good and there has been steady improvement.", "good", True),
    ("Adoption performance is good.", "good", True),
    ("The local authority's arrangements are judged to be adequate.", "adequate", True),
    ("Services for children who need help and protection require improvement.", "requires improvement to be good", True),
    ("Children are helped to register with health services and have a good range of activities.", "good", False),
    ("They make good progress at school.", "good", False),
])
def test_a_sentence_states_a_grade_or_only_uses_the_word(sentence, grade, says):
    assert states_grade(sentence, grade) is says


def test_a_judgement_is_found_by_any_name_staff_give_its_field(make_report):
    """'leadership' asks for SIF's 'Leadership, management and governance' (core.grades
    FIELD_ALSO), which shares only one of its three words with the question."""
    area = "Leadership, management and governance"
    report = make_report("poole-2017", [(f"{area} grade", ("The local authority", area),
                                         f"{area}: Requires improvement to be good")],
                         authority="Borough of Poole", year=2017,
                         judgements=[(area, ("The local authority", area), "requires improvement to be good")])
    report = replace(report, judgements=tuple(replace(j, field=field_for(j.area)) for j in report.judgements))
    assert report.judgements[0].field == "impact_of_leaders"
    draft, _ = answer(q_.read("What was Ofsted's leadership judgement for Poole?", [report.meta]), [report])
    assert any("requires improvement" in s.lower() for s, _ in draft.sentences), draft
