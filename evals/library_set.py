"""The library set: known answers on the real Ofsted reports in the shared library.

The seed set (``gold.py``) pins verbatim evidence in the five corpus reports. This set
asks about the PDFs in ``../shared/library`` (relative to the repository root), which
must stay out of the repository: so a question names *where* its answer is printed
(``locators``) and short strings an answer must contain (``must_include``), never a
passage of the report. ``python -m evals run --set library`` ingests the PDFs the set
names into an index of their own and asks every question through the real chain.

Line format (``evals/library_answers.jsonl``, one JSON object per line):

- ``id``, ``question`` (asked as a council officer would, with no filters; one that names
  no year means the council's latest report in the set), ``kind``
  (one of ``KINDS``), ``framework`` (one of ``FRAMEWORKS``), ``file`` (the PDF,
  relative to the library); both null when the question names no report the library
  has (a council it lacks, a year with no report);
- ``must_include``: short strings (a grade word, a name, a figure, a date as printed);
  ``locators``: where the evidence is, in ``file`` unless prefixed ``path#``;
- ``answer``: the expected answer in our own words (shown in reports, not scored);
- optional ``inspection`` ('standard' or 'short', ILACS) and ``compare_with`` (the
  other report a comparison reads).

Locators say where a report prints the evidence, in the report's own terms:

- ``"12"``: printed paragraph 12 (``"12 item 3"``: the third bullet of it);
- ``"judgements row N"``: the Nth graded row of the page-1 judgement grid, in printed
  order (ILACS: leaders, help and protection, in care, [care leavers,] overall
  effectiveness; SIF: the numbered rows 1, 2, 2.1, 2.2, 3, its headline sentence not
  being a row);
- ``"<table label> row N"``: a row of another table, named by the label printed over it
  (``"Services for looked after children row 2"``, a 2013 record of main findings);
- ``"<heading> item N"``: the Nth bullet under an unnumbered heading, such as
  ``"What needs to improve? item 2"`` or ``"Children looked after in this area item 1"``;
- ``"<heading> grade"``: the grade line printed under a heading (``"Capacity to
  improve grade"``); ``"<heading>"``: the text under a heading;
- ``"<where>: <words>"``: a labelled fact or a line known by its words, such as
  ``"cover: Lead inspector"`` or a SIF headline ``"cover: Children's services in York are good"``.

A citation (or a retrieved paragraph) *matches* a locator when it is in the locator's
report and (case, punctuation and spacing ignored) its locator is the same, or one is a
part of the other ('12 item 3' of '12', 'judgements row 2' of 'judgements'); a labelled
locator also matches a paragraph of that report whose text prints its words (they are
what names a labelled fact, wherever a parser puts it).

Correct: for an answerable question, not abstained, every must_include string said
(whole words, folded; a grade word counts when the answer names that grade as
``core.grades`` normalises it, so 'requires improvement' says 'requires improvement
to be good' and 'good' inside it is not 'good'), and at least one citation matches a
locator. For an unanswerable question, abstained.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from core.grades import normalise_grade

from .gold import KnownAnswer, fold, gold_keys, read_jsonl
from .metrics import Item, QuestionScore, Result, answer_text, faithfulness, recall_at, reciprocal_rank

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LIBRARY_SET = HERE / "library_answers.jsonl"
# Tests and runs read the library from beside the repository, never from inside it.
DEFAULT_LIBRARY = ROOT.parent / "shared" / "library"

KINDS = ("grade", "lead_inspector", "dates", "recommendations", "number", "fact", "comparison", "unanswerable")
FRAMEWORKS = {
    "lac": "2009-2013 inspections of looked after children services",
    "sif": "single inspection framework (2013-2018), no LSCB review",
    "sif_lscb": "single inspection framework (2013-2018) with the review of the LSCB",
    "ilacs_2018": "ILACS 2018-2023: children in care and care leavers judged together",
    "ilacs_2023": "ILACS from 2023: care leavers judged separately",
    "ilacs_2026": "ILACS from April 2026: four judgements, no overall effectiveness",
}
INSPECTIONS = ("standard", "short")
MAX_MUST_INCLUDE = 60  # characters: a grade, a name, a figure or a date, never a passage
_GRADE_WORDS = 5  # the longest printed grade: 'requires improvement to be good'
_FIELDS = {"id", "question", "kind", "framework", "file", "must_include", "locators", "answer", "inspection",
           "compare_with"}


@dataclass(frozen=True)
class LibraryQuestion:
    id: str
    question: str
    kind: str
    framework: str | None
    file: str | None
    must_include: tuple[str, ...]
    locators: tuple[str, ...]
    answer: str = ""
    inspection: str | None = None
    compare_with: str | None = None

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    @property
    def files(self) -> tuple[str, ...]:
        """Every report the question reads: its file, the compared one, and any ``path#``."""
        named = [self.file, self.compare_with] + [split_locator(e)[0] for e in self.locators]
        return tuple(dict.fromkeys(f for f in named if f))


