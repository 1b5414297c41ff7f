"""A question's asks (rag/question.py ``clauses``) and what a second sentence must add
(rag/extractive.py ``_pick``): a question asking one typed fact is answered by the sentence
that gives it, not by another fact of the same words besides; a question asking two things
may take its second ask's answer from a second sentence."""
from __future__ import annotations

import pytest

from core.tuning import Tuning
from rag.extractive import _pick
from rag.question import clauses


@pytest.mark.parametrize("question, asks", [
    ("When was it inspected and when was the report published?", 2),
    ("When did the director of children's services start, and on what terms?", 2),
    ("How many children were adopted, and in what time?", 2),
    ("How many children and young people were being looked after at the inspection?", 1),
    ("What did inspectors find about children and young people who go missing?", 1),
    # the size of the change the first asks about is no second thing to look for
    ("Did the number of early years professionals rise between 2008 and 2011, and by how much?", 1),
    ("Who led it, and when?", 2),
])
def test_a_second_ask_is_its_own_clause(question, asks):
    assert len(clauses(question)) == asks


def test_a_second_typed_sentence_must_add_a_word_of_the_question():
    # 'How many children were looked after?' answered: a second count of the same words is no more of it
    scored = [(0.9, 0, "606 children were looked after.", 1.0),
              (0.89, 1, "Of thirteen looked after children who replied, 10 had not heard of it.", 1.0)]
    holds = {(0, scored[0][2]): {"child", "look"}, (1, scored[1][2]): {"child", "look"}}
    assert len(_pick(scored, 2, Tuning(), holds, ["a", "a"], each_adds=True)) == 1
    assert len(_pick(scored, 2, Tuning(), holds, ["a", "a"], each_adds=False)) == 2
    # a sentence holding a word of the question the first lacks still adds to it
    holds[(1, scored[1][2])] = {"child", "look", "replied"}
    assert len(_pick(scored, 2, Tuning(), holds, ["a", "a"], each_adds=True)) == 2


def test_a_count_is_not_followed_by_other_counts_of_the_same_words(chain):
    # Dorset 2020: '481 Children in Care', not then the county's population of children too
    answer = chain.ask("How many looked after children did Dorset have in 2020?")
    assert "481" in answer.text and "378,508" not in answer.text and len(answer.citations) == 1


def test_two_asks_keep_their_two_sentences(chain):
    # the second ask ('what does the model bring together') answered beside the first's date
    answer = chain.ask("When did Dorset Children Thrive start, and what does the new model bring together?")
    assert "September" in answer.text and "six integrated locality teams" in answer.text
