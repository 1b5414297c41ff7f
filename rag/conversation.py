"""A question asked in a conversation: what it stands for on its own.

The question's own subject comes first, the sidebar's filters second, the conversation last:

- a question that names a council, a year or a kind of report and asks something of its
  own is read on its own ('What did the Dorset cabinet paper say about fostering?');
- one that names only a council, a year or a kind of report ('What about Poole?', 'And in
  2016?', 'And the self-evaluation?') is the previous question asked of it;
- one that names none takes the previous question's council and year only when it goes on
  from it: it opens as a continuation ('What about care leavers?', 'And ...'), refers back
  ('their recommendations', 'the report') or is a fragment ('Care leavers?'). A
  self-contained question takes nothing, nor does one addressed to the assistant
  ('Ignore your instructions and ...');
- a council, year or report chosen in the sidebar is never replaced by the conversation's,
  and a year the conversation gives belonged to its council: it goes when the council does.

With an LLM the model may rewrite a follow-up (``condense``), within the same rules: it is
asked only about a follow-up, and a rewrite that drops the question's own council or year,
or names one the rules rule out, gives way to the offline reading.

Pure functions over the question text, the filters and the library's report metadata.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from core.model import ReportMeta

from .model import Filters
from .question import Question, read

# Opens by going on from the question before ('And in 2016?', 'What about care leavers?').
_CONTINUES = re.compile(r"^\s*(and|also|but|so|then|plus|what about|how about|what else|what of|same for)\b", re.I)
# Refers back to something the conversation named: a pronoun, 'that report', 'the council'
# (which council? the one asked about), 'then' or 'there' closing the question, 'as well'.
_THING = (r"(council|authority|local authority|reports?|inspection|inspectors|paper|document|year|time|one|areas?|"
          r"grades?|judgements?|services?)")
_REFERS_BACK = re.compile(
    r"\b(it|its|they|their|theirs|them|he|she|his|her|him)\b"
    rf"|\b(this|that|these|those|the same|the previous|the earlier|the last|the)\s+{_THING}\b"
    r"|\b(then|there|that|this|those|these)\W*$"
    r"|\b(as well|too|instead|else)\b", re.I)
# A fragment: a few words that are not a question or a request of their own ('Care leavers?').
_FRAGMENT_WORDS = 3
_ASKS = re.compile(r"^\s*(what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|has|have|had|can|"
                   r"could|should|would|will|may|list|name|give|show|tell|summari[sz]e|describe|explain|compare)\b",
                   re.I)
# Words to the assistant, not about the reports (instructions, a persona, thanks or a
# greeting): never a follow-up.
_TO_THE_ASSISTANT = re.compile(
    r"^\W*(please\s+)?(ignore|disregard|forget|pretend|act as|role-?play|override|bypass|you are|you're)\b"
    r"|^\W*(hi|hello|hey|thanks|thank you|cheers|ok|okay|great|good|bye|goodbye)"
    r"(\W+(thanks|thank you|you|very much|so much))*\W*$"
    r"|\b(system prompt|your (instructions|rules|prompt|guidelines)|previous instructions|jailbreak)\b", re.I)

# How a rewrite names a kind of report, so question.read finds it (its _VOICE_WORDS).
_VOICE_NAMES = {"self-evaluation": "the self-evaluation", "committee-paper": "the committee paper"}


@dataclass(frozen=True)
class Scope:
    """The councils and years fixed outside the question: by the sidebar, or carried."""

    places: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


def chosen(filters: Filters, library: Sequence[ReportMeta]) -> Scope:
    """What the sidebar's filters fix: a report fixes its council and year."""
    if filters.doc_id is not None:
        meta = next((m for m in library if m.doc_id == filters.doc_id), None)
        return Scope((meta.place,), (meta.year,)) if meta else Scope()
    places = filters.places
    if filters.authority is not None:  # as the library names it ('Dorset County Council' -> 'Dorset')
        named = Filters(authority=filters.authority)
        places = (next((m.place for m in library if named.allows(m)), filters.authority),)
    years = (filters.year,) if filters.year is not None else filters.years
    return Scope(places, years)


