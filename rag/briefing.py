"""A briefing note from answers: questions, answers and their cited paragraphs, as
Markdown, CSV or Word (.docx).

Input is an ``Answer`` (the page) or the JSON ``Answer.to_dict()`` writes (the JSONL of
``python -m rag ask --in ... --out ...``). Rendering is pure: ``to_markdown``, ``to_csv``
and ``to_docx`` return the note; only ``write`` touches the disk, atomically.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from core.errors import ConfigError, RagError, ReadError

from . import markdown
from .model import Answer

FORMATS = ("docx", "md", "csv")
_FIX = "give the JSONL that `python -m rag ask --in QUESTIONS.jsonl --out ANSWERS.jsonl` wrote, unedited"


@dataclass(frozen=True)
class NoteCitation:
    n: int  # the marker [n] in the answer text
    label: str  # 'Ofsted, Dorset 2011, para 75'
    source: str  # 'Ofsted (2011) Inspection of ...: Dorset, paragraph 75'
    text: str  # the cited paragraph's full text
    support: tuple[str, ...] = ()  # the paragraph's sentences that back the answer


@dataclass(frozen=True)
class NoteEntry:
    question: str
    answer: str  # with [n] markers
    abstained: bool
    citations: tuple[NoteCitation, ...] = ()


@dataclass(frozen=True)
class Loaded:
    """Answers read from a JSONL file; ``skipped`` are the lines of questions the batch
    could not answer (they carry ``error`` instead of an answer)."""

    entries: tuple[NoteEntry, ...]
    skipped: tuple[int, ...] = ()


# -- reading ---------------------------------------------------------------------------------


def entry_from_answer(answer: Answer) -> NoteEntry:
    return NoteEntry(answer.question, answer.text, answer.abstained,
                     tuple(NoteCitation(c.n, c.label, c.source or c.label, c.text, tuple(c.support))
                           for c in answer.citations))


def entry_from_dict(d: dict, where: str = "") -> NoteEntry:
    """One answer as ``Answer.to_dict()`` wrote it. A citation's n is its 1-based place in
    ``citations`` (the ``[n]`` marker in ``answer``). A batch line holding ``error``
    instead of an answer (a question ``ask`` could not take) is a ReadError here;
    ``parse_answers`` skips such lines and reports their numbers instead. Missing or
    ill-typed fields raise ReadError naming ``where`` and the field."""
    where = where or "answer"
    if not isinstance(d, dict):
        raise ReadError(where, f"not a JSON object; {_FIX}")
    if "error" in d:
        raise ReadError(where, f"holds an error, not an answer ({d['error']}); ask that question again")
    question, answer = _field(d, "question", str, where), _field(d, "answer", str, where)
    abstained, cites = _field(d, "abstained", bool, where), _field(d, "citations", list, where)
    return NoteEntry(question, answer, abstained, tuple(_citation(c, n, where) for n, c in enumerate(cites, 1)))


def parse_answers(text: str, name: str) -> Loaded:
    """Every answer in a JSONL text (``name`` is the file, for messages). Blank lines and
    error lines are skipped; anything else that is not an answer is a ReadError."""
    entries, skipped = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name} line {n}"
        try:
            row = json.loads(line)
        except ValueError:
            raise ReadError(where, f"not valid JSON; {_FIX}") from None
        if isinstance(row, dict) and "error" in row:
            skipped.append(n)
            continue
        entries.append(entry_from_dict(row, where))
    return Loaded(tuple(entries), tuple(skipped))


def _citation(c, n: int, where: str) -> NoteCitation:
    if not isinstance(c, dict):
        raise ReadError(where, f"citation {n} is not a JSON object; {_FIX}")
    what = f"citation {n} "
    support = _field(c, "support", list, where, what)
    if not all(isinstance(s, str) for s in support):
        raise ReadError(where, f"citation {n} 'support' holds something that is not text; {_FIX}")
    label = _field(c, "label", str, where, what)
    return NoteCitation(n=n, label=label, source=_field(c, "source", str, where, what) or label,
                        text=_field(c, "text", str, where, what), support=tuple(support))


_KINDS = {str: "text", bool: "true or false", list: "a list"}


def _field(d: dict, key: str, kind: type, where: str, what: str = ""):
    value = d.get(key)
    if not isinstance(value, kind):
        state = "missing" if key not in d else f"not {_KINDS[kind]}"
        raise ReadError(where, f"{what}'{key}' is {state}; {_FIX}")
    return value


def to_markdown(entries: Iterable[NoteEntry], title: str = "Briefing note") -> str:
    lines = [f"# {markdown.line(title)}", ""]
    for e in entries:
        lines += [f"## {markdown.line(e.question)}", ""]
        for said in e.answer.splitlines():
            if said.strip():
                lines += [markdown.line(said), ""]
        if e.citations:
            lines += ["### References", ""]
        for c in e.citations:
            mark = f"{c.n}. "  # the source line is indented to the marker's width: same list item
            lines += [f"{mark}> {markdown.quote(c.text, c.support)}", "", " " * len(mark) + markdown.line(c.source), ""]
    return "\n".join(lines).rstrip() + "\n"


# -- CSV -------------------------------------------------------------------------------------

CSV_HEADER = ("question", "answer", "n", "label", "source", "quote", "support")


def _cell(value) -> str:
    """A spreadsheet runs a cell starting = + - @ (or a tab/CR before one) as a formula."""
    s = str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def to_csv(entries: Iterable[NoteEntry]) -> str:
    """One row per citation; an answer without citations (an abstention) is one row with
    the citation columns empty."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(CSV_HEADER)
    for e in entries:
        rows = [(c.n, c.label, c.source, c.text, " | ".join(c.support)) for c in e.citations] or [("",) * 5]
        for row in rows:
            out.writerow([_cell(v) for v in (e.question, e.answer, *row)])
    return buf.getvalue()


