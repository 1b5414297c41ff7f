"""The yes or the no of a yes/no question (rag/yesno.py): its inline examples."""
from __future__ import annotations

import pytest

from rag import yesno


@pytest.mark.parametrize("question, sentence, want", yesno._EXAMPLES)
def test_a_sentence_decides_a_yes_or_a_no_only_when_it_plainly_does(question, sentence, want):
    assert yesno.reading(question, sentence) == want


def test_a_grade_asked_and_the_grade_recorded():
    assert yesno.on_grade(("good",), "good", "Was it judged good?")
    assert not yesno.on_grade(("good",), "adequate", "Was it judged good?")
    assert yesno.on_grade(("good",), "outstanding", "Was it judged at least good?")
    assert not yesno.on_grade(("good",), "outstanding", "Was it judged good?")


def test_sentences_that_disagree_give_neither():
    assert yesno.lead("Was the current risk low?", ["Current risk: LOW", "Current risk: HIGH"]) == ""
    assert yesno.lead("Was the current risk low?", ["Current risk: LOW", "Staff are trained."]) == yesno.YES


def test_all_asks_for_every_one():
    assert yesno.asks_all("Were all of Darlington's judgements good?")
    assert not yesno.asks_all("Were any of Darlington's judgements good?")
