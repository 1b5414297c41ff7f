"""``python -m evals library DIR``: read every PDF of the real library and measure how
far our reading agrees with the library's own (another tool's) reading.

    python -m evals library ../shared/library [--out FILE] [--check] [--limit N]
                                              [--authority NAME] [--workers N]

Four steps, each a plain function:

1. ``discover``: the PDFs under ``DIR/pdf/<authority>/<published>.pdf``, sorted;
2. ``read_one``: read and parse one file, exactly as ingest does but without embedding
   (``readers.read_text`` -> ``manifest.meta_for`` -> ``parser.parse``), and keep only
   what is measured (a ``Reading``); run over 2 worker processes by ``read_all``;
3. ``compare``: our readings against ``catalogue.csv`` and ``grades.csv`` (read here, by
   the check only, never by ingest), field by field, plus the paragraph check; the
   disagreements checked by hand against the PDF (``evals/library_verified.toml``,
   ``load_verified``) are counted apart;
4. ``summary_markdown`` / ``full_markdown``: the Markdown reports.

What counts (the same rules are printed at the foot of the summary):

- Two agreements per field: *raw*, agree / compared, and *corrected*, agree / (compared
  minus verified), where *verified* are the disagreements listed in
  ``evals/library_verified.toml``: checked by hand against the PDF, the other tool is
  wrong there and our value is what the PDF prints (its ``pdf_says``). The target is
  judged on the corrected agreement. An entry whose ``pdf_says`` no longer equals our
  reading is a *regression*: reported, and a missed target.
- A field is compared only where the other tool has a real value: a non-empty
  catalogue value, or a grade in grades.csv. Its special values (``data_unreadable``,
  ``inspection_pre_dates_judgement``, ``not_reported_post_reform``, empty, or a value
  that is not a grade) are counted apart, with how many of those rows we read a value
  for; for ``inspection_pre_dates_judgement`` and ``not_reported_post_reform`` we should
  have read none.
- authority: equal after case folding, '&' read as 'and', punctuation dropped
  ('Bournemouth, Christchurch and Poole' = 'bournemouth, christchurch & poole').
  lead_inspector: equal after folding whitespace (also around a hyphen), case and curly
  quotes. Dates: equal
  ISO strings. Judgements: our ``Judgement`` records whose ``field`` is the column; they
  agree when they hold exactly one grade and it is theirs, both through
  ``core.grades.normalise_grade``.
- A report is *intact* when (a) its printed paragraph numbers (``Kind.PARAGRAPH`` with
  an integer ``number``, outside appendices) are 1..N each exactly once, and the
  sequence was not cut (no integer-numbered list item carries N+1, which is what the
  next numbered paragraph becomes when the parser loses the sequence, and no paragraph's
  text starts a sentence with 'N+1.', a number the reader failed to split off); and (b) no
  locator holds page furniture (``furniture_locators``). A report with no numbered
  paragraphs passes (a) and is counted apart.
- A file that cannot be read (``ReadError``: the web pages saved as .pdf) is listed with
  its message and left out of every denominator. A file that is read but cannot be
  parsed (``ParseError``, or a bug) counts: it has no values and is not intact.

The full report (``--out``) holds values from the library's CSVs, which must never be
committed, so it is refused inside the repository.
"""
from __future__ import annotations

import csv
import multiprocessing
import re
import sys
import time
import tomllib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence, TextIO

from core.errors import ConfigError, RagError, ReadError
from core.grades import normalise_grade
from core.model import Kind, Paragraph, Report

REPO = Path(__file__).resolve().parents[1]
VERIFIED = REPO / "evals" / "library_verified.toml"
TARGET = 0.99
WORKERS = 2  # the machine's cores
CATALOGUE_FIELDS = ("authority", "inspection_start", "inspection_end", "lead_inspector")
GRADE_FIELDS = ("overall_effectiveness", "impact_of_leaders", "help_and_protection", "in_care", "care_leavers")
FIELDS = CATALOGUE_FIELDS + GRADE_FIELDS
# The CSVs' values that are not a real value, and what we should have read there:
# True = nothing (there was no such judgement), False = anything (the tool could not tell).
SPECIALS = {
    "data_unreadable": False,
    "inspection_pre_dates_judgement": True,
    "not_reported_post_reform": True,
    "": False,
}


# -- 1. discover ----------------------------------------------------------------------


