"""The offline answerer: the retrieved sentences that best answer the question, each
followed by its citation. No LLM, deterministic, and it can only say what a paragraph
says, word for word.

A sentence's score mixes (weights below):
- how close its embedding is to the question's (the sentence read with its section
  heading, so 'Published: 28 October 2011' or 'Being healthy | Good' keep their sense);
- the share of the question's own words found in the sentence or its heading/lead-in;
- whether it holds the kind of thing asked for: a date for 'when', a number for
  'how many', a name for 'who';
- how high retrieval ranked its paragraph.
For a 'when', 'how many' or 'who' question only sentences holding a date, number or
name are candidates. It abstains when no candidate reaches ANSWER_MIN.
"""
from __future__ import annotations

import re

import numpy as np

from ingest.embedder import Embedder

from .keyword import tokenize
from .model import Draft, Hit
from .text import sentences

W_DENSE, W_WORDS, W_TYPE, W_RANK = 0.45, 0.35, 0.15, 0.05
# Chosen on the eval set (python -m evals run): 0.40 answered more questions than 0.45
# with the same abstention accuracy.
ANSWER_MIN = 0.40  # the best sentence must reach this, or the answerer abstains
WITHIN = 0.04  # other sentences must score within this of the best
MAX_SENTENCES = 3
PER_PARAGRAPH = 2

_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE = re.compile(rf"\b{_MONTH}\b|\b(19|20)\d\d\b|\b\d{{1,2}}(st|nd|rd|th)?\s+{_MONTH}\b|\b\d\d?[./]\d\d?[./]\d\d", re.I)
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                     r"thirty|forty|fifty|hundred|half|quarter|majority|minority|all|none)\b", re.I)
# Two capitalised words that are not a title or a place: 'Lynne Staines', 'Sara Tough'.
_NOT_NAME = set("""The This That These Our Their Its A An In On At Of For And Or To By With From Dorset Poole Darlington
Bournemouth Council County Borough Children Childrens Children's Services Service Director Executive Cabinet Member
Ofsted Local Authority Safeguarding Board Team Lead Chair Head Care Plan Social Workers Young People Looked After
Inspection Inspectors Report Summary Health NHS Trust Police Partnership Strategic Senior Manager Managers Assistant
Corporate Deputy Officer Quality Assurance Education Early Help Court Family Families Youth Offending School Schools
Virtual Group Panel Forum Hub Front Door People Her Majesty's Majesty Inspector Inspectors Data Analyst Government
Office Standards Skills Piccadilly Gate Store Street Manchester January February March April May June July August
September October November December Monday Tuesday Wednesday Thursday Friday Covid Pan Multi Agency Portfolio Holder
Leader Alliance Members Member Chief Deputy Working Together Strengthening Thrive Plan Strategy""".split())
_BODY = re.compile(r"\b[A-Z]\w+ (Borough |County |City )?Council\b|\bBorough of [A-Z]\w+|\bNHS\b|"
                   r"\b[A-Z]\w+ (Trust|Police|Constabulary|Commission)\b")
_GRADE = re.compile(r"\b(outstanding|good|adequate|inadequate|requires improvement)\b", re.I)
_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


# What a question asks for, by its words: the first that matches wins.
_ASKS = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("name", r"\b(name of|called)\b"),
    ("person", r"\bwho\b|\bwhich\b.*\b(member|director|officer|inspector|chair|councillor|person)\b"),
    ("grade", r"\b(grade[sd]?|judgement|judged|rated|rating|verdict)\b"),
    ("rate", r"\b(proportion|percentage|share)\b|\b(the|a|what|vacancy|turnover) rates?\b|\brate of\b"),
    ("money", r"\b(budget|cost|spend|spent|funding|how much money)\b"),
    ("number", r"\b(how many|how much|number of|how far)\b"),
    ("date", r"\b(when|what date|which date|what year|how long|since when|by when|timescale|deadline)\b"),
))


def answer_type(question: str) -> str | None:
    q = question.lower()
    return next((kind for kind, pattern in _ASKS if pattern.search(q)), None)


def has_type(text: str, kind: str | None) -> bool:
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "number":
        return bool(_NUMBER.search(text))
    if kind == "rate":  # '35 per 10,000', '62.1%', 'a rate of ...'
        return bool(re.search(r"\d\s*%|\bper (cent|\d)|\d+ per \d|\brate of \d", text))
    if kind == "money":
        return bool(re.search(r"£\s*\d|\d\s*(million|m|k)\b", text))
    if kind == "grade":
        return bool(_GRADE.search(text))
    named = any(a not in _NOT_NAME and b not in _NOT_NAME for a, b in _NAME.findall(text))
    if kind == "name":
        return named
    if kind == "person":  # 'who': a person, or a body ('Borough of Poole', 'Bournemouth Borough Council')
        return named or bool(_BODY.search(text))
    return True


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, embedder: Embedder, max_sentences: int = MAX_SENTENCES):
        self.embedder = embedder
        self.max_sentences = max_sentences

    def answer(self, question: str, hits: list[Hit], words: tuple[str, ...] | None = None) -> Draft:
        """``words``: the question's own keyword tokens (council names and years left out:
        the filters already chose the reports); if none, all of the question's."""
        candidates = [(i, s) for i, h in enumerate(hits) for s in sentences(h.paragraph.text)]
        if not candidates:
            return Draft((), abstain=True)
        context = [_context(hits[i]) for i, _ in candidates]
        vectors = np.asarray(self.embedder.embed([question] + [f"{c}: {s}" if c else s
                                                               for (_, s), c in zip(candidates, context)]))
        dense = vectors[1:] @ vectors[0]
        wanted = set(words or ()) or set(tokenize(question))
        kind = answer_type(question)
        scored = []
        for (i, s), c, cos in zip(candidates, context, dense):
            found = set(tokenize(f"{c} {hits[i].paragraph.lead_in} {s}"))
            share = len(wanted & found) / len(wanted) if wanted else 0.0
            typed = 1.0 if kind and has_type(s, kind) else 0.0
            score = W_DENSE * float(cos) + W_WORDS * share + W_TYPE * typed + W_RANK / (1 + i)
            scored.append((score, i, s, typed))
        # Best first; ties broken by retrieval rank, then by position, so answers are stable.
        scored.sort(key=lambda t: (-round(t[0], 6), t[1]))
        if kind:  # 'when', 'how many', 'who': only sentences holding a date, number or name answer
            scored = [t for t in scored if t[3]]
        if not scored or scored[0][0] < ANSWER_MIN:
            return Draft((), abstain=True)
        best = scored[0][0]
        chosen: list[tuple[str, tuple[int, ...]]] = []
        per_hit: dict[int, int] = {}
        for score, i, s, _ in scored:
            if score < best - WITHIN or len(chosen) == self.max_sentences:
                break
            if per_hit.get(i, 0) == PER_PARAGRAPH or _repeats(s, [c for c, _ in chosen]):
                continue
            per_hit[i] = per_hit.get(i, 0) + 1
            chosen.append((s, (i,)))
        return Draft(tuple(chosen), abstain=not chosen)


def _context(hit: Hit) -> str:
    """The heading a short paragraph needs to make sense ('Being healthy', 'Local leadership')."""
    path = hit.paragraph.heading_path
    return path[-1] if path else ""


def _repeats(sentence: str, kept: list[str]) -> bool:
    """Near-duplicates (the same finding quoted in two reports) are said once."""
    words = set(tokenize(sentence))
    for other in kept:
        o = set(tokenize(other))
        if words and o and len(words & o) / len(words | o) > 0.8:
            return True
    return False
