"""Plain dataclasses for what flows through the pipeline.

Chroma and LangChain types are converted to and from these at the boundary
(``store.py``, ``rag/``), so the rest of the code only knows these.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class Voice(str, Enum):
    """Whose words a report holds: a briefing note must keep these apart."""

    OFSTED = "ofsted"  # independent inspection judgement
    SELF_EVALUATION = "self-evaluation"  # the council's own view of itself
    COMMITTEE_PAPER = "committee-paper"  # a council cabinet/committee report

    @property
    def description(self) -> str:
        return {
            Voice.OFSTED: "Ofsted's independent judgement",
            Voice.SELF_EVALUATION: "the council's own self-evaluation",
            Voice.COMMITTEE_PAPER: "a council committee paper",
        }[self]


class Kind(str, Enum):
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"
    TABLE_ROW = "table row"
    HEADING = "heading"
    GRADE = "grade"


@dataclass(frozen=True)
class ReportMeta:
    """What we know about a report before reading its text (manifest, file name)."""

    doc_id: str
    title: str
    authority: str
    year: int
    publisher: str
    report_type: str
    voice: Voice
    source_file: str
    period: str = ""
    # Read from an Ofsted report's own cover (ingest/cover.py); '' where not printed.
    # Dates are ISO 'YYYY-MM-DD'.
    inspection_start: str = ""
    inspection_end: str = ""
    published: str = ""
    lead_inspector: str = ""
    framework: str = ""  # core.grades.FRAMEWORKS key: 'ilacs', 'sif', 'safeguarding_lac', 'lac'
    inspection_kind: str = ""  # 'standard', 'short', ... where the report says

    @property
    def place(self) -> str:
        """'Dorset County Council' -> 'Dorset'; 'Borough of Poole' -> 'Poole'."""
        return _place(self.authority)

    @property
    def short_title(self) -> str:
        """How a briefing note names the report, e.g. 'Ofsted, Dorset 2011'."""
        place = _place(self.authority)
        if self.voice is Voice.OFSTED:
            return f"Ofsted, {place} {self.year}"
        if self.voice is Voice.SELF_EVALUATION:
            return f"{place} self-evaluation {self.year}"
        body = "Cabinet" if "cabinet" in self.publisher.lower() else "Council"
        return f"{place} {body} {self.year}"


def _place(authority: str) -> str:
    for suffix in (" County Council", " Borough Council", " City Council", " Council"):
        if authority.endswith(suffix):
            return authority[: -len(suffix)]
    if authority.startswith("Borough of "):
        return authority[len("Borough of "):]
    return authority


# Locators of the judgement grid an inspection report prints on its first page:
# 'judgements row 1' is its first graded area.
GRID = "judgements"


@dataclass(frozen=True)
class Paragraph:
    """One citable unit of a report, as printed.

    ``locator`` is unique within the report and is what a reader cites
    ('75', '3.4', 'Appendix 1 para 12', '4.9 b ¶2', 'Summary (Leadership...) ¶3').
    ``text`` is the clean text (numbers, bullets and page furniture removed).
    ``lead_in`` is the sentence that introduces a list item or the header of a
    table row's table, so a chunk can carry it.
    """

    doc_id: str
    locator: str
    heading_path: tuple[str, ...]
    kind: Kind
    text: str
    order: int
    number: str | None = None
    cells: tuple[str, ...] = ()
    lead_in: str = ""

    @property
    def heading(self) -> str:
        return " > ".join(self.heading_path)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["kind"] = self.kind.value
        d["heading_path"] = list(self.heading_path)
        d["cells"] = list(self.cells)
        return d


@dataclass(frozen=True)
class Judgement:
    doc_id: str
    area: str
    heading_path: tuple[str, ...]
    grade_printed: str
    grade: str  # normalised by core.grades, e.g. "requires improvement to be good"
    grade_number: int | None
    framework: str
    locator: str
    source: str  # 'grade line', 'table', 'grid', 'heading', 'sentence'
    # The judgement's canonical name across frameworks (core.grades.FIELDS), e.g.
    # 'overall_effectiveness', 'help_and_protection', 'in_care', 'care_leavers', 'lscb';
    # '' for an area with no canonical name (a 2011 outcome area such as 'Being healthy').
    field: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["heading_path"] = list(self.heading_path)
        return d


@dataclass(frozen=True)
class Recommendation:
    doc_id: str
    text: str
    timescale: str
    responsible: str
    locator: str
    heading_path: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        d = asdict(self)
        d["heading_path"] = list(self.heading_path)
        return d


@dataclass(frozen=True)
class Report:
    meta: ReportMeta
    paragraphs: tuple[Paragraph, ...]
    judgements: tuple[Judgement, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    content_hash: str = ""

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    def paragraph(self, locator: str) -> Paragraph:
        for p in self.paragraphs:
            if p.locator == locator:
                return p
        raise KeyError(locator)


@dataclass(frozen=True)
class Chunk:
    """What goes into the vector store: one paragraph, or one part of a long one.

    ``text`` is the paragraph's exact text (or the part of it); ``embed_text`` adds
    the context (report, heading path, grade) that helps retrieval find it.
    """

    chunk_id: str
    doc_id: str
    locator: str
    part: int
    parts: int
    text: str
    embed_text: str
    metadata: dict = field(default_factory=dict)
