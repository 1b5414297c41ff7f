"""ingest.cover over every report of the real library (../shared/library), held against
its catalogue.csv: another tool's reading, not ground truth, so the target is 99%
agreement per field and each disagreement has been checked in the PDF (the PDF's printed
forms that prove the catalogue wrong are pinned in test_cover.py).

Only each PDF's first pages are read (through ``ingest.readers.read_text``, whatever PDF
library it uses): the cover is on page 1, and reading 398 whole reports would take
minutes. Figures: ``.venv/bin/python -m pytest tests/test_cover_library.py -q -s``.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from core.errors import ReadError
from ingest.cover import Cover, read_cover
from ingest.readers import read_text

LIBRARY = Path(__file__).resolve().parents[1].parent / "shared" / "library"
PAGES = 3  # the cover, and the first pages where an ILACS report names its lead inspector
TARGET = 0.99
FIELDS = ("authority", "inspection_start", "inspection_end", "lead_inspector")


def first_pages(pdf: Path, out: Path, pages: int = PAGES) -> Path:
    """A copy of ``pdf`` holding only its first ``pages`` pages; ``pdf`` itself if it is
    not a PDF PDFium can open (so that the reader says what is wrong with it)."""
    import pypdfium2 as pdfium

    try:
        src = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError:
        return pdf
    try:
        dst = pdfium.PdfDocument.new()
        dst.import_pages(src, list(range(min(pages, len(src)))))
        dst.save(str(out))
        dst.close()
    finally:
        src.close()
    return out


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict[str, str]]:
    if not (LIBRARY / "pdf").is_dir() or not (LIBRARY / "catalogue.csv").is_file():
        pytest.skip(f"the real library is not at {LIBRARY} (pdf/ and catalogue.csv); "
                    "these tests read its 398 PDFs")
    with open(LIBRARY / "catalogue.csv", encoding="utf-8", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def covers(catalogue, tmp_path_factory) -> dict[str, Cover | str]:
    """File (as the catalogue names it) -> its cover, or the reader's reason it could not be read."""
    tmp = tmp_path_factory.mktemp("covers")
    out: dict[str, Cover | str] = {}
    for pdf in sorted((LIBRARY / "pdf").glob("*/*.pdf")):
        name = pdf.relative_to(LIBRARY).as_posix()
        try:
            out[name] = read_cover(read_text(first_pages(pdf, tmp / "head.pdf")))
        except ReadError as e:
            out[name] = e.reason
    return out


def readable(covers) -> dict[str, Cover]:
    return {name: c for name, c in covers.items() if isinstance(c, Cover)}


def _key(text: str) -> str:
    """Case, punctuation and '&' vs 'and' folded: 'Telford & Wrekin' = 'telford and wrekin'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split())


def agrees(field: str, ours: str, theirs: str) -> bool:
    if field in ("authority", "lead_inspector"):
        return _key(ours) == _key(theirs)
    return ours == theirs


def test_only_the_web_pages_saved_as_pdf_cannot_be_read(covers):
    unreadable = {name: why for name, why in covers.items() if not isinstance(why, Cover)}
    assert len(covers) == 398
    for name in unreadable:  # the three the library's README names: HTML saved as .pdf
        assert not (LIBRARY / name).read_bytes()[:1024].lstrip().startswith(b"%PDF"), unreadable[name]
    assert len(unreadable) <= 3, unreadable


def test_every_report_is_read_as_ofsted_with_a_framework(covers):
    ours = readable(covers)
    not_ofsted = sorted(name for name, c in ours.items() if not c.is_ofsted)
    print(f"\nis_ofsted: {len(ours) - len(not_ofsted)}/{len(ours)}")
    assert len(not_ofsted) <= (1 - TARGET) * len(ours), not_ofsted
    # The framework agrees with the dates: 2009-13 frameworks, the SIF (November 2013 to
    # 2018), ILACS (from 2018); an ILACS inspection is short or standard, no other is.
    for name, c in ours.items():
        if not c.is_ofsted:
            continue
        assert c.inspection_start <= c.inspection_end, name
        assert not c.published or c.published >= c.inspection_end, name
        first, last = {"lac": ("2009", "2013-12"), "safeguarding_lac": ("2009", "2013-12"),
                       "sif": ("2013-11", "2018-12"), "ilacs": ("2017-11", "2099")}[c.framework]
        assert first <= c.inspection_start[:7] <= last, (name, c.framework, c.inspection_start)
        assert (c.inspection_kind in ("short", "standard")) == (c.framework == "ilacs"), name


@pytest.mark.parametrize("field", FIELDS)
def test_agreement_with_the_catalogue(covers, catalogue, field: str):
    compared, disagreements = 0, []
    for name, c in readable(covers).items():
        theirs = catalogue.get(name, {}).get(field, "")
        if not theirs:
            continue  # the other tool read nothing: nothing to compare
        compared += 1
        ours = getattr(c, field)
        if not agrees(field, ours, theirs):
            disagreements.append(f"{name}: ours {ours!r}, catalogue {theirs!r}")
    share = 1 - len(disagreements) / compared
    print(f"\n{field}: {compared - len(disagreements)}/{compared} agree ({share:.1%})"
          + "".join(f"\n  {d}" for d in disagreements))
    assert compared > 200
    assert share >= TARGET, "\n".join(disagreements)


def test_ilacs_kind_agrees_with_the_catalogue(covers, catalogue):
    """The catalogue's 'framework' column ('short', 'standard') against our inspection_kind."""
    compared, disagreements = 0, []
    for name, c in readable(covers).items():
        theirs = catalogue.get(name, {}).get("framework", "")
        if theirs not in ("short", "standard"):
            continue
        compared += 1
        if c.inspection_kind != theirs:
            disagreements.append(f"{name}: ours {c.inspection_kind!r} ({c.framework}), catalogue {theirs!r}")
    share = 1 - len(disagreements) / compared
    print(f"\ninspection_kind: {compared - len(disagreements)}/{compared} agree ({share:.1%})"
          + "".join(f"\n  {d}" for d in disagreements))
    assert share >= TARGET, "\n".join(disagreements)
