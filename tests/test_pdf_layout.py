"""ingest.pdf_layout's pure stages (``drop_furniture``, ``to_text``) on hand-made pages,
their properties on generated ones, and what a reader sees in four real library PDFs.

The hand-made pages copy the geometry of real Ofsted reports (A4, 11.5-point body text
14.5 points apart, running header and footer in 8-point, a grade column at about half
the page width): ``lay`` sets lines top down at a pitch, each as wide as its characters.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ingest import pdf_layout
from ingest.pdf_layout import Line, Page, drop_furniture, to_text

LIBRARY = Path(__file__).resolve().parents[1].parent / "shared" / "library"
WIDTH, HEIGHT = 595.0, 842.0  # A4 in points
LEFT, RIGHT = 72.0, 520.0  # the text's margins
CHAR = 5.4  # the mean width of an 11.5-point character
BODY, PITCH = 11.5, 14.5


# -- building pages ----------------------------------------------------------------------


def ln(text: str, y: float, x0: float = LEFT, x1: float | None = None, size: float = BODY,
       bold: bool = False) -> Line:
    """One line with its baseline at ``y`` (points up from the foot), as wide as its characters."""
    if x1 is None:
        x1 = min(RIGHT, x0 + CHAR * len(text) * size / BODY)
    return Line(text, x0, x1, y, y, size, bold)


def lay(text: str, top: float = 736.0, pitch: float = PITCH, x0: float = LEFT, size: float = BODY,
        bold: bool = False, indent: float = 7.0) -> list[Line]:
    """The lines of ``text`` set top down ``pitch`` apart; a blank line leaves one pitch
    of space (between paragraphs), each leading space indents by ``indent`` points."""
    out, y = [], top
    for row in text.split("\n"):
        words = row.lstrip(" ")
        if words:
            out.append(ln(words, y, x0 + indent * (len(row) - len(words)), size=size, bold=bold))
        y -= pitch
    return out


def page(number: int, *parts: Line | list[Line]) -> Page:
    lines: list[Line] = []
    for part in parts:
        lines.extend([part] if isinstance(part, Line) else part)
    return Page(number, WIDTH, HEIGHT, tuple(lines))


def furniture(number: int, dates: str = "11 to 15 September 2023") -> list[Line]:
    """An ILACS report's running footer: its title in bold over the dates and page number."""
    return [ln("Inspection of Barnsley local authority children's services", 39.6, size=8, bold=True),
            ln(f"{dates}\t{number}", 30.0, x1=523.0, size=8)]


def read(pages: list[Page]) -> list[str]:
    """The blocks of the text a reader gets."""
    return to_text(drop_furniture(pages)).split("\n\n")


# Enough body text that 11.5 points is the page's body size.
PROSE = lay("""The arrangements in place to evaluate the effectiveness of what is done by the
authority and board partners to safeguard and promote the welfare of children
require improvement. Leaders know their services well and have plans in place
to improve them, but it is too early to see the impact of some of those plans.""", top=420)
PROSE_TEXT = " ".join(line.text for line in PROSE)


# -- helpers ---------------------------------------------------------------------------


def test_shape_of_a_running_line_ignores_its_numbers_case_and_spacing():
    shape = pdf_layout._shape
    assert shape("11 to 15 September 2023\t2") == shape("11  to 22 september 2023\t14")
    assert shape("Inspection of Barnsley") != shape("Inspection of Bexley")


@pytest.mark.parametrize("parts, joined", [
    (["a well-", "managed team"], "a well-managed team"),  # a compound split at the line end
    (["reviewed regularly -", "and heard"], "reviewed regularly - and heard"),  # a dash
    (["arrangements for 16-", "and 17-year-olds"], "arrangements for 16- and 17-year-olds"),  # a suspended hyphen
    (["first line", "", "  second line  "], "first line second line"),
])
def test_join_lines_of_a_block(parts, joined):
    assert pdf_layout._join(parts) == joined


# -- page furniture ----------------------------------------------------------------------