def discover(library: Path, limit: int | None = None, authority: str | None = None) -> list[Path]:
    """The library's PDFs, sorted by authority then date; ``ConfigError`` if there are none."""
    folder = Path(library) / "pdf"
    if not folder.is_dir():
        raise ConfigError(f"{library}: no pdf/ folder here; give the library folder (e.g. ../shared/library)")
    files = sorted(p for p in folder.glob("*/*.pdf") if p.is_file())
    if authority:
        files = [p for p in files if _key(p.parent.name) == _key(authority)]
        if not files:
            raise ConfigError(f"{folder}: no reports for authority '{authority}'; "
                              "name a folder under pdf/, e.g. 'barnsley' or 'Bath and North East Somerset'")
    if not files:
        raise ConfigError(f"{folder}: no .pdf files; is this the library folder?")
    return files[:limit] if limit is not None else files


def relative(path: Path, library: Path) -> str:
    """How the CSVs name a file: 'pdf/<authority>/<published>.pdf'."""
    return Path(path).relative_to(library).as_posix()


# -- 2. read and parse one file ----------------------------------------------------------


@dataclass(frozen=True)
class ParagraphCheck:
    """What is wrong with one report's paragraphs (empty: nothing)."""

    highest: int  # N, the highest printed paragraph number (0: none)
    missing: tuple[int, ...] = ()
    duplicates: tuple[int, ...] = ()
    cut_at: int = 0  # N+1 when a list item carries it (the sequence was lost there)
    furniture: tuple[tuple[str, str], ...] = ()  # (locator, why)

    @property
    def intact(self) -> bool:
        return not (self.missing or self.duplicates or self.cut_at or self.furniture)

    def problems(self) -> list[str]:
        out = []
        if self.missing:
            out.append(f"missing {_ranges(self.missing)} of 1..{self.highest}")
        if self.duplicates:
            out.append(f"repeated {_ranges(self.duplicates)}")
        if self.cut_at:
            out.append(f"sequence cut: {self.cut_at} is a list item after paragraph {self.cut_at - 1}")
        if self.furniture:
            shown = "; ".join(f"`{loc}` ({why})" for loc, why in self.furniture)
            out.append(f"{len(self.furniture)} locator(s) with page furniture: {shown}")
        return out


@dataclass(frozen=True)
class Reading:
    """What we read from one library file: only what is measured."""

    file: str  # 'pdf/<authority>/<published>.pdf', as the CSVs name it
    seconds: float = 0.0
    read_error: str = ""  # not readable as a report (ReadError): out of every denominator
    failure: str = ""  # read but not parsed (ParseError or a bug): counts, with no values
    values: tuple[tuple[str, str], ...] = ()  # catalogue field -> our value ('' = none)
    grades: tuple[tuple[str, tuple[str, ...]], ...] = ()  # grade field -> the grades we read
    paragraphs: ParagraphCheck | None = None

    def value(self, name: str) -> str:
        return dict(self.values).get(name, "")

    def grades_for(self, name: str) -> tuple[str, ...]:
        return dict(self.grades).get(name, ())


def read_one(path: Path, library: Path) -> Reading:
    """Read and parse one file as ingest does (no manifest, no CSVs), and measure it."""
    from ingest.manifest import meta_for
    from ingest.parser import parse
    from ingest.readers import read_text

    name = relative(path, library)
    start = time.perf_counter()
    try:
        text = read_text(path)
    except ReadError as exc:
        return Reading(name, time.perf_counter() - start, read_error=_one_line(exc.reason))
    try:
        report = parse(text, meta_for(path, text))
    except RagError as exc:
        return Reading(name, time.perf_counter() - start, failure=_one_line(getattr(exc, "reason", str(exc))))
    except Exception as exc:  # a bug in the parser: measured as a failure, the run goes on
        return Reading(name, time.perf_counter() - start, failure=f"{type(exc).__name__}: {_one_line(str(exc))}")
    return measure(name, report, time.perf_counter() - start)


def measure(name: str, report: Report, seconds: float = 0.0) -> Reading:
    """The measured facts of a parsed report."""
    meta = report.meta
    grades: dict[str, list[str]] = {f: [] for f in GRADE_FIELDS}
    for j in report.judgements:
        if j.field in grades:
            grade = normalise_grade(j.grade) or normalise_grade(j.grade_printed) or j.grade
            if grade not in grades[j.field]:
                grades[j.field].append(grade)
    return Reading(
        file=name,
        seconds=seconds,
        values=tuple((f, getattr(meta, f) or "") for f in CATALOGUE_FIELDS),
        grades=tuple((f, tuple(g)) for f, g in grades.items() if g),
        paragraphs=check_paragraphs(report.paragraphs, meta.title),
    )


