"""What the library view shows, as plain rows: pure functions over the indexed reports.

The page (ui/app.py) only lays these out; keeping them here lets them be tested
without Streamlit.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from core.grades import GRADES
from core.model import Judgement, Report

from .structured import distinct_judgements


@dataclass(frozen=True)
class Status:
    reports: int
    paragraphs: int
    last_ingest: str  # ISO time of the newest report's indexing, '' if unknown


def status(reports: Sequence[Report], infos: Mapping[str, dict]) -> Status:
    times = [str(infos.get(r.doc_id, {}).get("indexed_at", "")) for r in reports]
    return Status(len(reports), sum(len(r.paragraphs) for r in reports), max(times, default=""))


def report_rows(reports: Sequence[Report], infos: Mapping[str, dict]) -> list[dict]:
    return [{"report": r.meta.short_title, "title": r.meta.title, "whose words": r.meta.voice.description,
             "paragraphs": len(r.paragraphs), "judgements": len(r.judgements),
             "recommendations": len(r.recommendations),
             "indexed at": str(infos.get(r.doc_id, {}).get("indexed_at", "")), "doc_id": r.doc_id}
            for r in reports]


def judgement_rows(reports: Sequence[Report]) -> list[dict]:
    """Every extracted judgement: authority x area x grade, with where it was read."""
    return [{"authority": r.meta.authority, "report": r.meta.short_title, "area": j.area,
             "part": " > ".join(j.heading_path), "grade": j.grade, "locator": j.locator, "doc_id": r.doc_id}
            for r in reports for j in r.judgements]


def grade_counts(reports: Sequence[Report]) -> dict[str, dict[str, int]]:
    """report short title -> grade -> number of judgements, for the chart comparing
    authorities. A grade line and the summary-table row repeating it count once."""
    out: dict[str, dict[str, int]] = {}
    for r in reports:
        seen = Counter(j.grade for j in distinct_judgements(r.judgements))
        if seen:
            out[r.meta.short_title] = {g: seen[g] for g in GRADES if seen[g]}
    return out


def recommendation_rows(reports: Sequence[Report]) -> list[dict]:
    return [{"report": r.meta.short_title, "locator": rec.locator, "timescale": rec.timescale,
             "responsible": rec.responsible, "recommendation": rec.text, "doc_id": r.doc_id}
            for r in reports for rec in r.recommendations]


def judgement_for(report: Report, heading_path: Sequence[str]) -> Judgement | None:
    """The judgement of the section a paragraph sits in (its heading path or the nearest
    enclosing one that has a grade line), if the section has one."""
    path = tuple(heading_path)
    lines = [j for j in report.judgements if j.source != "table"]
    while path:
        for j in lines:
            if tuple(j.heading_path) == path:
                return j
        path = path[:-1]
    return None
