"""Turn a parsed ``Report`` into ``Chunk``s for the vector store.

One chunk is one citable paragraph (or list item, or table row). A chunk never
crosses paragraphs, so every answer can cite exactly one locator. A paragraph
longer than ``settings.chunk_tokens`` tiktoken tokens is split into overlapping
parts (``settings.chunk_overlap`` tokens shared by neighbours), cut at a sentence
end where one falls in the second half of the window, else at a word boundary;
each part is an exact substring of the paragraph text and keeps the paragraph's
locator, with ``part``/``parts`` saying which piece it is.

``embed_text`` is what the model sees: a one-line context header (report, heading
path, grade of the section) then the lead-in (for a list item or table row) and
the text. ``text`` stays the exact printed text, for quoting.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from core.model import Chunk, Judgement, Kind, Paragraph, Report
from core.settings import Settings
from core.tokens import load_encoding

# Bump when chunking changes in a way that needs every report re-chunked.
CHUNKER_VERSION = "1"

# A lead-in (list introduction, table header) is context, not content: keep it
# short so it cannot push a chunk past the model's window.
LEAD_IN_TOKENS = 48

_WORD = re.compile(r"\S+")
# Where a part of an over-long paragraph prefers to end: a word ending a clause ('.',
# '!', '?', ';' or ':', maybe with a closing quote or bracket). Not a sentence split
# (core/sentences.py): a clause end is a good cut too, in long list-like sentences.
_CLAUSE_END = re.compile(r"[.!?;:][\"'\u2019\u201d)\]]*$")


class Chunker:
    """``Chunker(settings).chunk(report) -> list[Chunk]``; pure, no I/O after init."""

    def __init__(self, settings: Settings):
        self.max_tokens = settings.chunk_tokens
        self.overlap = settings.chunk_overlap
        self.encoding_name = settings.encoding
        self.context = settings.chunk_context
        self._encoding = load_encoding(settings.encoding)

    # -- public -------------------------------------------------------------------

    def chunk(self, report: Report) -> list[Chunk]:
        meta = report.meta
        chunks: list[Chunk] = []
        seen_orders: set[int] = set()
        for para in report.paragraphs:
            if para.order in seen_orders:
                # chunk ids are built from the order: a duplicate is a parser bug.
                raise ValueError(f"{report.doc_id}: two paragraphs share order {para.order}")
            seen_orders.add(para.order)
            if not chunked(para):
                continue
            header = self.context_header(report, para)
            lead_in = self._clip(para.lead_in.strip(), LEAD_IN_TOKENS)
            pieces = self.split(para.text)
            for part, piece in enumerate(pieces):
                body = f"{lead_in} {piece}" if lead_in else piece
                chunks.append(
                    Chunk(
                        chunk_id=f"{meta.doc_id}:{report.content_hash[:12]}:{para.order}:{part}",
                        doc_id=meta.doc_id,
                        locator=para.locator,
                        part=part,
                        parts=len(pieces),
                        text=piece,
                        embed_text=f"{header}\n{body}" if self.context else body,
                        metadata=_metadata(report, para, part, len(pieces)),
                    )
                )
        return chunks

    def count_tokens(self, text: str) -> int:
        return len(self._encoding.encode(text, disallowed_special=()))

    def context_header(self, report: Report, para: Paragraph) -> str:
        """'Ofsted, Dorset 2011 | Services for looked after children > Being healthy | grade: adequate'."""
        parts = [report.meta.short_title]
        if para.heading_path:
            parts.append(para.heading)
        grade = grade_label(report.judgements, para.heading_path)
        if grade:
            parts.append(grade)
        return " | ".join(parts)

    def split(self, text: str) -> list[str]:
        """Split ``text`` into parts of at most ``max_tokens`` tokens (exact substrings)."""
        return [text[a:b] for a, b in self.spans(text)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans ``(start, end)`` of the parts of ``text``."""
        text_end = len(text.rstrip())
        text_start = len(text) - len(text.lstrip())
        if text_start >= text_end:
            return []
        if self.count_tokens(text[text_start:text_end]) <= self.max_tokens:
            return [(text_start, text_end)]
        starts, ends = self._boundaries(text)
        spans: list[tuple[int, int]] = []
        start = starts[0]
        while True:
            end = self._fit_end(text, start, ends)
            if end >= ends[-1]:
                spans.append((start, ends[-1]))
                return spans
            end = self._prefer_sentence_end(text, start, end, ends)
            spans.append((start, end))
            start = self._next_start(text, start, end, starts)

    # -- splitting helpers -----------------------------------------------------------

    def _boundaries(self, text: str) -> tuple[list[int], list[int]]:
        """Where a part may start (word starts) and end (word ends).

        A single 'word' longer than the budget (a URL, a run of digits) gets every
        character position inside it as a boundary too, so it can still be cut.
        """
        starts: list[int] = []
        ends: list[int] = []
        for m in _WORD.finditer(text):
            starts.append(m.start())
            if self.count_tokens(m.group()) > self.max_tokens // 2:
                inner = range(m.start() + 1, m.end())
                starts.extend(inner)
                ends.extend(inner)
            ends.append(m.end())
        return starts, ends

    def _fit_end(self, text: str, start: int, ends: list[int]) -> int:
        """The furthest word end after ``start`` whose span fits the budget."""
        lo = bisect_right(ends, start)  # first end strictly after start
        hi = len(ends) - 1
        if self.count_tokens(text[start : ends[hi]]) <= self.max_tokens:
            return ends[hi]
        best = ends[lo]  # always take at least one boundary, so we progress
        while lo <= hi:  # token counts grow with the end: binary search
            mid = (lo + hi) // 2
            if self.count_tokens(text[start : ends[mid]]) <= self.max_tokens:
                best = ends[mid]
                lo = mid + 1
            else:
                hi = mid - 1
        return best

    def _prefer_sentence_end(self, text: str, start: int, end: int, ends: list[int]) -> int:
        """Move ``end`` back to the last clause end in the window's second half."""
        floor = self.max_tokens // 2
        i = bisect_left(ends, end)
        while i >= 0 and ends[i] > start:
            e = ends[i]
            if _CLAUSE_END.search(text[max(start, e - 4) : e]) and (e == len(text) or text[e].isspace()):
                if self.count_tokens(text[start:e]) >= floor:
                    return e
                break
            i -= 1
        return end

    def _next_start(self, text: str, start: int, end: int, starts: list[int]) -> int:
        """Start of the next part: as far back from ``end`` as ``overlap`` tokens allow."""
        first_after = bisect_left(starts, end)  # no overlap: the next word after end
        fallback = starts[first_after] if first_after < len(starts) else end
        if self.overlap == 0:
            return fallback
        # earliest word start in (start, end) whose text up to ``end`` fits the overlap
        lo = bisect_right(starts, start)
        hi = first_after - 1
        best = fallback
        while lo <= hi:
            mid = (lo + hi) // 2
            if self.count_tokens(text[starts[mid] : end]) <= self.overlap:
                best = starts[mid]
                hi = mid - 1
            else:
                lo = mid + 1
        return best

    def _clip(self, text: str, budget: int) -> str:
        if not text or self.count_tokens(text) <= budget:
            return text
        words = _WORD.findall(text)
        out = []
        for w in words:
            if self.count_tokens(" ".join(out + [w])) > budget - 1:
                break
            out.append(w)
        return " ".join(out) + " \u2026"


