"""ingest.readers: each format becomes corpus-shaped text; each bad file a one-line ReadError."""
from __future__ import annotations

import io
import random
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import make_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from core.errors import ReadError
from ingest.readers import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, read_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

PAGE_1 = ["Inspection of children's services", "1. The council's services are good.",
          "2. Leaders know their service well."]
PAGE_2 = ["3. Children are seen promptly.", "4. Plans are reviewed on time."]




def read_error(path: Path, reason_part: str, **kwargs) -> ReadError:
    """read_text fails with a ReadError naming the file, with a one-line lower-case reason."""
    with pytest.raises(ReadError) as info:
        read_text(path, **kwargs)
    err = info.value
    assert str(path) in str(err)
    assert reason_part in err.reason
    assert "\n" not in str(err)
    first = err.reason.split()[0]
    assert err.reason[0].islower() or first.isupper()  # 'PDF ...', 'DOCX ...' are acronyms
    return err


# --- good files -----------------------------------------------------------------------

def test_supported_suffixes_and_default_limit():
    assert SUPPORTED_SUFFIXES == {".txt", ".text", ".pdf", ".docx", ".html", ".htm"}
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_corpus_text_reads_back_unchanged(path: Path):
    expected = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    assert read_text(path) == expected


def test_text_newlines_bom_and_control_chars(tmp_path: Path):
    f = tmp_path / "a.TXT"  # the suffix is matched in any case
    f.write_bytes(b"\xef\xbb\xbf1. First.\r\n\r\n2. Second\x07.\rThird\x0cFourth")
    assert read_text(f) == "1. First.\n\n2. Second.\nThird\n\nFourth"


def test_utf16_with_bom(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_bytes("Children’s services in Dorset\r\n".encode("utf-16"))
    assert read_text(f) == "Children’s services in Dorset\n"


def test_windows_1252_prose_is_accepted(tmp_path: Path):
    f = tmp_path / "a.text"
    f.write_bytes("The council’s plan costs £2m – “good” progress.\n".encode("cp1252"))
    assert read_text(f) == "The council’s plan costs £2m – “good” progress.\n"


def test_pdf_paragraphs_are_blocks_across_pages(tmp_path: Path):
    # A title and numbered paragraphs, one line each: each is a block of its own.
    text = read_text(make_pdf(tmp_path / "r.pdf", [PAGE_1, PAGE_2]))
    assert text == "\n\n".join(PAGE_1 + PAGE_2)


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path):
    src = make_pdf(tmp_path / "plain.pdf", [PAGE_1])
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt(user_password="", owner_password="owner")
    out = tmp_path / "locked-for-editing.pdf"
    writer.write(out)
    assert read_text(out) == "\n\n".join(PAGE_1)


def test_docx_keeps_document_order_lists_and_tables(tmp_path: Path):
    d = docx.Document()
    d.add_heading("Inspection of Dorset", level=1)
    d.add_paragraph("1. The service is good.")
    d.add_paragraph("Strengths include:")
    d.add_paragraph("stable social workers", style="List Bullet")
    d.add_paragraph("timely visits", style="List Bullet")
    table = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("Area", "Grade"), ("Help and protection", "Good"), ("Leaders", "Good")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    d.add_paragraph("")  # empty paragraphs are dropped
    numbered = d.add_paragraph("a numbered item")
    numbered._p.get_or_add_pPr().get_or_add_numPr()  # list numbering without a list style
    d.add_paragraph("2. After the table.\tWith a tab.")
    f = tmp_path / "r.docx"
    d.save(f)
    assert read_text(f) == (
        "Inspection of Dorset\n\n1. The service is good.\n\nStrengths include:\n\n"
        "- stable social workers\n- timely visits\n\n"
        "Area\tGrade\nHelp and protection\tGood\nLeaders\tGood\n\n"
        "- a numbered item\n\n2. After the table.\tWith a tab."
    )