def test_running_header_and_footer_dropped_whatever_their_page_number_and_dates():
    pages = [page(n, furniture(n, dates), lay(f"Paragraph on page {n} of the report.", top=700), PROSE)
             for n, dates in ((1, "11 to 15 September 2023"), (2, "11 to 15 September 2023"),
                              (3, "11 to 22 September 2023"))]
    blocks = read(pages)
    assert [b for b in blocks if "Barnsley" in b or "September" in b] == []
    assert blocks[:2] == ["Paragraph on page 1 of the report.", PROSE_TEXT]
    assert len(blocks) == 6


def test_a_line_at_the_top_edge_that_does_not_recur_is_kept():
    # A heading set high on its page is not furniture (nor is a line whose text, digits
    # aside, is on only one page).
    headings = ["Help and protection", "Children in care", "Care leavers"]
    pages = [page(n, ln(h, 800.0, size=15.5, bold=True), PROSE) for n, h in enumerate(headings, 1)]
    assert read(pages) == [headings[0], PROSE_TEXT, headings[1], PROSE_TEXT, headings[2], PROSE_TEXT]


def test_bare_page_number_dropped():
    # The 2014-2018 reports print the number alone at the foot, in 19.5-point type.
    pages = [page(n, ln(str(n), 24.5, x0=515.0, size=19.5), PROSE) for n in (1, 2)]
    assert read(pages) == [PROSE_TEXT, PROSE_TEXT]


def test_footnote_at_the_page_foot_moved_to_the_end():
    note = lay("""1 Ofsted produces this report under its power to combine reports in accordance
with section 152 of the Education and Inspections Act 2006.""", top=102.1, pitch=9.8, size=8)
    top = lay("""The local authority was inspected under section 136 of the Education and
Inspections Act 2006, and this report covers the whole of the inspection.""", top=700)
    blocks = read([page(1, top, PROSE, note), page(2, PROSE)])
    assert blocks[:3] == [" ".join(line.text for line in top), PROSE_TEXT, PROSE_TEXT]
    assert blocks[3:] == [" ".join(line.text for line in note)]


def test_footnote_beside_a_raised_note_mark_moved_to_the_end_and_the_mark_dropped():
    # PDFium sets the raised '1' before the note's text on a line of its own.
    mark = ln("1", 106.7, x1=74.0, size=6.5)
    note = lay("""Ofsted produces this report under its power to combine reports in accordance
with section 152 of the Education and Inspections Act 2006.""", top=102.1, pitch=9.8, x0=77.8, size=8)
    blocks = read([page(1, PROSE, mark, note), page(2, PROSE)])
    assert blocks == [PROSE_TEXT, PROSE_TEXT, " ".join(line.text for line in note)]


def test_superscript_note_mark_on_a_line_of_its_own_dropped():
    first, second = lay("""The review of the effectiveness of the Local Safeguarding Children Board
was carried out at the same time as the inspection of the local authority.""", top=700)
    mark = ln("2", first.y + 4.5, x0=first.x1 + 0.5, x1=first.x1 + 4.0, size=6.5)
    assert read([page(1, first, mark, second, PROSE)]) == [f"{first.text} {second.text}", PROSE_TEXT]


# -- blocks -------------------------------------------------------------------------------


def test_paragraph_wrapped_over_lines_joined_and_the_next_one_apart():
    lines = lay("""Children in care benefit from a multi-agency approach and their plans are
reviewed regularly by their independent reviewing officers, who know them well.

Care leavers are helped to find suitable accommodation and most are in education,
employment or training.""")
    assert read([page(1, lines)]) == [
        "Children in care benefit from a multi-agency approach and their plans are reviewed "
        "regularly by their independent reviewing officers, who know them well.",
        "Care leavers are helped to find suitable accommodation and most are in education, "
        "employment or training."]


def test_paragraph_cut_by_a_page_break_joined():
    p1 = lay("""2. The presence of early help workers in the integrated front door (IFD) brings
    added value and helps to inform effective decision-making. The right thresholds
    are applied for most children accessing support from early help services, and""", top=150, indent=7)
    p2 = lay("""    decisions made at the 'front door' for early help assessment are appropriate.

3. Most children receive a proportionate response to contacts and referrals.""", indent=7)
    blocks = read([page(1, furniture(1), PROSE, p1), page(2, furniture(2), p2), page(3, furniture(3), PROSE)])
    assert blocks[1] == " ".join(line.text for line in p1 + p2[:1])
    assert blocks[2] == p2[1].text
    assert len(blocks) == 4


