"""PDF, DOCX and HTML reports get the same structure as the text corpus: the reader
turns each into text and the parser applies the same rules. Each test builds its own
small report in the format."""
from __future__ import annotations

from pathlib import Path

import docx
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import SimpleDocTemplate, Spacer

from core.model import Kind, ReportMeta, Voice
from ingest.parser import parse
from ingest.readers import read_text

LONG = " ".join(["Health outcomes for children in care are adequate and improving in most areas."] * 12)


def meta(path: Path) -> ReportMeta:
    return ReportMeta("x", "Inspection", "Exampleshire County Council", 2011, "Ofsted", "inspection report",
                      Voice.OFSTED, path.name)


def test_pdf_with_wrapped_lines_and_page_breaks(tmp_path):
    path = tmp_path / "report.pdf"
    styles = getSampleStyleSheet()
    story = [PdfParagraph("Being healthy", styles["Heading2"]), PdfParagraph("Grade 3 (adequate)", styles["Normal"])]
    for n in range(1, 9):  # long enough that some paragraphs run over a page break
        story += [PdfParagraph(f"{n}. Paragraph {n} opens here. {LONG} Paragraph {n} ends here.", styles["Normal"]),
                  Spacer(1, 10)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)

    report = parse(read_text(path), meta(path))
    numbered = [p for p in report.paragraphs if p.kind is Kind.PARAGRAPH]
    assert [p.locator for p in numbered] == [str(n) for n in range(1, 9)]
    for n, p in enumerate(numbered, 1):
        assert p.text.startswith(f"Paragraph {n} opens here.") and p.text.endswith(f"Paragraph {n} ends here.")
        assert p.heading_path == ("Being healthy",)
    (judgement,) = report.judgements
    assert (judgement.area, judgement.grade) == ("Being healthy", "adequate")


def test_docx_headings_numbered_paragraphs_lists_and_tables(tmp_path):
    path = tmp_path / "report.docx"
    d = docx.Document()
    d.add_heading("Areas for improvement", level=2)
    d.add_paragraph("19. The local authority and its partners should take the following action.")
    d.add_paragraph("Within three months:")
    d.add_paragraph("Dorset County Council to ensure that visits are recorded", style="List Bullet")
    d.add_paragraph("NHS Dorset to review its procedures", style="List Bullet")
    d.add_heading("Record of main findings", level=2)
    table = d.add_table(rows=2, cols=2)
    for row, (area, grade) in zip(table.rows, [("Overall effectiveness", "Good"), ("Being healthy", "Adequate")]):
        row.cells[0].text, row.cells[1].text = area, grade
    d.save(str(path))

    report = parse(read_text(path), meta(path))
    assert [p.locator for p in report.paragraphs] == ["19", "19 item 1", "19 item 2",
                                                      "Record of main findings row 1", "Record of main findings row 2"]
    assert [(r.timescale, r.responsible) for r in report.recommendations] == [
        ("within three months", "Dorset County Council"), ("within three months", "NHS Dorset")]
    assert [(j.area, j.grade) for j in report.judgements] == [("Overall effectiveness", "good"),
                                                               ("Being healthy", "adequate")]


def test_html_page(tmp_path):
    path = tmp_path / "report.html"
    path.write_text(
        "<html><head><title>x</title><script>var junk = 1;</script></head><body>"
        "<h2>Staying safe</h2><p>Grade 2 (good)</p>"
        "<p>83. Safeguarding arrangements for children in care are good.</p>"
        "<p>84. Multi-agency arrangements include:</p><ul><li>tracking missing children</li>"
        "<li>return interviews</li></ul></body></html>", encoding="utf-8")

    report = parse(read_text(path), meta(path))
    assert [(p.locator, p.kind) for p in report.paragraphs] == [
        ("Staying safe grade", Kind.GRADE), ("83", Kind.PARAGRAPH), ("84", Kind.PARAGRAPH),
        ("84 item 1", Kind.LIST_ITEM), ("84 item 2", Kind.LIST_ITEM)]
    assert "junk" not in " ".join(p.text for p in report.paragraphs)
    assert [(j.area, j.grade) for j in report.judgements] == [("Staying safe", "good")]
