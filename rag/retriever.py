"""Hybrid retrieval: dense (Chroma) + keyword (BM25) over paragraphs, fused by RRF.

::

    retriever = HybridRetriever(settings)          # checks settings, loads nothing
    retriever.warm_up()                            # model + records + keyword index
    hits = retriever.retrieve("How good are health outcomes for children in care?",
                              Filters(authority="Dorset County Council", year=2011))
    hits, best = retriever.search(question, filters)  # Retrieval, unpacks as
                                                      # (hits, best_dense)

Why two searches: the embedding finds paragraphs that say the same thing in other
words; BM25 finds the exact words the embedding blurs (names, figures, acronyms,
'out-of-hours'). Each ranks *paragraphs*: a long paragraph's several chunks count
once, at its best chunk. Reciprocal Rank Fusion then adds 1/(rrf_k + rank) over the
two lists, which needs no calibration between a cosine and a BM25 score. The fused
top k always holds each search's own first each_top paragraphs and the sentence_top
candidates whose closest sentence is nearest the question (rag/sentence_rank.py, with
the sentence vectors ingest stored beside the records: ``sentence_vectors``); these
numbers are ``settings.tuning``'s (core/tuning.py). BM25 leaves out the council and
year words the filters have already applied.

Abstaining is the caller's decision: ``Retrieval.best_dense`` is the cosine
similarity of the best chunk dense search found within the filters (-1.0, the
lowest cosine, when none passed them), to compare with ``settings.abstain_below``.
BM25 scores are not used for that: they are unbounded and grow with the number of
matching words.

Consistency with ingest: a chunk counts only if its content_hash is the one in the
records we loaded (the store's own rule for what belongs to the index). When an
ingest changes the index, call ``refresh()``: when ``Index.version()`` (a listing of
the record files) moved, it compares ``Index.hashes()`` with what was loaded and
reloads only if they differ.

What ingest stores for questions: beside each record, its chunks' vectors, so dense
search of a few reports (a question naming a council, a year) is one product with
those reports' vectors here, exact, and Chroma is asked only to search the whole
library (measured on 131 reports, 19,500 chunks: a Chroma search naming one report's
70 chunk ids took 16.5 ms, a metadata filter 21 ms, against 6 ms unfiltered); and every
sentence's vector, so a question embeds only itself. A record from before these were
stored gets Chroma (naming the chunk ids the record lists, else the metadata filter)
and sentences embedded per question, as before.

Chroma types stop at ``ingest.store``; LangChain types live in ``rag/lc.py``. This
module hands out ``Hit``/``Paragraph``/``Report`` dataclasses only.
"""
from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

import numpy as np

from core.errors import NotFoundError
from core.model import Paragraph, Report
from core.settings import Settings
from ingest.chunker import chunked
from ingest.embedder import Embedder, load_embedder
from ingest.store import Index

from .keyword import KeywordIndex, as_reports_say, report_words, tokenize, without_report_named
from .model import Filters, Hit
from .sentence_rank import SentenceRanker

NO_DENSE = -1.0  # best_dense when dense search found nothing: below any threshold
# Stored vector files kept open (memory-mapped; a report's chunks and its sentences are
# one file each). A search of more reports than half of this asks Chroma instead.
OPEN_VECTOR_FILES = 128

Key = tuple[str, str]  # (doc_id, locator)


@dataclass(frozen=True)
class Retrieval:
    """What one search found.

    ``hits``: the fused top k, best first. ``best_dense``: cosine similarity of the
    best chunk within the filters, -1.0 if dense search found none (compare it with
    ``settings.abstain_below``). ``dense``/``keyword``: each method's own paragraph
    ranking before fusion, (key, score) best first, for evaluation and debugging.
    ``searched``: short titles of the reports the filters allowed.

    Unpacks as ``hits, best_dense = retrieval`` (hits as a list).
    """

    question: str
    hits: tuple[Hit, ...]
    best_dense: float
    dense: tuple[tuple[Key, float], ...] = ()
    keyword: tuple[tuple[Key, float], ...] = ()
    searched: tuple[str, ...] = ()

    def __iter__(self):
        return iter((list(self.hits), self.best_dense))


