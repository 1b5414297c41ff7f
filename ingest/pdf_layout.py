"""A PDF's text as a reader sees it, rebuilt from the page layout.

Three stages, the last two pure:

1. ``read_pages``: the lines PDFium finds on each page, with where they sit (left and
   right edge, baseline), their font size and weight, and their columns (a wide gap
   PDFium bridged with a space of its own becomes a cell break).
2. ``drop_furniture``: running headers and footers (lines at a page's top or bottom
   edge that recur, digits aside, on other pages), bare page numbers, and footnotes
   (small print at a page's foot, moved to the end so they do not cut a paragraph).
3. ``to_text``: lines joined into blocks (a paragraph, a list item, a heading, a table)
   by their spacing, indentation, font and the number or bullet that starts them; a
   paragraph cut by a page break joined again; a grid of judgements (area on the left,
   grade on the right) read as rows.

The text has the shape ``ingest.parser`` reads: one block per paragraph on one line,
blocks separated by a blank line, list items as '- ' lines, table rows as tab-separated
cells.
"""
from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from core.grades import normalise_grade

# Bullet glyphs: the geometric shapes and the symbol-font private-use characters that
# Word writes for its bullets ('◼' in Ofsted's reports since 2018, '\uf0b7' and others before).
_BULLET_GLYPH = re.compile(r"^(?:[\u2022\u25aa\u25ab\u25a0\u25fc\u25fe\u25cf\u25e6\u2023\u2043\u2219\u00b7\u27a2\ue000-\uf8ff]\s*|[\u2013-]\s+)")
_NUMBERED = re.compile(r"^\d{1,3}(?:\.|\.\d{1,3}\.?)\s+\S")
_NUMBER_ONLY = re.compile(r"^\d{1,3}(?:\.\d{1,3})?\.$")
_LABEL = re.compile(r"^[A-Z][^:]{1,40}:\s")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$", re.I)
_SENTENCE_END = re.compile(r"[.!?:;][\"'\u2019\u201d)]*$")
_MARK_GAP = re.compile(r"^(\s*(?:\d{1,3}(?:\.\d{1,3})*\.?|\(?[a-z]{1,4}\)|[\u2022\u25aa\u25fc\u25cf\ue000-\uf8ff-]))\t")
_GLUED_NUMBER = re.compile(r"^(\d{1,3}\.)(?=[A-Z\u2018\u201c(])")
_EDGE = 0.09  # share of the page height at top and bottom where running headers and footers sit
_COLUMN_GAP = 1.5  # a gap PDFium bridged that is wider than this many font sizes may be a cell break
_WIDE_SPACE = 4.0  # so may a printed space this wide (justified text stretches a space to about 1.5)


@dataclass(frozen=True)
class Line:
    text: str  # columns joined by '\t'
    x0: float
    x1: float
    y: float  # baseline of its first character, measured up from the page's foot
    y_end: float  # baseline of its last (PDFium joins a word hyphenated over two lines into one line)
    size: float
    bold: bool


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    width: float
    height: float
    lines: tuple[Line, ...]


# --- stage 1: lines from PDFium ---------------------------------------------------------

def read_pages(pdf) -> list[Page]:
    """The lines of every page of an open ``pypdfium2.PdfDocument``."""
    return [_page_lines(pdf[i], i + 1) for i in range(len(pdf))]


