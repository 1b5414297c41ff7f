"""Report text as Markdown that can only show the words it holds, for the briefing
note's Markdown file and for the page (Streamlit renders Markdown).

Document text is data: every character that could start emphasis, a link, code, a
table, math, HTML or a Streamlit directive (':red[...]' needs its '[') is escaped.
Supporting sentences are then marked bold: our markup, around escaped text.
"""
from __future__ import annotations

import re


def segments(text: str, support: tuple[str, ...]) -> list[tuple[str, bool]]:
    """The paragraph (whitespace collapsed, as its sentences were split) as (text, is
    support) pieces. A support sentence not found verbatim is simply not emphasised."""
    flat = " ".join(text.split())
    spans: list[list[int]] = []
    for s in support:
        s = " ".join(s.split())
        at = flat.find(s) if s else -1
        if at >= 0:
            spans.append([at, at + len(s)])
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, at = [], 0
    for a, b in merged:
        if a > at:
            out.append((flat[at:a], False))
        out.append((flat[a:b], True))
        at = b
    if at < len(flat):
        out.append((flat[at:], False))
    return out


# Document text is data: every character that could start emphasis, a link, code, a table,
# math or HTML is escaped; '[n]' markers stay readable (no link definition can exist, since
# a '[' at a line start is always escaped).
_MD_TOKEN = re.compile(r"(\[\d+\](?![(\[:]))|([\\`*_\[\]|~$#])|&(?=#?\w+;)|<|>")
_MD_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_LINE_START = re.compile(r"^(\[|[+\-=]|\d+(?=[.)]))")


def inline(text: str) -> str:
    def escape(m: re.Match) -> str:
        if m.group(1):
            return m.group(1)
        return "\\" + m.group(2) if m.group(2) else _MD_HTML[m.group()]
    return _MD_TOKEN.sub(escape, text)


def _line_start(text: str) -> str:
    """A list item, heading underline or link definition cannot start a line."""
    m = _MD_LINE_START.match(text)
    if not m:
        return text
    return text[:m.end()] + "\\" + text[m.end():] if m.group()[0].isdigit() else "\\" + text


def line(text: str) -> str:
    """Text (the question, an answer line, a source) as one line of safe Markdown."""
    return _line_start(inline(" ".join(text.split())))


def quote(text: str, support: tuple[str, ...] = ()) -> str:
    """A paragraph as one line of safe Markdown, its supporting sentences in bold."""
    return _line_start("".join(f"**{inline(t)}**" if bold else inline(t)
                                  for t, bold in segments(text, support)))