def test_paragraph_cut_by_a_page_break_after_a_sentence_end_joined():
    # The page's last line reaches the margin and the next page's first line sits at the
    # paragraph's hanging indent: the paragraph goes on, though a sentence ended there.
    p1 = lay("""14. The arrangements for young people who present as homeless are not effective
    enough. Assessments are completed, but they do not sufficiently explore all risks and needs.""", top=150)
    p2 = lay("""    This means that some of their vulnerabilities are not recognised quickly.""")
    blocks = read([page(1, furniture(1), PROSE, p1), page(2, furniture(2), p2), page(3, furniture(3), PROSE)])
    assert blocks[1] == " ".join(line.text for line in p1 + p2)


def test_numbered_paragraph_starts_a_block_but_a_number_that_carries_a_sentence_does_not():
    # '...once they reach / 16. Many...': the sentence has not ended and 16 is not 13.
    lines = lay("""11. Leaders have a clear plan for the service and know where practice needs to
improve further.
12. Young people are helped to prepare for independence well before they are
eighteen and keep in touch with their personal advisers once they reach
16. Many of them live in suitable accommodation and are in education or work.
13. Personal advisers are persistent in keeping in touch with care leavers.""")
    assert read([page(1, lines)]) == [
        "11. Leaders have a clear plan for the service and know where practice needs to improve further.",
        "12. Young people are helped to prepare for independence well before they are eighteen and keep in "
        "touch with their personal advisers once they reach 16. Many of them live in suitable accommodation "
        "and are in education or work.",
        "13. Personal advisers are persistent in keeping in touch with care leavers."]


def test_numbered_paragraph_with_its_number_set_apart_on_the_same_baseline():
    number = ln("4.", 700.0, x1=82.0)
    words = lay("""Written management oversight of referrals is basic but is mitigated by
managers having detailed conversations with workers.""", top=700, x0=100.0)
    assert read([page(1, number, words)]) == [
        "4. Written management oversight of referrals is basic but is mitigated by managers having "
        "detailed conversations with workers."]


@pytest.mark.parametrize("glyph", ["\u25fc", "\uf0b7"])  # '◼' since 2018, Symbol's bullet before
def test_bullets_become_dash_items_with_their_wrapped_lines(glyph):
    lines = lay(f"""What needs to improve?
{glyph} The engagement of multi-agency partners, including in key decision-making
   meetings for children in need of help and protection.
{glyph} The record of achievements and targets within personal education plans.
{glyph} The quality of recorded management direction to social workers at the point
   of referral and within screening.""", indent=5.8)
    assert read([page(1, lines)]) == [
        "What needs to improve?",
        "- The engagement of multi-agency partners, including in key decision-making meetings for "
        "children in need of help and protection.",
        "- The record of achievements and targets within personal education plans.",
        "- The quality of recorded management direction to social workers at the point of referral "
        "and within screening."]


def test_compound_split_at_a_line_end_keeps_its_hyphen_and_a_dash_keeps_its_spaces():
    lines = lay("""Children in care benefit from a multi-agency approach with a team of well-
managed professionals around them and plans that are reviewed regularly -
and their views are heard.""")
    assert read([page(1, lines)]) == [
        "Children in care benefit from a multi-agency approach with a team of well-managed "
        "professionals around them and plans that are reviewed regularly - and their views are heard."]


def test_cover_label_lines_are_blocks_of_their_own():
    cover = (lay("Inspection of Barnsley local authority children's services", top=686.4, size=25.5)
             + lay("""Inspection dates: 11 to 15 September 2023
Lead inspector: Anna Gravelle, His Majesty's Inspector""", top=625.5, pitch=26.4))
    assert read([page(1, cover, PROSE)]) == [
        "Inspection of Barnsley local authority children's services",
        "Inspection dates: 11 to 15 September 2023",
        "Lead inspector: Anna Gravelle, His Majesty's Inspector",
        PROSE_TEXT]


# -- the judgement grid --------------------------------------------------------------------