def test_docx_merged_cell_is_listed_once(tmp_path: Path):
    d = docx.Document()
    table = d.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Overall effectiveness"
    table.cell(0, 2).text = "Good"
    table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 2).text = "a", "b\nc", "d"
    f = tmp_path / "t.docx"
    d.save(f)
    assert read_text(f) == "Overall effectiveness\tGood\na\tb c\td"


def test_html_blocks_lists_tables_and_dropped_parts(tmp_path: Path):
    f = tmp_path / "r.html"
    f.write_text(
        "<html><head><title>Page title</title><style>p {color: red}</style></head><body>"
        "<nav>Home | Reports</nav><header>Site header</header>"
        "<h1>Inspection   of\n Poole</h1>"
        "<p>1. Children are <b>safe</b>\n and   well.<br>A new line.</p>"
        "<ul><li>first item</li><li>second <i>item</i><ol><li>nested item</li></ol></li></ul>"
        "<table><caption>Judgements</caption><thead><tr><th>Area</th><th>Grade</th></tr></thead>"
        "<tr><td>Help and\n protection</td><td>Good</td></tr></table>"
        "<div>Loose <!-- a comment --> text<script>var x = 1;</script></div>"
        "<noscript>Enable JavaScript</noscript><footer>Footer text</footer></body></html>",
        encoding="utf-8",
    )
    assert read_text(f) == (
        "Inspection of Poole\n\n1. Children are safe and well.\nA new line.\n\n"
        "- first item\n- second item\n- nested item\n\n"
        "Judgements\n\nArea\tGrade\nHelp and protection\tGood\n\nLoose text"
    )


def test_html_declared_charset_is_used(tmp_path: Path):
    f = tmp_path / "r.htm"
    page = '<html><head><meta charset="windows-1252"></head><body><p>Children’s plan £5</p></body></html>'
    f.write_bytes(page.encode("cp1252"))
    assert read_text(f) == "Children’s plan £5"


# --- bad files ------------------------------------------------------------------------

def test_missing_file(tmp_path: Path):
    read_error(tmp_path / "nope.pdf", "file not found")


def test_directory(tmp_path: Path):
    folder = tmp_path / "reports.txt"
    folder.mkdir()
    read_error(folder, "is a folder")


