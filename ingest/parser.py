"""Rebuild a report's printed structure from its extracted text: pure, text in, data out.

Three steps, each a plain function:

1. ``segment``: split the normalised text into blank-line blocks and each block
   into segments (heading, grade, numbered paragraph, list item, table row, prose).
2. ``assemble``: walk the segments keeping the heading stack, rejoin paragraphs
   split by page breaks, and give every paragraph a locator a reader can cite.
3. ``records.extract``: judgements and recommendations from the paragraphs.

Locator scheme (README, 'Paragraph locators'):
- printed numbers are kept: ``75``, ``3.4``; numbering that restarts in an
  appendix is prefixed: ``Appendix 1 para 12``;
- a list item or table row that belongs to a numbered paragraph: ``19 item 3``,
  ``11(iv)``, ``10 row 5``;
- unnumbered paragraphs are counted within their section, named by the
  section's number (``4.9 b ¶2``) or, where the section has none, its heading,
  qualified by its parent heading where the name repeats
  (``Inspection findings (children who need help and protection) ¶7``);
- a section's grade line: ``<section> grade``.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core import grades, textnorm
from core.grades import (
    GRADE_LINE,
    GRADE_SCALE,
    GRADED_JUDGEMENT,
    JUDGEMENT_SENTENCE,
    SECTION_FIELDS,
    SECTION_GRADE,
    field_for,
    normalise_grade,
)
from core.model import GRID, Kind, Paragraph, Report, ReportMeta, Voice
from core.textnorm import ends_sentence, normalise, starts_lower

from . import records
from .cover import INSPECTOR_LINE
from .records import extract


def _code_version() -> str:
    """A digest of the parsing code: any change to it re-parses every report on the
    next ingest, with no version number to remember to bump."""
    h = hashlib.sha256()
    for path in (__file__, records.__file__, grades.__file__, textnorm.__file__):
        h.update(Path(path).read_bytes())
    return h.hexdigest()[:16]


PARSER_VERSION = _code_version()

# --- line patterns -----------------------------------------------------------------
_INT_NUM = re.compile(r"^(?:[-\u2022]\s+)?(?P<num>\d{1,3})\.\s+(?P<text>\S.*)$")
_DEC_NUM = re.compile(r"^(?:[-\u2022]\s+)?(?P<num>\d{1,2}\.\d{1,3})\.?\s+(?P<text>\S.*)$")
_LETTER_HEAD = re.compile(r"^(?P<letter>[a-z])[.)]\s+(?P<text>\S.*)$")
_BULLET = re.compile(r"^\s*[-\u2022\u25aa\u25cf\u25e6\u2013*]\s+(?P<text>\S.*)$")
_MARKER = re.compile(r"^\((?P<m>[ivxlc]{1,6}|[a-z]|\d{1,2})\)\s+(?P<text>\S.*)$")
# A contents line ('Leadership ..... 12'); public: bench/synthetic_library.py leaves them alone too.
TOC_LINE = re.compile(r"(\t\s*\d{1,3}\s*$)|(\.{4,}\s*\d{0,3}\s*$)")
_LABEL_VALUE = re.compile(r"^[^:]{1,40}:\s+\S")
# A figure's or table's caption ('Figure 4: ...'): a line of its own, and never an answer (rag.extractive).
CAPTION = re.compile(r"^(Figure|Table|Chart|Graph|Diagram)\s+\d+\s*[:.\-]", re.I)
_APPENDIX = re.compile(r"^(appendix|annex)\b", re.I)
_CONTENTS = re.compile(r"^(table of )?contents$", re.I)
_TABLE_RULE = re.compile(r"^[-=_\s|]+$")
# Parts of an Ofsted report: they start a new top-level section.
_PARTS = re.compile(
    r"^(safeguarding services|services for looked after children|"
    r"the local safeguarding children board( \(lscb\))?|the local authority|record of main findings)$",
    re.I,
)
HEADING_MAX = 90
# A numbered line of more words than this is a paragraph that introduces a list ('1. Put
# into place an effective performance management framework; this to include'), not a title.
_TITLE_WORDS = 10
# A line ending in one of these is a sentence cut short, not a title.
_FUNCTION_WORDS = {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "its", "of", "on",
                   "or", "that", "the", "their", "to", "was", "were", "which", "who", "with"}


# --- step 1: segments ----------------------------------------------------------------
@dataclass
class Seg:
    kind: str  # heading, grade, numbered, bullet, table, prose, leadin
    text: str
    number: str = ""  # printed number / letter / marker
    level: int = 0  # heading level, when known from its number
    cells: tuple[str, ...] = ()
    area: str = ""  # grade segments: the area the grade is for, when printed
    block_start: bool = False


@dataclass(frozen=True)
class Layout:
    """Facts about the whole text that change how lines are read."""

    hard_wrapped: bool  # lines are wrapped at a page width (PDF extraction)
    wrap: int  # typical full line length when hard-wrapped
    running_headers: frozenset[str]


def detect_layout(lines: list[str], title: str = "") -> Layout:
    blocks = _blocks(lines)
    lengths = sorted(len(l) for l in lines if l.strip())
    long_lines = sum(1 for n in lengths if n > 140)
    # Hard-wrapped text breaks lines mid-sentence: a line that does not end a
    # sentence followed, in the same block, by one that starts in lower case.
    joins = sum(1 for b in blocks for a, c in zip(b, b[1:]) if not ends_sentence(a) and c[:1].islower())
    hard = bool(lengths) and long_lines < 0.02 * len(lengths) and joins >= 2 and joins >= 0.1 * len(lengths)
    wrap = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80
    return Layout(hard, wrap, _running_headers(blocks, title))


def _running_headers(blocks: list[list[str]], title: str) -> frozenset[str]:
    """Lines repeated at page tops: the report's title, or a line that recurs and
    at least once cuts a sentence in two (a heading never does that)."""
    counts: Counter = Counter()
    cuts: Counter = Counter()
    for i, b in enumerate(blocks):
        if len(b) != 1 or not _heading_like(b[0]) or _grade_only(b[0]) or GRADE_LINE.match(b[0]):
            continue
        t = b[0].strip()
        counts[t] += 1
        if 0 < i < len(blocks) - 1 and not ends_sentence(blocks[i - 1][-1]) and starts_lower(blocks[i + 1][0]):
            cuts[t] += 1
    return frozenset(t for t, n in counts.items() if n >= 2 and (_norm(t) == _norm(title) or (n >= 3 and cuts[t])))


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line)
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def _heading_like(text: str) -> bool:
    t = text.strip()
    if not t or len(t) > HEADING_MAX or "\t" in t:
        return False
    if t.endswith((".", ",", ";", ":", "-", "\u2013")) or t.endswith("!"):
        return False
    if _LABEL_VALUE.match(t) or CAPTION.match(t) or _BULLET.match(text) or GRADE_SCALE.match(t) \
            or INSPECTOR_LINE.match(t):
        return False
    if t.rsplit(" ", 1)[-1].lower() in _FUNCTION_WORDS:
        return False  # 'The council is good and': a sentence cut by a page break
    if m := _LETTER_HEAD.match(t):
        t = m["text"]  # 'b. Workforce Development'
    first = t[0]
    return first.isupper() or first.isdigit() or first in "'\u2018\"\u201c("


def _grade_only(text: str) -> bool:
    return normalise_grade(text) is not None


def segment(text: str, title: str = "") -> tuple[list[Seg], Layout]:
    lines = normalise(text).split("\n")
    layout = detect_layout(lines, title)
    segs: list[Seg] = []
    in_contents = paged = False
    for block in _blocks(lines):
        if len(block) == 1 and block[0].strip() in layout.running_headers:
            continue  # running header between pages
        if _CONTENTS.match(block[0].strip()):
            in_contents, block = True, block[1:]
        if in_contents:
            block, in_contents, paged = _skip_contents(block, paged)
        block_segs = _segment_block(block, layout)
        if block_segs:
            block_segs[0].block_start = True
        segs.extend(block_segs)
    return segs, layout


def _skip_contents(block: list[str], paged: bool) -> tuple[list[str], bool, bool]:
    """Drop a contents list: lines with page numbers, or (where the extraction lost
    the numbers) the run of title-only blocks that follows 'Contents'."""
    toc = [l for l in block if TOC_LINE.search(l)]
    if toc:
        return [l for l in block if not TOC_LINE.search(l)], True, True
    if not paged and block and all(len(l.strip()) <= HEADING_MAX and not l.rstrip().endswith((".", ";", ",")) for l in block):
        return [], True, False
    return block, False, paged


def _segment_block(block: list[str], layout: Layout) -> list[Seg]:
    block = [l for l in block if not TOC_LINE.search(l)]
    if not block:
        return []
    joined = " ".join(l.strip() for l in block)
    # A whole block that is a grade ('Requires improvement\nto be good') or a
    # wrapped heading ('The experiences and progress of\nchildren who need help...').
    if len(block) <= 3 and "\t" not in joined:
        if _grade_only(joined):
            return [Seg("grade", joined)]
        if SECTION_GRADE.match(joined):  # a title with its grade, however long it runs
            return [_heading_or_grade(joined)]
        if len(block) > 1 and _heading_like(joined) and all(starts_lower(l) for l in block[1:]):
            return [_heading_or_grade(joined)]
    segs: list[Seg] = []
    cur: Seg | None = None  # the segment that wrapped lines continue
    for i, raw in enumerate(block):
        line = raw.strip()
        nxt = block[i + 1] if i + 1 < len(block) else None
        if "\t" in raw:
            cells = tuple(c.strip() for c in raw.split("\t"))
            if not _TABLE_RULE.match(raw.replace("\t", "")):
                segs.append(Seg("table", " | ".join(c for c in cells if c), cells=cells))
            cur = None
            continue
        seg = _start_segment(raw, line, nxt, cur, layout)
        if seg is None and cur is not None and layout.hard_wrapped:
            cur.text += " " + line
            if cur.kind == "prose" and _short_final_line(line, layout) and len(block) > 12:
                cur = None  # a short last line ends a paragraph in a run-on block
            continue
        if seg is None:
            seg = Seg("prose", line)
        segs.append(seg)
        cur = seg if seg.kind in ("prose", "numbered", "bullet") else None
        if seg.kind == "heading" and seg.text.startswith("The graded judgement"):
            cur = seg  # 'The graded judgement about ... care' wraps onto the next line
    return [_settle(s) for s in segs]


def _short_final_line(line: str, layout: Layout) -> bool:
    return line.endswith((".", "!", "?", ".)")) and len(line) < 0.75 * layout.wrap


def _start_segment(raw: str, line: str, nxt: str | None, cur: Seg | None, layout: Layout) -> Seg | None:
    """The segment this line starts; None if it continues the current one (or, with
    nothing to continue, is plain prose)."""
    if m := _DEC_NUM.match(line):
        return _numbered(m["num"], m["text"])
    if m := _INT_NUM.match(line):
        return _numbered(m["num"], m["text"])
    if m := _BULLET.match(raw):
        return _bullet(m["text"])
    if raw.startswith(" ") and layout.hard_wrapped:
        return _bullet(line)  # a bullet whose glyph was lost in extraction
    if GRADE_LINE.match(line) or SECTION_GRADE.match(line) or (_grade_only(line) and cur is None):
        # 'The impact of leaders on social work practice with children and families:
        # requires improvement to be good' is a section title, though longer than most
        return _heading_or_grade(line)
    if line.startswith("The graded judgement"):
        return Seg("heading", line)
    if layout.hard_wrapped and cur is not None:
        # Inside wrapped text only a short title followed by a list, a grade or a
        # numbered paragraph is a heading ('Local leadership' between bullets in
        # Poole's area information; a PDF page that runs a heading into its text).
        if _heading_like(line) and nxt is not None and len(line) < 0.6 * layout.wrap and (
                nxt.startswith(" ") or _BULLET.match(nxt) or GRADE_LINE.match(nxt.strip())
                or _INT_NUM.match(nxt.strip()) or _DEC_NUM.match(nxt.strip())):
            return _heading_or_grade(line)
        return None
    if line.endswith(":") and len(line) <= 60:
        return Seg("leadin", line)  # 'Within three months:' before a list, or a caption
    if _heading_like(line) and _is_heading_here(line, nxt, layout):
        return _heading_or_grade(line)
    return None


def _is_heading_here(line: str, nxt: str | None, layout: Layout) -> bool:
    # The first line of a wrapped paragraph runs to the page width; a title is short.
    return not layout.hard_wrapped or nxt is None or len(line) < 0.6 * layout.wrap


def _numbered(num: str, text: str) -> Seg:
    # 'Dorset Families Matter (Troubled Families)' is a title: a closing bracket
    # does not end a sentence here.
    if _heading_like(text) and not text.rstrip().endswith((".", "!", "?", ":", ";")) \
            and len(text.split()) <= _TITLE_WORDS and ";" not in text:
        return Seg("heading", text, number=num, level=num.count(".") + 1)
    return Seg("numbered", text, number=num)


def _bullet(text: str) -> Seg:
    if m := _MARKER.match(text):
        return Seg("bullet", m["text"], number=m["m"])
    return Seg("bullet", text)


def _heading_or_grade(line: str) -> Seg:
    if m := GRADE_LINE.match(line):
        return Seg("grade", f"Grade {m['num']} ({m['word'].strip()})", number=m["num"], area=m["area"].strip())
    if _grade_only(line):
        return Seg("grade", line)
    if m := GRADED_JUDGEMENT.match(line):
        return Seg("grade", line, area=m["area"])
    if m := JUDGEMENT_SENTENCE.match(line) or SECTION_GRADE.match(line):
        return Seg("grade", line, area=m["area"])
    if m := _LETTER_HEAD.match(line):
        return Seg("heading", m["text"], number=m["letter"], level=3)
    return Seg("heading", line)


def _settle(seg: Seg) -> Seg:
    """Re-read a segment whose text grew over wrapped lines."""
    if seg.kind == "heading" and not seg.number:
        out = _heading_or_grade(seg.text)
        out.block_start = seg.block_start
        return out
    return seg


# --- step 2: assemble paragraphs -----------------------------------------------------
@dataclass(eq=False)  # compared by identity: two sections may share a name
class _Heading:
    text: str
    level: int
    number: str = ""
    graded: bool = False


@dataclass
class _Draft:
    kind: Kind
    text: str
    heading: tuple[_Heading, ...]
    key: _Heading | None  # the section the paragraph is counted in
    suffix: str  # locator after the section name, e.g. '¶2', 'row 3', 'grade'
    locator: str = ""  # set when the locator needs no section name (numbered)
    number: str | None = None
    cells: tuple[str, ...] = ()
    lead_in: str = ""
    group: str = ""  # table group label row, e.g. 'Safeguarding services'


@dataclass
class _State:
    stack: list[_Heading] = field(default_factory=list)
    anchor: str | None = None  # locator of the numbered paragraph lists belong to
    anchor_text: str = ""
    last_int: int = 0
    appendix: str = ""
    lead_in: str = ""
    counters: Counter = field(default_factory=Counter)
    anchor_items: int = 0
    anchor_rows: int = 0
    table_group: str = ""
    table_header: str = ""
    lead_para: str = ""  # last unnumbered paragraph's locator suffix, for its list
    numbered_headings: bool = False
    ofsted_parts: bool = True
    grid_rows: int = 0  # rows read so far of the report's judgement grid


def parse(text: str, meta: ReportMeta) -> Report:
    segs, _layout = segment(text, meta.title)
    drafts = assemble(segs, ofsted_parts=meta.voice is Voice.OFSTED)
    paragraphs = _finalise(drafts, meta.doc_id)
    judgements, recommendations = extract(paragraphs, meta)
    return Report(meta, tuple(paragraphs), tuple(judgements), tuple(recommendations))


def assemble(segs: list[Seg], ofsted_parts: bool = True) -> list[_Draft]:
    """Paragraphs from segments. ``ofsted_parts``: headings such as 'Safeguarding
    services' start a top-level part (in an Ofsted report, not in a council paper
    that quotes one)."""
    st = _State(ofsted_parts=ofsted_parts)
    st.numbered_headings = any(s.kind == "heading" and s.number and not s.number.isalpha() for s in segs)
    out: list[_Draft] = []
    for i, seg in enumerate(segs):
        nxt = _next_structural(segs, i)
        if seg.kind == "heading" and seg.level == 1 and seg.number and not _opens_section(seg, segs[i + 1:]):
            _on_bullet(st, Seg("bullet", seg.text, number=seg.number), out)  # '3. Good Care Provision' in a list
        elif seg.kind == "heading" and not seg.number and nxt is not None and nxt.kind == "prose" \
                and _LABEL_VALUE.match(nxt.text):
            _on_prose(st, seg, out)  # a cover line among 'Label: value' lines ('Reporting inspector X HMI')
        elif seg.kind == "heading":
            _on_heading(st, seg, nxt, out)
        elif seg.kind == "grade":
            _on_grade(st, seg, out)
        elif seg.kind == "leadin" and nxt is not None and nxt.kind == "bullet":
            st.lead_in = seg.text
        elif seg.kind == "leadin":  # 'Record of main findings:' above a table
            _on_heading(st, seg, nxt, out)
        elif seg.kind == "numbered":
            _on_numbered(st, seg, out)
        elif seg.kind == "bullet":
            _on_bullet(st, seg, out)
        elif seg.kind == "table":
            _on_table_row(st, seg, out)
        else:
            _on_prose(st, seg, out)
    return [d for d in out if d.text.strip()]


def _opens_section(seg: Seg, rest: list[Seg]) -> bool:
    """A numbered heading '3.' is a section only if the next decimal heading is '3.x'."""
    for s in rest:
        if s.kind == "heading" and s.number and "." in s.number:
            return s.number.startswith(seg.number + ".")
    return True


def _next_structural(segs: list[Seg], i: int) -> Seg | None:
    for s in segs[i + 1:]:
        if s.kind != "grade":
            return s
    return None


def _path(st: _State) -> tuple[_Heading, ...]:
    return tuple(st.stack)


def _key(st: _State) -> _Heading | None:
    return st.stack[-1] if st.stack else None


def _on_heading(st: _State, seg: Seg, nxt: Seg | None, out: list[_Draft]) -> None:
    # A label between a numbered paragraph and its table or list ('Safeguarding
    # services' above rows of grades in Darlington para 10) names a group of rows.
    # (A finished paragraph does not lead into rows: the label after it is a heading, as
    # 'Summary for children and young people' after a SIF report's last recommendation.)
    if (st.anchor and nxt is not None and (nxt.kind == "table" or (nxt.kind == "bullet" and not st.anchor_text.rstrip().endswith((".", "!", "?"))))
            and not seg.number
            and not _APPENDIX.match(seg.text) and seg.kind != "leadin"
            and not (st.ofsted_parts and _PARTS.match(seg.text))):
        st.table_group = seg.text
        return
    text = seg.text.rstrip(": ")
    if seg.number and not seg.number.isalpha():
        level = seg.level
        if level == 1:
            n = int(seg.number)
            top = [h for h in st.stack if h.level == 1 and h.number]
            if top and n != int(top[-1].number) + 1:
                _on_bullet(st, Seg("bullet", text, number=seg.number), out)  # '1. Best Start in Life'
                return
    elif seg.number:  # lettered sub-section 'b. Our children in care'
        level = 3
    elif _APPENDIX.match(text):
        level = 0
    elif st.ofsted_parts and _PARTS.match(text):
        level = 0
    elif st.numbered_headings:
        level = 4
    else:
        level = 1 if nxt is not None and nxt.kind == "heading" else 2
    while st.stack and st.stack[-1].level >= level:
        _close(st, out)
    st.stack.append(_Heading(text, level, seg.number))
    st.anchor = None
    st.lead_in = ""
    st.lead_para = ""
    st.table_group = ""
    st.table_header = ""
    if _APPENDIX.match(text):
        st.appendix = text
        st.last_int = 0


def _close(st: _State, out: list[_Draft]) -> None:
    """Leave the current section. A heading-like line with nothing under it (a signature
    'Director of People Services', a date) is text, so it is kept as a paragraph."""
    top = st.stack.pop()
    if top.number or top.level == 0 or any(top in d.heading for d in out[-50:]):
        return
    key = _key(st)
    st.counters[(id(key), "para")] += 1
    out.append(_Draft(Kind.HEADING, top.text, _path(st), key, f"\u00b6{st.counters[(id(key), 'para')]}"))


def _on_grade(st: _State, seg: Seg, out: list[_Draft]) -> None:
    key = _key(st)
    if seg.area and (key is None or _norm(seg.area) != _norm(key.text)):
        # A heading with its grade on the same line, or a judgement sentence:
        # the area is printed, so it is a heading of its own.
        if GRADE_LINE.match(f"{seg.area} {seg.text}") or seg.text.startswith("Grade") \
                or (seg.block_start and field_for(seg.area) in SECTION_FIELDS):
            _on_heading(st, Seg("heading", seg.area), None, out)
            key = _key(st)
        else:
            st.counters[(id(key), "para")] += 1
            out.append(_Draft(Kind.GRADE, seg.text, _path(st), key, f"\u00b6{st.counters[(id(key), 'para')]}",
                              cells=(seg.area, seg.text)))
            if key is not None:
                key.graded = True  # later label-less grades (Poole's cover table) are not this section's
            return
    if key is None or key.graded:
        return  # a grade with no heading to belong to (Poole's label-less summary table)
    key.graded = True
    out.append(_Draft(Kind.GRADE, seg.text, _path(st), key, "grade", cells=(key.text, seg.text), number=seg.number or None))


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def _on_numbered(st: _State, seg: Seg, out: list[_Draft]) -> None:
    num = seg.number
    if "." not in num:
        n = int(num)
        if st.last_int and n != st.last_int + 1:
            # Out of sequence: a numbered list inside a section, not a paragraph.
            # (An appendix restarts the sequence: last_int is reset there.)
            _on_bullet(st, Seg("bullet", seg.text, number=num), out)
            return
        st.last_int = n
    locator = f"{st.appendix} para {num}" if st.appendix else num
    out.append(_Draft(Kind.PARAGRAPH, seg.text, _path(st), None, "", locator=locator, number=num))
    st.anchor, st.anchor_text = locator, seg.text
    st.anchor_items = st.anchor_rows = 0
    st.lead_in = st.table_group = st.table_header = ""


def _on_bullet(st: _State, seg: Seg, out: list[_Draft]) -> None:
    prev = out[-1] if out else None
    if prev and seg.block_start and prev.kind is Kind.LIST_ITEM and starts_lower(seg.text) and not seg.number:
        prev.text += " " + seg.text  # a list item split by a page break
        return
    lead = " ".join(x for x in (st.anchor_text if st.anchor else "", st.lead_in) if x)
    if st.anchor:
        st.anchor_items += 1
        if seg.number and not seg.number.isdigit():
            group = f", {st.table_group} " if st.table_group else ""
            loc = f"{st.anchor}{group}({seg.number})"
        else:
            loc = f"{st.anchor} item {st.anchor_items}"
        lead = " ".join(x for x in (lead, st.table_group) if x)
        out.append(_Draft(Kind.LIST_ITEM, seg.text, _path(st), None, "", locator=loc, number=seg.number or None,
                          lead_in=lead, group=st.table_group))
        return
    key = _key(st)
    base = f"{st.lead_para} " if st.lead_para else ""
    st.counters[(id(key), base, "item")] += 1
    n = st.counters[(id(key), base, "item")]
    suffix = f"{base}({seg.number})" if seg.number and not seg.number.isdigit() else f"{base}item {n}"
    lead = lead or _lead_text(out, st)
    out.append(_Draft(Kind.LIST_ITEM, seg.text, _path(st), key, suffix.strip(), number=seg.number or None, lead_in=lead))


def _lead_text(out: list[_Draft], st: _State) -> str:
    parts = []
    if st.lead_para and out:
        for d in reversed(out):
            if d.kind is Kind.PARAGRAPH and d.suffix == st.lead_para:
                parts.append(d.text)
                break
    if st.lead_in:
        parts.append(st.lead_in)
    return " ".join(parts)


def _on_table_row(st: _State, seg: Seg, out: list[_Draft]) -> None:
    filled = [c for c in seg.cells if c]
    if _grid_header(filled):
        return  # 'Judgement | Grade' above the grid
    if _grid_row(st, filled):
        st.grid_rows += 1
        area = _ROW_NUMBER.sub("", filled[0])
        out.append(_Draft(Kind.TABLE_ROW, f"{area} | {filled[-1]}", _path(st), None, "",
                          locator=f"{GRID} row {st.grid_rows}", cells=(area, filled[-1])))
        return
    if len(filled) == 1 and seg.cells and seg.cells[0] and _heading_like(filled[0]):
        st.table_group = filled[0]  # a group label row: 'Safeguarding services\t'
        return
    if st.table_header and seg.text == st.table_header:
        return  # the header repeated at the top of each page
    if not st.table_header and _looks_like_header(seg.cells):
        st.table_header = seg.text
        return
    lead = " ".join(x for x in (st.table_header and f"Columns: {st.table_header}.", st.table_group) if x)
    path = _path(st)
    if st.anchor:
        st.anchor_rows += 1
        out.append(_Draft(Kind.TABLE_ROW, seg.text, path, None, "", locator=f"{st.anchor} row {st.anchor_rows}",
                          cells=seg.cells, lead_in=lead, group=st.table_group))
        return
    key = _key(st)
    st.counters[(id(key), "row")] += 1
    out.append(_Draft(Kind.TABLE_ROW, seg.text, path, key, f"row {st.counters[(id(key), 'row')]}",
                      cells=seg.cells, lead_in=lead, group=st.table_group))


_ROW_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})?\.?\s+")


def _grid_header(cells: list[str]) -> bool:
    return [c.lower() for c in cells] == ["judgement", "grade"]


def _grid_row(st: _State, cells: list[str]) -> bool:
    """A row 'area | grade' of the grid at the front of a report: before its first
    numbered paragraph and outside any list a numbered paragraph introduces (the grades
    tables inside Darlington's paragraph 10, the Record of main findings at the back)."""
    return (len(cells) == 2 and _grade_only(cells[1]) and not st.anchor and not st.last_int
            and not st.appendix and not any(_norm(h.text).startswith("record of main findings") for h in st.stack))


def _looks_like_header(cells: tuple[str, ...]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 3 and all(len(c) < 40 and not ends_sentence(c) for c in filled)


def _on_prose(st: _State, seg: Seg, out: list[_Draft]) -> None:
    prev = out[-1] if out else None
    if prev and seg.block_start and _continues(prev, seg, st):
        prev.text += " " + seg.text
        return
    if seg.block_start and starts_lower(seg.text) and len(seg.text.split()) <= 3:
        return  # a stray fragment of a lost table label ('permanence')
    key = _key(st)
    st.counters[(id(key), "para")] += 1
    suffix = f"\u00b6{st.counters[(id(key), 'para')]}"
    out.append(_Draft(Kind.PARAGRAPH, seg.text, _path(st), key, suffix))
    st.lead_para = suffix
    st.anchor = None  # a list after this paragraph belongs to it, not to the last numbered one


def _continues(prev: _Draft, seg: Seg, st: _State) -> bool:
    """Does this block resume the paragraph a page break cut?"""
    if prev.kind not in (Kind.PARAGRAPH, Kind.LIST_ITEM):
        return False
    if prev.heading != tuple(st.stack) or CAPTION.match(prev.text):
        return False  # a heading came between, or a figure caption ends there
    if CAPTION.match(seg.text):
        return False
    if starts_lower(seg.text):
        return True
    if prev.kind is Kind.PARAGRAPH and not ends_sentence(prev.text) and len(prev.text) >= 60:
        return True  # a sentence cut mid-way (short label lines and list items are not)
    # In a report whose paragraphs are all numbered, unnumbered prose right after a
    # numbered paragraph is the rest of it ('English and mathematics remains...').
    return prev.number is not None and prev.kind is Kind.PARAGRAPH and st.anchor == prev.locator


def _finalise(drafts: list[_Draft], doc_id: str) -> list[Paragraph]:
    names = _section_names([d.key for d in drafts if d.key is not None and not d.locator], drafts)
    paragraphs, seen = [], set()
    for order, d in enumerate(drafts):
        if d.locator:
            loc = d.locator
        else:
            name = names.get(id(d.key), "") if d.key else ""
            loc = f"{name or 'cover'} {d.suffix}"  # before any heading: the cover page
        base, k = loc, 2
        while loc in seen:  # never two paragraphs with one locator
            loc, k = f"{base} ({k})", k + 1
        seen.add(loc)
        path = tuple(h.text for h in d.heading) + ((d.group,) if d.group else ())
        paragraphs.append(Paragraph(doc_id, loc, path, d.kind, " ".join(d.text.split()), order,
                                    number=d.number, cells=d.cells, lead_in=d.lead_in))
    return paragraphs


def _section_names(keys: list[_Heading], drafts: list[_Draft]) -> dict[int, str]:
    """How each section is named in locators: its number, or its heading made unique."""
    ancestors: dict[int, list[str]] = {}
    for d in drafts:
        if d.key is not None and id(d.key) not in ancestors:
            path = list(d.heading)
            idx = next((i for i, h in enumerate(path) if h is d.key), len(path))
            ancestors[id(d.key)] = [h.text for h in path[:idx]]
    unique = {id(k): k for k in keys}
    names = {i: _numbered_name(k, drafts) or k.text for i, k in unique.items()}
    by_text: dict[str, list[_Heading]] = {}
    for i, k in unique.items():
        if names[i] == k.text:
            by_text.setdefault(_norm(k.text), []).append(k)
    for group in by_text.values():
        if len(group) > 1:
            quals = _distinguish([ancestors.get(id(k), []) for k in group])
            for k, q in zip(group, quals):
                if q:
                    names[id(k)] = f"{k.text} ({q})"
    return names


def _numbered_name(key: _Heading, drafts: list[_Draft]) -> str:
    """'4.9 b' for a lettered sub-section of 4.9; '4.9' for a numbered section."""
    if not key.number:
        return ""
    if not key.number.isalpha():
        return key.number
    for d in drafts:
        if d.key is key:
            nums = [h.number for h in d.heading if h.number and not h.number.isalpha()]
            return f"{nums[-1]} {key.number}" if nums else key.number
    return key.number


def _distinguish(paths: list[list[str]]) -> list[str]:
    """For headings of one name, the shallowest ancestor that tells them apart,
    less the words its rivals share ('children who need help and protection')."""
    quals = []
    for i, path in enumerate(paths):
        others = [o for j, o in enumerate(paths) if j != i]
        d = next((d for d in range(len(path)) if any(d >= len(o) or o[d] != path[d] for o in others)), None)
        quals.append(path[d] if d is not None else "")
    out = []
    for i, q in enumerate(quals):
        words, cut = q.split(), 0
        for j, o in enumerate(quals):
            if j == i or not o:
                continue
            ow, n = o.split(), 0
            while n < min(len(words), len(ow)) - 1 and words[n].lower() == ow[n].lower():
                n += 1
            while n > 0 and words[n - 1].lower() not in _FUNCTION_WORDS:
                n -= 1  # keep the shared noun: 'children who need...' not 'who need...'
            cut = max(cut, n)
        out.append(" ".join(words[cut:]))
    # Same name, same ancestors: number them in reading order.
    counts: Counter = Counter()
    for i, q in enumerate(out):
        counts[q] += 1
        if counts[q] > 1:
            out[i] = f"{q}, {counts[q]}" if q else str(counts[q])
    return out
