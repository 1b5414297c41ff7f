"""Numbers as reports write them (core/numbers.py): one place for 'nine' ~ '9'."""
from __future__ import annotations

import pytest

from core.numbers import NUMBER_WORDS, in_words, same_number, written


def test_inline_examples():
    assert written(18) == {"18", "eighteen"}
    assert written(50) == {"50", "fifty"}
    assert written(23) == {"23"}  # no single word for it
    assert in_words(9) == "nine" and in_words(10) == "10"  # a briefing note's style: words under ten
    assert same_number("Nine", "9") and not same_number("nine", "19")
    # a footnote mark is a digit to str.isdigit, but no number ('In 2010¹ ...' in an answer)
    assert not same_number("2010¹", "2010") and not same_number("²", "2")


@pytest.mark.parametrize("n", range(1, 101))
def test_every_way_of_writing_a_number_is_the_same_number(n):
    ways = written(n)
    assert str(n) in ways
    assert all(same_number(w, str(n)) for w in ways)
    assert all(not same_number(w, str(n + 1)) for w in ways)
    assert ways - {str(n)} == {w for w, v in NUMBER_WORDS.items() if v == n}
