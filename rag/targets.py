"""A figure against its target, aim or ambition.

The class: a question that asks for a figure and the target it is held against, and
perhaps which way it fell ('Did Dorset approve more adoptive families than it had aimed
to?', 'Were social workers carrying as few children each as the council was aiming for?',
'Did the council meet its target for qualified social workers?', 'What were caseloads and
what was the target?'): ``asked``. Reports state the two in one sentence ('only 32% of
social workers are level 3 against a target of 40%') or side by side ('60 adoptive
families were approved. The sufficiency target for the year was 50.').

- the target figure is the first figure shortly after a word naming a goal ('a target of
  40%', 'the target for the year was 50', 'targeting caseloads to be between 14 and 16',
  'the expectation was that we would attach a further 187 families'): ``target_in``;
  'targeted support' and 'aimed at 12-year-olds' name no goal;
- the actual figure is a figure of the sentence that is not the target's, nor said after
  the goal word (what the target is based on: 'based on placing 60 children a year'), in
  the target's unit; of several, the one among the question's words: ``actual_in``;
- 'Yes.' or 'No.' only when both are found and comparing them decides the way asked
  (``verdict``). A range is compared whole: '16 – 18' is above '14 – 16' (it starts at
  the target's top and goes past it); a range straddling the target decides nothing.

Pure functions over text; the extractive answerer (rag/extractive.py) picks the two
sentences, yesno.lead says the verdict over the sentences the guard kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .figures import Figure, ranges
from .keyword import tokenize
from .model import NO, YES

# -- the question ---------------------------------------------------------------------------
# A goal named in a question: a target, aim or ambition (a noun), or what a council aimed,
# planned or expected after 'than' / 'as' ('than it had aimed to', 'as the council was
# aiming for', 'than planned') or after a way and 'what' ('above what it was targeting').
_GOAL_ASKED = re.compile(
    r"\b(?:targets?|ambitions?|goals?|trajector(?:y|ies))\b|\b(?:its|their|the)\s+aims?\b"
    r"|(?:\b(?:than|as)|\b(?:above|below|over|under|beyond|short of|meet|met|reach\w*)\s+what)\b[^?.,;]{0,40}?"
    r"\b(?:aim\w*|target\w*|plann\w*|intend\w*|hop(?:e|ed|ing)|expect\w*)\b", re.I)
# The way the figure is asked to fall against the goal, the first that matches.
_WAYS = tuple((way, re.compile(p, re.I)) for way, p in (
    ("missed", r"\b(?:miss(?:es|ed)?|falls? short|fell short|fail(?:s|ed)? to (?:meet|reach|hit|achieve))\b"),
    ("within", r"\bwithin\b"),
    ("at_most", r"\bas (?:few|little|low|small)\b|\b(?:no|not) more than\b"),
    ("at_least", r"\bas (?:many|much|high|large|great)\b|\bat least\b"),
    ("more", r"\b(?:more|higher|greater|larger|bigger|exceed\w*|beat|surpass\w*|above|over)\b"),
    ("fewer", r"\b(?:fewer|less|lower|smaller|below|under)\b"),
    ("met", r"\b(?:meet|meets|met|meeting|reach(?:ed|es)?|achiev\w*|hit|on target|on track)\b"),
))
# The target asked beside the figure, with no way to fall: '..., and what was the target?',
# 'How did caseloads compare with the target?'
_ALONGSIDE = re.compile(
    r"(?:\band|,)\s+(?:what|which)\s+(?:was|were|is|are)\s+(?:the|its|their)\b[^?]{0,30}?\b"
    r"(?:target|aim|ambition|goal)s?\b"
    r"|\b(?:against|compared?\s+(?:with|to)|relative to)\s+(?:the|its|their|a|an|what)\b[^?]{0,30}?\b"
    r"(?:targets?|aim\w*|ambitions?|goals?)\b", re.I)


@dataclass(frozen=True)
class Aim:
    """A figure asked against its target: which way it is asked to fall ('more', 'fewer',
    'at_most', 'at_least', 'within', 'met', 'missed'; '' when the two are only asked side by side)
    and the question's ask of the figure itself (the question less a clause asking the target)."""

    way: str
    figure_asked: str


def asked(question: str) -> Aim | None:
    """The figure-against-target ask of ``question``, or None (module doc)."""
    if not _GOAL_ASKED.search(question):
        return None
    way = next((w for w, pattern in _WAYS if pattern.search(question)), "")
    alongside = _ALONGSIDE.search(question)
    if not way and not alongside:
        return None
    figure = question[:alongside.start()].rstrip(" ,") + "?" if alongside and alongside.start() > 0 else question
    return Aim(way, figure)


# -- the sentences ----------------------------------------------------------------------------
# A word naming a goal in a report's sentence; 'targeted' (support, an inspection) and
# 'aimed at' (whom a service is for) name none.
_GOAL_SAID = re.compile(r"\b(?:targets?|target(?:t)?ing|aims?|aiming|aimed (?:to|for)|ambitions?|goals?|"
                        r"expectation|trajectory)\b", re.I)
_GOAL_WORDS = 10  # the target's figure follows its goal word closely ('target for the year was 50')
# A target that caps a figure ('reduce caseloads to no more than 16'): met at or under it.
_CAPPING = re.compile(r"\b(?:reduc\w*|below|under|fewer|less|lower|no more than|not exceed\w*|maximum|"
                      r"at most|down to|cap\w*)\b", re.I)
