"""Ofsted grade vocabulary: recognise a printed grade and normalise it."""
from __future__ import annotations

import re

_GRADE_WORDS = {
    "outstanding": "outstanding",
    "good": "good",
    "adequate": "adequate",
    "satisfactory": "adequate",
    "requires improvement to be good": "requires improvement to be good",
    "requires improvement": "requires improvement to be good",
    "require improvement to be good": "requires improvement to be good",
    "inadequate": "inadequate",
}
_NUMBER_GRADE = {1: "outstanding", 2: "good", 3: "adequate", 4: "inadequate"}

# 'Grade 2 (good)' on its own line, or after a heading on the same line.
GRADE_LINE = re.compile(r"^(?P<area>.*?)\s*Grade\s*(?P<num>[1-4])\s*\((?P<word>[A-Za-z ]+)\)\s*$")
# 'The Local Safeguarding Children Board is good', 'Childrens services in Poole
# require improvement to be good', 'The graded judgement for adoption performance
# is that it is good'.
_GRADES_RE = r"(?P<grade>outstanding|good|adequate|inadequate|requires? improvement(?: to be good)?)"
GRADED_JUDGEMENT = re.compile(
    r"^The graded judgement (?:for|about) (?:the )?(?P<area>.+?) is that (?:it|they) (?:is|are) "
    + _GRADES_RE + r"\.?$",
    re.IGNORECASE,
)
JUDGEMENT_SENTENCE = re.compile(
    r"^(?P<area>[A-Z][\w'\u2019 ,()-]{3,80}?) (?:is|are|requires?) "
    r"(?P<grade>outstanding|good|adequate|inadequate|improvement to be good)\.?$"
)


def normalise_grade(printed: str) -> str | None:
    """'Good' -> 'good'; 'Requires improvement\nto be good' -> 'requires improvement to be good'."""
    key = " ".join(printed.lower().split()).strip(" .")
    if key.startswith("improvement to be good"):
        key = "requires " + key
    return _GRADE_WORDS.get(key)


def grade_from_number(number: int) -> str:
    return _NUMBER_GRADE[number]


def framework_for(year: int, grades: list[str]) -> str:
    """Which Ofsted framework a set of judgements was made under.

    'Adequate' belongs to the 2009-2012 safeguarding and looked after children
    framework; 'requires improvement to be good' to the 2013-2017 single
    inspection framework (SIF), and to the ILACS framework from 2018.
    """
    if "requires improvement to be good" in grades or 2013 <= year <= 2017:
        return "single inspection framework (2013-2017)"
    if year >= 2018:
        return "ILACS (2018-)"
    return "safeguarding and looked after children (2009-2012)"
