"""Plain dataclasses for what flows through the answer chain.

LangChain and Chroma types are converted to these at the boundary (retriever.py,
llm.py), so the rest of rag/ only knows these and core.model.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field

from core.model import Paragraph, ReportMeta, Voice

# The words a yes/no answer opens with (Draft.verdict; rag/yesno.py and rag/targets.py say them).
YES, NO = "Yes.", "No."


@dataclass(frozen=True)
class Filters:
    """What to search: any field left None is not restricted."""

    authority: str | None = None  # a council as stored ('Dorset County Council') or its place ('Dorset')
    year: int | None = None  # the report's year, or a year its period names (an inspection in 2011)
    doc_id: str | None = None
    kind: str | None = None  # core.model.Kind value, e.g. 'table row'
    voice: str | None = None  # core.model.Voice value: 'ofsted', 'self-evaluation', 'committee-paper'
    places: tuple[str, ...] = ()  # any of these councils (a question comparing Darlington and Poole)
    years: tuple[int, ...] = ()  # any of these years (... in its 2012 inspection or Poole in 2017)

    @property
    def chooses_reports(self) -> bool:
        """Do these filters choose reports (a council, year, kind of report or report)?"""
        return any((self.authority, self.year, self.doc_id, self.voice, self.places, self.years))

    def allows(self, meta: ReportMeta, paragraph: Paragraph | None = None) -> bool:
        return ((self.authority is None or _same_authority(self.authority, meta))
                and (not self.places or any(_same_authority(p, meta) for p in self.places))
                and (self.year is None or _same_year(self.year, meta))
                and (not self.years or any(_same_year(y, meta) for y in self.years))
                and (self.voice is None or meta.voice.value == self.voice)
                and (self.doc_id is None or meta.doc_id == self.doc_id)
                and (self.kind is None or paragraph is None or paragraph.kind.value == self.kind))

    def where(self, doc_ids: list[str]) -> dict:
        """The Chroma ``where`` clause: the reports these filters allow (resolved by the
        caller with ``allows``, since a place such as 'Dorset' names several councils)."""
        terms: list[dict] = [{"doc_id": {"$in": sorted(doc_ids)}}]
        if self.kind is not None:
            terms.append({"kind": self.kind})
        return terms[0] if len(terms) == 1 else {"$and": terms}


# Days from the end of an inspection to its report's publication, for reports that do not
# print the date (ILACS ones): measured over 131 library reports (every third PDF; the
# library names each file by its publication date) as 28 at the least, 47 at the median
# and 64 at the 90th percentile. Staff name such a report by the year it came out.
PUBLICATION_LAG_DAYS = (28, 64)


def _same_year(year: int, meta: ReportMeta) -> bool:
    """The report's year, a year its period names, or the year an inspection report was
    published or its inspection began: staff say 'the 2017 report' of one inspected in
    November 2016 and published in January. A report that prints no publication date was
    published in the year PUBLICATION_LAG_DAYS after its inspection ended."""
    return (meta.year == year or str(year) in meta.period
            or any(d.startswith(f"{year}-") for d in (meta.published, meta.inspection_start))
            or (not meta.published and year in _publication_years(meta.inspection_end)))


def _publication_years(inspection_end: str) -> set[int]:
    try:
        end = _dt.date.fromisoformat(inspection_end)
    except ValueError:
        return set()
    return {(end + _dt.timedelta(days=d)).year for d in PUBLICATION_LAG_DAYS}


def _same_authority(wanted: str, meta: ReportMeta) -> bool:
    w = " ".join(wanted.lower().split())
    return w in (meta.authority.lower(), meta.place.lower())


@dataclass(frozen=True)
class Hit:
    """A retrieved paragraph (its chunks merged), with the scores that found it."""

    meta: ReportMeta
    paragraph: Paragraph
    score: float  # fused score, higher is better
    dense: float | None = None  # cosine similarity of the best chunk, if dense search found it
    keyword: float | None = None  # BM25 score, if keyword search found it
    source: str = "text"  # 'text' (retrieval) or 'record' (a judgement/recommendation record)
    read_as: str = ""  # a record's own paragraph: what the record read it as ('Overall effectiveness')

    @property
    def key(self) -> tuple[str, str]:
        return (self.meta.doc_id, self.paragraph.locator)


@dataclass(frozen=True)
class Draft:
    """An answerer's output before the guard: sentences, each citing hits by index."""

    sentences: tuple[tuple[str, tuple[int, ...]], ...]  # (sentence, indexes into the hits list)
    abstain: bool = False
    note: str = ""  # e.g. 'Poole 2017 made 15 recommendations.' (already inside sentences)
    invalid_markers: int = 0  # an LLM's markers that named no source shown: the answer counts them removed
    verdict: str = ""  # 'Yes.' / 'No.' for a yes/no question its records decide (rag/yesno.py)
    compared: bool = False  # a comparison's sides composed (rag/compare.py): said in their order, note last
    # Sentences composed from their citations together (a comparison stated over both
    # sides' values): the guard checks them against the cited paragraphs jointly.
    joint: tuple[int, ...] = ()


@dataclass(frozen=True)
class Citation:
    n: int  # the marker [n] in the answer text
    doc_id: str
    title: str
    authority: str
    year: int
    voice: Voice
    locator: str
    label: str  # 'Ofsted, Dorset 2011, para 75'
    heading_path: tuple[str, ...]
    text: str  # the cited paragraph's full text
    support: tuple[str, ...] = ()  # the sentence(s) of the paragraph that back the answer
    source: str = ""  # the full reference: 'Ofsted (2011) Inspection of ...: Dorset, paragraph 75'

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "authority": self.authority, "year": self.year,
                "voice": self.voice.value, "locator": self.locator, "label": self.label, "source": self.source,
                "heading_path": list(self.heading_path), "text": self.text, "support": list(self.support)}


@dataclass(frozen=True)
class Sentence:
    text: str
    citations: tuple[int, ...]  # Citation.n values


@dataclass(frozen=True)
class Answer:
    question: str
    text: str  # the answer with [n] markers, as a briefing note would paste it
    sentences: tuple[Sentence, ...]
    citations: tuple[Citation, ...]
    abstained: bool
    searched: tuple[str, ...]  # short titles of the reports searched
    suggestions: tuple[Citation, ...] = ()  # closest paragraphs, when abstaining
    unsupported_sentences: int = 0  # dropped or marked by the faithfulness guard
    removed_citations: int = 0  # markers that pointed at nothing retrieved
    answerer: str = "extractive"
    latency_ms: float = 0.0
    filters: Filters = field(default_factory=Filters)
    retrieved: tuple[tuple[str, str], ...] = ()  # (doc_id, locator) of every paragraph the answer could cite
    standalone: str = ""  # the question as answered: a follow-up rewritten to stand alone

    def to_dict(self, id: str | None = None) -> dict:
        d = {"id": id, "question": self.question, "answer": self.text, "abstained": self.abstained,
             "citations": [c.to_dict() for c in self.citations],
             "unsupported_sentences": self.unsupported_sentences, "latency_ms": round(self.latency_ms, 1),
             "searched": list(self.searched), "suggestions": [c.to_dict() for c in self.suggestions],
             "removed_citations": self.removed_citations, "answerer": self.answerer,
             "retrieved": [{"doc_id": d, "locator": loc} for d, loc in self.retrieved],
             "filters": {k: v for k, v in asdict(self.filters).items() if v not in (None, ())}}
        if id is None:
            del d["id"]
        return d