def load(path: Path = LIBRARY_SET) -> list[LibraryQuestion]:
    return read_jsonl(path, _library_question)


def _library_question(row: dict) -> LibraryQuestion:
    unknown = set(row) - _FIELDS
    if unknown:
        raise KeyError(f"unknown field(s) {', '.join(sorted(unknown))}")
    return LibraryQuestion(
        id=str(row["id"]), question=row["question"], kind=row["kind"], framework=row.get("framework"),
        file=row.get("file"), must_include=tuple(row.get("must_include", ())),
        locators=tuple(row.get("locators", ())), answer=row.get("answer", ""),
        inspection=row.get("inspection"), compare_with=row.get("compare_with"))


def is_library_set(path: Path) -> bool:
    """A set in this format (its lines name a ``file`` and carry no seed ``evidence``)."""
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                return isinstance(row, dict) and "file" in row and "evidence" not in row
    except (OSError, ValueError):
        return False  # the seed loader names what is wrong with it
    return False


def problems(items: Sequence[LibraryQuestion]) -> list[str]:
    """What is wrong with the set's format (no PDF read): ids, kinds, frameworks, fields."""
    out: list[str] = []
    seen: set[str] = set()
    for q in items:
        if q.id in seen:
            out.append(f"{q.id}: duplicate id")
        seen.add(q.id)
        if q.kind not in KINDS:
            out.append(f"{q.id}: kind {q.kind!r} is not one of {', '.join(KINDS)}")
        if q.framework is not None and q.framework not in FRAMEWORKS:
            out.append(f"{q.id}: framework {q.framework!r} is not one of {', '.join(FRAMEWORKS)}")
        if q.inspection is not None and q.inspection not in INSPECTIONS:
            out.append(f"{q.id}: inspection {q.inspection!r} is not one of {', '.join(INSPECTIONS)}")
        for m in q.must_include:
            if not m.strip() or len(m) > MAX_MUST_INCLUDE:
                out.append(f"{q.id}: must_include {m[:40]!r} is empty or longer than {MAX_MUST_INCLUDE} characters")
        if q.answerable:
            for name, value in (("file", q.file), ("framework", q.framework), ("must_include", q.must_include),
                                ("locators", q.locators)):
                if not value:
                    out.append(f"{q.id}: an answerable question needs {name}")
        elif q.must_include or q.locators:
            out.append(f"{q.id}: an unanswerable question has no must_include or locators")
        if q.kind == "comparison" and len(q.files) < 2:
            out.append(f"{q.id}: a comparison reads two reports (compare_with or a 'path#' locator)")
        for f in q.files:
            if not re.fullmatch(r"pdf/[a-z0-9-]+/\d{4}-\d{2}-\d{2}\.pdf", f):
                out.append(f"{q.id}: file {f!r} is not a library path like pdf/<authority>/<published>.pdf")
    return out


# -- the library on disk ----------------------------------------------------------------


def missing(root: Path, items: Sequence[LibraryQuestion] = ()) -> str:
    """Why the set cannot run against ``root`` ('' when it can)."""
    if not (Path(root) / "pdf").is_dir():
        return f"no library at {root} (the set reads its PDFs from ../shared/library beside the repository)"
    absent = sorted({f for q in items for f in q.files if not (Path(root) / f).is_file()})
    if absent:
        return f"the library at {root} lacks {len(absent)} of the set's PDFs, e.g. {absent[0]}"
    return ""


def doc_id(file: str) -> str:
    """The report id the run gives a library PDF: 'pdf/barnsley/2023-10-27.pdf' ->
    'barnsley-2023-10-27' (file names are publication dates, so they repeat across councils)."""
    parts = Path(file).parts
    return f"{parts[-2]}-{Path(parts[-1]).stem}"


def split_locator(entry: str) -> tuple[str | None, str]:
    """'pdf/york/2017-02-07.pdf#judgements row 1' -> (that file, 'judgements row 1')."""
    head, sep, tail = entry.partition("#")
    if sep and head.endswith(".pdf"):
        return head, tail
    return None, entry


def known_answer(q: LibraryQuestion) -> KnownAnswer:
    """The question in the seed set's shape, so the runner asks and reports it the same way.
    Locators become (report id, locator) pairs: the first is ``locator``, the rest ``locators``
    as 'doc_id#locator' (``gold.gold_keys`` reads them back)."""
    keys = []
    for entry in q.locators:
        file, loc = split_locator(entry)
        keys.append((doc_id(file or q.file), loc))
    first = keys[0] if keys else ("", "")
    return KnownAnswer(
        id=q.id, question=q.question, answer=q.answer, must_include=q.must_include, evidence="",
        doc_id=doc_id(q.file) if q.file else first[0], locator=first[1], kind=q.kind,
        locators=tuple(f"{d}#{loc}" for d, loc in keys[1:]),
        extra={"framework": q.framework or "", "file": q.file or "", "inspection": q.inspection or ""})