@dataclass(frozen=True)
class _Snapshot:
    """Everything read from the records at one moment; replaced whole by refresh()
    so a search running in another thread always sees one consistent version."""

    version: tuple  # Index.version() read before the records: an ingest since shows as a change
    reports: dict[str, Report]
    hashes: dict[str, str]
    paragraphs: dict[Key, Paragraph]  # every searchable paragraph
    by_report: dict[str, tuple[Key, ...]]  # doc_id -> its searchable paragraphs' keys
    position: dict[Key, int]  # reading order across reports: breaks score ties
    keyword: KeywordIndex
    infos: dict[str, dict]  # doc_id -> the index's book-keeping (chunks, indexed_at)
    # key -> its rows in its report's stored sentence vectors (reports that have them)
    sentence_rows: dict[Key, slice] = dataclasses.field(default_factory=dict)
    # doc_id -> (chunk id, paragraph key, kind) of each of its chunks, in the order of its
    # stored chunk vectors' rows, for the reports whose record lists them (Index.chunk_ids)
    chunks: dict[str, tuple[tuple[str, Key, str], ...]] = dataclasses.field(default_factory=dict)


class HybridRetriever:
    def __init__(self, settings: Settings, index: Index | None = None, embedder: Embedder | None = None):
        if not isinstance(settings, Settings):
            raise TypeError(f"settings must be an core.settings.Settings, not {type(settings).__name__}")
        self.settings = settings
        self.index = index if index is not None else Index(settings)  # checks the collection name; no I/O
        self._embedder = embedder
        self._sentences: SentenceRanker | None = None
        self._snapshot: _Snapshot | None = None
        self._open: OrderedDict[tuple[str, str, str], object] = OrderedDict()
        self._open_lock = threading.Lock()

    # -- loading -------------------------------------------------------------------

    def warm_up(self) -> None:
        """Load the embedding model and the records; build the keyword index.
        Idempotent. Raises NotFoundError if nothing has been ingested."""
        if self._embedder is None:
            self._embedder = load_embedder(self.settings)
        else:
            self._embedder.warm_up()
        if self._sentences is None:
            self._sentences = SentenceRanker(self._embedder)
        if self._snapshot is None:
            self._snapshot = self._load()

    def refresh(self) -> bool:
        """Reload the records if an ingest changed them since; True if it reloaded."""
        if self._snapshot is None:
            self.warm_up()
            return True
        # The version check is one directory listing; the records are read only when
        # it changed (which a repair that rewrote nothing can also do).
        version = self.index.version()
        if version == self._snapshot.version:
            return False
        if self.index.hashes() == self._snapshot.hashes:
            self._snapshot = dataclasses.replace(self._snapshot, version=version)
            return False
        # Another process may have stored the new chunks: an embedded Chroma keeps the
        # vector index it loaded, and an unfiltered search would miss them (Index.reopen).
        self.index.reopen()
        self._snapshot = self._load()
        return True

    def _load(self) -> _Snapshot:
        version = self.index.version()
        records = self.index.records()
        reports = {r.doc_id: r for r, _ in records}
        infos = {r.doc_id: info for r, info in records}
        if not reports:
            raise NotFoundError("the index is empty: run `python -m ingest corpus/` first")
        paragraphs: dict[Key, Paragraph] = {}
        position: dict[Key, int] = {}
        by_report: dict[str, tuple[Key, ...]] = {}
        for report in reports.values():
            keys = []
            for p in report.paragraphs:
                if chunked(p):  # a paragraph without chunks is never a hit
                    key = (report.doc_id, p.locator)
                    paragraphs[key] = p
                    position[key] = len(position)
                    keys.append(key)
            by_report[report.doc_id] = tuple(keys)
        # Analysed texts are kept from the last build: after an ingest only the new
        # report's paragraphs are tokenised again.
        previous = self._snapshot.keyword.analysed if self._snapshot else None
        keyword = KeywordIndex(self.settings.tuning).build(((key, keyword_text(p)) for key, p in paragraphs.items()),
                                                           cache=previous)
        hashes = {doc_id: r.content_hash for doc_id, r in reports.items()}
        chunks = {}
        for doc_id, report in reports.items():
            listed = Index.chunk_ids(report, infos[doc_id])
            if listed is not None:
                chunks[doc_id] = tuple((cid, (doc_id, p.locator), p.kind.value)
                                       for p in report.paragraphs for cid in listed[p.locator])
        return _Snapshot(version, reports, hashes, paragraphs, by_report, position, keyword, infos,
                         _sentence_rows(reports, infos), chunks)

    def _stored(self, snap: _Snapshot, candidates: Sequence[tuple[Key, Paragraph]]) -> list[np.ndarray | None]:
        """Each candidate's stored sentence vectors, None where there are none (no file, or
        the paragraph is not the one this snapshot holds under its key)."""
        out: list[np.ndarray | None] = [None] * len(candidates)
        for n, (key, p) in enumerate(candidates):
            rows = snap.sentence_rows.get(key)
            if rows is None or snap.paragraphs.get(key) != p:
                continue
            stored = self._vector_file(key[0], snap, "sentences")
            if stored is not None:
                out[n] = np.array(stored.vectors[rows], dtype=np.float32)  # a copy, not a view of the file
        return out

    def _vector_file(self, doc_id: str, snap: _Snapshot, what: str):
        """A report's stored ``what`` ('sentences': SentenceVectors, 'chunks': a matrix),
        opened once and kept (the most recent OPEN_VECTOR_FILES); None if it has none."""
        key = (doc_id, snap.hashes[doc_id], what)
        with self._open_lock:
            if key in self._open:
                self._open.move_to_end(key)
                return self._open[key]
        read = self.index.sentence_vectors if what == "sentences" else self.index.chunk_vectors
        stored = read(doc_id, key[1], snap.infos.get(doc_id, {}))
        with self._open_lock:
            self._open[key] = stored
            while len(self._open) > OPEN_VECTOR_FILES:
                self._open.popitem(last=False)
        return stored

    def sentence_vectors(self, candidates: Sequence[tuple[Key, Paragraph]]) -> list[np.ndarray]:
        """Each (key, paragraph)'s sentence vectors, one row per
        ``ingest.sentences.sentence_texts`` entry: stored ones, else embedded."""
        snap = self._ready()
        return self._sentences.vectors(candidates, stored=lambda c: self._stored(snap, c))

    def _ready(self) -> _Snapshot:
        if self._snapshot is None or self._embedder is None:
            self.warm_up()
        return self._snapshot

    # -- lookups ---------------------------------------------------------------------

    @property
    def reports(self) -> dict[str, Report]:
        """doc_id -> Report for every report loaded (a copy: safe to change)."""
        return dict(self._ready().reports)

    @property
    def infos(self) -> dict[str, dict]:
        """doc_id -> the index's book-keeping for it (``Index.record_info``), as loaded."""
        return dict(self._ready().infos)

    def paragraph(self, doc_id: str, locator: str) -> Paragraph:
        report = self._report(doc_id)
        try:
            return report.paragraph(locator)
        except KeyError:
            raise NotFoundError(f"{report.meta.short_title} has no paragraph {locator!r}") from None

    def _report(self, doc_id: str) -> Report:
        try:
            return self._ready().reports[doc_id]
        except KeyError:
            raise NotFoundError(f"no report {doc_id!r} in the index; see the ids with `python -m ingest list`") from None

    # -- search ----------------------------------------------------------------------

    def retrieve(self, question: str, filters: Filters | None = None, k: int | None = None) -> list[Hit]:
        """The top ``k`` (default ``settings.top_k``) paragraphs for ``question``."""
        return list(self.search(question, filters, k).hits)

    def search(self, question: str, filters: Filters | None = None, k: int | None = None, *,
               vector: list[float] | None = None) -> Retrieval:
        """``vector``: the question's embedding, when the caller has it already (several
        searches for one question embed it once)."""
        k = self.settings.top_k if k is None else k
        if k < 1:
            raise ValueError("k must be at least 1")
        question = (question or "").strip()
        if not question:
            raise ValueError("the question is empty")
        filters = filters or Filters()
        snap = self._ready()
        tuning = self.settings.tuning
        depth = max(tuning.depth_factor * k, tuning.min_depth)
        # Filters are resolved against the reports here, not in Chroma: a place such
        # as 'Dorset' names several councils (Filters.allows knows how).
        doc_ids = [doc_id for doc_id, r in snap.reports.items() if filters.allows(r.meta)]
        searched = tuple(snap.reports[doc_id].meta.short_title for doc_id in doc_ids)
        if not doc_ids:
            return Retrieval(question, (), NO_DENSE, searched=searched)

        if vector is None:
            vector = embed_question(self._embedder, searched_text(question, filters))
        dense, best_dense = self._dense(snap, vector, filters, doc_ids, depth)
        keyword = self._keyword(snap, question, filters, doc_ids, depth)
        # settings.retrieval picks the lists to fuse ('dense' or 'keyword' alone: for comparison runs).
        lists = {"fused": (dense, keyword), "dense": (dense,), "keyword": (keyword,)}[self.settings.retrieval]
        weights = tuning.fusion_weights if len(lists) == 2 else None
        fused = reciprocal_rank_fusion([[key for key, _ in ranking] for ranking in lists], tuning.rrf_k, weights)
        ranked = sorted(fused, key=lambda key: (-fused[key], snap.position[key]))
        if len(lists) == 2:
            tops = [[key for key, _ in ranking[:tuning.each_top]] for ranking in lists]
            closest = self._sentences.rank(vector, [(key, snap.paragraphs[key])
                                                    for key in ranked[:tuning.sentence_depth]],
                                           stored=lambda candidates: self._stored(snap, candidates))
            # The fused order is a search too: its first (both searches agree on it) is kept
            # with theirs, not lost when their tops alone fill k.
            ranked = keep_each_top(ranked, [ranked[:1]] + tops
                                   + [[key for key, _ in closest[:tuning.sentence_top]]], k)
        ranked = ranked[:k]

        dense_score, keyword_score = dict(dense), dict(keyword)
        hits = tuple(
            Hit(
                meta=snap.reports[key[0]].meta,
                paragraph=snap.paragraphs[key],
                score=fused[key],
                dense=dense_score.get(key),
                keyword=keyword_score.get(key),
            )
            for key in ranked
        )
        return Retrieval(question, hits, best_dense, tuple(dense), tuple(keyword), searched)

    def _dense(self, snap: _Snapshot, vector: list[float], filters: Filters, doc_ids: list[str], depth: int):
        """Paragraph ranking by best chunk cosine, and the best cosine overall."""
        best: dict[Key, float] = {}  # insertion order = rank order (results come best first)
        # No filter when every report is allowed: a `$in` of every id costs Chroma a scan.
        where = None if _all_allowed(snap, filters, doc_ids) else filters.where(doc_ids)
        found = self._dense_stored(snap, vector, filters, doc_ids, depth) if where is not None else None
        if found is None:
            found = self._dense_chroma(snap, vector, filters, doc_ids, depth, where)
        for key, similarity in found:
            best.setdefault(key, similarity)
        ranking = list(best.items())
        return ranking, (ranking[0][1] if ranking else NO_DENSE)

    def _dense_chroma(self, snap: _Snapshot, vector: list[float], filters: Filters, doc_ids: list[str],
                      depth: int, where: dict | None) -> list[tuple[Key, float]]:
        """As ``_dense_stored``, from Chroma: the whole library, or reports without stored vectors."""
        # The chunks that filter selects, named where the records list them: Chroma then
        # need not scan every chunk's metadata to find them.
        ids = None if where is None else _chunk_ids(snap, filters, doc_ids)
        found = []
        for chunk, similarity in self.index.query(vector, depth, where=where, ids=ids):
            key = (chunk.doc_id, chunk.locator)
            if chunk.metadata.get("content_hash") != snap.hashes.get(chunk.doc_id) or key not in snap.paragraphs:
                continue  # a chunk of another version of the report (see refresh())
            if not filters.allows(snap.reports[chunk.doc_id].meta, snap.paragraphs[key]):
                continue  # Chroma filtered already; this keeps both searches on one rule
            found.append((key, similarity))
        return found

    def _dense_stored(self, snap: _Snapshot, vector: list[float], filters: Filters, doc_ids: list[str],
                      depth: int) -> list[tuple[Key, float]] | None:
        """The ``depth`` nearest chunks of ``doc_ids`` within ``filters``, as (paragraph key,
        cosine) best first, from the chunk vectors stored beside the records; None when a
        report has none (then Chroma searches) or there are too many reports to keep open."""
        if len(doc_ids) > OPEN_VECTOR_FILES // 2:
            return None
        q = np.asarray(vector, dtype=np.float32)
        keys: list[Key] = []
        scores: list[np.ndarray] = []
        for doc_id in doc_ids:
            rows = snap.chunks.get(doc_id)
            stored = self._vector_file(doc_id, snap, "chunks") if rows is not None else None
            if stored is None or len(rows) != len(stored):
                return None
            meta = snap.reports[doc_id].meta
            allowed = {key: key in snap.paragraphs and filters.allows(meta, snap.paragraphs[key])
                       for key in dict.fromkeys(key for _, key, _ in rows)}
            wanted = [n for n, (_, key, kind) in enumerate(rows)
                      if allowed[key] and (filters.kind is None or kind == filters.kind)]
            keys += [rows[n][1] for n in wanted]
            scores.append(np.asarray(stored[wanted], dtype=np.float32) @ q)
        if not keys:
            return []
        similarity = np.concatenate(scores)
        top = np.argsort(-similarity, kind="stable")[:depth]
        return [(keys[n], float(similarity[n])) for n in top]

    def _keyword(self, snap: _Snapshot, question: str, filters: Filters, doc_ids: list[str], depth: int):
        allowed = None
        if not _all_allowed(snap, filters, doc_ids):
            allowed = {key for doc_id in doc_ids for key in snap.by_report[doc_id]
                       if filters.allows(snap.reports[doc_id].meta, snap.paragraphs[key])}
        # The council and year the filters chose add nothing to a match within them; as
        # words they only favour the paragraphs that happen to print them. Nor do the words
        # naming the report they chose (``searched_text``, keyword.report_words): they favour
        # its paragraphs about itself.
        chosen = [filters.authority or "", *filters.places, *(str(y) for y in (filters.year, *filters.years) if y)]
        ignore = frozenset(tokenize(" ".join(chosen)))
        if filters.chooses_reports:
            ignore |= report_words(question, ignore)
        return snap.keyword.search(searched_text(question, filters), depth, allowed=allowed, ignore=ignore)


