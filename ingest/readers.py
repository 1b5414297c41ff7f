"""Turn one report file (.txt, .pdf, .docx, .html) into plain text, or fail with a ReadError.

The text has the shape of the corpus .txt files, which the parser expects: blocks
separated by a blank line, list items as lines starting '- ', a table row as one line
of tab-separated cells, '\\n' newlines and no control characters but '\\t' and '\\n'.
Every library failure becomes a ``ReadError`` whose reason says what is wrong and what
to do; nothing else escapes.
"""
from __future__ import annotations

import codecs
import io
import itertools
import re
import stat
import zipfile
from pathlib import Path
from typing import Callable, Iterator

import docx
import pypdfium2 as pdfium
from bs4 import BeautifulSoup, NavigableString
from bs4.element import PreformattedString
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from core.errors import ReadError

from .pdf_layout import pdf_text

SUPPORTED_SUFFIXES = frozenset({".txt", ".text", ".pdf", ".docx", ".html", ".htm"})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_MB = 1024 * 1024



def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of the report at ``path``; ``ReadError`` if it cannot be read as one."""
    path = Path(path)
    size = _file_size(path)
    reader = _reader_for(path)
    text = _clean(reader(path, _read_bytes(path, size, max_bytes)))
    if not any(ch.isalpha() for ch in text):
        raise ReadError(path, "no text in the file")
    return text


def _file_size(path: Path) -> int:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReadError(path, "file not found; check the path") from None
    except OSError as e:
        raise ReadError(path, f"cannot read the file ({e.strerror or e}); check the path") from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadError(path, "is a folder, not a file; give the path of one report")
    return info.st_size


def _reader_for(path: Path) -> Callable[[Path, bytes], str]:
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        raise ReadError(path, f"unsupported file type {shown}; use .txt, .pdf, .docx or .html")
    return _READERS[suffix]


def _read_bytes(path: Path, size: int, max_bytes: int) -> bytes:
    """The file's bytes; the size is checked before anything is read."""
    if size > max_bytes:
        raise ReadError(path, _too_big(size, max_bytes))
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since stat()
    except PermissionError:
        raise ReadError(path, "permission denied; check the file's permissions") from None
    except OSError as e:
        raise ReadError(path, f"cannot read the file ({e.strerror or e}); check the path") from None
    if len(data) > max_bytes:
        raise ReadError(path, _too_big(len(data), max_bytes))
    if not data:
        raise ReadError(path, "file is empty")
    return data


def _too_big(size: int, limit: int) -> str:
    return (f"file is {_size(size)}, over the {_size(limit, exact=True)} limit for one report; "
            "split it or set RAG_MAX_FILE_MB")


def _size(n: int, exact: bool = False) -> str:
    if n >= _MB:
        return f"{n / _MB:g} MB" if exact else f"{n / _MB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB" if exact else f"{n / 1024:.1f} KB"
    return f"{n} bytes"


# --- plain text -----------------------------------------------------------------------

_MAGIC = {b"%PDF-": "a PDF", b"PK\x03\x04": "a zip or Word file", b"\xd0\xcf\x11\xe0": "an old Word/Excel file"}


