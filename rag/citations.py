"""How a briefing note names a source: 'Ofsted, Dorset 2011, para 75'."""
from __future__ import annotations

import re

from core.model import Paragraph, ReportMeta, Voice

from .model import Citation

# Locators that are a printed paragraph number, or an item or row of one.
_PRINTED = re.compile(r"^\d+(\.\d+)*(( item| row) \d+|\(\w+\)|, .+)?$")


def label(meta: ReportMeta, paragraph: Paragraph) -> str:
    loc = paragraph.locator
    where = f"para {loc}" if _PRINTED.match(loc) else loc
    return f"{meta.short_title}, {where}" if where else meta.short_title  # no locator: the report alone


def source_line(meta: ReportMeta, paragraph: Paragraph) -> str:
    """The full reference: 'Ofsted (2011) Inspection of ...: Dorset, paragraph 75'."""
    who = "Ofsted" if meta.voice is Voice.OFSTED else meta.publisher or meta.authority
    loc = paragraph.locator
    where = f"paragraph {loc}" if _PRINTED.match(loc) else loc
    return f"{who} ({meta.year}) {meta.title}, {where}" if where else f"{who} ({meta.year}) {meta.title}"


def citation(n: int, meta: ReportMeta, paragraph: Paragraph, support: tuple[str, ...] = ()) -> Citation:
    return Citation(n=n, doc_id=meta.doc_id, title=meta.title, authority=meta.authority, year=meta.year,
                    voice=meta.voice, locator=paragraph.locator, label=label(meta, paragraph),
                    heading_path=paragraph.heading_path, text=paragraph.text, support=support,
                    source=source_line(meta, paragraph))