INTRO = lay("""Following the last inspection in 2018, when the local authority was judged good
overall, a joint targeted area inspection in 2022 identified that some children's
experiences had weakened.""", top=328.2)
INTRO_TEXT = " ".join(line.text for line in INTRO)


def test_ilacs_grid_read_as_rows_whichever_line_of_a_wrapped_area_holds_the_grade():
    grid = [
        ln("Judgement\tGrade", 560.1, x0=76.6, x1=338.7, bold=True),
        # The grade beside the area's first line...
        ln("The impact of leaders on social work", 527.1, x0=76.6),
        ln("practice with children and families", 512.6, x0=77.4),
        ln("Good", 527.1, x0=303.3),
        # ... wrapping itself ...
        ln("The experiences and progress of", 485.7, x0=76.6),
        ln("children who need help and protection", 471.2, x0=76.9),
        ln("Requires improvement to", 485.6, x0=303.8),
        ln("be good", 471.1, x0=303.8),
        # ... and beside its second line.
        ln("The experiences and progress of", 444.2, x0=76.6),
        ln("children in care", 429.6, x0=76.9),
        ln("Inadequate", 429.6, x0=303.3),
        ln("Overall effectiveness\tGood", 361.2, x0=77.0, x1=329.8),
    ]
    title = lay("Inspection of Barnsley local authority children's services", top=686.4, size=25.5)
    assert read([page(1, title, grid, INTRO)]) == [
        "Inspection of Barnsley local authority children's services",
        "Judgement\tGrade\n"
        "The impact of leaders on social work practice with children and families\tGood\n"
        "The experiences and progress of children who need help and protection\tRequires improvement to be good\n"
        "The experiences and progress of children in care\tInadequate\n"
        "Overall effectiveness\tGood",
        INTRO_TEXT]


def test_ilacs_grid_with_the_overall_grade_wrapping_under_its_row():
    # The 2018 grids: a narrower grade column, 'Requires improvement to / be good'.
    grid = [
        ln("Judgement\tGrade", 619.2, x0=71.0, x1=411.3, bold=True),
        ln("The impact of leaders on social work practice with", 580.2, x0=70.9),
        ln("children and families", 565.8, x0=71.3),
        ln("Requires improvement to", 580.2, x0=376.4),
        ln("be good", 565.8, x0=376.3),
        ln("The experiences and progress of children in care and", 473.2, x0=70.9),
        ln("care leavers", 458.7, x0=71.3),
        ln("Good", 473.2, x0=375.9),
        ln("Overall effectiveness\tRequires improvement to", 419.8, x0=71.3, x1=508.7),
        ln("be good", 405.3, x0=376.3),
    ]
    assert read([page(1, grid, INTRO)]) == [
        "Judgement\tGrade\n"
        "The impact of leaders on social work practice with children and families\tRequires improvement to be good\n"
        "The experiences and progress of children in care and care leavers\tGood\n"
        "Overall effectiveness\tRequires improvement to be good",
        INTRO_TEXT]


def test_sif_cover_grid_with_numbered_rows():
    # 2014-2018: numbered areas in bold, their grade to the right ('Requires / improvement'
    # over two lines), sub-areas '2.1' with the grade on the same line.
    grid = [
        ln("1. Children who need help and protection", 416.8, x0=72.1, bold=True),
        ln("Requires", 426.4, x0=410.4, bold=True),
        ln("improvement", 411.9, x0=410.2, bold=True),
        ln("2. Children looked after and achieving permanence", 376.5, x0=71.8, bold=True),
        ln("Good", 376.5, x0=410.4, bold=True),
        ln("2.1 Adoption performance\tGood", 336.3, x0=126.7, x1=440.1),
        ln("2.2 Experiences and progress of care leavers\tOutstanding", 305.6, x0=126.7, x1=470.0),
        ln("3. Leadership, management and governance", 268.9, x0=71.5, bold=True),
        ln("Requires", 278.5, x0=410.4, bold=True),
        ln("improvement", 264.1, x0=410.2, bold=True),
    ]
    lead = lay("The overall judgement is requires improvement", top=546.7, size=13.5)
    tail = lay("""The arrangements in place to evaluate the effectiveness of what is done by the
authority and board partners to safeguard and promote the welfare of children
require improvement.""", top=198.5)
    assert read([page(1, lead, grid, tail)]) == [
        "The overall judgement is requires improvement",
        "1. Children who need help and protection\tRequires improvement\n"
        "2. Children looked after and achieving permanence\tGood\n"
        "2.1 Adoption performance\tGood\n"
        "2.2 Experiences and progress of care leavers\tOutstanding\n"
        "3. Leadership, management and governance\tRequires improvement",
        " ".join(line.text for line in tail)]


