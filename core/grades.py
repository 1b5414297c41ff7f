"""Ofsted grade vocabulary: recognise a printed grade and normalise it."""
from __future__ import annotations

import re

# Every grade a judgement can hold once normalised, best first (the order tables and charts use).
GRADES = ("outstanding", "good", "requires improvement to be good", "adequate", "inadequate")
_GRADE_WORDS = {
    "outstanding": "outstanding",
    "good": "good",
    "adequate": "adequate",
    "satisfactory": "adequate",
    "requires improvement to be good": "requires improvement to be good",
    "requires improvement": "requires improvement to be good",
    "require improvement to be good": "requires improvement to be good",
    "require improvement": "requires improvement to be good",
    "inadequate": "inadequate",
}
_NUMBER_GRADE = {1: "outstanding", 2: "good", 3: "adequate", 4: "inadequate"}
# A grade's place on Ofsted's four-point scale (1 best): 'requires improvement to be good'
# took the place of 'adequate' in 2013, so grades of two frameworks compare by it.
_RANK = {"outstanding": 1, "good": 2, "requires improvement to be good": 3, "adequate": 3, "inadequate": 4}

# 'Grade 2 (good)' on its own line, or after a heading on the same line.
GRADE_LINE = re.compile(r"^(?P<area>.*?)\s*Grade\s*(?P<num>[1-4])\s*\((?P<word>[A-Za-z ]+)\)\s*$")
# 'The Local Safeguarding Children Board is good', 'Childrens services in Poole
# require improvement to be good', 'The graded judgement for adoption performance
# is that it is good'.
_GRADES_RE = r"(?P<grade>outstanding|good|adequate|inadequate|requires? improvement(?: to be good)?)"
GRADE_WORDS = re.compile(r"\b" + _GRADES_RE + r"\b", re.IGNORECASE)  # a grade inside a sentence
GRADED_JUDGEMENT = re.compile(
    r"^The graded judgement (?:for|about) (?:the )?(?P<area>.+?) is that (?:it|they) (?:is|are) "
    + _GRADES_RE + r"\.?$",
    re.IGNORECASE,
)
# An ILACS section title with its grade: 'The experiences and progress of children who
# need help and protection: good'.
SECTION_GRADE = re.compile(r"^(?P<area>[A-Z][^:]{10,120}):\s*" + _GRADES_RE + r"\.?$", re.IGNORECASE)
JUDGEMENT_SENTENCE = re.compile(
    r"^(?P<area>[A-Z][\w'\u2019 ,()-]{3,80}?) (?:is|are|requires?) "
    r"(?P<grade>outstanding|good|adequate|inadequate|improvement(?: to be good)?)\.?$"
)


# A line of the grade scale a 2009-2013 report prints before its findings:
# 'Inadequate (Grade 4) A service that does not meet minimum requirements'.
GRADE_SCALE = re.compile(r"^(outstanding|good|adequate|inadequate)\s*\(grade\s*[1-4]\)", re.I)


def normalise_grade(printed: str) -> str | None:
    """'Good' -> 'good'; 'Requires improvement\nto be good' -> 'requires improvement to be good'."""
    key = " ".join(printed.lower().split()).strip(" .")
    key = re.sub(r"\s*\(?grade [1-4]\)?$", "", key)  # 'Inadequate Grade 4' in a 2013 Record of main findings
    if key == "improvement" or key.startswith("improvement to be good"):
        key = "requires " + key
    return _GRADE_WORDS.get(key)


def states_grade(sentence: str, grade: str) -> bool:
    """Does ``sentence`` say that something *is* ``grade`` (a normalised grade) -- 'Services
    for children in Barnsley are good', 'is judged to be adequate', 'require improvement' --
    rather than use the word ('good health', 'a good range of services')?"""
    if grade.startswith("requires improvement"):
        return re.search(r"\brequires? improvement\b", sentence, re.IGNORECASE) is not None
    return re.search(rf"\b(?:is|are|was|were|remains?|remained|be|been)\s+(?:\w+\s+){{0,2}}?{re.escape(grade)}\b",
                     sentence, re.IGNORECASE) is not None


def grade_rank(grade: str) -> int:
    """A normalised grade's place on the four-point scale: 1 outstanding ... 4 inadequate."""
    return _RANK[grade]


def grade_from_number(number: int) -> str:
    return _NUMBER_GRADE[number]


def framework_for(year: int, grades: list[str], areas: list[str] = ()) -> str:
    """Which Ofsted framework a set of judgements was made under (a FRAMEWORKS label),
    for a report whose cover does not say.

    The areas tell first: ILACS judges 'the impact of leaders' and 'the experiences and
    progress of' children, the SIF 'leadership, management and governance' and children
    'achieving permanence'. Then the grades: 'adequate' belongs to 2009-2013 and
    'requires improvement to be good' came with the SIF. Then the year.
    """
    labels = " ".join(a.lower() for a in areas)
    if "impact of leaders" in labels:
        return FRAMEWORKS["ilacs"]
    if "achieving permanence" in labels or "leadership, management and governance" in labels:
        return FRAMEWORKS["sif"]
    if "adequate" in grades or year <= 2012:
        return FRAMEWORKS["safeguarding_lac"]
    if "requires improvement to be good" in grades and year <= 2018 or 2013 <= year <= 2017:
        return FRAMEWORKS["sif"]
    return FRAMEWORKS["ilacs"]


