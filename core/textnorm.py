"""Text clean-up shared by the parser and its tests: pure functions, no state.

The parser works on the *normalised* text: the same words as the source with HTML
fragments, bold markers and stray whitespace removed. Tests check that every
paragraph's words come, in order, from this normalised text.
"""
from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_SPACES = re.compile(r"[ \u00a0\u2007\u202f\u200b\ufeff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """Normalise line endings, strip HTML tags and bold markers, tidy spaces.

    Leading whitespace is kept as one space: in hard-wrapped extractions (Poole
    2017) it is all that is left of a bullet glyph.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_clean_line(line) for line in text.split("\n"))


def _clean_line(line: str) -> str:
    line = _CONTROL.sub("", line)
    if "<" in line:
        line = _TAG.sub(" ", line)
    if "&" in line:
        line = html.unescape(line)
    line = line.replace("**", " ")
    indented = line[:1] in (" ", "\u00a0") and line.strip() != ""
    cells = [_SPACES.sub(" ", cell).strip() for cell in line.split("\t")]
    out = "\t".join(cells) if len(cells) > 1 else cells[0]
    if not out.replace("\t", ""):
        return ""
    return (" " + out) if indented else out


def words(text: str) -> list[str]:
    """Lower-cased word tokens, for the 'text comes from the source' property."""
    return [w.lower() for w in _WORD.findall(text)]


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(h == n for h in it) for n in needle)


TERMINAL = (".", "!", "?", ":", ";", ")", '"', "'", "\u2019", "\u201d")


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(TERMINAL)


def starts_lower(text: str) -> bool:
    s = text.lstrip(" -'\"\u2018\u201c(")
    return bool(s) and s[0].islower()
