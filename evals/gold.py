"""The known-answer set: loading it, and matching its evidence against reports and paragraphs.

Evidence is a verbatim passage of a report. Matching ignores only what extraction and
parsing change about layout: line breaks and runs of spaces, tabs between table cells
(a parsed table row joins its cells with ' | '), bold markers and HTML tags. A grade
line or table row is matched together with its heading (the last heading on its path:
the section for a grade line, the group label for a table row), because
'Overall effectiveness Good' only says which part it grades with the group above it.

Evidence must name exactly one paragraph of its report (so a hit is unambiguous);
the one exception is a row the report itself prints twice word for word (Dorset
2011's two 'Equality and diversity | Good' rows under the same misprinted group
label), marked with "evidence_count": 2.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from core.model import Kind, Paragraph, Report
from core.textnorm import is_subsequence, words

T = TypeVar("T")

KINDS = ("grade", "number", "date", "person", "recommendation", "list", "fact", "comparison", "superlative", "yesno",
         "unanswerable")
DEFAULT_SET = Path(__file__).resolve().parent / "known_answers.jsonl"

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_BULLET = re.compile(r"(?m)^[ \t]*[-\u2022][ \t]+")


@dataclass(frozen=True)
class KnownAnswer:
    id: str
    question: str
    answer: str
    must_include: tuple[str, ...]
    evidence: str
    doc_id: str
    locator: str
    kind: str
    # Other paragraphs that also state part of the answer (e.g. each item of a list).
    locators: tuple[str, ...] = ()
    authority: str | None = None
    year: int | None = None
    extra: dict = field(default_factory=dict)  # e.g. "paraphrase": true, "missing_side": "..."

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    @property
    def missing_side(self) -> str:
        """A comparison one side of which the reports do not answer: what is missing."""
        return str(self.extra.get("missing_side", ""))


def load(path: Path = DEFAULT_SET) -> list[KnownAnswer]:
    return read_jsonl(path, _known_answer)


def _known_answer(row: dict) -> KnownAnswer:
    return KnownAnswer(
        id=str(row["id"]), question=row["question"], answer=row.get("answer", ""),
        must_include=tuple(row.get("must_include", ())), evidence=row.get("evidence", ""),
        doc_id=row.get("doc_id", ""), locator=row.get("locator", ""), kind=row["kind"],
        locators=tuple(row.get("locators", ())), authority=row.get("authority"), year=row.get("year"),
        extra={k: v for k, v in row.items() if k not in _FIELDS})


def read_jsonl(path: Path, make: Callable[[dict], T]) -> list[T]:
    """One item per non-blank line of a JSON Lines set; a bad line is a ValueError naming
    the file and line."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(make(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: {exc.__class__.__name__}: {exc}") from None
    return items


_FIELDS = {"id", "question", "answer", "must_include", "evidence", "doc_id", "locator", "kind", "locators",
           "authority", "year"}


def norm(text: str) -> str:
    """Layout-free form of report text, for evidence matching (case kept)."""
    text = _TAG.sub(" ", text.replace("**", " "))
    text = _BULLET.sub("", text)
    text = text.replace("\t", " ").replace(" | ", " ")
    return " ".join(text.split())


def evidence_text(paragraph: Paragraph) -> str:
    if paragraph.kind in (Kind.GRADE, Kind.TABLE_ROW) and paragraph.heading_path:
        return norm(paragraph.heading_path[-1] + " " + paragraph.text)
    return norm(paragraph.text)


def contains_evidence(paragraph: Paragraph, evidence: str) -> bool:
    return bool(evidence) and norm(evidence) in evidence_text(paragraph)


def fold(text: str) -> str:
    """For must_include: case, punctuation and apostrophes do not matter."""
    text = text.casefold().replace("\u2019", "").replace("'", "")
    return " ".join(re.sub(r"[^\w%£]+", " ", text).split())


def locator_key(k: KnownAnswer, entry: str) -> tuple[str, str]:
    """(doc_id, locator) for an entry of ``locators``: 'doc_id#locator' names another
    report (a comparison line), a bare locator is in the answer's own report."""
    doc_id, sep, loc = entry.partition("#")
    if sep and doc_id and loc and " " not in doc_id:  # report ids are slugs; locators have spaces
        return doc_id, loc
    return k.doc_id, entry


def gold_keys(k: KnownAnswer) -> tuple[tuple[str, str], ...]:
    """Every (doc_id, locator) that states (part of) the answer: the gold one first."""
    keys = [(k.doc_id, k.locator)] if k.locator else []
    return tuple(dict.fromkeys(keys + [locator_key(k, e) for e in k.locators]))


def problems(items: list[KnownAnswer], reports: dict[str, Report], raw_texts: dict[str, str]) -> list[str]:
    """Everything wrong with a set: ids, kinds, evidence not in its report exactly once,
    evidence not in the paragraph its locator names."""
    out: list[str] = []
    seen: set[str] = set()
    for k in items:
        where = f"{k.id}"
        if k.id in seen:
            out.append(f"{where}: duplicate id")
        seen.add(k.id)
        if k.kind not in KINDS:
            out.append(f"{where}: kind {k.kind!r} is not one of {', '.join(KINDS)}")
        if not k.answerable:
            continue
        if not k.must_include:
            out.append(f"{where}: no must_include")
        if k.doc_id not in reports:
            out.append(f"{where}: no report {k.doc_id!r}")
            continue
        report = reports[k.doc_id]
        # Verbatim: the evidence's words stand in this order in the report's text ...
        if not is_subsequence(words(norm(k.evidence)), words(norm(raw_texts[k.doc_id]))):
            out.append(f"{where}: evidence is not in {k.doc_id}")
        # ... and it names one paragraph of it (a table row with its group label).
        count = sum(1 for p in report.paragraphs if contains_evidence(p, k.evidence))
        if count != k.extra.get("evidence_count", 1):
            out.append(f"{where}: evidence occurs in {count} paragraphs of {k.doc_id}, not one")
        try:
            para = report.paragraph(k.locator)
        except KeyError:
            out.append(f"{where}: {k.doc_id} has no paragraph {k.locator!r}")
            continue
        if not contains_evidence(para, k.evidence):
            holders = [p.locator for p in report.paragraphs if contains_evidence(p, k.evidence)]
            out.append(f"{where}: evidence is not in paragraph {k.locator!r} (it is in {holders})")
        for doc_id, loc in gold_keys(k)[1:]:
            if doc_id not in reports:
                out.append(f"{where}: no report {doc_id!r} (locators)")
                continue
            try:
                reports[doc_id].paragraph(loc)
            except KeyError:
                out.append(f"{where}: {doc_id} has no paragraph {loc!r} (locators)")
        answer = fold(k.answer)
        for m in k.must_include:
            if fold(m) not in answer and fold(m) not in fold(k.evidence):
                out.append(f"{where}: must_include {m!r} is in neither the answer nor the evidence")
    return out