def read_all(files: Sequence[Path], library: Path, workers: int = WORKERS,
             progress: Callable[[int, int, str], None] | None = None) -> list[Reading]:
    """``read_one`` over every file, on ``workers`` processes (1: in this process);
    the readings come back in the files' order."""
    done: dict[Path, Reading] = {}

    def finished(path: Path, reading: Reading) -> None:
        done[path] = reading
        if progress:
            progress(len(done), len(files), reading.file)

    if workers <= 1 or len(files) <= 1:
        for p in files:
            finished(p, read_one(p, library))
    else:
        # Spawned, not forked: a process that has loaded torch (a test session, the page)
        # holds locks that a forked worker would inherit and wait on for ever.
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(read_one, p, library): p for p in files}
            for fut in as_completed(futures):
                finished(futures[fut], fut.result())
    return [done[p] for p in files]


# -- the paragraph check ---------------------------------------------------------------

_APPENDIX = re.compile(r"^(appendix|annex)\b", re.I)
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# '28 March', '1st April', 'March 2022', '28/03/2022', '28.03.2022', '2022-03-28'. Not a
# bare year ('Children Act 1989' is a heading) and not '1.2.10' (a section number).
_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\b|\b{_MONTHS}\s+(?:19|20)\d\d\b"
    r"|\b\d{1,2}/\d{1,2}/(?:19|20)?\d\d\b|\b\d{1,2}\.\d{1,2}\.(?:19|20)\d\d\b|\b(?:19|20)\d\d-\d\d-\d\d\b",
    re.I,
)
# What the parser appends to a section's name to make a locator (ingest/parser.py's
# scheme): '¶3', 'item 2', 'row 5', 'grade', '(iv)', and ' (2)' that keeps locators unique.
_LOCATOR_SUFFIX = re.compile(r"(?:\s+\(\d+\)|\s+\u00b6\d+|\s+item \d+|\s+row \d+|\s+grade|\s*\([a-z0-9]{1,6}\))$")
# Words a running header or footer adds around the title: 'Inspection dates', page numbers.
_FURNITURE_WORDS = {"inspection", "dates", "date", "to", "and", "page", "of"}


def check_paragraphs(paragraphs: Sequence[Paragraph], title: str = "") -> ParagraphCheck:
    """Numbering (1..N once each, not cut) and locators (no page furniture) of one report."""
    numbers = [int(p.number) for p in paragraphs
               if p.kind is Kind.PARAGRAPH and p.number and p.number.isdigit() and not in_appendix(p)]
    counts = Counter(numbers)
    highest = max(numbers, default=0)
    # Cut: the next number read as a list item, or left in some paragraph's text ('10.Senior
    # leaders...' where the number was printed with no space, or '10. ...' glued to the
    # paragraph before).
    glued = re.compile(rf"(?:^|[.!?]\s+){highest + 1}\.\s?[A-Z]")
    cut = highest > 0 and any(
        not in_appendix(p) and (
            (p.kind is Kind.LIST_ITEM and p.number and p.number.isdecimal() and int(p.number) == highest + 1)
            or (p.kind is Kind.PARAGRAPH and glued.search(p.text)))
        for p in paragraphs)
    return ParagraphCheck(
        highest=highest,
        missing=tuple(n for n in range(1, highest + 1) if n not in counts),
        duplicates=tuple(sorted(n for n, c in counts.items() if c > 1)),
        cut_at=highest + 1 if cut else 0,
        furniture=furniture_locators(paragraphs, title),
    )


def in_appendix(p: Paragraph) -> bool:
    """Appendices restart their numbering ('Appendix 1 para 12')."""
    return bool(_APPENDIX.match(p.locator)) or any(_APPENDIX.match(h) for h in p.heading_path)


def section_name(locator: str) -> str:
    """The part of a locator that names its section: '28 March 2022 6 ¶1' -> '28 March 2022 6',
    '12 item 3' -> '12', 'Summary (Leadership) ¶3 (2)' -> 'Summary (Leadership)'."""
    name, prev = locator.strip(), None
    while name != prev:
        prev, name = name, _LOCATOR_SUFFIX.sub("", name).strip()
    return name