_AROUND = (4, 6)  # words before and after a figure that say what it counts


def _goal(sentence: str) -> tuple[re.Match, Figure] | None:
    """The first goal word followed closely by a figure, and that figure."""
    found = ranges(sentence)
    for m in _GOAL_SAID.finditer(sentence):
        after = [f for f in found if f.start >= m.end() and ";" not in sentence[m.end():f.start]]
        if after and len(sentence[m.end():after[0].start].split()) <= _GOAL_WORDS:
            return m, after[0]
    return None


def target_in(sentence: str) -> Figure | None:
    """The figure ``sentence`` names as a target, aim or ambition (module doc), or None."""
    goal = _goal(sentence)
    return goal[1] if goal else None


def actual_in(sentence: str, words: set[str], unit: str | None = None) -> Figure | None:
    """The figure ``sentence`` gives that is not a target's (before any goal word it names),
    in ``unit`` when given; of several, the one most of the question's ``words`` (tokens)
    stand around; None when none, or several alike."""
    goal = _goal(sentence)
    said = [f for f in ranges(sentence) if (goal is None or f.end <= goal[0].start())
            and (unit is None or f.unit == unit)]
    if len(said) < 2:
        return said[0] if said else None
    before, after = _AROUND
    near = [len(words & set(tokenize(" ".join(sentence[:f.start].split()[-before:]
                                               + sentence[f.end:].split()[:after])))) for f in said]
    best = max(near)
    return said[near.index(best)] if best and near.count(best) == 1 else None


def verdict(question: str, sentences: list[str]) -> str | None:
    """'Yes.' or 'No.' where the sentences give the figure and its target and comparing
    them decides the way ``question`` asks; '' where they do not decide it (a range
    straddling the target, units unlike); None where they do not give both figures
    (or the question asks no way): nothing here decides it."""
    aim = asked(question)
    if aim is None or not aim.way:
        return None
    words = set(tokenize(aim.figure_asked))
    for said in sentences:  # the first target said that a figure of its unit is held against
        if (target := target_in(said)) is None:
            continue
        actual = next((a for s in sentences if (a := actual_in(s, words, target.unit))), None)
        if actual is not None:
            return decide(aim.way, actual, target, capped=bool(_CAPPING.search(said)))
    return None


def decide(way: str, a: Figure, t: Figure, capped: bool = False) -> str:
    """Does actual ``a`` fall the ``way`` asked against target ``t``? ('met': within a range
    target; at or over a single one, or at or under it where the target ``capped`` it.
    'within': within a range target, at or under a single one.)"""
    above = a.low >= t.high and a.high > t.high  # the whole range at or over the top, and past it
    below = a.high <= t.low and a.low < t.low
    within = t.low <= a.low and a.high <= t.high
    if way in ("within", "met", "missed"):
        if t.low < t.high:  # a range aimed for is met within it
            met = YES if within else NO if above or below else ""
        else:
            met = decide("at_most" if capped or way == "within" else "at_least", a, t)
        return {YES: NO, NO: YES}.get(met, "") if way == "missed" else met
    yes, no = {
        "more": (above, a.high <= t.high),
        "fewer": (below, a.low >= t.low),
        "at_most": (a.high <= t.high, above),
        "at_least": (a.low >= t.low, below),
    }[way]
    return YES if yes else NO if no else ""


# -- inline examples (tests/test_targets.py asks each) ----------------------------------------
_ASKED = (
    ("Did Dorset approve more adoptive families in 2019/20 than it had aimed to?", "more"),
    ("In 2020, were Dorset's social workers carrying as few children each as the council was aiming for?",
     "at_most"),
    ("Did Oldham meet its target for level 3 social workers?", "met"),
    ("Was the sufficiency target for adopters missed?", "missed"),
    ("Were caseloads within the council's target range?", "within"),
    ("What were social work caseloads in Dorset in 2020 and what was the target?", ""),
    ("Were caseloads above what the council was targeting?", "more"),
    # no goal asked, or a goal asked without a figure against it
    ("Did Dorset approve more adoptive families in 2020 than in 2019?", None),
    ("What does the plan aim to achieve?", None),
    ("What was Dorset's target for adopter approvals?", None),
)
_SAID = (  # sentence, the target's (low, high), the actual's (low, high) given the question's words
    ("The sufficiency target for the year was 50, based on placing 60 children a year for whom adoption is the plan.",
     (50, 50), None),
    ("We are targeting caseloads to be between 14 and 16 per worker.", (14, 16), None),
    ("On average, social workers across all the localities are supporting between 16 – 18 children.", None, (16, 18)),
    ("Only 32% of social workers are 'level 3' (at least two years post-qualified) against a target of 40%.",
     (40, 40), (32, 32)),
    ("The council's expectation was that we would attach a further 187 families to the programme.", (187, 187), None),
    # no goal: targeted help, a service aimed at an age
    ("At October 2014 680 families were in receipt of targeted support from this programme.", None, (680, 680)),
    ("The Coach programme, aimed at 12-year-olds at risk, is evidencing impact.", None, None),
    ("Our aim is to identify best practice and ensure this is shared across the system.", None, None),
)