def _sentence_rows(reports: dict[str, Report], infos: dict[str, dict]) -> dict[Key, slice]:
    """Where each paragraph's sentences are in its report's stored vectors, for the
    reports whose record lists them for this version (``Index.sentence_vectors`` checks
    the file itself when it is opened)."""
    rows: dict[Key, slice] = {}
    for doc_id, report in reports.items():
        meta = infos.get(doc_id, {}).get("sentences")
        counts = meta.get("counts") if isinstance(meta, dict) else None
        if (not isinstance(counts, list) or len(counts) != len(report.paragraphs)
                or meta.get("content_hash") != report.content_hash):
            continue
        start = 0
        for p, n in zip(report.paragraphs, counts):
            rows[(doc_id, p.locator)] = slice(start, start + n)
            start += n
    return rows


def _chunk_ids(snap: _Snapshot, filters: Filters, doc_ids: list[str]) -> list[str] | None:
    """The ids of the chunks ``filters.where(doc_ids)`` selects (those reports' chunks, of
    the paragraph kind it names), or None if a report's record does not list them."""
    out: list[str] = []
    for doc_id in doc_ids:
        listed = snap.chunks.get(doc_id)
        if listed is None:
            return None
        out += [cid for cid, _, kind in listed if filters.kind is None or kind == filters.kind]
    return out


