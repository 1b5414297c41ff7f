"""Figures as reports print them: '294', '10,000', '98.6%', '35 per 10,000', '£1.2 million',
'fifty', and a range ('16 – 18', 'between 14 and 16').

``figures_in`` reads a sentence's figures where they are: a date's or a year's digits
are none, nor a number that names rather than counts ('Level 3', 'Years 9, 10 and 11',
'section 47'), nor an age ('after they turn 18', a '16+' team), nor a span of time ('in
the last 6 months', 'aged 17 years'), nor 'one' in words ('one social worker said' is not
a count). ``ranges`` joins two figures a range
joins. A comparison (rag/compare.py) and a figure against its target (rag/targets.py)
read their values here. Pure functions over text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.dates import MONTH_NAMES, TIME_UNITS
from core.numbers import NUMBER_WORD, NUMBER_WORDS

FIGURE = re.compile(
    rf"(?P<money>£\s*)?(?<![\w.,/-])(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?i:{NUMBER_WORD}))(?![\w/-])"
    r"(?P<unit>\s*%|\s+per\s*cent|\s+per\s+[\d,]+)?", )
DATED = re.compile(rf"\b\d{{1,2}}(st|nd|rd|th)?\s+({MONTH_NAMES})\b|\b(19|20)\d\d\b|\b\d\d?[./]\d\d?[./]\d{{2,4}}\b",
                   re.I)
# A number that names rather than counts: 'Level 4', 'Years 9, 10 and 11', 'Section 47', 'grade 2'.
LABEL = re.compile(r"\b(level|key stage|stage|grade|years?|section|page|para(graph)?|item|appendix|phase|tier|"
                   r"no\.?)\s*(\d+\s*,\s*)*(\d+\s+and\s+)?$", re.I)
# An age is no count: 'after they turn 18', 'aged 16', 'from the age of 11', a '16+' team.
AGE = re.compile(r"\b(turn(s|ed|ing)?|aged?|age of|reach(es|ed|ing)?)\s*$", re.I)
# A figure of time is how long, not how many of the thing: 'ended less than 3 months', 'aged 17 years'.
SPAN = re.compile(rf"\s+{TIME_UNITS}\b", re.I)
# What joins a range's two ends: a dash ('16 – 18', '16-18'); 'and' or 'to' only after
# 'between' ('between 14 and 16'): 'from 20 to 16' is a change, not a range.
_DASH = re.compile(r"\s*[-\u2010-\u2015]\s*$")
_BETWEEN = re.compile(r"\bbetween\s+$", re.I)
_AND_TO = re.compile(r"\s+(and|to)\s+$", re.I)


@dataclass(frozen=True)
class Figure:
    """A figure in a text: as printed, its amount (a range: ``low`` to ``high``), its unit
    ('%', 'per 10,000', '£', or '' for a count) and where it is (character offsets)."""

    shown: str
    low: float
    high: float
    unit: str
    start: int
    end: int


def undated(text: str) -> str:
    """``text`` with its dates and years blanked, each character kept in place."""
    return DATED.sub(lambda m: " " * len(m[0]), text)


def figures_in(text: str) -> list[Figure]:
    """The figures ``text`` gives, in order (module doc for what is none)."""
    plain = undated(text)
    found = []
    for m in FIGURE.finditer(plain):
        n = m["n"].lower()
        if (n == "one" or LABEL.search(plain[:m.start()]) or AGE.search(plain[:m.start()])
                or SPAN.match(plain, m.end()) or plain.startswith("+", m.end())):
            continue
        amount = float(NUMBER_WORDS[n]) if n in NUMBER_WORDS else float(n.replace(",", ""))
        unit = " ".join((m["unit"] or "").split()).replace("per cent", "%")
        unit = "£" if m["money"] else unit
        found.append(Figure(m[0].strip(), amount, amount, unit, m.start(), m.end()))
    return found


def ranges(text: str, found: list[Figure] | None = None) -> list[Figure]:
    """``found`` (default: ``figures_in(text)``) with each range's two ends made one figure
    ('between 16 – 18 children' -> 16 to 18; '14 and 16' only after 'between'); a unit
    printed once, after the range, is both ends' ('20-25%')."""
    found = figures_in(text) if found is None else found
    out: list[Figure] = []
    i = 0
    while i < len(found):
        a = found[i]
        b = found[i + 1] if i + 1 < len(found) else None
        if b is not None and (not a.unit or a.unit == b.unit) and b.low > a.low:
            between = text[a.end:b.start]
            joined = _DASH.match(between) or (_AND_TO.match(between) and _BETWEEN.search(text[:a.start]))
            if joined:
                out.append(Figure(text[a.start:b.end].strip(), a.low, b.high, b.unit, a.start, b.end))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


# -- inline examples (tests/test_targets.py asks each) ----------------------------------------
_EXAMPLES = (
    ("On average, social workers are supporting between 16 – 18 children.", [(16, 18, "")]),
    ("We are targeting caseloads to be between 14 and 16 per worker.", [(14, 16, "")]),
    ("From 1st April 2019 to 31st March 2020, 60 adoptive families were approved.", [(60, 60, "")]),
    ("Only 32% of social workers are 'level 3' (at least two years post-qualified) against a target of 40%.",
     [(32, 32, "%"), (40, 40, "%")]),
    ("Caseloads fell from 20 to 16 in the last 6 months.", [(20, 20, ""), (16, 16, "")]),
    ("Between 20 - 25% of referrals were re-referrals.", [(20, 25, "%")]),
    # a hyphen without spaces names ('the 0-12 team', 'aged 5-16') rather than counts
    ("The 0-12 team has 9 social workers.", [(9, 9, "")]),
    ("The rate is 71 per 10,000 children.", [(71, 71, "per 10,000")]),
    # an age is no count
    ("We support 14 young people after they turn 18, and a 16+ team works with 30 more.",
     [(14, 14, ""), (30, 30, "")]),
)
