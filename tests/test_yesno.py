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


# -- on the real corpus: every sentence of the five reports ------------------------------------

from pathlib import Path  # noqa: E402

from core.sentences import sentences  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def corpus_sentences() -> list[str]:
    return [s for f in sorted(CORPUS.glob("*.txt")) for line in f.read_text(encoding="utf-8").splitlines()
            for s in sentences(line)]


def _readings(question: str, said: list[str]) -> set[str]:
    return {r for s in said if (r := yesno.reading(question, s))}


def test_a_state_the_report_states_of_its_subject_answers_yes(corpus_sentences):
    # Dorset 2011, para 24 and para 49 (a plain copula, a fact)
    for asked, said in (
            ("Were robust arrangements in place to track children and young people missing from care?",
             "Robust arrangements are in place countywide"),
            ("Was a fast track referral system in place between social care and Emotional Health and Wellbeing "
             "services?", "A fast track referral system is now in place")):
        yes = [s for s in corpus_sentences if yesno.reading(asked, s) == yesno.YES]
        assert yes and all(said in s for s in yes)


def test_a_state_only_recommended_or_planned_decides_nothing(corpus_sentences):
    # Darlington 2012's action plan: the trust 'should ensure arrangements are in place'
    assert yesno.YES not in _readings("Were arrangements in place to monitor and quality assure safeguarding "
                                      "children practice within the trust?", corpus_sentences)
    # Dorset 2016: permanence planning improves 'when the 0-12 LAC team is in place'
    assert yesno.YES not in _readings("Was the 0-12 LAC team in place?", corpus_sentences)
    # Poole 2017: the board is shared with Bournemouth; 'another council' is not checked
    assert yesno.YES not in _readings("Is Poole's Local Safeguarding Children Board shared with Dorset?",
                                      corpus_sentences)
