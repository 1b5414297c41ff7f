"""Report <-> plain dict (JSON), losslessly: ``report_from_dict(report_to_dict(r)) == r``."""
from __future__ import annotations

from core.model import Judgement, Kind, Paragraph, Recommendation, Report, ReportMeta, Voice

FORMAT = 1  # bump when the records layout changes incompatibly


def report_to_dict(report: Report) -> dict:
    m = report.meta
    return {
        "format": FORMAT,
        "meta": {
            "doc_id": m.doc_id,
            "title": m.title,
            "authority": m.authority,
            "year": m.year,
            "publisher": m.publisher,
            "report_type": m.report_type,
            "voice": m.voice.value,
            "source_file": m.source_file,
            "period": m.period,
            "inspection_start": m.inspection_start,
            "inspection_end": m.inspection_end,
            "published": m.published,
            "lead_inspector": m.lead_inspector,
            "framework": m.framework,
            "inspection_kind": m.inspection_kind,
        },
        "content_hash": report.content_hash,
        "paragraphs": [p.to_dict() for p in report.paragraphs],
        "judgements": [j.to_dict() for j in report.judgements],
        "recommendations": [r.to_dict() for r in report.recommendations],
    }


def report_from_dict(d: dict) -> Report:
    """Inverse of ``report_to_dict``; raises KeyError/ValueError/TypeError on a bad dict."""
    fmt = d.get("format", FORMAT)
    if fmt != FORMAT:
        raise ValueError(f"records format {fmt} is not {FORMAT}")
    m = dict(d["meta"])
    m["voice"] = Voice(m["voice"])
    m["year"] = int(m["year"])
    meta = ReportMeta(**m)
    paragraphs = tuple(paragraph_from_dict(p) for p in d["paragraphs"])
    judgements = tuple(
        Judgement(**{**j, "heading_path": tuple(j["heading_path"])}) for j in d.get("judgements", ())
    )
    recommendations = tuple(
        Recommendation(**{**r, "heading_path": tuple(r.get("heading_path", ()))})
        for r in d.get("recommendations", ())
    )
    return Report(
        meta=meta,
        paragraphs=paragraphs,
        judgements=judgements,
        recommendations=recommendations,
        content_hash=d.get("content_hash", ""),
    )


def paragraph_from_dict(p: dict) -> Paragraph:
    """Inverse of ``Paragraph.to_dict``."""
    return Paragraph(**{**p, "kind": Kind(p["kind"]), "heading_path": tuple(p["heading_path"]),
                        "cells": tuple(p.get("cells", ()))})