def _decode(path: Path, data: bytes, declared: str | None = None) -> str:
    """Decode text bytes: a BOM, else the declared charset, else UTF-8, else clean Windows-1252."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked(path, _strict(path, data, codec))
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise ReadError(path, f"looks like {kind}, not text; give it the right extension")
    if b"\x00" in data:
        raise ReadError(path, "looks like a binary file, not a report")
    if declared:
        return _checked(path, _strict(path, data, declared))
    try:
        return _checked(path, data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # Older council documents are often saved as Windows-1252 ('smart' quotes, £): take
    # that only when it decodes cleanly into prose, so that junk bytes are not let in.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_like_prose(text):
        return text
    raise ReadError(path, "not valid UTF-8 text; save it as UTF-8")


def _strict(path: Path, data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        name = "UTF-8" if codec.startswith("utf-8") else codec
        raise ReadError(path, f"not valid {name} text; save it as UTF-8") from None


def _checked(path: Path, text: str) -> str:
    """Reject decoded text with many control characters (a binary file)."""
    if "\x00" in text or _controls(text) > len(text) // 20:
        raise ReadError(path, "looks like a binary file, not a report")
    return text


_PROSE_EXTRA = set("\xa0‘’“”–—£€©®°•…·½¼¾§¶«»±×")


def _looks_like_prose(text: str) -> bool:
    odd = [ch for ch in text if ord(ch) > 127 and not ch.isalpha() and ch not in _PROSE_EXTRA]
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return not odd and not _controls(text) and non_ascii <= len(text) // 5


def _controls(text: str) -> int:
    return sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")


# --- PDF ------------------------------------------------------------------------------

_ENCRYPTED = "PDF is encrypted; save an unencrypted copy"

# Chosen by measuring on the 398 reports of the real library (bench/results.md, 'PDF
# reader'): PDFium reads all 8,479 pages in about 17 s where pypdf took minutes, keeps
# reading order, and gives each character's position and font, which the layout stage
# needs to drop running headers, rejoin paragraphs and read the judgement grid.


def _read_pdf(path: Path, data: bytes) -> str:
    if b"%PDF-" not in data[:1024]:
        if re.search(rb"<(!doctype html|html)\b", data[:2048], re.I):
            raise ReadError(path, "is a web page saved with a .pdf name, not a PDF; download the report's PDF again")
        raise ReadError(path, _corrupt_pdf("no %PDF header"))
    # A reader may quietly rebuild a cut-short file from what is left; a partial report
    # would lose paragraphs without a word, so insist on the end-of-file marker.
    if b"%%EOF" not in data.rstrip(b"\x00 \t\r\n")[-1024:]:
        raise ReadError(path, _corrupt_pdf("cut short: no %%EOF marker"))
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise ReadError(path, _ENCRYPTED) from None
        raise ReadError(path, _corrupt_pdf(f"PDFium: {_short(e)}")) from None
    try:
        text = _clean(pdf_text(pdf))
    except Exception as e:  # PDFium fails in many ways on damaged pages; each means "cannot read"
        raise ReadError(path, _corrupt_pdf(f"PDFium: {_short(e)}")) from None
    finally:
        pdf.close()
    if not any(ch.isalpha() for ch in text):
        raise ReadError(path, "PDF has no text layer (a scan?); run OCR and ingest the result")
    return text


def _corrupt_pdf(detail: str) -> str:
    return f"PDF is corrupt or not a PDF ({detail}); export or download it again"


def _short(e: Exception) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return msg[:80]


# --- DOCX -----------------------------------------------------------------------------

def _read_docx(path: Path, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            has_body = "word/document.xml" in z.namelist()
            unpacked = sum(info.file_size for info in z.infolist())
    except Exception:  # BadZipFile, or a damaged zip directory
        raise ReadError(path, _bad_docx("not a zip archive")) from None
    if not has_body:
        raise ReadError(path, _bad_docx("no word/document.xml"))
    if unpacked > _MAX_UNPACKED:  # a zip bomb would exhaust memory in python-docx
        raise ReadError(path, f"DOCX unpacks to {_size(unpacked)}, too big for a report; "
                              "save it again without embedded files")
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n\n".join(_docx_blocks(document.element.body, document))
    except Exception as e:
        raise ReadError(path, _bad_docx(_short(e))) from None


_MAX_UNPACKED = 512 * _MB


def _bad_docx(detail: str) -> str:
    return f"DOCX is corrupt or not a Word file ({detail}); open it in Word and save it as .docx"


def _docx_blocks(body, parent) -> Iterator[str]:
    """Blocks in document order; consecutive list items make one block."""
    for is_list, group in itertools.groupby(_docx_parts(body, parent), key=lambda part: part[0]):
        texts = [text for _, text in group]
        yield from ["\n".join(texts)] if is_list else texts


def _docx_parts(body, parent) -> Iterator[tuple[bool, str]]:
    """(is a list item, text) for each paragraph and table of the body."""
    for child in _docx_children(body):
        if child.tag == qn("w:p"):
            para = Paragraph(child, parent)
            text = para.text.strip()
            if text and _is_list(para, child):
                yield True, "- " + " ".join(text.split())
            elif text:
                yield False, text
        elif child.tag == qn("w:tbl"):
            rows = [row for row in map(_docx_row, Table(child, parent).rows) if row]
            if rows:
                yield False, "\n".join(rows)


def _docx_children(element) -> Iterator:
    """The body's paragraphs and tables, looking inside content controls (w:sdt)."""
    for child in element.iterchildren():
        if child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_children(content)
        else:
            yield child