def _page_lines(page, number: int) -> Page:
    import pypdfium2.raw as raw  # only this stage knows PDFium

    width, height = page.get_size()
    tp = page.get_textpage()
    text = tp.get_text_range()
    handle = tp.raw
    l, r, b, t = (ctypes.c_double() for _ in range(4))

    def box(i: int) -> tuple[float, float, float, float]:
        raw.FPDFText_GetCharBox(handle, i, ctypes.byref(l), ctypes.byref(r), ctypes.byref(b), ctypes.byref(t))
        return l.value, r.value, b.value, t.value

    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect = raw.FS_RECTF()

    def glyph_height(i: int) -> float:
        # The height of a character's box, not its font's nominal size: a PDF that scales
        # its text matrix prints 12-point text in a '1-point' font.
        raw.FPDFText_GetLooseCharBox(handle, i, ctypes.byref(rect))
        return rect.top - rect.bottom if rect.top > rect.bottom else raw.FPDFText_GetFontSize(handle, i)

    lines: list[Line] = []
    start = 0
    for raw_line in text.split("\r\n"):
        end = start + len(raw_line)
        first = next((i for i in range(start, end) if not text[i].isspace()), None)
        if first is not None:
            last = max(i for i in range(start, end) if not text[i].isspace())
            raw.FPDFText_GetCharOrigin(handle, first, ctypes.byref(ox), ctypes.byref(oy))
            # The size of the line's middle: a paragraph number or a footnote mark may be
            # set in another size than the words.
            mid = next((i for i in range((first + last) // 2, last + 1) if text[i].isalnum()), first)
            size = glyph_height(mid)
            bold = raw.FPDFText_GetFontWeight(handle, mid) >= 600 and raw.FPDFText_GetFontWeight(handle, last) >= 600
            chars: list[str] = []
            spaces: list[float] | None = None  # the line's word gaps, measured when first needed
            for i in range(first, last + 1):
                ch = text[i]
                if ch == " " and (gap := box(i + 1)[0] - box(i - 1)[1]) > (
                        _COLUMN_GAP if raw.FPDFText_IsGenerated(handle, i) else _WIDE_SPACE) * size:
                    if spaces is None:
                        spaces = [g for k in range(first + 1, last) if text[k] == " "
                                  and (g := box(k + 1)[0] - box(k - 1)[1]) <= _COLUMN_GAP * size]
                    # Justified text stretches every gap of its line alike; a column gap stands out.
                    if gap > 3 * max(statistics.median(spaces) if spaces else 0.0, 0.3 * size):
                        ch = "\t"
                elif ch.isdigit() and i > first and (text[i - 1].isalpha() or text[i - 1] in "?).,;:\u2019\u201d") \
                        and glyph_height(i) < 0.8 * size:
                    continue  # a footnote mark in superscript ('Board1')
                chars.append(ch)
            line = "".join(chars).replace("\ufffe", "-").replace("\u00ad", "-").replace("\x02", "-")
            line = _MARK_GAP.sub(r"\1 ", line)  # the gap after a paragraph number or bullet is not a column
            line = _GLUED_NUMBER.sub(r"\1 ", line)  # '10.Senior leaders': a number set with no space
            y = oy.value
            raw.FPDFText_GetCharOrigin(handle, last, ctypes.byref(ox), ctypes.byref(oy))
            lines.append(Line(line.strip(), box(first)[0], box(last)[1], y, min(y, oy.value),
                              round(size * 2) / 2, bool(bold)))
        start = end + 2
    return Page(number, width, height, tuple(lines))


# --- stage 2: page furniture -----------------------------------------------------------

def _shape(text: str) -> str:
    """A running header's text less its page number and dates, which change page to page."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _at_edge(line: Line, page: Page) -> bool:
    return line.y > page.height * (1 - _EDGE) or line.y < page.height * _EDGE


def drop_furniture(pages: list[Page]) -> list[Page]:
    """Pages without running headers, footers and page numbers; footnotes moved to the
    end of the last page."""
    seen: Counter = Counter()
    for page in pages:
        seen.update({_shape(line.text) for line in page.lines if _at_edge(line, page)})
    repeated = {s for s, n in seen.items() if n >= 2 and n >= 0.3 * len(pages)} if len(pages) > 2 else set()
    body = _body_size(pages)
    out: list[Page] = []
    notes: list[Line] = []
    for page in pages:
        kept = [line for line in page.lines
                if not (_at_edge(line, page) and (_shape(line.text) in repeated or _PAGE_NUMBER.match(line.text)))]
        # A note mark that PDFium set on a line of its own, being raised above the text.
        marks = [line for line in kept if re.fullmatch(r"\d{1,2}|\*", line.text) and line.size <= 0.8 * body]
        kept = [line for line in kept if line not in marks]
        foot = _footnotes(kept, page, body, marks)
        notes.extend(foot)
        out.append(replace(page, lines=tuple(line for line in kept if line not in foot)))
    if notes and out:
        out[-1] = replace(out[-1], lines=out[-1].lines + tuple(notes))
    return out


def _body_size(pages: list[Page]) -> float:
    sizes: Counter = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _footnotes(lines: list[Line], page: Page, body: float, marks: list[Line]) -> list[Line]:
    """The run of small print below the page's last line of body text, starting with a
    note number or beside a note mark: '1 Ofsted produces this report under...'."""
    if not lines:
        return []
    lowest_body = min((line.y for line in lines if line.size >= body - 0.5), default=None)
    foot = [line for line in lines if line.size <= body - 1.5 and line.y < page.height * 0.3
            and (lowest_body is None or line.y < lowest_body)]
    foot.sort(key=lambda line: -line.y)
    if foot and (re.match(r"^(\d{1,2}|\*)\s*\S", foot[0].text)
                 or any(abs(m.y - foot[0].y) < body for m in marks)):
        return foot
    return []


# --- stage 3: blocks --------------------------------------------------------------------

@dataclass
class _Block:
    kind: str  # 'text', 'bullet', 'table'
    lines: list[Line]
    page: int

    @property
    def text(self) -> str:
        return _join(line.text for line in self.lines)


def _join(parts) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out.endswith("-") and not out.endswith(" -") and part[:1].islower() and len(out) > 1 and out[-2].isalpha():
            out += part  # 'well-' + 'managed': a compound split at the line end keeps its hyphen
        else:
            out += (" " if out else "") + part
    return out


def to_text(pages: list[Page]) -> str:
    """The text of furniture-free pages in the parser's shape (see the module docstring)."""
    pitch = _pitches(pages)
    blocks: list[_Block] = []
    numbers = _Numbers()
    for page in pages:
        page_blocks = _page_blocks(page, pitch, numbers)
        if blocks and page_blocks and _continues(blocks[-1], page_blocks[0]):
            blocks[-1].lines.extend(page_blocks.pop(0).lines)
        blocks.extend(page_blocks)
    return "\n\n".join(_render(b) for b in blocks if b.lines)


def _pitches(pages: list[Page]) -> dict[float, float]:
    """The usual distance between the baselines of two lines of one paragraph, per font size."""
    deltas: dict[float, list[float]] = defaultdict(list)
    for page in pages:
        for a, b in zip(page.lines, page.lines[1:]):
            d = a.y_end - b.y
            if _same_size(a, b) and 0.9 * a.size < d < 2.5 * a.size:
                deltas[a.size].append(round(d, 0))
    return {size: Counter(ds).most_common(1)[0][0] for size, ds in deltas.items() if ds}


@dataclass
class _Numbers:
    """The last paragraph number read: '16.' at the start of a line carries on the
    sentence before it ('...once they reach / 16. Many...') unless that sentence ended
    or 16 is the next number."""

    last: int = 0

    def starts_paragraph(self, line: Line, prev: Line) -> bool:
        m = re.match(r"(\d{1,3})\.\s", line.text)  # not '3.4 ': decimal numbers are sections, always a start
        return m is None or bool(_SENTENCE_END.search(prev.text)) or int(m[1]) == self.last + 1

    def see(self, block: "_Block") -> None:
        if m := re.match(r"(\d{1,3})\.\s", block.lines[0].text):
            self.last = int(m[1])


def _same_size(a: Line, b: Line) -> bool:
    # Box heights of one font differ by a few tenths from line to line.
    return abs(a.size - b.size) <= 0.6


def _pitch(pitch: dict[float, float], size: float) -> float:
    near = [s for s in pitch if abs(s - size) <= 0.6]
    return pitch[min(near, key=lambda s: abs(s - size))] if near else 1.2 * size


def _page_blocks(page: Page, pitch: dict[float, float], numbers: _Numbers) -> list[_Block]:
    lines = list(page.lines)
    grid = _grid(lines, page)
    right = _right_edge(lines)
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if grid and i == grid[0]:
            blocks.append(_Block("table", _grid_rows(lines[grid[0]:grid[1]], pitch, 0.35 * page.width), page.number))
            i = grid[1]
            continue
        if _NUMBER_ONLY.match(line.text) and i + 1 < len(lines) and abs(lines[i + 1].y - line.y) < line.size:
            # A paragraph number set apart from its text on the same baseline.
            line = replace(line, text=f"{line.text} {lines[i + 1].text}", x1=lines[i + 1].x1)
            i += 1
        cur = blocks[-1] if blocks else None
        if _graded_title(line):
            # A section title with its grade in a column to the right ('Leadership,
            # management and | governance   Requires improvement'): the title, then the grade.
            title, grade = line.text.rsplit("\t", 1)
            if cur is not None and cur.kind == "text" and not _starts_block(cur, replace(line, text=title), pitch, right):
                cur.lines.append(replace(line, text=title))
            else:
                blocks.append(_Block("text", [replace(line, text=title)], page.number))
            blocks.append(_Block("text", [replace(line, text=grade)], page.number))
            i += 1
            continue
        if cur is None or _starts_block(cur, line, pitch, right, numbers):
            blocks.append(_Block(_kind(line), [line], page.number))
            numbers.see(blocks[-1])
        else:
            cur.lines.append(line)
        i += 1
    return blocks


def _graded_title(line: Line) -> bool:
    cells = line.text.split("\t")
    return len(cells) == 2 and normalise_grade(cells[1]) is not None and not _NUMBERED.match(cells[0])


def _kind(line: Line) -> str:
    if "\t" in line.text:
        return "table"
    if _BULLET_GLYPH.match(line.text) and not _NUMBERED.match(line.text):
        return "bullet"
    return "text"


def _right_edge(lines: list[Line]) -> float:
    ends = sorted(line.x1 for line in lines)
    return ends[int(0.9 * (len(ends) - 1))] if ends else 0.0


def _starts_block(cur: _Block, line: Line, pitch: dict[float, float], right: float,
                  numbers: _Numbers | None = None) -> bool:
    prev = cur.lines[-1]
    if _kind(line) != "text" or cur.kind == "table":
        return True
    if not _same_size(line, prev) or line.bold != prev.bold:
        return True
    gap = prev.y_end - line.y
    usual = _pitch(pitch, line.size)
    if gap > 1.3 * usual or gap < -line.size:  # a wider space, or a jump back up the page
        return True
    if _NUMBERED.match(line.text) and line.x0 <= cur.lines[0].x0 + 2 \
            and (numbers is None or numbers.starts_paragraph(line, prev)):
        return True  # a paragraph number at the margin
    short = prev.x1 < right - 0.15 * (right - cur.lines[0].x0)
    if short and (_SENTENCE_END.search(prev.text) or _LABEL.match(line.text) or _LABEL.match(prev.text)):
        return True  # the last line of a paragraph, or a cover label ('Lead inspector: ...') or after one
    if cur.kind == "bullet" and line.x0 < cur.lines[0].x0 + 2 and len(cur.lines) == 1 and short:
        return True
    return False


def _continues(prev: _Block, nxt: _Block) -> bool:
    """Does the first block of a page carry on the last paragraph of the one before?"""
    if nxt.kind != "text" or prev.kind == "table" or not prev.lines or not nxt.lines:
        return False
    a, b = prev.lines[-1], nxt.lines[0]
    if not _same_size(a, b) or a.bold != b.bold or _NUMBERED.match(b.text):
        return False
    if b.text[:1].islower() or not _SENTENCE_END.search(a.text):
        return True
    # A numbered paragraph hangs its lines under its text, right of its number: a page
    # that starts at that indent carries the paragraph on, even after a full stop.
    first, rest = prev.lines[0], prev.lines[1:]
    return bool(_NUMBERED.match(first.text) and rest and rest[0].x0 > first.x0 + 5
                and abs(b.x0 - rest[0].x0) < 3)


# --- the judgement grid -----------------------------------------------------------------

def _is_grade_cell(line: Line, page: Page, nxt: Line | None = None) -> bool:
    """A grade in a column of its own, also one that wraps ('Requires improvement / to be good')."""
    if line.x0 <= 0.35 * page.width:
        return False
    if normalise_grade(line.text) is not None:
        return True
    return nxt is not None and abs(nxt.x0 - line.x0) < 3 and line.y - nxt.y < 1.6 * line.size \
        and normalise_grade(f"{line.text} {nxt.text}") is not None


def _grade_row(line: Line) -> bool:
    cells = line.text.split("\t")
    return len(cells) >= 2 and normalise_grade(cells[-1]) is not None


def _grid(lines: list[Line], page: Page) -> tuple[int, int] | None:
    """Where a grid of judgements sits among the page's lines: [start, end), or None.

    A grid has at least two grades printed in a column of their own (or as the last
    cell of a row); its area names sit to their left and may wrap."""
    marks = [i for i, line in enumerate(lines)
             if _is_grade_cell(line, page, lines[i + 1] if i + 1 < len(lines) else None) or _grade_row(line)]
    if len(marks) < 2:
        return None
    start, end = marks[0], marks[-1] + 1
    # Area names end left of the grade column (or, where grades share a line with the
    # area's last words, left of where those lines end); body text runs on to the margin.
    column = min((lines[i].x0 for i in marks if "\t" not in lines[i].text), default=None)
    limit = column if column is not None else max(l.x1 for l in lines[start:end] if "\t" in l.text)

    def in_grid(line: Line) -> bool:
        return "\t" in line.text or line.x1 < limit + 1 or (column is not None and line.x0 > column - 2)

    # Upwards, the first area's name (it may wrap over a few lines) and the header.
    top = start
    while start > 0 and top - start < 3 and in_grid(lines[start - 1]) and not _header_row(lines[start]) \
            and lines[start - 1].y - lines[start].y < (1.6 if _SENTENCE_END.search(lines[start - 1].text) else 3) * lines[start].size:
        start -= 1
    if _header_row(lines[start]):
        pass
    elif start > 0 and _header_row(lines[start - 1]):
        start -= 1
    # Downwards, rows with their grade on the line and what wraps from the last row, as
    # far apart as the grid's rows are.
    spacing = max(lines[a].y - lines[b].y for a, b in zip(marks, marks[1:]))
    while end < len(lines) and lines[end - 1].y - lines[end].y < max(3 * lines[end].size, 1.2 * spacing) and (
            "\t" in lines[end].text
            or (lines[end - 1].y - lines[end].y < 1.6 * lines[end].size
                and ("\t" in lines[end].text or (column is not None and lines[end].x0 > column - 2)
                     or (lines[end].x1 < limit + 1 and lines[end].text[:1].islower())))):
        end += 1
    return start, end


def _header_row(line: Line) -> bool:
    return [c.strip().lower() for c in line.text.split("\t")] in (["judgement", "grade"], ["judgement grade"])


def _grid_rows(lines: list[Line], pitch: dict[float, float], column: float) -> list[Line]:
    """Rows 'area\tgrade' from the grid's lines: the lines right of ``column`` are grades
    (one may wrap: 'Requires improvement to / be good'), the others area names (which
    wrap too), grouped by their spacing; each grade goes with the area beside it."""
    header = [line for line in lines if _header_row(line)]
    body: list[Line] = []
    for line in (l for l in lines if not _header_row(l)):
        area, tab, last = line.text.rpartition("\t")
        if tab and normalise_grade(last) is None:
            # 'Overall effectiveness | Requires improvement to' over '... | be good': the
            # grade's first words, to be joined with the rest of it below.
            body += [replace(line, text=area), replace(line, text=last, x0=column + 1)]
        else:
            body.append(line)
    body.sort(key=lambda l: -l.y)
    grades: list[Line] = []
    for line in (l for l in body if "\t" not in l.text and l.x0 > column):
        joined = f"{grades[-1].text} {line.text}" if grades else ""
        if grades and grades[-1].y_end - line.y < 1.6 * line.size and (
                normalise_grade(grades[-1].text) is None or normalise_grade(joined) is not None):
            grades[-1] = replace(grades[-1], text=joined, y_end=line.y_end)
        else:
            grades.append(line)
    rows: list[list] = []  # [area lines, grade]
    for line in (l for l in body if "\t" in l.text or l.x0 <= column):
        cells = line.text.split("\t")
        grade = cells[-1] if len(cells) >= 2 and normalise_grade(cells[-1]) else ""
        area = " ".join(c for c in (cells[:-1] if grade else cells) if c.strip())
        prev = rows[-1] if rows else None
        usual = _pitch(pitch, line.size)
        if prev is not None and not prev[1] and not _NUMBERED.match(area) \
                and prev[0][-1].y - line.y < 1.3 * usual:
            prev[0].append(replace(line, text=area))  # the area's name wraps; its grade may sit on any of its lines
            prev[1] = grade
            continue
        rows.append([[replace(line, text=area)], grade])
    for g in (g for g in grades if normalise_grade(g.text) is not None):
        open_rows = [r for r in rows if not r[1]] or rows
        if open_rows:
            best = min(open_rows, key=lambda r: min(abs(g.y - l.y) for l in r[0]))
            best[1] = g.text
    out = [replace(h, text="Judgement\tGrade") for h in header[:1]]
    for area_lines, grade in rows:
        text = _join(l.text for l in area_lines)
        out.append(replace(area_lines[0], text=f"{text}\t{grade}" if grade else text))
    return out


def _render(block: _Block) -> str:
    if block.kind == "table":
        return "\n".join(line.text for line in block.lines)
    text = block.text
    if block.kind == "bullet":
        return "- " + _BULLET_GLYPH.sub("", text, count=1)
    return text


def pdf_text(pdf) -> str:
    """The whole of an open ``pypdfium2.PdfDocument`` as the parser reads it."""
    return to_text(drop_furniture(read_pages(pdf)))