def _all_allowed(snap: _Snapshot, filters: Filters, doc_ids: list[str]) -> bool:
    return filters.kind is None and len(doc_ids) == len(snap.reports)


def reciprocal_rank_fusion(rankings: Sequence[Iterable[Hashable]], k: int,
                           weights: Sequence[float] | None = None) -> dict[Hashable, float]:
    """key -> sum over rankings of weight / (k + rank), rank counted from 1. A key listed
    twice in one ranking counts once, at its first (best) place."""
    fused: dict[Hashable, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        seen: set = set()
        for key in ranking:
            if key in seen:
                continue
            seen.add(key)
            fused[key] = fused.get(key, 0.0) + weight / (k + len(seen))
    return fused


def embed_question(embedder: Embedder, question: str) -> list[float]:
    """A question's vector, in the reports' words where a reader's differ
    (keyword.as_reports_say): every search and answer embeds a question here."""
    (vector,) = embedder.embed_query([as_reports_say(question)])
    return vector


def searched_text(question: str, filters: Filters) -> str:
    """What is searched for: the question, less the words naming its report where the filters
    chose the reports (keyword.without_report_named); without filters those words are all
    that chooses them ('Who is the director in the Dorset cabinet paper?')."""
    return without_report_named(question) if filters.chooses_reports else question


def keep_each_top(ranked: list, tops: Sequence[Sequence], k: int) -> list:
    """``ranked``'s first k, with every key of ``tops`` in it (each taking the place of
    the lowest-ranked key not in ``tops``), in ``ranked`` order; then the rest.
    More keys to keep than room: each list's first before any list's second, and so on
    (fused order breaks ties), so one search's first is never lost to others' seconds and
    thirds ('Our ... Plan 2020-23 was approved by ...' was dense search's first, fused 18th,
    and fell out behind the keyword and sentence searches' own tops)."""
    order = {key: i for i, key in enumerate(ranked)}
    by_depth = sorted(((depth, order.get(key, len(order)), key) for top in tops for depth, key in enumerate(top)
                       if key in order), key=lambda t: t[:2])
    keep = list(dict.fromkeys(key for _, _, key in by_depth))[:k]
    kept = set(keep)
    head = keep + [key for key in ranked if key not in kept][:k - len(keep)]
    head.sort(key=order.__getitem__)
    chosen = set(head)
    return head + [key for key in ranked if key not in chosen]


def keyword_text(paragraph: Paragraph) -> str:
    """What BM25 sees for a paragraph: its headings and lead-in (the words a reader
    would search for it by) and its text."""
    return " ".join(part for part in (" ".join(paragraph.heading_path), paragraph.lead_in, paragraph.text) if part)