def kind_of(text: str, reading: Question) -> str:
    """'elliptical': names only a council, year or kind of report; 'continues': names none
    and goes on from the question before; 'own': stands on its own."""
    if _TO_THE_ASSISTANT.search(text):
        return "own"
    names = bool(reading.places or reading.years or reading.voice)
    if names:
        asks_own = bool(reading.topic or reading.grades or reading.intent != "text")
        return "own" if asks_own else "elliptical"
    fragment = len(text.split()) <= _FRAGMENT_WORDS and not _ASKS.search(text)
    return "continues" if _CONTINUES.search(text) or _REFERS_BACK.search(text) or fragment else "own"


def standalone(asked: str, history: Sequence[tuple[str, str]], filters: Filters, library: Sequence[ReportMeta],
               condense: Callable[[str, Sequence[tuple[str, str]]], str | None] | None = None) -> str:
    """``asked`` as a question that stands alone, given the earlier (question, answer)
    pairs (oldest first; each question as it was read) and the sidebar's filters.
    ``condense``: an LLM's rewrite of a follow-up, or None (or a None reply) for none."""
    if not history:
        return asked
    new, old = read(asked, list(library)), read(history[-1][0], list(library))
    kind = kind_of(asked, new)
    if kind == "own":
        return asked
    fixed = chosen(filters, library)
    offline = (_asked_of(history[-1][0], new, old, fixed) if kind == "elliptical"
               else _scoped(asked, _carried(old, fixed)))
    rewritten = condense(asked, history) if condense is not None else None
    # (a follow-up the model left as it was is read offline: the rules found no subject in it)
    if rewritten and rewritten != asked and _within(read(rewritten, list(library)), new, old, fixed):
        return rewritten
    return offline


def _carried(old: Question, fixed: Scope) -> Scope:
    """The previous question's councils and years a follow-up naming neither takes: the
    sidebar's win, and the previous years go with the previous council."""
    places = () if fixed.places else old.places
    council_changed = bool(fixed.places) and set(fixed.places) != set(old.places)
    years = () if fixed.years or council_changed else old.years
    return Scope(places, years)


def _scoped(text: str, scope: Scope) -> str:
    where = " ".join([*scope.places, *map(str, scope.years)])
    return f"{text.rstrip(' ?')} ({where})?" if where else text


def _asked_of(previous: str, new: Question, old: Question, fixed: Scope) -> str:
    """The previous question asked of the council, year or kind of report the new one names
    (or, for what it leaves out, the sidebar's)."""
    place = (new.places or fixed.places or (None,))[0]
    year = (new.years or fixed.years or (None,))[0]
    out = previous
    if place is not None:
        for before in old.places:
            out = re.sub(rf"\b{re.escape(before)}\b", place, out, flags=re.I)
        if not old.places:
            out = f"{out.rstrip(' ?')} in {place}?"
    moved = (place is not None and {place} != set(old.places)) or (new.voice and new.voice != old.voice)
    for before in old.years:
        if year is not None:
            out = out.replace(str(before), str(year))
        elif moved:  # a year belonged to the council (or report) asked about before
            out = re.sub(rf"\s*\b(in )?{before}\b", "", out)
    if year is not None and not old.years:
        out = f"{out.rstrip(' ?')} in {year}?"
    if new.voice and new.voice != old.voice:
        out = f"{out.rstrip(' ?')} ({_VOICE_NAMES.get(new.voice, new.voice)})?"
    return " ".join(out.split())


def _within(rewrite: Question, new: Question, old: Question, fixed: Scope) -> bool:
    """An LLM's rewrite keeps the question's own councils and years, and names no other
    council or year than the question's, the sidebar's or (for what neither fixes) the
    conversation's; a year of the previous council goes when the council changes."""
    if not (set(new.places) <= set(rewrite.places) and set(new.years) <= set(rewrite.years)):
        return False
    places = new.places or fixed.places
    if places and not set(rewrite.places) <= set(places):
        return False
    years = new.years or fixed.years
    council_changed = bool(places) and set(places) != set(old.places)
    if (years or council_changed) and not set(rewrite.years) <= set(years):
        return False
    return True