def test_empty_file(tmp_path: Path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    read_error(f, "file is empty")


def test_whitespace_only_file(tmp_path: Path):
    f = tmp_path / "blank.txt"
    f.write_text(" \n\n\t \r\n")
    read_error(f, "no text in the file")


def test_binary_file(tmp_path: Path):
    f = tmp_path / "data.txt"
    f.write_bytes(bytes(random.Random(1).randrange(256) for _ in range(4096)) + b"\x00\x00")
    read_error(f, "looks like a binary file, not a report")


def test_pdf_renamed_as_text(tmp_path: Path):
    f = tmp_path / "report.txt"
    f.write_bytes(make_pdf(tmp_path / "r.pdf", [PAGE_1]).read_bytes())
    read_error(f, "looks like a PDF")


def test_undecodable_text(tmp_path: Path):
    f = tmp_path / "latin.txt"
    f.write_bytes(b"Report \x81\x8d\x8f\x90\x9d on services " * 3)
    read_error(f, "not valid UTF-8 text; save it as UTF-8")


def test_unsupported_suffix(tmp_path: Path):
    f = tmp_path / "report.xyz"
    f.write_text("text")
    read_error(f, "unsupported file type '.xyz'; use .txt, .pdf, .docx or .html")


def test_oversize_file_is_refused_before_reading(tmp_path: Path):
    f = tmp_path / "big.txt"
    f.write_text("word " * 100)
    err = read_error(f, "over the 100 bytes limit for one report", max_bytes=100)
    assert "RAG_MAX_FILE_MB" in err.reason


def test_oversize_message_in_megabytes(tmp_path: Path):
    f = tmp_path / "big.txt"
    with f.open("wb") as out:
        out.truncate(3 * 1024 * 1024)  # sparse: no need to write 3 MB
    read_error(f, "file is 3.0 MB, over the 2 MB limit", max_bytes=2 * 1024 * 1024)


def test_corrupt_pdf(tmp_path: Path):
    f = tmp_path / "bad.pdf"
    f.write_bytes(b"%PDF-1.4 garbage")
    read_error(f, "PDF is corrupt or not a PDF")


def test_corrupt_pdf_reports_pdfium_reason(tmp_path: Path):
    f = tmp_path / "bad.pdf"
    f.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n")
    err = read_error(f, "PDF is corrupt or not a PDF (PDFium: ")
    assert len(err.reason) < 200


def test_html_saved_as_pdf(tmp_path: Path):
    f = tmp_path / "download.pdf"
    f.write_text("<html><body>404 Not Found</body></html>")
    read_error(f, "is a web page saved with a .pdf name, not a PDF; download the report's PDF again")


def test_other_file_saved_as_pdf(tmp_path: Path):
    f = tmp_path / "notes.pdf"
    f.write_text("Some notes, not a PDF at all.")
    read_error(f, "no %PDF header")


def test_truncated_pdf(tmp_path: Path):
    data = make_pdf(tmp_path / "r.pdf", [PAGE_1, PAGE_2]).read_bytes()
    f = tmp_path / "cut.pdf"
    f.write_bytes(data[: len(data) // 2])
    read_error(f, "PDF is corrupt or not a PDF")


def test_encrypted_pdf(tmp_path: Path):
    writer = PdfWriter(clone_from=PdfReader(make_pdf(tmp_path / "r.pdf", [PAGE_1])))
    writer.encrypt(user_password="x")
    f = tmp_path / "locked.pdf"
    writer.write(f)
    read_error(f, "PDF is encrypted; save an unencrypted copy")


def test_pdf_without_text_layer(tmp_path: Path):
    f = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(f), pagesize=A4)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    read_error(f, "PDF has no text layer (a scan?); run OCR and ingest the result")


def test_docx_that_is_a_zip_of_junk(tmp_path: Path):
    f = tmp_path / "junk.docx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("junk.txt", "not a word document")
    read_error(f, "DOCX is corrupt or not a Word file")


def test_docx_that_is_plain_text(tmp_path: Path):
    f = tmp_path / "renamed.docx"
    f.write_text("1. This was a text file.")
    read_error(f, "DOCX is corrupt or not a Word file")


def test_docx_with_broken_xml(tmp_path: Path):
    good = tmp_path / "good.docx"
    docx.Document().save(good)
    f = tmp_path / "broken.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(f, "w") as dst:
        for item in src.infolist():
            data = b"<w:document><unclosed" if item.filename == "word/document.xml" else src.read(item)
            dst.writestr(item, data)
    read_error(f, "DOCX is corrupt or not a Word file")


# --- no library exception escapes -----------------------------------------------------

def _only_read_errors(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / f"x{suffix}"
        f.write_bytes(data)
        try:
            text = read_text(f)
        except ReadError:
            return
        assert all(ch in "\t\n" or ord(ch) >= 32 for ch in text)
        assert "\r" not in text and any(ch.isalpha() for ch in text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)), data=st.binary(max_size=300))
def test_any_bytes_give_text_or_read_error(suffix: str, data: bytes):
    _only_read_errors(suffix, data)


@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=200))
def test_mangled_pdf_gives_read_error(body: bytes):
    _only_read_errors(".pdf", b"%PDF-1.4\n" + body + b"\n%%EOF\n")


@settings(max_examples=40, deadline=None)
@given(xml=st.binary(max_size=200))
def test_mangled_docx_gives_read_error(xml: bytes):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", xml)
        z.writestr("word/document.xml", xml)
    _only_read_errors(".docx", buf.getvalue())


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    f = tmp_path / "secret.txt"
    f.write_text("text")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)  # chmod does not stop root, who may run the tests
    read_error(f, "permission denied")
