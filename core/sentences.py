"""Sentences: the unit an answer quotes and a citation supports. One splitter for ingest
(sentence vectors), the answerers and the guard."""
from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = ("e.g", "i.e", "etc", "para", "paras", "no", "nos", "cf", "vs", "approx", "dr", "mr", "mrs", "ms",
                  "st", "fig", "ref", "incl", "inc", "co", "ltd")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u2019\u201d)]*\s+(?=[\"'\u2018\u201c(]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Split prose into sentences; a table row or short line stays whole."""
    text = " ".join(text.split())
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start:m.start()].rstrip(".!?\"'\u2019\u201d)")
        last_word = before.rsplit(" ", 1)[-1].lower().lstrip("(\"'\u2018\u201c")
        if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
            continue  # 'e.g. Dorset', 'para. 3', 'J. Smith'
        out.append(text[start:m.start()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]