# -- properties ----------------------------------------------------------------------------
# A generated report: paragraphs, numbered paragraphs and bullets made of ordinary words
# (no grade words, digits or colons, which start tables, numbers and labels), set in
# justified lines that may split a compound at its hyphen, over three to five pages with
# a running header, a footer with the page number and sometimes a footnote. The reader
# should give back each block as written, footnotes last, and none of the furniture.

WORDS = ("children", "families", "social", "workers", "plans", "leaders", "the", "of", "and", "are",
         "visits", "review", "care", "help", "timely", "most", "some", "their", "services", "risk",
         "assessment", "partners", "managers", "oversight", "practice", "quality", "needs", "young")
COMPOUNDS = ("well-managed", "multi-agency", "decision-making", "long-term", "step-down")
HEADER = "Inspection of Zedshire local authority children's services"
FOOTER_DATES = "11 to 15 September 2023"

word = st.one_of(st.sampled_from(WORDS), st.sampled_from(COMPOUNDS))
sentence = st.lists(word, min_size=3, max_size=16).map(lambda ws: " ".join([ws[0].capitalize(), *ws[1:]]) + ".")
prose = st.lists(sentence, min_size=1, max_size=3).map(" ".join)


cells = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join), min_size=2, max_size=4)


@st.composite
def blocks(draw, kinds=("para", "numbered", "bullet")) -> list[tuple[str, str]]:
    """(kind, text) of each block: 'para', 'numbered' (numbered 1, 2... in order),
    'bullet' or 'row' (a table row: cells apart by a column gap, read as '\t')."""
    out, number = [], 0
    for kind in draw(st.lists(st.sampled_from(kinds), min_size=2, max_size=9)):
        text = "\t".join(draw(cells)) if kind == "row" else draw(prose)
        if kind == "numbered":
            number += 1
            text = f"{number}. {text}"
        out.append((kind, text))
    return out


def wrap(text: str, x0: float, hang: float) -> list[tuple[str, float]]:
    """(line, x0) of ``text`` set between x0 and the right margin (the lines after the
    first at ``hang``), breaking between words or after a compound's hyphen."""
    lines: list[tuple[str, float]] = []
    cur, left = "", x0
    for w in text.split(" "):
        room = int((RIGHT - left) / CHAR)
        if not cur or len(cur) + 1 + len(w) <= room:
            cur = f"{cur} {w}" if cur else w
            continue
        head, dash, tail = w.partition("-")
        if dash and tail and len(cur) + 2 + len(head) <= room:
            lines.append((f"{cur} {head}-", left))
            cur = tail
        else:
            lines.append((cur, left))
            cur = w
        left = hang
    lines.append((cur, left))
    return lines


