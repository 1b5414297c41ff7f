"""The yes or the no of a yes/no question, read off the sentence that answers it.

A yes/no question (``question.polar``: 'Was the LSCB judged good?', 'Did the inspection
find any cases where children were unsafe?') is answered 'Yes.' or 'No.' only where the
cited sentence decides it:

- a grade asked of a judgement record: the record's grade is the one asked (or, for
  'at least good' / 'good or better', one as good or better) -> yes, else no (``on_grade``);
- over text (``reading``): the sentence plainly negates what was asked ('There have been
  no adoption disruptions ...', the negation on a word of the question) -> no; it states
  the value the question asks about ('Current risk: LOW' for 'assessed as low', 'is good'
  for 'judged good', '100%' for 'were all ... held on time') with no negation -> yes; it
  states another value of the same scale ('adequate' for 'good', 'HIGH' for 'low', '81%'
  for 'all') -> no.

Anything else is left undecided (''): the answer then gives the evidence without a yes
or a no, rather than guess one. Pure functions over text.
"""
from __future__ import annotations

import re

from core.grades import GRADE_WORDS, GRADES, normalise_grade, states_grade

from .keyword import tokenize

YES, NO = "Yes.", "No."

# A negation, less the phrases that only look like one ('not only', 'no more than 5%').
_NEGATION = re.compile(r"\b(?:no|not|none|never|nor|neither|nothing|without|cannot)\b|n't\b", re.I)
_NOT_NEGATION = re.compile(r"\b(?:not only|not just|not least|no doubt|no (?:more|less|fewer) than"
                           r"|not (?:more|less|fewer) than|if not|or not|no matter)\b", re.I)
_WINDOW = 4  # words after a negation that it governs ('no specific budget implications')
# Values a question asks about that a sentence can state or contradict, by scale.
_LEVELS = ("low", "medium", "high")
_ALL = re.compile(r"\b(all|every|each)\b", re.I)
_AT_LEAST = re.compile(r"\bat least\b|\bor (better|above|higher)\b", re.I)


def on_grade(asked: tuple[str, ...], given: str, question: str) -> bool:
    """Is ``given`` (a normalised grade) what the question asked: one of ``asked``, or as
    good or better where it asks 'at least good' / 'good or better'?"""
    if given in asked:
        return True
    if _AT_LEAST.search(question) and given in GRADES:
        return GRADES.index(given) <= min(GRADES.index(g) for g in asked if g in GRADES)
    return False


def asks_all(question: str) -> bool:
    """'Were all ... judged good?': every one, not any one."""
    return bool(_ALL.search(question))


def lead(question: str, sentences: list[str]) -> str:
    """'Yes.' or 'No.' where the answer's sentences decide it and agree; else ''."""
    said = {v for s in sentences if (v := reading(question, s))}
    return said.pop() if len(said) == 1 else ""


def reading(question: str, sentence: str) -> str:
    """'Yes.', 'No.' or '' for one sentence answering a yes/no question (module doc)."""
    if _negated(question):  # 'Was nothing found ...?': a yes or a no would be ambiguous
        return ""
    asked = _content(question)
    own = _content(sentence)
    if not asked & own:  # not about what was asked
        return ""
    if _negated(sentence):
        return NO if _negates_asked(sentence, asked) else ""
    return _by_value(question, sentence)


def _content(text: str) -> set[str]:
    return set(tokenize(text))


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(_NOT_NEGATION.sub(" ", text)))


def _negates_asked(sentence: str, asked: set[str]) -> bool:
    """A negation in the sentence governs one of the question's words (within _WINDOW words)."""
    text = _NOT_NEGATION.sub(" ", sentence)
    for m in _NEGATION.finditer(text):
        after = " ".join(text[m.end():].split()[:_WINDOW])
        if _content(after) & asked:
            return True
    return False


def _by_value(question: str, sentence: str) -> str:
    """Yes where the sentence states the value asked; no where it states another of the
    same scale and not the one asked; '' where the question asks no value it can check."""
    grades = [g for g in (normalise_grade(w) for w in GRADE_WORDS.findall(question)) if g]
    if grades:
        if any(states_grade(sentence, g) for g in grades):
            return YES
        return NO if any(states_grade(sentence, g) for g in GRADES) else ""
    q_words = set(re.findall(r"[a-z]+", question.lower()))
    s_words = set(re.findall(r"[a-z]+", sentence.lower()))
    levels = [w for w in _LEVELS if w in q_words]
    if levels:
        if any(w in s_words for w in levels):
            return YES
        return NO if s_words & set(_LEVELS) else ""
    if _ALL.search(question):  # 'were all ... held on time?': all, every, or 100%
        if _ALL.search(sentence) or re.search(r"\b100\s*%", sentence):
            return YES
        return NO if re.search(r"\d\s*%", sentence) else ""
    return ""


# -- inline examples (tests/test_yesno.py asks each) ------------------------------------------
_EXAMPLES = (
    ("Had any adoptive placements broken down in the two years before the inspection?",
     "There have been no adoption placement breakdowns in the past two years.", NO),
    ("Did the paper attach budget implications to the action plan?",
     "There are no specific budget implications attached to the Action Plan.", NO),
    ("Was the current risk assessed as low?", "Current Risk: LOW Residual Risk MEDIUM", YES),
    ("Was the current risk assessed as low?", "Current Risk: HIGH", NO),
    ("Was the Local Safeguarding Children Board judged good?", "The Local Safeguarding Children Board is good.", YES),
    ("Was the Local Safeguarding Children Board judged good?",
     "The Local Safeguarding Children Board is adequate.", NO),
    ("Were all initial child protection conferences held on time?",
     "81% of conferences were held on time for the last 6 months and in the last 12 weeks 100%.", YES),
    ("Were all initial child protection conferences held on time?", "78% of conferences were held on time.", NO),
    # undecided: no value asked that the sentence can state; or not about what was asked
    ("Is the board shared with another council?", "The LSCB is shared with Bournemouth.", ""),
    ("Did Dorset approve more adoptive families than it aimed to?", "60 adoptive families were approved.", ""),
    ("Was the board judged good?", "Staff turnover is not a concern.", ""),
    # 'not only' is no negation
    ("Was the current risk assessed as low?", "Risk is not only low but falling.", YES),
)