# --- canonical judgement fields --------------------------------------------------------
# One name for the same judgement across frameworks, so that questions and checks can
# ask for 'help_and_protection' whether a report printed 'The experiences and progress of
# children who need help and protection' (ILACS) or 'Children who need help and
# protection' (SIF). Order: how reports print them.
FIELDS = (
    "overall_effectiveness",
    "impact_of_leaders",
    "help_and_protection",
    "in_care",
    "care_leavers",
    "adoption",
    "lscb",
    "safeguarding_overall",
    "lac_overall",
    "capacity_to_improve",
)
FRAMEWORKS = {
    "ilacs": "ILACS (2018-)",
    "sif": "single inspection framework (2013-2018)",
    "safeguarding_lac": "safeguarding and looked after children (2009-2013)",
    "lac": "looked after children (2009-2013)",
}
# First match wins; patterns are searched in the whitespace-folded, lower-cased label.
_FIELD_PATTERNS = (
    ("lscb", r"safeguarding (children|adults)? ?(board|partnership)|\blscb\b"),
    ("lac_overall", r"overall effectiveness of (the )?services for (looked after children|children looked after)"),
    ("safeguarding_overall", r"overall effectiveness of (the )?safeguarding services"),
    ("overall_effectiveness", r"^overall effectiveness$|^the overall judgement\b|^children.?s services in |overall effectiveness of (the )?(local authority|children)"),
    ("impact_of_leaders", r"impact of leaders|leadership,? management and governance"),
    ("help_and_protection", r"children who need help and protection"),
    ("adoption", r"^adoption\b|adoption performance"),
    # '... of care leavers', also as printed in 2025 '... of children care leavers'; but
    # 'children in care and care leavers' (judged together until 2023) is in_care.
    ("care_leavers", r"(?<!in care and )care leavers$|progress of care leavers|^care leavers"),
    ("in_care", r"children in care|children looked after and achieving permanence|achieving permanence"),
    ("capacity_to_improve", r"capacity (to|for) improv"),
)


# The five outcomes for children (Every Child Matters) that the 2009-2013 frameworks grade
# one by one: 'the outcomes' of such a report are these, not the quality of provision or the
# leadership grades printed under the same heading.
OUTCOMES = ("being healthy", "staying safe", "enjoying and achieving", "making a positive contribution",
            "economic well-being")


# The judgements that head a section of an ILACS or SIF report: a sentence or title that
# grades one of them opens that section.
SECTION_FIELDS = frozenset({"impact_of_leaders", "help_and_protection", "in_care", "care_leavers"})


# How staff name each judgement in a question, whatever a framework printed: a question
# naming one of these is asking for that field ('the impact of leaders' for 'The impact
# of leaders on social work practice with children and families').
FIELD_NAMES = {
    "overall_effectiveness": "overall effectiveness",
    "impact_of_leaders": "impact of leaders",
    "help_and_protection": "help and protection",
    "in_care": "children in care",
    "care_leavers": "care leavers",
    "adoption": "adoption",
    "lscb": "local safeguarding children board",
}
# Other names staff give a judgement in a question: any one of them asks for the field
# ('Ofsted's leadership judgement' for SIF's 'Leadership, management and governance';
# 'services for children in care' for 2009-2013's looked after children services). A
# name shared by fields of different frameworks is safe: one report holds one framework.
# (Not the name a report prints for a part, 'looked after children': a question naming
# the part and an area it lacks is not asking for the part's overall judgement.)
FIELD_ALSO = {
    "impact_of_leaders": ("leadership",),
    "lac_overall": ("children in care",),
}


def field_names(field: str) -> tuple[str, ...]:
    """Every name staff give the judgement ``field`` in a question (none for no field)."""
    return tuple(filter(None, (FIELD_NAMES.get(field, ""), *FIELD_ALSO.get(field, ()))))


def field_for(area: str, part: str = "") -> str:
    """The canonical field (one of FIELDS) of a judgement printed as ``area``, or ''.

    ``part`` is the report part the judgement sits in, which tells the 2009-2013
    'Overall effectiveness' of safeguarding services from that of looked after children.
    """
    label = " ".join(area.lower().replace("\u2019", "'").split()).strip(" .:")
    for name, pattern in _FIELD_PATTERNS:
        if re.search(pattern, label):
            if name == "overall_effectiveness" and label == "overall effectiveness":
                p = part.lower()
                if "looked after" in p:
                    return "lac_overall"
                if "safeguarding" in p and "board" not in p:
                    return "safeguarding_overall"
            return name
    return ""