# -- Word ------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    """Text Word can hold: python-docx refuses control characters, which PDFs can leave."""
    return _NOT_XML.sub("", text)


def to_docx(entries: Iterable[NoteEntry], title: str = "Briefing note") -> bytes:
    import docx  # only the Word format needs python-docx

    doc = docx.Document()
    doc.add_heading(_x(title), 0)
    for e in entries:
        doc.add_heading(_x(" ".join(e.question.split())), 1)
        for said in e.answer.splitlines():
            if said.strip():
                doc.add_paragraph(_x(said.strip()))
        if not e.citations:
            continue
        doc.add_heading("References", 2)
        num_id = _new_list(doc, start=e.citations[0].n)
        for c in e.citations:
            p = doc.add_paragraph(style="List Number")
            numbering = p._p.get_or_add_pPr().get_or_add_numPr()
            numbering.get_or_add_ilvl().val = 0
            numbering.get_or_add_numId().val = num_id
            p.add_run("\u201c")
            for text, bold in markdown.segments(_x(c.text), c.support):
                p.add_run(text).bold = bold or None
            p.add_run("\u201d")
            p.add_run().add_break()
            p.add_run(_x(c.source)).italic = True
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _new_list(doc, start: int) -> int:
    """A numbering that starts again (at 1), so each answer's references match its [n]
    markers (the 'List Number' style alone would count on across answers)."""
    numbering = doc.part.numbering_part.element
    style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
    num = numbering.add_num(numbering.num_having_numId(style_num).abstractNumId.val)
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    return num.numId


# -- writing ---------------------------------------------------------------------------------


def render(entries: Iterable[NoteEntry], fmt: str, title: str = "Briefing note") -> bytes:
    """The note as the bytes of a file. CSV carries a UTF-8 BOM so Excel reads '£' and
    curly quotes correctly."""
    entries = tuple(entries)
    if fmt == "md":
        return to_markdown(entries, title).encode("utf-8")
    if fmt == "csv":
        return to_csv(entries).encode("utf-8-sig")
    if fmt == "docx":
        return to_docx(entries, title)
    raise ConfigError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def write(entries: Iterable[NoteEntry], fmt: str, path: Path, title: str = "Briefing note") -> Path:
    """Render, then write atomically: a temp file in the same folder, then os.replace, so
    a failure leaves any earlier file as it was and no half file."""
    path = Path(path)
    data = render(entries, fmt, title)  # a rendering error happens before anything is on disk
    if not path.parent.is_dir():
        raise RagError(f"{path}: the folder {path.parent} does not exist; create it or write somewhere else")
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        # os.open with 0o666 lets the umask decide the permissions, as for any new file
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise RagError(f"{path}: cannot write it ({exc.strerror or exc.__class__.__name__}); "
                           "choose a folder you can write to") from None
        raise
    return path