# -- matching -----------------------------------------------------------------------------


def grades_named(text: str) -> set[str]:
    """The grades a text names, as ``core.grades`` normalises them, longest phrase first
    ('requires improvement to be good' is one grade, not also 'good')."""
    words = fold(text).split()
    found, i = set(), 0
    while i < len(words):
        for n in range(min(_GRADE_WORDS, len(words) - i), 0, -1):
            grade = normalise_grade(" ".join(words[i:i + n]))
            if grade:
                found.add(grade)
                i += n
                break
        else:
            i += 1
    return found


def says(text: str, wanted: str) -> bool:
    """``text`` says ``wanted``: the same grade, or the folded string as whole words."""
    grade = normalise_grade(wanted)
    if grade:
        return grade in grades_named(text)
    return bool(fold(wanted)) and f" {fold(wanted)} " in f" {fold(text)} "


def place_matches(gold: str, ref: str, text: str = "") -> bool:
    """A paragraph whose locator is ``ref`` (and text ``text``) is where ``gold`` points."""
    g, r = fold(gold), fold(ref)
    if not g or not r:
        return False
    if g == r or r.startswith(g + " ") or g.startswith(r + " "):
        return True
    where, sep, label = gold.partition(": ")
    return bool(sep and where and label.strip()) and says(text, label)


def matches(k: KnownAnswer, item: Item) -> bool:
    return any(item.doc_id == d and place_matches(loc, item.ref, item.text) for d, loc in gold_keys(k))


def is_correct(k: KnownAnswer, result: Result) -> bool:
    if result.error:
        return False
    if not k.answerable:
        return result.abstained
    if result.abstained:
        return False
    said = answer_text(result.text)
    return all(says(said, m) for m in k.must_include) and any(matches(k, c) for c in result.cited)


def score(k: KnownAnswer, result: Result) -> QuestionScore:
    """``metrics.QuestionScore`` with locator matching in place of verbatim evidence:
    evidence rank = the first retrieved paragraph that matches a locator; a citation is
    relevant when it matches one; citation recall = some citation matches."""
    rank = next((i for i, item in enumerate(result.ranked, 1) if matches(k, item)), None) if k.answerable else None
    relevant = sum(1 for c in result.cited if matches(k, c))
    n_cited = len(result.cited)
    return QuestionScore(
        id=k.id, kind=k.kind, answerable=k.answerable, correct=is_correct(k, result), abstained=result.abstained,
        evidence_rank=rank, recall=recall_at(rank) if k.answerable else None,
        reciprocal_rank=reciprocal_rank(rank) if k.answerable else None,
        cited=n_cited, relevant_cited=relevant, citation_precision=relevant / n_cited if n_cited else None,
        citation_recall=float(relevant > 0) if k.answerable else None,
        faithfulness=faithfulness(result.sentences, result.unsupported), latency_ms=result.latency_ms)


# -- the PDFs' own text (checks only) ---------------------------------------------------------


def pdf_text(path: Path) -> str:
    """A PDF's text layer as pypdfium2 gives it, pages joined: what the set's strings are
    checked against, independent of the product's reader."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n\f\n".join(pages)
    finally:
        pdf.close()


def not_in_pdfs(q: LibraryQuestion, texts: dict[str, str]) -> list[str]:
    """The must_include strings of ``q`` that none of its reports' texts says."""
    return [m for m in q.must_include if not any(says(texts[f], m) for f in q.files if f in texts)]


_NUMBERED = re.compile(r"(\d+)(?: item \d+)?")
_PART = re.compile(r" (?:row|item) \d+$| grade$")


def unprinted(q: LibraryQuestion, texts: dict[str, str]) -> list[str]:
    """The locators of ``q`` whose report does not print what they name: a paragraph
    number at a line start, a label's words, a heading (a grid row is the parser's to find)."""
    out = []
    for entry in q.locators:
        file, loc = split_locator(entry)
        text = texts.get(file or q.file or "", "")
        number = _NUMBERED.fullmatch(loc)
        where, sep, words = loc.partition(": ")
        if number:
            printed = re.search(rf"(?m)^[ \t]*{number.group(1)}\.", text) is not None
        elif loc.startswith("judgements row "):
            continue
        elif sep and where:
            printed = says(text, words)
        else:
            printed = says(text, _PART.sub("", loc))
        if not printed:
            out.append(entry)
    return out