def furniture_locators(paragraphs: Sequence[Paragraph], title: str = "") -> tuple[tuple[str, str], ...]:
    """(locator, why) for each locator that holds page furniture, in report order.

    A locator's section name (``section_name``) is page furniture when it
    - holds a date ('28 March to 1 April 2022 6 ¶1': the running footer's inspection
      dates); a heading never needs one, and a bare year is not a date here;
    - is the report's title (of three words or more: a shorter one would match ordinary
      headings), alone or with only page numbers or dates glued to it, anywhere but on
      the cover (after the first numbered paragraph or another section), or with a
      number glued to it anywhere: a running header read as a heading ('Inspection of
      X children's services 4');
    - is a bare number that is also the whole text of one of its headings ('2 ¶2',
      '1 item 3': a page number or a stray footnote mark read as a heading). Printed
      paragraph 1 itself ('1') is not, even under such a heading; nor are '12 item 3'
      (item 3 of printed paragraph 12) and a council paper's section numbered 2 ('2 ¶2'
      under the heading 'Background').
    A number glued to an ordinary heading ('What needs to improve 3') is not caught.
    """
    title_key = _key(title) if len(_key(title).split()) >= 3 else ""
    out, on_cover = [], True
    for p in sorted(paragraphs, key=lambda p: p.order):
        name = section_name(p.locator)
        key = _key(name)
        has_title = _is_title(key, title_key)
        if p.kind is Kind.PARAGRAPH and p.number:
            on_cover = False
        why = ""
        if _DATE.search(name):
            why = "date"
        elif has_title and (not on_cover or key != title_key):
            why = "title"
        elif name.isdigit() and not (p.kind is Kind.PARAGRAPH and p.number == name) \
                and any(h.strip() == name for h in p.heading_path):
            why = "number as heading"
        if why:
            out.append((p.locator, why))
        elif not has_title and name != "cover" and not p.number:
            on_cover = False  # a section of its own: the cover is over
    return tuple(out)


def _is_title(key: str, title_key: str) -> bool:
    """Is a folded section name the title, alone or with only page numbers or dates glued
    to it? ('Kingston upon Hull Safeguarding Children Board' is a heading, not the title
    'Kingston upon Hull'.)"""
    if not title_key or f" {title_key} " not in f" {key} ":
        return False
    rest = _DATE.sub(" ", f" {key} ".replace(f" {title_key} ", " ", 1))
    return all(w.isdigit() or w in _FURNITURE_WORDS or re.fullmatch(_MONTHS, w) for w in rest.split())


# -- 3. compare -------------------------------------------------------------------------


@dataclass(frozen=True)
class Theirs:
    """The library's reading of one file: catalogue.csv and grades.csv, by column."""

    file: str
    values: tuple[tuple[str, str], ...]

    def value(self, name: str) -> str:
        return dict(self.values).get(name, "")


@dataclass(frozen=True)
class Verified:
    """A disagreement checked by hand against the PDF: the other tool is wrong, and the
    PDF prints ``pdf_says`` (our form: ISO date, grade word; '' = no such judgement)."""

    file: str
    field: str
    pdf_says: str
    why: str


@dataclass(frozen=True)
class Disagreement:
    file: str
    field: str
    ours: str
    theirs: str
    verified: Verified | None = None  # the other tool is wrong here, and we read what the PDF says


@dataclass(frozen=True)
class Regression:
    """A verified entry our reading no longer matches."""

    entry: Verified
    ours: str  # what we read now ('' = nothing)
    note: str = ""  # why there is no value at all (read error, not parsed)

    def line(self) -> str:
        now = self.note or (f"we read `{_cell(self.ours)}`" if self.ours else "we read nothing")
        says = f"`{_cell(self.entry.pdf_says)}`" if self.entry.pdf_says else "nothing (no such judgement)"
        return f"{self.entry.file} {self.entry.field}: {now}, the PDF says {says}"


@dataclass(frozen=True)
class FieldScore:
    field: str
    compared: int
    agree: int
    ours_empty: int  # of the open (not verified) disagreements: we read nothing
    verified: int = 0  # disagreements where the other tool is wrong (evals/library_verified.toml)

    @property
    def share(self) -> float | None:
        """Raw agreement with the other tool."""
        return self.agree / self.compared if self.compared else None

    @property
    def corrected(self) -> float | None:
        """Agreement where the other tool's value is not a verified error: the target's measure."""
        base = self.compared - self.verified
        return self.agree / base if base else None

    @property
    def open(self) -> int:
        """Disagreements not explained by a verified error of the other tool."""
        return self.compared - self.agree - self.verified

    @property
    def met(self) -> bool:
        return self.corrected is None or self.corrected >= TARGET


@dataclass(frozen=True)
class Special:
    """Rows where the other tool has no real value for a field."""

    field: str
    theirs: str  # the special value ('' = empty), or a value that is not a grade ('to requires improvement')
    rows: int
    ours_read: tuple[str, ...]  # files where we read a value anyway
    expect_none: bool  # we should have read nothing there

    @property
    def contradicted(self) -> bool:
        return self.expect_none and bool(self.ours_read)


