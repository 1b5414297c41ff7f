"""Structured records from parsed paragraphs: judgements (grades) and recommendations.

Pure functions over the parser's output, so every record points at a paragraph
(its locator) that states it.
"""
from __future__ import annotations

import re

from core.grades import (
    FRAMEWORKS,
    GRADED_JUDGEMENT,
    JUDGEMENT_SENTENCE,
    SECTION_GRADE,
    field_for,
    framework_for,
    grade_from_number,
    normalise_grade,
)
from core.model import GRID, Judgement, Kind, Paragraph, Recommendation, ReportMeta

# 'What needs to improve?' (ILACS), 'What does the local authority need to improve?' (SIF).
_RECOMMENDATION_HEADING = re.compile(
    r"^(recommendations|areas for improvement|what needs to improve|what does the \w+( \w+)? need to improve)\b", re.I)
_TIMESCALE = re.compile(
    r"\b(immediately|immediate|within (?:\w+|\d+) (?:weeks?|months?)|by \w+ \d{4})\b", re.I
)
_OVERALL = re.compile(r"^children['\u2019]?s services in \w+", re.I)


def extract(paragraphs: list[Paragraph] | tuple[Paragraph, ...], meta: ReportMeta) -> tuple[list[Judgement], list[Recommendation]]:
    return judgements(paragraphs, meta), recommendations(paragraphs, meta)


def judgements(paragraphs, meta: ReportMeta) -> list[Judgement]:
    found: list[tuple[Paragraph, str, str, str, int | None, str]] = []
    for p in paragraphs:
        if p.kind is Kind.GRADE:
            area, printed = p.cells if len(p.cells) == 2 else (p.heading_path[-1] if p.heading_path else "", p.text)
            m_num = re.match(r"Grade\s*([1-4])\s*\((.+)\)", printed)
            if m_num:
                grade = normalise_grade(m_num[2]) or grade_from_number(int(m_num[1]))
                number = int(m_num[1])
                source = "grade line"
            else:
                grade, number, source = _sentence_grade(printed), None, "heading"
            if grade:
                found.append((p, _area_name(area), printed, grade, number, source))
        elif p.kind is Kind.TABLE_ROW and len([c for c in p.cells if c]) == 2:
            area, printed = [c for c in p.cells if c]
            grade = normalise_grade(printed)
            if grade:
                source = "grid" if p.locator.startswith(GRID + " row") else "table"
                found.append((p, area, printed, grade, None, source))
    framework = FRAMEWORKS.get(meta.framework) or framework_for(meta.year, [f[3] for f in found], [f[1] for f in found])
    graded = {field_for(area) for p, area, *_ in found if p.locator.startswith(GRID + " row")} - {""}
    out: list[Judgement] = []
    for p, area, printed, grade, number, source in found:
        name = field_for(area, " > ".join(p.heading_path))
        if source != "grid" and name in graded:
            continue  # the section that repeats a grade of the grid: one judgement, one grade
        out.append(Judgement(meta.doc_id, area, p.heading_path, printed, grade, number, framework,
                             p.locator, source, name))
    return out


def _sentence_grade(text: str) -> str | None:
    if normalise_grade(text):
        return normalise_grade(text)
    m = GRADED_JUDGEMENT.match(text) or JUDGEMENT_SENTENCE.match(text) or SECTION_GRADE.match(text)
    return normalise_grade(m["grade"]) if m else None


def _area_name(area: str) -> str:
    # 'Childrens services in Poole require improvement to be good' and 'The overall
    # judgement is requires improvement' are a single inspection framework report's
    # overall judgement.
    area = re.sub(r"\s+(is|are)$", "", area)
    return "Overall effectiveness" if _OVERALL.match(area) or field_for(area) == "overall_effectiveness" else area


def recommendations(paragraphs, meta: ReportMeta) -> list[Recommendation]:
    out: list[Recommendation] = []
    sections: dict[tuple[str, ...], list[Paragraph]] = {}
    for p in paragraphs:
        leaf = p.heading_path[-1] if p.heading_path else ""
        if p.kind is Kind.TABLE_ROW and _action_table(p):
            out.append(_from_row(p, meta))
        elif _RECOMMENDATION_HEADING.match(leaf) or any(_RECOMMENDATION_HEADING.match(h) for h in p.heading_path[-2:-1]):
            sections.setdefault(p.heading_path, []).append(p)
    for path, paras in sections.items():
        items = [p for p in paras if p.kind is Kind.LIST_ITEM]
        chosen = items or [p for p in paras if p.kind is Kind.PARAGRAPH]
        for p in chosen:
            out.append(Recommendation(meta.doc_id, p.text, _timescale(p.lead_in), _responsible(p.text), p.locator, p.heading_path))
    out.sort(key=lambda r: next(i for i, p in enumerate(paragraphs) if p.locator == r.locator))
    return out


def _action_table(p: Paragraph) -> bool:
    header = p.lead_in.lower()
    return "action" in header and ("timescale" in header or "responsib" in header)


def _from_row(p: Paragraph, meta: ReportMeta) -> Recommendation:
    header = [h.strip().lower() for h in p.lead_in.split(".")[0].removeprefix("Columns: ").split("|")]
    cells = list(p.cells) + [""] * (len(header) - len(p.cells))

    def col(word: str) -> str:
        for h, c in zip(header, cells):
            if word in h:
                return c.strip()
        return ""

    return Recommendation(meta.doc_id, col("action") or p.text, col("timescale"), col("responsib"), p.locator, p.heading_path)


def _timescale(lead_in: str) -> str:
    m = None
    for m in _TIMESCALE.finditer(lead_in):
        pass  # the last one: the timescale line comes after the lead-in paragraph
    return m[1].lower() if m else ""


_IMPERATIVE = re.compile(r"^(ensure|improve|develop|increase|strengthen|accelerate|prioritise|complete|take|help|make|commission|broaden|conduct|review|explore|continue|extend)\b", re.I)


_BODY_WORD = re.compile(
    r"\b(Council|council|Police|NHS|Trust|DSCB|LSCB|Board|PCT|CCG|Partnership|Services|services|agencies|partners|authority)\b"
)


def _responsible(text: str) -> str:
    """'Dorset Police and Dorset County Council to review...' -> the bodies named."""
    if _IMPERATIVE.match(text):
        return ""
    head, sep, _ = text.partition(" to ")
    if not sep or len(head.split()) > 20 or not _BODY_WORD.search(head):
        return ""
    return head.removeprefix("the ").strip(" ,")