def grade_label(judgements: tuple[Judgement, ...], heading_path: tuple[str, ...]) -> str:
    """'grade: adequate' from the judgements of the paragraph's section, or ''.

    A judgement applies when its heading path is a prefix of (or equal to) the
    paragraph's; the most specific (longest) match wins. Judgements without a
    heading path are not anchored to a section and apply nowhere.
    """
    path = tuple(_norm(h) for h in heading_path)
    best: list[Judgement] = []
    best_len = 0
    for j in judgements:
        jp = tuple(_norm(h) for h in j.heading_path)
        if not jp or len(jp) > len(path) or path[: len(jp)] != jp:
            continue
        if len(jp) > best_len:
            best, best_len = [j], len(jp)
        elif len(jp) == best_len:
            best.append(j)
    grades = list(dict.fromkeys(j.grade for j in best if j.grade))
    if not grades:
        return ""
    if len(grades) == 1:
        return f"grade: {grades[0]}"
    return "grades: " + "; ".join(f"{j.area}: {j.grade}" for j in best if j.grade)


def _metadata(report: Report, para: Paragraph, part: int, parts: int) -> dict:
    """Flat, Chroma-safe metadata (str/int only, never None)."""
    meta = report.meta
    return {
        "doc_id": meta.doc_id,
        "title": meta.title,
        "short_title": meta.short_title,
        "authority": meta.authority,
        "year": int(meta.year),
        "report_type": meta.report_type,
        "voice": _value(meta.voice),
        "locator": para.locator,
        "heading": para.heading,
        "kind": _value(para.kind),
        "order": int(para.order),
        "part": part,
        "parts": parts,
        "content_hash": report.content_hash,
    }


def _value(enum_or_str) -> str:
    return getattr(enum_or_str, "value", enum_or_str)


def chunked(para: Paragraph) -> bool:
    """Does ``para`` get chunks (and so can it be a hit)? Not when it is empty, nor when it
    is a HEADING that only repeats its own heading-path leaf: it adds nothing."""
    if not para.text.strip():
        return False
    return not (para.kind is Kind.HEADING and para.heading_path
                and _norm(para.text) == _norm(para.heading_path[-1]))


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()
