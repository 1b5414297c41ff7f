"""Answers from the structured records that ingest extracted: grades and recommendations.

A question about a grade or a recommendation is answered from the records first:
a list question gets the whole list with its count, not the top-k fragments of it.
Each sentence cites the paragraph its record was read from. Returns None when the
records do not answer (the chain then searches the text).
"""
from __future__ import annotations

from collections import Counter

from ingest.model import Judgement, Recommendation, Report, Voice

from .keyword import tokenize
from .model import Draft, Hit
from .question import Question


def answer(question: Question, reports: list[Report]) -> tuple[Draft, list[Hit]] | None:
    if question.intent == "grade":
        return _grades(question, reports)
    if question.intent == "recommendation":
        return _recommendations(question, reports)
    return None


# -- grades -------------------------------------------------------------------------------
def _grades(question: Question, reports: list[Report]) -> tuple[Draft, list[Hit]] | None:
    chosen: list[tuple[Report, Judgement]] = []
    for report in reports:
        listed = _listing(report.judgements)
        if question.grades:  # 'which areas were judged good?'
            listed = [j for j in listed if j.grade in question.grades]
        if question.topic and not question.wants_list:
            # The area's own words count double: 'being healthy' is about that area,
            # not every area under 'How good are outcomes for ... care leavers?'.
            listed = _best(question.topic, listed, lambda j: f"{j.area} {j.area} {' '.join(j.heading_path)}")
        chosen += [(report, j) for j in listed]
    if not chosen:
        return None
    hits: list[Hit] = []
    sentences = []
    areas = Counter(j.area.lower() for _, j in chosen)
    for report, j in chosen:
        refs = [_hit(hits, report, j.locator)]
        twin = _table_twin(report, j)  # the Record of main findings row for the same area
        if twin is not None and twin.locator != j.locator:
            refs.append(_hit(hits, report, twin.locator))
        area = j.area if areas[j.area.lower()] == 1 or not j.heading_path else f"{j.area} ({_part(j)})"
        number = f" (grade {j.grade_number})" if j.grade_number else ""
        who = "Ofsted's judgement" if report.meta.voice is Voice.OFSTED else \
            f"{report.meta.short_title} reports Ofsted's judgement"
        sentences.append((f"{who} for {area}: {j.grade}{number}.", tuple(refs)))
    note = ""
    if question.wants_list or not question.topic:
        graded = f" of {_or(question.grades)}" if question.grades else ""
        note = " ".join(f"{r.meta.short_title} records {n} judgement{'s' * (n != 1)}{graded}."
                        for r, n in _count_by_report(chosen))
    return Draft(tuple(sentences), note=note), hits


def _or(words) -> str:
    return " or ".join(words)


def _part(j: Judgement) -> str:
    """Which part of the report a judgement belongs to: a summary table's group row, or
    the top-level section of a grade line ('Services for looked after children')."""
    return j.heading_path[-1] if j.source == "table" else j.heading_path[0]


def _listing(judgements: tuple[Judgement, ...]) -> list[Judgement]:
    """One judgement per area and part: a grade line (which prints the grade number)
    over the summary-table row that repeats it; table rows for areas with no grade line."""
    lines = [j for j in judgements if j.source != "table"]
    covered = {j.area.lower() for j in lines}
    return lines + [j for j in judgements if j.source == "table" and j.area.lower() not in covered]


def _table_twin(report: Report, j: Judgement) -> Judgement | None:
    if j.source == "table":
        return None
    part = j.heading_path[0].lower() if j.heading_path else ""
    rows = [t for t in report.judgements if t.source == "table" and t.area.lower() == j.area.lower()
            and t.grade == j.grade]
    # Prefer the row in the same part; the table's group labels are as extracted.
    same = [t for t in rows if part and part in " ".join(t.heading_path).lower()]
    return (same or rows or [None])[0]


def _count_by_report(chosen) -> list[tuple[Report, int]]:
    counts = Counter(report.doc_id for report, _ in chosen)
    firsts = {report.doc_id: report for report, _ in reversed(chosen)}
    return [(firsts[d], n) for d, n in counts.items()]


# -- recommendations ----------------------------------------------------------------------
def _recommendations(question: Question, reports: list[Report]) -> tuple[Draft, list[Hit]] | None:
    chosen: list[tuple[Report, Recommendation]] = []
    for report in reports:
        recs = list(report.recommendations)
        if question.topic and not question.wants_list:
            recs = _best(question.topic, recs, lambda r: r.text)
        chosen += [(report, r) for r in recs]
    if not chosen:
        return None
    hits: list[Hit] = []
    sentences = []
    for report, rec in chosen:
        text = rec.text if rec.text.endswith((".", "!", "?")) else rec.text + "."
        sentences.append((text, (_hit(hits, report, rec.locator),)))
    note = ""
    if question.wants_list or not question.topic:
        note = " ".join(_rec_count(report, [r for rep, r in chosen if rep is report])
                        for report in dict.fromkeys(rep for rep, _ in chosen))
    return Draft(tuple(sentences), note=note), hits


def _rec_count(report: Report, recs: list[Recommendation]) -> str:
    parts = Counter(r.heading_path[0] if r.heading_path else "" for r in recs)
    by_part = ""
    if len(parts) > 1:
        by_part = " (" + ", ".join(f"{n} under {p}" for p, n in parts.items()) + ")"
    who = "Ofsted made" if report.meta.voice is Voice.OFSTED else f"{report.meta.short_title} lists"
    return f"{who} {len(recs)} recommendation{'s' * (len(recs) != 1)} in {report.meta.short_title}{by_part}."


# -- shared -------------------------------------------------------------------------------
def _best(topic: tuple[str, ...], records: list, text_of) -> list:
    """The records that share the most of the question's own words (ties kept)."""
    wanted = set(topic)
    scored = [(sum(1 for t in tokenize(text_of(r)) if t in wanted), r) for r in records]
    top = max((s for s, _ in scored), default=0)
    return [r for s, r in scored if s == top and s > 0]


def _hit(hits: list[Hit], report: Report, locator: str) -> int:
    """Index of the hit for this paragraph, added if new."""
    for i, h in enumerate(hits):
        if h.meta.doc_id == report.doc_id and h.paragraph.locator == locator:
            return i
    hits.append(Hit(report.meta, report.paragraph(locator), score=1.0, source="record"))
    return len(hits) - 1
