"""Numbers as reports and questions write them: 'nine' and '9' are one answer."""
from __future__ import annotations

_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty").split()
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
         "hundred": 100}
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS, 1)} | _TENS
# The number words as a regex alternation, longest first ('seventeen' before 'seven').
NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))


def in_words(n: int) -> str:
    """Numbers under ten in words, as a briefing note writes them ('nine judgements')."""
    return _UNITS[n - 1] if 1 <= n <= 9 else str(n)


def written(n: int) -> set[str]:
    """The ways a report writes ``n``: '18' and 'eighteen'."""
    return {str(n)} | {w for w, v in NUMBER_WORDS.items() if v == n}


def same_number(a: str, b: str) -> bool:
    """'nine' ~ '9', '50' ~ 'fifty' (whole words; anything else: equal as written)."""
    def value(x: str):
        x = x.strip().lower()
        # isdecimal, not isdigit: a footnote mark ('2010¹') is a digit to isdigit, and no number
        return int(x) if x.isdecimal() else NUMBER_WORDS.get(x, x)
    return value(a) == value(b)
