"""PDF reader benchmark: the measurement that chose the PDF extractor, over the real library.

    python bench/pdf_readers.py [--library DIR] [--limit N] [--sample N]
                                [--plumber-python PATH] [--out [FILE]]

``--library`` is the folder holding ``pdf/<authority>/<published>.pdf`` (default
``../shared/library`` beside the repository; the command stops with a one-line message
where it is missing). ``--limit N`` takes the first N PDFs for a quick run. ``--out``
appends the tables, dated, to ``bench/results.md`` (or FILE) under '## PDF reader
(bench/pdf_readers.py)'; without it they only go to stdout.

Each reader reads every PDF to text, timed (wall and CPU seconds, pages per second;
the page count is PDFium's, the same for both), then the text is parsed as ingest
parses it (``ingest.manifest.meta_for`` + ``ingest.parser.parse``, not timed) and the
report checked with ``evals.library_agreement.check_paragraphs``, the library check's
own rules:

- *numbers intact*: the printed paragraph numbers read are 1..N, each once, and the
  sequence not cut (N+1 is not a list item); counted over the reports where either
  reader reads numbered paragraphs, and only where N is also the highest number the
  other reader reads (a reader that loses the last paragraphs, or every number, fails);
- *furniture in locators*: a locator holds a running header or footer (the title, the
  inspection dates, a page number read as a heading);
- *glued numbers*: a block starting 'N.Word' (a paragraph number the PDF prints
  with no space after it, which the parser does not read as a number).

The readers:

(a) **pypdf** ``page.extract_text()``: the reader before the layout work, reproduced
    here from ``git show c1530de:ingest/readers.py`` (pages joined by a blank line,
    bullet glyphs as '- ', then the same ``_clean`` every reader's text goes through).
(b) **PDFium layout**: ``ingest.readers.read_text`` as it is now (pypdfium2 +
    ``ingest/pdf_layout.py``).
(c) **pdfplumber / pdfminer.six**, speed only, on ``--sample`` reports spread over the
    library, where ``--plumber-python`` names an interpreter that has pdfplumber (a
    throwaway venv: ``python3 -m venv /tmp/plumb && /tmp/plumb/bin/pip install
    pdfplumber``; it is not a dependency of the project). Its text is not parsed: it
    has neither the parser's shape nor anything of the layout stage.

PyMuPDF is not measured: it is AGPL-3.0, so a council distributing the tool would have
to publish its source under the AGPL.

A file that is not a PDF at all (the library holds web pages saved as .pdf) is listed
and left out of every figure.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bench.machine import machine

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_LIBRARY = ROOT.parent / "shared" / "library"
RESULTS = Path(__file__).resolve().parent / "results.md"
HEADING = "## PDF reader (bench/pdf_readers.py)"
INTRO = """\
The measurement that chose the PDF extractor (`ingest/readers.py`): every PDF of the real
library (`../shared/library`) read by the previous reader, pypdf's `extract_text()`, and by
the current one, PDFium with the page layout (`ingest/pdf_layout.py`), each text parsed as
ingest parses it and checked with the library check's paragraph rules; pdfplumber and
pdfminer.six timed on a sample. What each column means is in the script's docstring.
PyMuPDF is not measured: AGPL-3.0."""
GLUED = re.compile(r"^\d{1,3}\.[A-Z][a-z]", re.M)  # '10.Senior leaders...'


# -- the readers -------------------------------------------------------------------------

# (a) as in c1530de:ingest/readers.py
_OLD_BULLET = re.compile(r"^[ \t]*[•●▪■◦‣∙·\uf0b7\uf0a7][ \t]+", re.M)


def pypdf_text(path: Path) -> str:
    """The text the pypdf reader gave (``ReadError`` where it failed), as its ``_read_pdf``
    did and then ``read_text``'s ``_clean``."""
    from pypdf import PdfReader

    from core.errors import ReadError
    from ingest.readers import _clean

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    data = path.read_bytes()
    if b"%%EOF" not in data.rstrip(b"\x00 \t\r\n")[-1024:]:
        raise ReadError(path, "cut short: no %%EOF marker")
    try:  # any pypdf failure meant "cannot read this PDF"
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        if encrypted and not reader.decrypt(""):
            raise ReadError(path, "PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(path, f"pypdf: {str(e).strip()[:80] or type(e).__name__}") from None
    text = "\n\n".join(_old_page(p) for p in pages if p.strip())
    if not any(ch.isalpha() for ch in text):
        raise ReadError(path, "PDF has no text layer")
    return _clean(text)


def _old_page(text: str) -> str:
    from ingest.readers import _clean

    text = _OLD_BULLET.sub("- ", _clean(text))
    lines = (line.rstrip() for line in text.strip("\n").split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def pdfium_layout_text(path: Path) -> str:
    from ingest.readers import read_text

    return read_text(path)


READERS: dict[str, Callable[[Path], str]] = {
    "pypdf extract_text (previous)": pypdf_text,
    "PDFium + layout (current)": pdfium_layout_text,
}


# -- one reader over the library -----------------------------------------------------------


@dataclass(frozen=True)
class FileResult:
    file: str
    pages: int
    seconds: float
    cpu_seconds: float
    error: str = ""  # the reader or the parser failed
    highest: int = 0  # the highest printed paragraph number read
    numbers_ok: bool = False  # 1..highest once each, not cut
    furniture: int = 0  # locators holding page furniture
    glued: int = 0  # blocks starting 'N.Word'


def measure_file(reader: Callable[[Path], str], path: Path, library: Path, pages: int) -> FileResult:
    from core.errors import RagError
    from evals.library_agreement import check_paragraphs
    from ingest.manifest import meta_for
    from ingest.parser import parse

    name = path.relative_to(library).as_posix()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        text = reader(path)
        error = ""
    except RagError as e:
        text, error = "", f"read: {getattr(e, 'reason', e)}"
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if error:
        return FileResult(name, pages, wall, cpu, error)
    try:
        report = parse(text, meta_for(path, text))
    except Exception as e:  # ParseError or a parser bug: the report counts, with nothing read
        return FileResult(name, pages, wall, cpu, f"parse: {type(e).__name__}: {str(e)[:80]}")
    check = check_paragraphs(report.paragraphs, report.meta.title)
    return FileResult(name, pages, wall, cpu, "", check.highest,
                      not (check.missing or check.duplicates or check.cut_at), len(check.furniture),
                      len(GLUED.findall(text)))


def run_reader(label: str, reader: Callable[[Path], str], files: list[tuple[Path, int]],
               library: Path) -> tuple[list[FileResult], list[float]]:
    """Every file through one reader; the results and the 1-minute load averages seen."""
    out, loads = [], [os.getloadavg()[0]]
    for i, (path, pages) in enumerate(files, 1):
        out.append(measure_file(reader, path, library, pages))
        if i % 25 == 0 or i == len(files):
            loads.append(os.getloadavg()[0])
            print(f"  {label}: {i}/{len(files)}", file=sys.stderr, flush=True)
    return out, loads


# -- (c) pdfplumber and pdfminer.six, in another interpreter ---------------------------------

_PLUMBER_SCRIPT = r"""
import json, sys, time
import pdfplumber
from pdfminer.high_level import extract_text
out = []
for path in json.load(sys.stdin):
    t = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
        plumber_chars = sum(len(p.extract_text() or "") for p in pdf.pages)
    t_plumber = time.perf_counter() - t
    t = time.perf_counter()
    miner_chars = len(extract_text(path))
    t_miner = time.perf_counter() - t
    out.append({"file": path, "pages": pages, "pdfplumber": t_plumber, "pdfminer": t_miner,
                "plumber_chars": plumber_chars, "miner_chars": miner_chars})
json.dump(out, sys.stdout)
"""


def run_plumber(python: Path, paths: list[Path]) -> tuple[list[dict], str]:
    """Seconds per file for pdfplumber and pdfminer.six, and their versions ('' on failure)."""
    versions = subprocess.run(
        [str(python), "-c", "from importlib.metadata import version as v; "
                            "print('pdfplumber', v('pdfplumber'), '/ pdfminer.six', v('pdfminer.six'))"],
        capture_output=True, text=True)
    if versions.returncode:
        return [], ""
    done = subprocess.run([str(python), "-c", _PLUMBER_SCRIPT], input=json.dumps([str(p) for p in paths]),
                          capture_output=True, text=True)
    if done.returncode:
        print(f"pdfplumber run failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return [], ""
    return json.loads(done.stdout), versions.stdout.strip()


# -- the tables ------------------------------------------------------------------------------


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.1f}%)" if d else "-"


def summary_table(results: dict[str, list[FileResult]], loads: dict[str, list[float]]) -> str:
    numbered = {r.file for rs in results.values() for r in rs if r.highest}
    top = {f: max(r.highest for rs in results.values() for r in rs if r.file == f) for f in numbered}
    rows = ["| reader | reports | pages | read s (wall) | read s (CPU) | pages/s (wall) | pages/s (CPU) "
            "| failed | numbers intact | furniture in locators | glued 'N.Word' numbers | load avg (1 min) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for label, rs in results.items():
        pages = sum(r.pages for r in rs)
        wall, cpu = sum(r.seconds for r in rs), sum(r.cpu_seconds for r in rs)
        parsed = [r for r in rs if not r.error]
        intact = sum(1 for r in rs if r.file in numbered and r.numbers_ok and r.highest == top[r.file])
        ld = loads[label]
        rows.append(
            f"| {label} | {len(rs)} | {pages} | {wall:.1f} | {cpu:.1f} | {pages / wall:.0f} | {pages / cpu:.0f} "
            f"| {sum(1 for r in rs if r.error)} | {_pct(intact, len(numbered))} "
            f"| {_pct(sum(1 for r in parsed if r.furniture), len(rs))} "
            f"| {_pct(sum(1 for r in parsed if r.glued), len(rs))} "
            f"| {min(ld):.1f}-{max(ld):.1f} |")
    return "\n".join(rows)


def sample_table(results: dict[str, list[FileResult]], plumber: list[dict], versions: str,
                 loads: list[float]) -> str:
    names = {p["name"] for p in plumber}
    pages = sum(p["pages"] for p in plumber)
    rows = [f"Sample: {len(plumber)} reports spread over the library ({pages} pages); {versions}; "
            f"load average {loads[0]:.1f} before, {loads[-1]:.1f} after.", "",
            "| reader | seconds | pages/s |", "|---|---:|---:|"]
    for label, rs in results.items():
        secs = sum(r.seconds for r in rs if r.file in names)
        rows.append(f"| {label} | {secs:.1f} | {pages / secs:.0f} |")
    for key, label in (("pdfplumber", "pdfplumber `page.extract_text()`"),
                       ("pdfminer", "pdfminer.six `high_level.extract_text`")):
        secs = sum(p[key] for p in plumber)
        rows.append(f"| {label} | {secs:.1f} | {pages / secs:.1f} |")
    return "\n".join(rows)


def failures(results: dict[str, list[FileResult]]) -> list[str]:
    return [f"- {label}: `{r.file}`: {r.error}" for label, rs in results.items() for r in rs if r.error]


def append_results(path: Path, block: str) -> None:
    """``block`` at the end of this bench's section of ``path`` (made at the end if missing);
    the other sections are left as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if HEADING not in text:
        text = text.rstrip("\n") + "\n\n" + HEADING + "\n\n" + INTRO + "\n"
    start = text.index(HEADING) + len(HEADING)
    end = text.find("\n## ", start)
    end = len(text.rstrip("\n")) if end < 0 else end
    text = text[:end].rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n" + text[end:]
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


# -- main ------------------------------------------------------------------------------------


def library_files(library: Path, limit: int | None) -> tuple[list[tuple[Path, int]], list[str]]:
    """(path, pages) of each PDF, and the files that are not PDFs at all."""
    import pypdfium2 as pdfium

    folder = library / "pdf"
    if not folder.is_dir():
        raise SystemExit(f"{library}: no pdf/ folder here; give the library folder "
                         "(--library, e.g. ../shared/library)")
    paths = sorted(folder.glob("*/*.pdf"))[:limit]
    if not paths:
        raise SystemExit(f"{folder}: no .pdf files; is this the library folder?")
    pdfs, others = [], []
    for p in paths:
        if b"%PDF-" not in p.read_bytes()[:1024]:  # also brings each file into the page cache
            others.append(p.relative_to(library).as_posix())
            continue
        doc = pdfium.PdfDocument(str(p))
        pdfs.append((p, len(doc)))
        doc.close()
    return pdfs, others


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--library", type=Path, default=DEFAULT_LIBRARY, help="folder holding pdf/<authority>/*.pdf")
    ap.add_argument("--limit", type=int, help="only the first N files (a quick run)")
    ap.add_argument("--sample", type=int, default=20, help="reports for the pdfplumber/pdfminer timing")
    ap.add_argument("--plumber-python", type=Path, default=Path("/tmp/plumb/bin/python"),
                    help="an interpreter with pdfplumber installed (skipped where missing)")
    ap.add_argument("--out", nargs="?", const=RESULTS, type=Path, help="append to bench/results.md (or FILE)")
    args = ap.parse_args(argv)

    library = args.library.resolve()
    files, not_pdf = library_files(library, args.limit)
    info = machine()
    started = dt.datetime.now()
    results, loads = {}, {}
    for label, reader in READERS.items():
        results[label], loads[label] = run_reader(label, reader, files, library)

    plumber, versions = [], ""
    if args.plumber_python.exists() and args.sample > 0:
        step = len(files) / min(args.sample, len(files))
        sample = [files[int(i * step)][0] for i in range(min(args.sample, len(files)))]
        print(f"  pdfplumber / pdfminer.six: {len(sample)} reports", file=sys.stderr, flush=True)
        load_before = os.getloadavg()[0]
        plumber, versions = run_plumber(args.plumber_python, sample)
        for p in plumber:
            p["name"] = Path(p["file"]).relative_to(library).as_posix()
        sample_loads = [load_before, os.getloadavg()[0]]

    from importlib.metadata import version

    block = [
        f"### {started:%Y-%m-%d %H:%M}",
        "",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['ram_gb']} GB RAM, Python {info['python']}, "
        f"pypdf {version('pypdf')}, pypdfium2 {version('pypdfium2')}; commit {info['commit']}. "
        f"Shared with other engineers' jobs: the 1-minute load average during each pass is in the table "
        f"(on {info['cpus']} CPUs), so wall seconds are upper bounds; CPU seconds are this process's alone.",
        "",
        f"Command: `{' '.join(['python bench/pdf_readers.py', *argv])}`",
        "",
        f"{len(files)} PDFs ({sum(p for _, p in files)} pages); {len(not_pdf)} files that are not PDFs left out "
        f"({', '.join(f'`{f}`' for f in not_pdf) or 'none'}). *numbers intact* is over the "
        f"{len({r.file for rs in results.values() for r in rs if r.highest})} reports where a reader reads "
        "numbered paragraphs.",
        "",
        summary_table(results, loads),
    ]
    if plumber:
        block += ["", sample_table(results, plumber, versions, sample_loads)]
    fails = failures(results)
    if fails:
        block += ["", "Failures:", "", *fails]
    text = "\n".join(block) + "\n"
    print(text)
    if args.out:
        append_results(args.out, text)
        print(f"appended to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