def layout(blocks_: list[tuple[str, str]], breaks: list[int], notes: dict[int, str],
           marks: bool) -> list[Page]:
    """Pages holding ``blocks_``: a new page after each line index in ``breaks`` (or when
    a page is full); a footnote on the pages in ``notes``; with ``marks``, a raised note
    mark after the first line of each paragraph."""
    rows: list[tuple[str, float, float, bool]] = []  # text, x0, x1, first of its block
    for kind, text in blocks_:
        glyph = "\u25fc " if kind == "bullet" else ""
        hang = {"para": LEFT, "row": LEFT, "numbered": 100.0, "bullet": 89.6}[kind]
        wrapped = [(text, LEFT)] if kind == "row" else wrap(glyph + text, LEFT, hang)
        for i, (line, x0) in enumerate(wrapped):
            last = i == len(wrapped) - 1
            rows.append((line, x0, min(RIGHT, x0 + CHAR * len(line)) if last else RIGHT, i == 0))
    pages: list[list[Line]] = [[]]
    y = 736.0
    for i, (text, x0, x1, first) in enumerate(rows):
        # A break after a full line that ends a sentence mid-paragraph is left to
        # test_paragraph_cut_by_a_page_break_after_a_sentence_end_joined (xfail).
        sentence_end = i > 0 and not first and rows[i - 1][0].endswith(".")
        if (i in breaks and not sentence_end) or y < (105 if sentence_end else 130):
            pages.append([])
            y = 736.0
        elif first and pages[-1]:
            y -= PITCH  # the space between paragraphs
        pages[-1].append(Line(text, x0, x1, y, y, BODY, False))
        if marks and first and "\t" not in text:
            pages[-1].append(Line("3", x1 + 0.5, x1 + 4.0, y + 4.5, y + 4.5, 6.5, False))
        y -= PITCH
    while len(pages) < 3:
        pages.append([])
    out = []
    for n, lines in enumerate(pages, 1):
        lines = [Line(HEADER, LEFT, 400.0, 805.0, 805.0, 8.0, True), *lines,
                 Line(f"{FOOTER_DATES}\t{n}", LEFT, 523.0, 30.0, 30.0, 8.0, False),
                 Line(str(n), 515.0, 522.0, 18.0, 18.0, 10.0, False)]
        if n in notes:
            lines[-2:-2] = [Line(f"{n} {notes[n]}", LEFT, 300.0, 100.0, 100.0, 8.0, False)]
        out.append(Page(n, WIDTH, HEIGHT, tuple(lines)))
    return out


@st.composite
def reports(draw, kinds=("para", "numbered", "bullet")):
    written = draw(blocks(kinds))
    total = sum(len(wrap(text, LEFT, 89.6)) for _, text in written) + 2
    breaks = draw(st.lists(st.integers(1, total), max_size=4, unique=True))
    notes = draw(st.dictionaries(st.integers(1, 3), st.sampled_from(
        ["The report of the review of the safeguarding board.", "Figures the council gave the inspectors."]),
        max_size=2))
    marks = draw(st.booleans())
    pages = layout(written, breaks, notes, marks)
    # As in any report, the body's size is the one most of the text is printed in.
    body = sum(len(line.text) for p in pages for line in p.lines if line.size == BODY)
    assume(body > sum(len(line.text) for p in pages for line in p.lines) / 2)
    return written, {n: t for n, t in notes.items() if n <= len(pages)}, pages


def expected_block(kind: str, text: str) -> str:
    return f"- {text}" if kind == "bullet" else text


PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)


@PROPERTY
@given(reports())
def test_property_every_word_comes_back_in_order_with_footnotes_last(report):
    written, notes, pages = report
    text = to_text(drop_furniture(pages))
    words = text.replace("- ", " ").split()
    body = " ".join(expected_block(k, t) for k, t in written).replace("- ", " ").split()
    assert words == body + " ".join(f"{n} {notes[n]}" for n in sorted(notes)).split()


@PROPERTY
@given(reports())
def test_property_each_written_block_comes_back_as_one_block(report):
    written, notes, pages = report
    blocks_ = to_text(drop_furniture(pages)).split("\n\n")
    assert blocks_[:len(written)] == [expected_block(k, t) for k, t in written]


@PROPERTY
@given(reports())
def test_property_furniture_never_survives(report):
    _, _, pages = report
    text = to_text(drop_furniture(pages))
    assert "Zedshire" not in text and "September" not in text
    assert not [b for b in text.split("\n\n") if b.strip().isdigit()]


@PROPERTY
@given(reports(kinds=("para", "numbered", "bullet", "row")))
def test_property_tabs_only_in_table_rows_kept_as_printed(report):
    written, _, pages = report
    lines = to_text(drop_furniture(pages)).split("\n")
    assert [line for line in lines if "\t" in line] == [t for k, t in written if k == "row"]


# -- the real library ----------------------------------------------------------------------