def _is_list(para: Paragraph, p) -> bool:
    """A list style ('List Bullet'), or numbering set on the paragraph; numbered headings are not lists."""
    style = para.style.name if para.style is not None else ""
    if style.startswith(("Heading", "Title")):
        return False
    return "List" in style or p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None


def _docx_row(row) -> str:
    cells: list[str] = []
    previous = None
    for cell in row.cells:
        if cell is previous:  # a cell spanning several grid columns is listed once per column
            continue
        previous = cell
        cells.append(" ".join(cell.text.split()))
    return "\t".join(cells) if any(cells) else ""


# --- HTML -----------------------------------------------------------------------------

_DROP = ["script", "style", "nav", "header", "footer", "noscript", "template", "head", "svg"]
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote",
           "main", "aside", "figure", "figcaption", "address", "dl", "dt", "dd", "form",
           "fieldset", "hr", "body", "html"}
_BR = "\x00"  # marks <br> while whitespace is collapsed (the decoded text has no NUL)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _read_html(path: Path, data: bytes) -> str:
    declared = _CHARSET.search(data[:4096])
    charset = declared.group(1).decode("ascii").lower() if declared else None
    try:
        codecs.lookup(charset or "utf-8")
    except LookupError:
        charset = None  # a name Python does not know: fall back to UTF-8
    text = _decode(path, data, charset)
    try:
        soup = BeautifulSoup(text, "lxml")
        for tag in soup.find_all(_DROP):
            tag.decompose()
        return "\n\n".join(_html_blocks(soup))
    except Exception as e:
        raise ReadError(path, f"HTML cannot be parsed ({_short(e)}); save the page again") from None


def _html_blocks(node) -> list[str]:
    """``node``'s blocks: block elements, lists, tables; inline text joins the open block."""
    blocks: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        block = _html_inline("".join(buf))
        buf.clear()
        if block:
            blocks.append(block)

    def walk(tag) -> None:
        for child in tag.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, doctype, CDATA...
                    buf.append(str(child))
            elif child.name == "br":
                buf.append(_BR)
            elif child.name in ("ul", "ol", "li", "table", "pre"):
                flush()
                blocks.extend(b for b in _html_special(child) if b)
            elif child.name in _BLOCKS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(node)
    flush()
    return blocks


def _html_special(tag) -> list[str]:
    if tag.name == "pre":
        lines = (line.rstrip() for line in tag.get_text().split("\n"))
        return ["\n".join(line for line in lines if line)]
    if tag.name == "table":
        caption = tag.find("caption")
        rows = (_html_row(tr) for tr in tag.find_all("tr") if tr.find_parent("table") is tag)
        return [_html_cell(caption) if caption else "", "\n".join(row for row in rows if row)]
    items = [tag] if tag.name == "li" else tag.find_all("li", recursive=False)
    return ["\n".join(line for li in items for line in _html_items(li))]


def _html_items(li) -> list[str]:
    """'- ' lines for an <li> and the lists nested in it (flattened)."""
    nested = [t for t in li.find_all(["ul", "ol"]) if t.find_parent("li") is li]
    for tag in nested:
        tag.extract()
    own = _html_cell(li)
    lines = [f"- {own}"] if own else []
    for tag in nested:
        lines += [line for sub in tag.find_all("li", recursive=False) for line in _html_items(sub)]
    return lines


def _html_row(tr) -> str:
    cells = [_html_cell(td) for td in tr.find_all(["td", "th"], recursive=False)]
    return "\t".join(cells) if any(cells) else ""


def _html_cell(tag) -> str:
    """All of ``tag``'s text on one line (list items and table cells are one line each)."""
    return " ".join(" ".join(_html_blocks(tag)).split())


def _html_inline(raw: str) -> str:
    """Collapse whitespace within a block; each <br> starts a new line."""
    lines = (" ".join(part.split()) for part in raw.split(_BR))
    return "\n".join(line for line in lines if line)


# --- common ---------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff]")


def _clean(text: str) -> str:
    """'\\n' newlines, page/section breaks as a blank line, no other control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n")
    text = text.replace("\f", "\n\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _CONTROL.sub("", text)


_READERS: dict[str, Callable[[Path, bytes], str]] = {
    ".txt": _decode,
    ".text": _decode,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
}