@dataclass(frozen=True)
class Comparison:
    readings: tuple[Reading, ...]
    scores: tuple[FieldScore, ...]
    disagreements: tuple[Disagreement, ...]
    specials: tuple[Special, ...]
    unlisted: tuple[str, ...]  # files the CSVs do not list (checked on paragraphs only)
    seconds: float = 0.0
    workers: int = 1
    regressions: tuple[Regression, ...] = ()
    stale: tuple[Verified, ...] = ()  # verified entries that hold but are no disagreement now

    @property
    def read_errors(self) -> tuple[Reading, ...]:
        return tuple(r for r in self.readings if r.read_error)

    @property
    def reports(self) -> tuple[Reading, ...]:
        """Every file that is a report (all but the read errors): the paragraph denominator."""
        return tuple(r for r in self.readings if not r.read_error)

    @property
    def intact(self) -> tuple[Reading, ...]:
        return tuple(r for r in self.reports if r.paragraphs is not None and r.paragraphs.intact)

    @property
    def intact_share(self) -> float | None:
        return len(self.intact) / len(self.reports) if self.reports else None

    @property
    def unnumbered(self) -> tuple[Reading, ...]:
        return tuple(r for r in self.reports if r.paragraphs is not None and r.paragraphs.highest == 0)

    @property
    def missed(self) -> list[str]:
        """The targets missed, one line each."""
        out = [f"{s.field}: {s.agree}/{s.compared - s.verified} agree ({_pct(s.corrected)}) where the other tool "
               f"is not verified wrong, target {_pct(TARGET)}" for s in self.scores if not s.met]
        out += [f"verified reading regressed: {r.line()}" for r in self.regressions]
        if self.intact_share is not None and self.intact_share < TARGET:
            out.append(f"reports intact: {len(self.intact)}/{len(self.reports)} ({_pct(self.intact_share)}), "
                       f"target {_pct(TARGET)}")
        return out


