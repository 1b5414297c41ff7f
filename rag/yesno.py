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
  for 'all') -> no; it says a thing asked to have gone ahead as planned was delayed,
  postponed or cancelled -> no; it states, as a plain fact, the state the question asks of
  its subject ('Were arrangements in place to track missing children?': 'Robust arrangements
  are in place countywide to track children ... missing') -> yes (``_states_asked``).

Anything else is left undecided (''): the answer then gives the evidence without a yes
or a no, rather than guess one. Pure functions over text.
"""
from __future__ import annotations

import re

from core.grades import GRADE_WORDS, GRADES, normalise_grade, states_grade

from . import targets
from .keyword import tokenize
from .model import NO, YES

# A negation, less the phrases that only look like one ('not only', 'no more than 5%').
_NEGATION = re.compile(r"\b(?:no|not|none|never|nor|neither|nothing|without|cannot)\b|n't\b", re.I)
_NOT_NEGATION = re.compile(r"\b(?:not only|not just|not least|no doubt|no (?:more|less|fewer) than"
                           r"|not (?:more|less|fewer) than|if not|or not|no matter)\b", re.I)
_WINDOW = 4  # words after a negation that it governs ('no specific budget implications')
# A question whether something happened as it was meant to, and the words saying it did not.
_ASKS_HAPPENED = re.compile(r"\b(go|goes|went|gone) ahead\b|\b(take|took|taken) place\b|\bas planned\b"
                            r"|\bon (time|schedule)\b", re.I)
_DID_NOT_HAPPEN = re.compile(r"\b(delayed|postponed|cancell?ed|deferred|put on hold|paused|suspended)\b", re.I)
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
    """'Yes.' or 'No.' where the answer's sentences decide it and agree; else ''. A figure
    asked against its target is decided by the two figures where the sentences give both
    (rag/targets.py), and by nothing else then."""
    against = targets.verdict(question, sentences)
    if against is not None:
        return against
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
    if _ASKS_HAPPENED.search(question) and _DID_NOT_HAPPEN.search(sentence):
        return NO  # 'Did the training go ahead as planned?': 'this was delayed as a result of the pandemic'
    if _negated(sentence):
        return NO if _negates_asked(sentence, asked) else ""
    return _by_value(question, sentence) or (YES if _states_asked(question, sentence) else "")


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


# The class: a yes/no question asking a state of its subject ('Was a fast track referral
# system in place?', 'Were robust arrangements in place ...?', 'Is the plan on track?'). A
# sentence answers yes when it says the same state of the same subject with a plain copula
# ('A fast track referral system is now in place'), and the question's words after the state
# ('... in place countywide to track missing children') are all in it too: 'Is the board
# shared with another council?' is not decided by 'The LSCB is shared with Bournemouth'.
# Not where the sentence only wants, plans or supposes the state: a recommendation ('should
# ensure arrangements are in place'), a plan ('when the 0-12 team is in place'), a question;
# nor a state said inside a relative clause ('for children who have been missing from care'),
# which is of another subject than the sentence's.
_COPULA = re.compile(r"\b(?:is|are|was|were|(?:has|have|had) been|remains?|remained)\s+"
                     r"(?:(?:now|already|still|also|firmly|fully|well|securely|clearly)\s+)*", re.I)
_HEDGED = re.compile(r"\b(?:should|must|shall|will|would|could|may|might|ensur\w*|if|when|once|until|unless"
                     r"|whether|needs?|plans?|aims?|intends?|expected|to be|yet to"
                     r"|who|which|that|where)\b|\?", re.I)
_STATE_WORDS = 3  # a state is a short phrase: 'in place', 'up to date', 'on track', 'effective'
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


def _states_asked(question: str, sentence: str) -> bool:
    """The sentence states, as a fact, the state the question asks of its subject (above)."""
    q_words = _WORD.findall(question.lower())
    for m in _COPULA.finditer(sentence):
        before, after = sentence[:m.start()], _WORD.findall(sentence[m.end():].lower())
        if _HEDGED.search(before):
            continue
        for n in range(min(_STATE_WORDS, len(after)), 0, -1):
            state = after[:n]
            if not _content(" ".join(state)) or not _content(state[-1]):  # the state ends on a word that says something
                continue
            at = _find(q_words, state)
            if at is None:
                continue
            subject = _content(" ".join(q_words[:at])) - {"question"}
            rest = _content(" ".join(q_words[at + n:]))
            said = _content(sentence)
            if subject & _content(before) and rest <= said:
                return True
            break  # the longest state the question holds is the one it asks
    return False


def _find(words: list[str], phrase: list[str]) -> int | None:
    """Where ``phrase`` starts in ``words`` (after the question's opening verb), or None."""
    n = len(phrase)
    return next((i for i in range(1, len(words) - n + 1) if words[i:i + n] == phrase), None)


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
    # a state asked of a subject, stated of it as a fact: yes; wanted, planned or of another thing: undecided
    ("Was a fast track referral system in place between social care teams and health services?",
     "A fast track referral system is now in place between social care children's teams and Emotional Health "
     "and Wellbeing services, resulting in an initial assessment within days.", YES),
    ("Were robust arrangements in place to track children missing from home?",
     "Robust arrangements are in place countywide to track children and young people missing from home, "
     "school or care.", YES),
    ("Were arrangements in place to monitor safeguarding practice in the trust?",
     "The trust should ensure arrangements are in place to monitor safeguarding practice.", ""),
    ("Was the 0-12 LAC team in place?",
     "Permanence planning will be improved from September when the 0-12 LAC team is in place.", ""),
    ("Was a single database of safeguarding checks in place?",
     "A fast track referral system is now in place between social care and health.", ""),
    ("Were arrangements in place to track missing children?", "Arrangements are not in place to track them.", NO),
    # a thing asked to have happened as planned, and said to be delayed
    ("Did the supervision training go ahead in spring 2020 as planned?",
     "We had planned this training for Spring 2020; however, it was delayed by the pandemic.", NO),
    # 'not only' is no negation
    ("Was the current risk assessed as low?", "Risk is not only low but falling.", YES),
)

