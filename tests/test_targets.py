"""A figure against its target (rag/targets.py, rag/figures.py): the question read, the two
figures found, the yes or no decided only by comparing them; then on the real corpus with new
wordings of the class."""
from __future__ import annotations

import pytest

from rag import figures, targets
from rag.figures import Figure
from rag.keyword import tokenize

YES, NO = targets.YES, targets.NO


@pytest.mark.parametrize("text, want", figures._EXAMPLES)
def test_figures_and_ranges_as_reports_print_them(text, want):
    assert [(f.low, f.high, f.unit) for f in figures.ranges(text)] == [(float(a), float(b), u) for a, b, u in want]


@pytest.mark.parametrize("question, way", targets._ASKED)
def test_a_figure_asked_against_its_target(question, way):
    aim = targets.asked(question)
    assert (aim.way if aim else None) == way


def test_the_figure_s_own_ask_leaves_out_the_target_s_clause():
    aim = targets.asked("How many adoptive families did Dorset approve in 2019/20, and what was the target?")
    assert aim.way == "" and aim.figure_asked == "How many adoptive families did Dorset approve in 2019/20?"


@pytest.mark.parametrize("sentence, target, actual", targets._SAID)
def test_the_target_s_figure_and_the_actual_one(sentence, target, actual):
    t = targets.target_in(sentence)
    a = targets.actual_in(sentence, set(tokenize("social workers children families")), t.unit if t else None)
    assert ((t.low, t.high) if t else None) == (tuple(map(float, target)) if target else None)
    assert ((a.low, a.high) if a else None) == (tuple(map(float, actual)) if actual else None)


def _f(low, high=None, unit=""):
    return Figure(str(low), float(low), float(high if high is not None else low), unit, 0, 0)


@pytest.mark.parametrize("way, actual, target, want", [
    ("more", _f(60), _f(50), YES), ("more", _f(50), _f(50), NO), ("more", _f(40), _f(50), NO),
    ("fewer", _f(40), _f(50), YES), ("fewer", _f(50), _f(50), NO),
    # a range compared whole: 16-18 sits above 14-16; 15-17 straddles it and decides nothing
    ("at_most", _f(16, 18), _f(14, 16), NO), ("at_most", _f(14, 15), _f(14, 16), YES),
    ("at_most", _f(15, 17), _f(14, 16), ""), ("more", _f(16, 18), _f(14, 16), YES),
    ("within", _f(16, 18), _f(14, 16), NO), ("within", _f(15), _f(14, 16), YES),
    ("at_least", _f(32), _f(40), NO), ("met", _f(32), _f(40), NO), ("missed", _f(32), _f(40), YES),
    ("met", _f(60), _f(50), YES), ("missed", _f(60), _f(50), NO),
])
def test_the_comparison_decides_the_way_asked(way, actual, target, want):
    assert targets.decide(way, actual, target) == want


def test_a_capping_target_is_met_at_or_under_it():
    said = ["Caseloads are now 15 per worker.", "Our target is to reduce caseloads to no more than 16 per worker."]
    assert targets.verdict("Did the council meet its caseload target?", said) == YES


def test_nothing_is_decided_without_both_figures_or_in_unlike_units():
    question = "Did Dorset approve more adoptive families than it had aimed to?"
    assert targets.verdict(question, ["60 adoptive families were approved."]) is None
    assert targets.verdict(question, ["The sufficiency target for the year was 50."]) is None
    assert targets.verdict(question, ["Approvals rose by 20%.", "The target for the year was 50."]) is None


# -- on the real corpus (Dorset's 2020 self-evaluation: caseloads and adopter approvals) ------


def _lead(text: str) -> str:
    return text.split(" ", 1)[0]


def test_an_adopter_target_missed_or_not(chain):
    answer = chain.ask("Did Dorset fall short of its target for approving adoptive families in 2019/20?")
    assert _lead(answer.text) == NO
    assert "60 adoptive families" in answer.text and "target for the year was 50" in answer.text


def test_caseloads_against_the_target_range(chain):
    within = chain.ask("Were Dorset social workers' average caseloads within the council's target range in 2020?")
    assert _lead(within.text) == NO and "16 – 18" in within.text and "14 and 16" in within.text
    higher = chain.ask("Was the 2020 caseload of a Dorset social worker higher than the level the council "
                       "was targeting?")
    assert _lead(higher.text) == YES
    # both sentences cite the one paragraph that holds them
    assert {c.locator for c in higher.citations} == {"2.11 a ¶3"}


def test_a_figure_and_its_target_asked_side_by_side(chain):
    answer = chain.ask("How many families did Dorset approve to adopt in 2019/20, and what was its target?")
    assert not answer.abstained and _lead(answer.text) not in (YES, NO)
    assert "60 adoptive families" in answer.text and "50" in answer.text


def test_no_target_in_the_reports_no_yes_or_no(chain):
    answer = chain.ask("Did Poole approve more adopters in 2017 than it had aimed to?")
    assert _lead(answer.text) not in (YES, NO)