def library_text(name: str) -> str:
    from ingest.readers import read_text

    path = LIBRARY / "pdf" / name
    if not path.is_file():
        pytest.skip(f"the real library is not at {LIBRARY} (this test reads pdf/{name})")
    return read_text(path)


def blocks_of(text: str) -> list[str]:
    return text.split("\n\n")


def grid_rows(text: str) -> list[tuple[str, str]]:
    return [tuple(line.split("\t")) for line in text.split("\n") if line.count("\t") == 1]


def first_numbered(text: str) -> str:
    return next(b for b in blocks_of(text) if re.match(r"1\. ", b) and "\t" not in b)


def test_library_ilacs_2023_grid_paragraphs_and_no_running_footer():
    # Barnsley, September 2023 (ILACS standard): five judgements on page 1, care leavers apart.
    text = library_text("barnsley/2023-10-27.pdf")
    assert grid_rows(text)[:6] == [
        ("Judgement", "Grade"),
        ("The impact of leaders on social work practice with children and families", "Good"),
        ("The experiences and progress of children who need help and protection", "Requires improvement to be good"),
        ("The experiences and progress of children in care", "Good"),
        ("The experiences and progress of care leavers", "Good"),
        ("Overall effectiveness", "Good")]
    assert first_numbered(text).startswith("1. Not all children who need help and protection receive")
    # The footer (title over dates and page number) is printed on every page after the cover;
    # the title is read once, from the cover.
    lines = text.split("\n")
    assert lines.count("Inspection of Barnsley local authority children\u2019s services") == 1
    assert not [line for line in lines if line.startswith("11 to 15 September 2023")]
    assert [b for b in blocks_of(text) if b.startswith("- ")][:1] == [
        "- The engagement of multi-agency partners, including in key decision-making meetings for children "
        "in need of help and protection, and the quality of referrals they make to children\u2019s social care."]


def test_library_ilacs_2018_grid_with_wrapped_grades():
    # Rochdale, early 2018 (ILACS pilot layout): 'Requires improvement to / be good' wraps.
    text = library_text("rochdale/2018-03-12.pdf")
    assert grid_rows(text)[:5] == [
        ("Judgement", "Grade"),
        ("The impact of leaders on social work practice with children and families", "Requires improvement to be good"),
        ("The experiences and progress of children who need help and protection", "Requires improvement to be good"),
        ("The experiences and progress of children in care and care leavers", "Good"),
        ("Overall effectiveness", "Requires improvement to be good")]
    assert not [line for line in text.split("\n") if re.fullmatch(r"\d{1,2}", line)]


def test_library_sif_2014_grid_paragraphs_and_footnote():
    # Barnsley, June 2014 (SIF with the LSCB review): numbered areas, a '2.1' sub-area, a
    # cover footnote, bare page numbers at the foot of every page.
    text = library_text("barnsley/2014-08-08.pdf")
    assert grid_rows(text)[:5] == [
        ("1. Children who need help and protection", "Requires improvement"),
        ("2. Children looked after and achieving permanence", "Requires improvement"),
        ("2.1 Adoption performance", "Requires improvement"),
        ("2.2 Experiences and progress of care leavers", "Good"),
        ("3. Leadership, management and governance", "Requires improvement")]
    assert first_numbered(text).startswith("1. Although the officers in the local authority know their services well")
    blocks_ = blocks_of(text)
    assert not [b for b in blocks_ if b.isdigit()]
    # The cover's footnote (why one PDF holds two reports) comes after the body, not in it.
    note = next(i for i, b in enumerate(blocks_) if b.startswith("Ofsted produces this report under its power"))
    assert note > len(blocks_) // 2


def test_library_looked_after_children_2013_bullets_and_running_header():
    # Medway, July 2013 (inspection of looked after children services): the running header
    # names the council and the inspection over the page number; bullets in Wingdings.
    text = library_text("medway/2013-08-23.pdf")
    assert first_numbered(text).startswith("1. The purpose of the inspection is to evaluate the contribution")
    assert not [line for line in text.split("\n") if "Inspection of safeguarding and looked after children" in line]
    items = [b for b in blocks_of(text) if b.startswith("- ")]
    assert items[0].startswith("- discussions with children and young people receiving services, front line staff")
    assert "\uf0a7" not in text
