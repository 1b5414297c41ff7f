"""core/grades.py: every grade a sentence can say is one the vocabulary normalises."""
from hypothesis import given
from hypothesis import strategies as st

from core.grades import GRADE_WORDS, GRADES, normalise_grade
from rag import question

_SAID = ["outstanding", "good", "adequate", "inadequate", "requires improvement", "require improvement",
         "requires improvement to be good", "require improvement to be good"]


@given(st.sampled_from(_SAID), st.sampled_from(["", "Services ", "Which services in Poole "]),
       st.booleans())
def test_every_grade_words_match_normalises(said, before, upper):
    text = before + (said.upper() if upper else said) + "?"
    found = GRADE_WORDS.findall(text)
    assert found and all(normalise_grade(g) in GRADES for g in found)


def test_a_question_in_the_plural_verb_is_read():
    # 'require improvement' (plural subject) crashed question.read with a TypeError
    q = question.read("Which services in Poole require improvement?", [])
    assert q.intent == "grade"
