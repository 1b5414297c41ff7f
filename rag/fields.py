"""Labelled facts on a report's cover and front sheet: 'Lead inspector: Joy Howick HMI',
'Date of Meeting | 7 th September 2016', a signature ('Murray Rose' over 'Director of
People Services').

Every report prints these the same few ways, and they answer the questions staff ask
first (who led it, who wrote it, when was it published, when did cabinet meet) better
than any search: a one-line paragraph that repeats the report's title embeds like every
other cover line, so dense search ranks it low. Pure functions over parsed paragraphs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from core.model import Kind, Report
from ingest.cover import INSPECTOR_LINE

from .keyword import tokenize
from .question import clauses, role_asked, same_word

MAX_LABEL_WORDS = 4
MAX_VALUE_WORDS = 20
MAX_HEADER_VALUE_WORDS = 8  # a cover line's value is a date or a name, not a sentence
# Questions say 'who led', labels say 'Lead inspector'.
# A cabinet or committee considers or discusses a paper at a meeting: 'Date of Meeting'.
_SAY_AS = ((r"\bled\b", "lead"), (r"\b(wrote|written|writer|authored)\b", "author"),
           (r"\b(met|consider(ed)?|discuss(ed)?|debated?)\b", "meeting"),
           (r"\bchaired\b", "chair"), (r"\b(visit(ed|s)?|inspected)\b", "inspection date"))
# 'according to the 2011 inspection report' names where to look, not a label ('Reporting inspector').
_SOURCE = re.compile(r"\baccording to\b[^,;?]*", re.I)
# 'Before the 2011 inspection, when had services last been rated adequate?' dates another event
# by the inspection: it does not ask the inspection's date ('Inspection dates: ...').
_BY_EVENT = re.compile(r"\b(before|after|since|until|during|prior to|ahead of|following|at the time of)\s+"
                       r"(the|its|their|this|that|[A-Z]\w*'s)?\s*((19|20)\d\d\s+)?(\w+\s+)?"
                       r"(inspection|visit|meeting)\b"
                       # nor does a clause set at the inspection: '... when Ofsted inspected in 2011?'
                       r"|(?<=\s)when\s+(Ofsted|(the\s+)?inspectors?)\s+(inspected|visited|came|arrived)\b", re.I)
# A cover's 'Published:' dates the report: 'When did Dorset publish the two reviews ...?' asks
# when something else was published.
_OTHER_PUBLISHED = re.compile(r"\bpublish(?:ed|es)?\s+(?!(?:(?:the|its|their|this|that|a)\s+)?(?:(?:19|20)\d\d\s+)?"
                              r"(?:ofsted['’]?s?\s+)?(?:report|inspection|findings|letter|it)\b)\w+", re.I)
# Where a label ends: 'Lead inspector:', 'Report published:', 'Cabinet Member(s)' (a
# council front sheet's labels carry '(s)' and no colon).
_LABEL_END = re.compile(r"\s*:|\(s\)")
_ROLE = re.compile(r"\b(Director|Manager|Officer|Head|Chief|Executive|Leader|Chair|Inspector)\b")
_PERSON = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr|Councillor|Cllr)\.? )?[A-Z][a-z]+(?:[- ][A-Z][a-z]+){1,2}$")


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    locators: tuple[str, ...]  # the paragraph(s) that print it

    @property
    def sentence(self) -> str:
        return f"{self.label}: {self.value}"


def fields(report: Report) -> list[Field]:
    """The labelled facts of a report, in reading order."""
    out: list[Field] = []
    paragraphs = report.paragraphs
    for i, p in enumerate(paragraphs):
        if p.kind is Kind.TABLE_ROW and len(p.cells) == 2 and _is_label(p.cells[0]) and p.cells[1].strip():
            out.append(Field(p.cells[0].strip(), _clip(p.cells[1]), (p.locator,)))
            continue
        if m := INSPECTOR_LINE.match(" ".join(p.text.split())):
            out.append(Field(m["label"], m["value"], (p.locator,)))
            continue
        out += [Field(label, value, (p.locator,)) for label, value in labelled(p.text)]
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if following is not None and _PERSON.match(p.text.strip()) and _is_role(following.text):
            out.append(Field(following.text.strip(), p.text.strip(), (p.locator, following.locator)))
    return out


def labelled(text: str) -> list[tuple[str, str]]:
    """'Lead inspector: Joy Howick HMI Deputy lead inspector: Linda Steele HMI' ->
    [('Lead inspector', 'Joy Howick HMI'), ('Deputy lead inspector', 'Linda Steele HMI')].
    Text before the first label is not a field."""
    text = " ".join(text.replace("*", " ").split())
    marks = []  # (label start, label end, value start)
    for m in _LABEL_END.finditer(text):
        start = _label_start(text[:m.start()], plural=m.group() == "(s)")
        if start is not None and (not marks or start >= marks[-1][2]):
            marks.append((start, m.start(), m.end()))
    out = []
    for (start, end, value_start), nxt in zip(marks, marks[1:] + [None]):
        value = _clip(text[value_start:nxt[0] if nxt else len(text)])
        if any(ch.isalnum() for ch in value):
            out.append((text[start:end], value))
    return out


def _label_start(before: str, plural: bool) -> int | None:
    """Where the label that ends ``before`` starts: a capitalised word and the lower-case
    words after it ('Deputy lead inspector' in '... Joy Howick HMI Deputy lead inspector');
    a '(s)' label is title case, its last two words ('Lead Director' in '... None Lead Director')."""
    words = list(re.finditer(r"\S+", before))[-MAX_LABEL_WORDS:]
    if not words:
        return None
    if plural:
        pick = words[-2:] if len(words) > 1 and words[-2].group()[:1].isupper() else words[-1:]
    else:
        i = len(words) - 1
        while i > 0 and words[i].group().islower():
            i -= 1
        pick = words[i:]
    label = before[pick[0].start():]
    return pick[0].start() if _is_label(label) and label[:1].isupper() and label.replace(" ", "").isalpha() else None


def _is_label(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= MAX_LABEL_WORDS and not any(ch.isdigit() for ch in text) and text[:1].isupper()


def _is_role(text: str) -> bool:
    return len(text.split()) <= 8 and bool(_ROLE.search(text))


def _clip(value: str) -> str:
    """A value ends at its first full stop (what follows is prose) or after a few words."""
    value = " ".join(value.split())
    value = re.split(r"(?<=[A-Za-z0-9)]{2})\.\s+(?=[A-Z])", value, maxsplit=1)[0]
    words = value.split()
    return " ".join(words[:MAX_VALUE_WORDS]).rstrip(" .;,")


# -- matching a question -------------------------------------------------------------
# Label words that say what kind of value follows, or what every question and report is
# about, not which fact it is: 'Date of Meeting' is not named by a question asking the date
# a board approved a plan, nor 'Director for Children's Services' by one about children's
# services. A label is named by one of its other words ('meeting', 'published', 'lead').
_UNNAMING = frozenset(tokenize("date dates day name time children's children services service council county "
                               "borough people young report ofsted"))


def as_labels_say(clause: str) -> str:
    """A question (or clause) in the words labels use ('who led' -> 'who lead'), less the
    source it names and the events it dates others by."""
    clause = _OTHER_PUBLISHED.sub("", _BY_EVENT.sub("", _SOURCE.sub("", clause)))
    for pattern, word in _SAY_AS:
        clause = re.sub(pattern, word, clause, flags=re.I)
    return clause


def names_label(label: str, asked: set[str]) -> bool:
    """Does a question (the tokens of ``as_labels_say``) name ``label`` by a word that picks out the
    fact, not only by the kind of value or the subject every report shares?"""
    return any(same_word(w, a) for w in tokenize(label) if w not in _UNNAMING for a in asked)


def header_line(text: str) -> list[tuple[str, str]]:
    """The labels and values of a cover or header line ('Inspection dates: 12 - 23 September
    2011', 'Date of Meeting | 7 th September 2016', 'Lead inspector: ... Team inspectors: ...'):
    a line that starts with a label and holds only short values. Empty for prose, even prose
    after a label ('Executive Summary: Dorset's Ofsted inspection took place in ...')."""
    flat = " ".join(text.split())
    cells = [c.strip() for c in flat.split(" | ")]
    if len(cells) == 2 and _is_label(cells[0]):
        pairs = [(cells[0], cells[1])]
    elif m := INSPECTOR_LINE.match(flat):
        pairs = [(m["label"], m["value"])]
    else:
        pairs = labelled(flat)
    if not pairs:
        return []
    short = all(len(v.split()) <= MAX_HEADER_VALUE_WORDS for _, v in pairs)
    if not flat.startswith(pairs[0][0]):
        # a cover block run into one line after its title ('Inspection of ... Services Ofsted
        # 4 January 2012 Author: Lisa Summers Extension: 2469'): labels with short values only
        return pairs if len(pairs) > 1 and short else []
    return pairs if short or len(pairs) > 1 else []


def match(question: str, candidates: list[Field], wants: Callable[[str, str], bool]) -> list[Field]:
    """The fields whose label the question names best (most of the label's words; a
    word matches its longer form, 'inspection'~'inspector'), among those whose value
    holds what the question asks for (``wants(value, clause)``: a date for 'when ...').
    One per clause: 'When was it inspected and when was the report published?' gets two."""
    out: list[Field] = []
    for clause in clauses(question):
        clause = as_labels_say(clause)
        asked = set(tokenize(clause))
        role = role_asked(clause)
        scored = [(_cover(f.label, asked), f) for f in candidates
                  if wants(f.value, clause) and role.named_by(f.label) and names_label(f.label, asked)]
        best = max((s for s, _ in scored), default=0.0)
        if best >= 0.5:
            out += [f for s, f in scored if s == best and f not in out]
    return out


def _cover(label: str, asked: set[str]) -> float:
    words = {w for w in tokenize(label) if len(w) > 1}
    hit = sum(1 for w in words if any(same_word(w, a) for a in asked))
    return hit / len(words) if words else 0.0

