"""What a report is (authority, year, publisher, voice...): from the user, manifest.csv,
the report's own text, or its file name, in that order. An Ofsted inspection report's
own cover (``ingest.cover``) is the text's best witness: who, when, which framework.

A briefing note must never mix up Ofsted's judgement with a council's view of itself,
and must name the year, so an unknown year or authority is an error, not a guess of 0.
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import unicodedata
from collections import Counter
from pathlib import Path

from core.dates import MONTHS
from core.errors import ParseError, ReadError
from core.model import ReportMeta, Voice

from .cover import Cover, read_cover

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "authority", "year", "publisher", "report_type", "title", "period")
_ALIASES = {"type": "report_type"}  # what a spreadsheet's author may call a column
_FIELDS = ("doc_id", "title", "authority", "year", "publisher", "report_type", "period")
_HEAD = 3000  # the cover and first page, where a report says who and when
_MIN_YEAR, _MAX_YEAR = 1990, 2039
_log = logging.getLogger(__name__)  # unconfigured, a warning is one line on stderr


# --- manifest.csv ---------------------------------------------------------------------

def load_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """File name -> row of ``folder/manifest.csv`` (every column, '' when blank); {} if none.
    A column it does not know is ignored with a warning (a spreadsheet's extra notes)."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError(path, "not valid UTF-8 text; save it as UTF-8") from None
    except OSError as e:
        raise ReadError(path, f"cannot read the manifest ({e.strerror or e}); check its permissions") from None
    try:
        return _parse_manifest(path, text)
    except csv.Error as e:
        raise ReadError(path, f"not valid CSV ({e}); fix the quoting") from None


def _parse_manifest(path: Path, text: str) -> dict[str, dict[str, str]]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    expected = ",".join(MANIFEST_COLUMNS)
    for alias, name in _ALIASES.items():
        if alias in header and name in header:
            raise ReadError(path, f"both a '{alias}' and a '{name}' column; keep one")
    header = [_ALIASES.get(h, h) for h in header]
    if "file" not in header:
        raise ReadError(path, f"no 'file' column; the first line must be {expected}")
    for name in dict.fromkeys(header):
        if name not in MANIFEST_COLUMNS:
            _log.warning("%s: ignoring the unknown column '%s'; the columns are %s", path, name, expected)
        elif header.count(name) > 1:
            raise ReadError(path, f"repeated column '{name}'; keep one")
    rows: dict[str, dict[str, str]] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(header):
            raise ReadError(path, f"line {line} has {len(values)} fields, not {len(header)}; "
                                  "quote values that contain commas")
        row = dict.fromkeys(MANIFEST_COLUMNS, "") | {k: v.strip() for k, v in zip(header, values)
                                                     if k in MANIFEST_COLUMNS}
        name = row["file"]
        if not name:
            raise ReadError(path, f"line {line} has no file name; fill in the 'file' column")
        if name in rows:
            raise ReadError(path, f"line {line} repeats '{name}'; keep one row per file")
        if row["year"] and _year(row["year"]) is None:
            raise ReadError(path, f"line {line}: year '{row['year']}' is not a year "
                                  f"{_MIN_YEAR}-{_MAX_YEAR}; fix it")
        rows[name] = row
    return rows


# --- one report -----------------------------------------------------------------------

def doc_id_for(path: Path) -> str:
    """A stable id from the file name: 'Dorset 2011 Ofsted.pdf' -> 'dorset-2011-ofsted'.
    A name with no letters is a date in a folder per council ('dorset/2021-11-19.pdf'), so
    the folder comes first: 'dorset-2021-11-19', not the same id for every council."""
    path = Path(path)
    stem = path.stem
    if not re.search(r"[^\W\d_]", stem) and path.parent.name:
        stem = f"{path.parent.name}-{stem}"
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")
    # A name with no letters or digits still needs an id, and a stable one.
    return slug or "report-" + hashlib.sha1(stem.encode()).hexdigest()[:8]


def meta_for(path: Path, text: str, manifest: dict[str, dict[str, str]] | None = None,
             **given) -> ReportMeta:
    """The report's metadata: each field from ``given``, else the manifest row, else the text,
    else the file name. ``ParseError`` if the year or the authority cannot be told."""
    path = Path(path)
    unknown = set(given) - set(_FIELDS)
    if unknown:
        raise TypeError(f"meta_for() got unknown field(s): {', '.join(sorted(unknown))}")
    known = _filled((manifest or {}).get(path.name, {})) | _filled(given)
    head = text[:_HEAD]
    cover = read_cover(text)
    year = _report_year(path, known.get("year"), text, cover.year)
    authority = (known.get("authority") or cover.authority or _authority_in(text)
                 or _authority_in_name(path))
    if not authority:
        raise ParseError(path, "cannot tell which council the report is about; "
                               "add it to manifest.csv or pass --authority")
    title = known.get("title") or _cover_title(cover) or _title_in(text, authority) or path.stem
    kind = "ofsted" if cover.is_ofsted else _kind_in(head, title)
    publisher = known.get("publisher") or _publisher(kind, authority, head)
    report_type = known.get("report_type") or _REPORT_TYPES[kind]
    voice = _voice(publisher, report_type, title)
    return ReportMeta(
        doc_id=known.get("doc_id") or doc_id_for(path),
        title=title,
        authority=authority,
        year=year,
        publisher=publisher,
        report_type=report_type,
        voice=voice,
        source_file=path.name,
        period=known.get("period", ""),
        inspection_start=cover.inspection_start,
        inspection_end=cover.inspection_end,
        published=cover.published,
        lead_inspector=cover.lead_inspector,
        framework=cover.framework,
        inspection_kind=cover.inspection_kind,
    )


def _filled(values: dict) -> dict[str, str]:
    """The fields that have a value (None and blanks mean 'not known')."""
    return {k: str(v).strip() for k, v in values.items()
            if k in _FIELDS and v is not None and str(v).strip()}


# --- year -----------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\d£$])(199\d|20[0-3]\d)(?![\d%])")
_LAW = re.compile(r"\b(Act|Regulations|Order|Rules)\s*(\(\w+\)\s*)?$")  # 'Children Act 1989'
_STRONG = re.compile(r"published|meeting|dated|report date|issued", re.I)
_WEAK = re.compile(r"inspection|date|visit", re.I)
_DATED = re.compile(rf"(\b({MONTHS})\.?,?|\d\d?[./]\d\d?[./])\s*$")


def _report_year(path: Path, known: str | None, text: str, cover_year: int | None = None) -> int:
    if known is not None:
        year = _year(known)
        what = f"year '{known}' is not a year {_MIN_YEAR}-{_MAX_YEAR}"
    else:
        year = cover_year or _year_in(text[:_HEAD]) or _year_in(text) or _year_in(path.stem)
        what = "cannot tell the report's year"
    if year is None:
        raise ParseError(path, f"{what}; add it to manifest.csv or pass --year")
    return year


def _year(value: str) -> int | None:
    value = value.strip()
    if re.fullmatch(r"\d{4}", value) and _MIN_YEAR <= int(value) <= _MAX_YEAR:
        return int(value)
    return None


def _year_in(text: str) -> int | None:
    """The report's year: the best-supported date (published > meeting > inspection), then
    the latest year; the years of Acts and Regulations do not count."""
    best: tuple[int, int] | None = None
    for m in _YEAR.finditer(text):
        before = text[max(0, m.start() - 60):m.start()]
        if _LAW.search(before):
            continue
        near = before.rsplit("\n\n", 1)[-1]  # the cue must be in the same block
        score = 3 * bool(_STRONG.search(near)) or 2 * bool(_WEAK.search(near))
        score += bool(_DATED.search(before))
        candidate = (score, int(m.group(1)))
        best = max(best, candidate) if best else candidate
    return best[1] if best else None


# --- authority ------------------------------------------------------------------------

_WORD = r"[A-Z][A-Za-z'’-]*"
_KINDS = ("County", "Borough", "City", "District", "Metropolitan", "Council")
# Later words may not be a kind of council, so 'Dorset County Council' gives 'Dorset'.
_PLACE = (rf"{_WORD}(?:[ -](?:(?:and|with|upon|on)[ -])?"
          rf"(?!(?:{'|'.join(_KINDS)})\b){_WORD}){{0,4}}")
_COUNCILS = re.compile(
    rf"\b(?:(?:Royal |London |Metropolitan )?Borough of (?P<of>{_PLACE})"
    rf"|City of (?P<city>{_PLACE})(?: Council)?"
    rf"|(?P<named>{_PLACE}) (?:Metropolitan )?(?:County |Borough |City |District )?Council)\b"
)
_LEAD = re.compile(r"^(?:(?:The|This|That|Then|And|By|In|Of|For|With|Our|Their|Each|All|Both|"
                   r"Local|District|County|Borough|City|Town|Parish|Metropolitan)[ -])+")
_TITLE_PLACE = re.compile(rf"^(?:Inspection|Review) of [^:\n]+:\s*(?P<place>{_PLACE})\s*$", re.M)
_LONE_PLACE = re.compile(rf"^\W*(?P<place>{_PLACE})(?: (?:Borough|County|City))?\W*$")


def _authority_in(text: str) -> str | None:
    """The council the report is about: the place named most (the cover counts most), and the
    fullest council name printed for it (e.g. 'Dorset County Council'), else the place."""
    head = text[:_HEAD]
    lower = _lower_case_words(text)
    places: Counter[str] = Counter()
    names: dict[str, Counter[str]] = {}
    for m in _COUNCILS.finditer(text):
        place = _clean_place(m.group("of") or m.group("city") or m.group("named"), lower)
        if place:
            places[place] += 1 + 3 * (m.start() < _HEAD)
            # 'Then Dorset County Council' -> 'Dorset County Council'
            name = place + text[m.end("named"):m.end()] if m.group("named") else m.group(0)
            names.setdefault(place, Counter())[name] += 1
    for m in _TITLE_PLACE.finditer(head):
        if place := _clean_place(m.group("place"), lower):
            places[place] += 5
    cover = [line.strip() for line in head.split("\n") if line.strip()][:15]
    for line in cover:
        m = _LONE_PLACE.match(line)
        if m and (place := _clean_place(m.group("place"), lower)) and _used_as_place(place, text):
            places[place] += 5  # a place alone on a cover line: 'Dorset', 'Poole Borough'
    if not places:
        return None
    place = max(places, key=lambda p: (places[p], -text.find(p)))
    if place not in names:
        return place
    return max(names[place], key=lambda n: (names[place][n], len(n)))


def _clean_place(raw: str, lower: set[str]) -> str | None:
    """A proper place name, or None: drops leading 'The', 'By'...; rejects common words
    ('Care Council', 'Youth Council') that the text also uses in lower case, and capitals
    ('SUMMARY', 'NHS'), which are headings and acronyms."""
    place = _LEAD.sub("", raw).strip(" -")
    words = [w for w in re.split(r"[ -]", place) if w[:1].isupper()]
    if not words or any(w in _KINDS or w.lower() in lower or (w.isupper() and len(w) > 1) for w in words):
        return None
    return place


def _lower_case_words(text: str) -> set[str]:
    """Words the prose writes in lower case ('care', 'youth'); a URL's 'dorset' does not count."""
    return set(re.findall(r"(?:^|(?<=[\s(\"']))([a-z][a-z'’-]*)(?=[\s,.;:!?)\"']|$)", text))


def _used_as_place(name: str, text: str) -> bool:
    """Does the prose use ``name`` as a place ('in Dorset', "Poole's"), not just as a heading?"""
    name = re.escape(name)
    return len(re.findall(rf"\b(?:in|across|of|for|to) {name}\b|\b{name}['’]s\b", text)) >= 2


def _authority_in_name(path: Path) -> str | None:
    """'north-yorkshire-2019-ofsted.pdf' -> 'North Yorkshire': the words before the year."""
    m = re.match(r"^([A-Za-z][A-Za-z_ -]*?)[-_ ]+(?:19|20)\d\d(?!\d)", path.stem)
    return m.group(1).replace("_", " ").replace("-", " ").title() if m else None


# --- title ----------------------------------------------------------------------------

def _cover_title(cover: Cover) -> str:
    """An Ofsted report's printed title, with the council's place where the title does not
    name it: 'Inspection of children's social care services: Barnsley'."""
    if not cover.title or not cover.authority or cover.names_place:
        return cover.title
    return f"{cover.title}: {cover.authority}"


_NOT_TITLE = {"cabinet", "committee", "contents", "table of contents", "report", "agenda", "summary"}


def _title_in(text: str, authority: str) -> str | None:
    """The first heading-like block: short lines, no sentence, no 'label: value' line; a
    heading wrapped over several lines is joined."""
    for block in re.split(r"\n\s*\n", text[:_HEAD]):
        lines: list[str] = []
        for raw in block.split("\n"):
            line = raw.replace("*", "").replace("#", "").strip()
            if _heading_like(line, authority):
                lines.append(line)
            elif lines:
                break
        if lines:
            return re.sub(r"(?<=[a-z])\d$", "", " ".join(lines))  # a footnote mark: 'Board1'
    return None


def _heading_like(line: str, authority: str) -> bool:
    return (3 <= len(line) <= 200 and any(c.isalpha() for c in line)
            and not re.search(r"[\t<>]|^[\w ]{1,25}:|[.;]$|\d{4}|^\W|https?://|@", line)
            and line.lower() not in _NOT_TITLE
            and _place(line).lower() != _place(authority).lower())


def _place(name: str) -> str:
    """'Dorset County Council', 'Borough of Poole', 'Poole Borough' -> the place."""
    return re.sub(r"^(?:Royal |London )?Borough of |(?: Metropolitan)?(?: County| Borough| City)?"
                  r"(?: Council)?$", "", name)


# --- publisher and voice --------------------------------------------------------------

_REPORT_TYPES = {"ofsted": "inspection report", "self": "self-evaluation", "committee": "council report"}
_SELF = re.compile(r"self[- ]?evaluation|self[- ]assessment|\bSEF\b", re.I)
_OFSTED_CUES = (r"\bHMI\b", r"Her Majesty", r"ofsted\.gov\.uk", r"Crown copyright",
                r"Reporting inspector", r"Lead inspector", r"Ofsted produces this report",
                r"^Inspection dates?:", r"^Report published:")
_COMMITTEE_CUES = (r"^Cabinet\s*$", r"Cabinet Member", r"Date of Meeting", r"\bMembers\b",
                   r"\bCommittee\b", r"Purpose of (?:the )?Report", r"^Report of\b", r"\bAgenda\b")


def _kind_in(head: str, title: str) -> str:
    """'ofsted', 'self' or 'committee': whose voice the report speaks in."""
    if _SELF.search(title) or _SELF.search(head[:1000]):
        return "self"
    ofsted = sum(bool(re.search(c, head, re.M)) for c in _OFSTED_CUES)
    committee = sum(bool(re.search(c, head, re.M)) for c in _COMMITTEE_CUES)
    return "ofsted" if "Ofsted" in head and ofsted > committee else "committee"


def _publisher(kind: str, authority: str, head: str) -> str:
    if kind == "ofsted":
        return "Ofsted"
    if kind == "committee" and re.search(r"\bCabinet\b", head):
        return f"{authority} Cabinet"
    return authority


def _voice(publisher: str, report_type: str, title: str) -> Voice:
    if publisher.strip().lower().startswith("ofsted"):
        return Voice.OFSTED
    if _SELF.search(report_type) or _SELF.search(title):
        return Voice.SELF_EVALUATION
    return Voice.COMMITTEE_PAPER