def load_theirs(library: Path) -> dict[str, Theirs]:
    """catalogue.csv and grades.csv joined by file; ``ConfigError`` if either is missing
    or lacks a column we compare."""
    rows: dict[str, dict[str, str]] = {}
    for name, columns in (("catalogue.csv", CATALOGUE_FIELDS), ("grades.csv", GRADE_FIELDS)):
        path = Path(library) / name
        try:
            with path.open(newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                lacking = [c for c in ("file", *columns) if c not in (reader.fieldnames or ())]
                if lacking:
                    raise ConfigError(f"{path}: no column(s) {', '.join(lacking)}; is this the library's {name}?")
                for row in reader:
                    rows.setdefault(row["file"], {}).update({c: (row[c] or "").strip() for c in columns})
        except FileNotFoundError:
            raise ConfigError(f"{path}: not found; the library folder must hold {name}") from None
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ConfigError(f"{path}: cannot read it ({exc}); check the file") from None
    return {f: Theirs(f, tuple(v.items())) for f, v in rows.items()}


_VERIFIED_KEYS = ("file", "field", "pdf_says", "why")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def load_verified(path: Path = VERIFIED) -> tuple[Verified, ...]:
    """The ``[[verified]]`` entries of ``path``; ``ConfigError`` (one line naming the entry)
    when one is malformed."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found; it lists the disagreements checked against the PDFs") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({_one_line(str(exc))}); fix the TOML") from None
    entries = data.get("verified", [])
    if set(data) - {"verified"} or not isinstance(entries, list):
        raise ConfigError(f"{path}: expected only [[verified]] tables; fix the file")
    out: list[Verified] = []
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(entries, 1):
        where = f"{path}: entry {i}"
        if not isinstance(raw, dict) or set(raw) != set(_VERIFIED_KEYS) \
                or not all(isinstance(raw[k], str) for k in _VERIFIED_KEYS):
            raise ConfigError(f"{where}: give exactly {', '.join(_VERIFIED_KEYS)}, each a string")
        v = Verified(*(raw[k].strip() for k in _VERIFIED_KEYS))
        where += f" ({v.file} {v.field})"
        problem = _verified_problem(v)
        if not problem and (v.file, v.field) in seen:
            problem = "listed twice"
        if problem:
            raise ConfigError(f"{where}: {problem}; fix the entry")
        seen.add((v.file, v.field))
        out.append(v)
    return tuple(out)


def _verified_problem(v: Verified) -> str:
    if not re.fullmatch(r"pdf/[^/]+/[^/]+\.pdf", v.file):
        return "file must be pdf/<authority>/<published>.pdf"
    if v.field not in FIELDS:
        return f"field must be one of {', '.join(FIELDS)}"
    if v.pdf_says and v.field in GRADE_FIELDS and normalise_grade(v.pdf_says) is None:
        return f"pdf_says '{v.pdf_says}' is not a grade"
    if v.pdf_says and v.field.startswith("inspection_") and not _ISO_DATE.fullmatch(v.pdf_says):
        return f"pdf_says '{v.pdf_says}' is not an ISO date (YYYY-MM-DD)"
    if not v.pdf_says and v.field in CATALOGUE_FIELDS:
        return "pdf_says may be empty only for a judgement the report does not make"
    if not v.why or "\n" in v.why:
        return "why must be one sentence on one line"
    return ""


def says(name: str, ours: str, pdf_says: str) -> bool:
    """Is our value for ``name`` what the PDF prints (``pdf_says``; '' = nothing)?"""
    return not ours if not pdf_says else agrees(name, ours, pdf_says)


def compare(readings: Sequence[Reading], theirs: dict[str, Theirs], seconds: float = 0.0,
            workers: int = 1, verified: Sequence[Verified] = ()) -> Comparison:
    """Field agreement and special values over every readable report the CSVs list; the
    ``verified`` disagreements counted apart, and checked against our reading wherever
    their file was read."""
    by_key = {(v.file, v.field): v for v in verified}
    read = {r.file: r for r in readings}
    regressions = []
    for v in verified:
        r = read.get(v.file)
        if r is None:
            continue  # not in this run (--limit, --authority)
        if r.read_error or r.failure:
            regressions.append(Regression(v, "", f"not {'read' if r.read_error else 'parsed'}: "
                                                 f"{r.read_error or r.failure}"))
        elif not says(v.field, our_value(r, v.field), v.pdf_says):
            regressions.append(Regression(v, our_value(r, v.field)))
    scored = [r for r in readings if not r.read_error and r.file in theirs]
    scores, disagreements, specials = [], [], []
    explained: set[tuple[str, str]] = set()
    for name in FIELDS:
        compared = agree = ours_empty = n_verified = 0
        special_rows: dict[str, list[str]] = {}
        special_read: dict[str, list[str]] = {}
        for r in scored:
            raw = theirs[r.file].value(name)
            kind = _special(name, raw)
            ours = our_value(r, name)
            if kind is not None:
                special_rows.setdefault(kind, []).append(r.file)
                if ours:
                    special_read.setdefault(kind, []).append(r.file)
                continue
            compared += 1
            if agrees(name, ours, raw):
                agree += 1
                continue
            v = by_key.get((r.file, name))
            if v is not None and says(name, ours, v.pdf_says):
                n_verified += 1
                explained.add((r.file, name))
            else:
                v = None
                ours_empty += not ours
            disagreements.append(Disagreement(r.file, name, ours, raw, v))
        scores.append(FieldScore(name, compared, agree, ours_empty, n_verified))
        for kind, files in special_rows.items():
            specials.append(Special(name, kind, len(files), tuple(special_read.get(kind, ())),
                                    SPECIALS.get(kind, False)))
    unlisted = tuple(r.file for r in readings if r.file not in theirs)
    failed = {g.entry for g in regressions}
    stale = tuple(v for v in verified if v.file in read and v not in failed and (v.file, v.field) not in explained)
    return Comparison(tuple(readings), tuple(scores), tuple(disagreements), tuple(specials), unlisted,
                      seconds, workers, tuple(regressions), stale)


def agrees(name: str, ours: str, theirs: str) -> bool:
    """Does our value for ``name`` agree with theirs (a real value, not a special)?"""
    if not ours:
        return False
    if name == "authority":
        return _key(ours) == _key(theirs)
    if name == "lead_inspector":
        return _fold(ours) == _fold(theirs)
    if name in GRADE_FIELDS:
        return normalise_grade(ours) == normalise_grade(theirs)  # several grades ('a | b') never agree
    return ours.strip() == theirs.strip()


def our_value(r: Reading, name: str) -> str:
    """Our value for a field, as compared: a grade field's grades joined by ' | '."""
    if name in GRADE_FIELDS:
        return " | ".join(r.grades_for(name))
    return r.value(name).strip()


def _special(name: str, raw: str) -> str | None:
    """Which special value ``raw`` is (None: a real value to compare)."""
    if raw in SPECIALS:
        return raw
    if name in GRADE_FIELDS and normalise_grade(raw) is None:
        return raw  # the other tool's misreading, e.g. 'to requires improvement'
    return None


def _key(text: str) -> str:
    """Case, punctuation and '&' vs 'and' folded: 'Telford & Wrekin' = 'telford and wrekin'."""
    text = text.casefold().replace("&", " and ").replace("\u2019", "'").replace("'", "")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _fold(text: str) -> str:
    """Whitespace (also around a hyphen: 'Thomson -Jones'), case and curly quotes folded."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return re.sub(r"\s*-\s*", "-", " ".join(text.split())).casefold()


# -- 4. report ----------------------------------------------------------------------


def summary_markdown(c: Comparison, library: str = "") -> str:
    """The summary: the agreement table, intact reports, verified readings, read errors,
    the special values. It holds no value from the CSVs (only counts and file names)."""
    reports = len(c.reports)
    lines = [f"# Library agreement{': ' + library if library else ''}", "",
             f"{len(c.readings)} files ({reports} reports, {len(c.read_errors)} read errors) read and parsed "
             f"in {c.seconds:.0f} s on {c.workers} worker process{'es' if c.workers != 1 else ''}.", "",
             f"The {_pct(TARGET)} target is judged on the corrected agreement, agree / (compared - verified): "
             "*verified* disagreements were checked by hand against the PDF (evals/library_verified.toml); there "
             "the other tool is wrong and we read what the PDF prints. Raw agreement with the other tool is shown "
             "beside it.", "",
             "| field | compared | agree | raw % | verified (theirs wrong) | corrected % | target | "
             "open: we read nothing | open: we read another value |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"]
    for s in c.scores:
        mark = "" if s.compared == 0 else (" met" if s.met else " **missed**")
        lines.append(f"| {s.field} | {s.compared} | {s.agree} | {_pct(s.share)} | {s.verified} | "
                     f"{_pct(s.corrected)} | {_pct(TARGET)}{mark} | {s.ours_empty} | {s.open - s.ours_empty} |")
    share = c.intact_share
    mark = "" if share is None else (" met" if share >= TARGET else " **missed**")
    lines.append(f"| reports intact | {reports} | {len(c.intact)} | {_pct(share)} | | {_pct(share)} | "
                 f"{_pct(TARGET)}{mark} | | |")
    lines += ["", *_paragraph_summary(c), "", *_verified_lines(c), "", *_read_error_lines(c), "",
              *_special_table(c), "", _RULES]
    return "\n".join(lines) + "\n"


def full_markdown(c: Comparison, library: str = "") -> str:
    """The summary, then every disagreement, every report not intact and every special
    value where we read a grade."""
    lines = [summary_markdown(c, library).rstrip(), "", "## Disagreements", ""]
    if c.disagreements:
        lines += ["| file | field | ours | theirs | verified: what the PDF prints |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {d.file} | {d.field} | {_cell(d.ours) or '(nothing)'} | {_cell(d.theirs)} | "
                  f"{_cell(d.verified.why) if d.verified else ''} |"
                  for d in sorted(c.disagreements, key=lambda d: (FIELDS.index(d.field), d.file))]
    else:
        lines.append("None.")
    lines += ["", "## Reports not intact", ""]
    broken = [r for r in c.reports if r not in c.intact]
    for r in broken:
        problems = [f"not parsed: {r.failure}"] if r.failure else r.paragraphs.problems()
        lines.append(f"- {r.file}: " + "; ".join(problems))
    if not broken:
        lines.append("None.")
    if c.unnumbered:
        lines += ["", "## Reports with no numbered paragraphs", ""] + [f"- {r.file}" for r in c.unnumbered]
    read_anyway = [s for s in c.specials if s.ours_read]
    if read_anyway:
        lines += ["", "## Rows with a special value where we read a value", ""]
        for s in read_anyway:
            verdict = "there should be none" if s.expect_none else "to check by hand"
            lines.append(f"- {s.field} = {_shown(s.theirs)} ({verdict}): " + ", ".join(s.ours_read))
    if c.unlisted:
        lines += ["", "## Files the CSVs do not list", ""] + [f"- {f}" for f in c.unlisted]
    return "\n".join(lines) + "\n"


def _paragraph_summary(c: Comparison) -> list[str]:
    broken = [r for r in c.reports if r not in c.intact]
    kinds: Counter = Counter()
    for r in broken:
        if r.failure:
            kinds["not parsed"] += 1
            continue
        p = r.paragraphs
        kinds["numbers missing"] += bool(p.missing)
        kinds["numbers repeated"] += bool(p.duplicates)
        kinds["sequence cut"] += bool(p.cut_at)
        kinds["page furniture in locators"] += bool(p.furniture)
    why = ", ".join(f"{k} {n}" for k, n in kinds.most_common() if n) or "none"
    return [f"Reports not intact: {len(broken)} ({why}). Reports with no numbered paragraphs: "
            f"{len(c.unnumbered)} (they pass the numbering check)."]


def _verified_lines(c: Comparison) -> list[str]:
    verified = sum(s.verified for s in c.scores)
    lines = [f"Verified disagreements (the other tool wrong, our reading as printed): {verified}. "
             + ("Verified readings that no longer hold: none." if not c.regressions else
                f"**Verified readings that no longer hold: {len(c.regressions)}** (each a missed target):")]
    if c.regressions:
        lines += [""] + [f"- {r.line()}" for r in c.regressions]
    if c.stale:
        lines += ["", f"Verified entries that are no disagreement now (the other tool agrees or has no value; "
                      f"remove them): {', '.join(f'{v.file} {v.field}' for v in c.stale)}."]
    return lines


def _read_error_lines(c: Comparison) -> list[str]:
    if not c.read_errors:
        return ["Read errors: none."]
    return [f"Read errors: {len(c.read_errors)} (left out of every denominator):", ""] + \
        [f"- {r.file}: {r.read_error}" for r in c.read_errors]


def _special_table(c: Comparison) -> list[str]:
    if not c.specials:
        return []
    lines = ["Rows not compared (the other tool has no real value):", "",
             "| field | their value | rows | we read a value | we should read |", "| --- | --- | ---: | ---: | --- |"]
    for s in c.specials:
        expect = "nothing" if s.expect_none else "anything"
        flag = " **contradicted**" if s.contradicted else ""
        lines.append(f"| {s.field} | {_shown(s.theirs)} | {s.rows} | {len(s.ours_read)}{flag} | {expect} |")
    return lines


_RULES = ("Compared only where the other tool has a real value; corrected agreement leaves out of the "
          "denominator the disagreements verified against the PDF (evals/library_verified.toml). authority: case, punctuation and '&' folded; "
          "lead_inspector: whitespace (also around hyphens), case and quotes folded; dates: equal ISO strings; "
          "judgements: our records with that `field`, one grade equal to theirs after `normalise_grade`. Intact: "
          "printed paragraph numbers 1..N once each and not cut, and no locator with a date, the title or a bare "
          "number read as a heading (page number, footnote mark) (evals/library_agreement.py).")


def _shown(special: str) -> str:
    if not special:
        return "(empty)"
    return f"`{special}`" if special in SPECIALS else f"`{_cell(special)}` (not a grade)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{100 * share:.1f}%"


def _ranges(numbers: Iterable[int]) -> str:
    """(3, 4, 5, 9) -> '3-5, 9'."""
    out: list[str] = []
    run: list[int] = []
    for n in [*sorted(numbers), None]:
        if n is not None and run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n] if n is not None else []
    return ", ".join(out)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# -- the command ---------------------------------------------------------------------


def check_out_path(out: Path, repo: Path = REPO) -> None:
    """The full report holds the library's CSV values, which must never be committed:
    refuse a path inside the repository."""
    target = Path(out).expanduser().resolve()
    if target == repo or repo in target.parents:
        raise ConfigError(f"--out {out}: inside the repository ({repo}); the full report holds values from the "
                          "library's CSVs, which must not be committed: write it elsewhere, e.g. /tmp/library.md")


def run_library(library: Path, *, limit: int | None = None, authority: str | None = None,
                workers: int = WORKERS, status: TextIO | None = None,
                verified: Sequence[Verified] | None = None) -> Comparison:
    """Discover, read, compare: the whole measurement, with a progress line on ``status``
    (None: quiet); ``verified`` defaults to evals/library_verified.toml."""
    library = Path(library)
    files = discover(library, limit, authority)
    theirs = load_theirs(library)
    verified = load_verified() if verified is None else tuple(verified)
    start = time.perf_counter()
    readings = read_all(files, library, workers, _progress_line(status, start) if status else None)
    if status:
        print(file=status)
    return compare(readings, theirs, time.perf_counter() - start, min(workers, len(files)), verified)


def main(library: Path, *, out: Path | None = None, check: bool = False, limit: int | None = None,
         authority: str | None = None, workers: int = WORKERS, stdout: TextIO | None = None,
         status: TextIO | None = None) -> int:
    """The command: summary on stdout, progress on stderr, the full report to ``out``; 1
    with ``check`` when a target is missed or a verified reading regressed, else 0. Errors a
    user can fix are ``RagError``s."""
    stdout, status = stdout or sys.stdout, status or sys.stderr
    if out is not None:
        check_out_path(out)
    if workers < 1:
        raise ConfigError(f"--workers {workers}: give 1 or more")
    c = run_library(library, limit=limit, authority=authority, workers=workers, status=status)
    stdout.write(summary_markdown(c, str(library)))
    if out is not None:
        try:
            Path(out).write_text(full_markdown(c, str(library)), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--out {out}: cannot write it ({exc.strerror or exc}); check the path") from None
        print(f"full report: {out}", file=status)
    if check and c.missed:
        for line in c.missed:
            print(f"missed: {line}", file=status)
        return 1
    return 0


def _progress_line(status: TextIO, start: float) -> Callable[[int, int, str], None]:
    """'library: 120/398 read, 41 s, pdf/x/y.pdf' rewritten in place on a terminal; on a
    pipe (CI) one line per tenth of the run."""
    tty = status.isatty()

    def show(done: int, total: int, name: str) -> None:
        line = f"library: {done}/{total} read, {time.perf_counter() - start:.0f} s, {name}"
        if tty:
            status.write("\r" + line[:100].ljust(100))
            status.flush()
        elif done == total or done % max(1, total // 10) == 0:
            print(line, file=status, flush=True)

    return show
