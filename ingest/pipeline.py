"""Ingest report files into the index: read -> meta -> parse -> hash -> chunk -> embed -> store.

Embedding is of the chunks (what dense search finds, in ``RAG_INGEST_PRECISION``) and of
every paragraph's sentences (what the answer chain ranks and quotes; ``ingest/sentences.py``),
both in ``RAG_INGEST_PRECISION``, so a question embeds only itself.

``Ingestor(settings).ingest(paths)`` returns one ``FileResult`` per file. A file
that cannot be used (``RagError``: unreadable, no manifest row, parse failure,
duplicate...) is one 'failed' result and the others go on; any other exception is
a bug and propagates. The whole run holds the ingest lock and starts by removing
orphan chunks a killed run may have left (``Index.repair``).

A report is re-embedded only when its content hash changes. The hash covers the
read text, the parser and chunker versions, the chunk settings, the embedding
model and the report's metadata (manifest row), since a change to any of them
changes the stored chunks; see ``content_hash``.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from core.errors import ParseError, RagError
from core.model import Report, ReportMeta
from core.settings import Settings

from .chunker import CHUNKER_VERSION, Chunker
from .embedder import Embedder, for_ingest, make_embedder
from .lock import ingest_lock
from .manifest import load_manifest, meta_for
from .parser import PARSER_VERSION, parse
from .readers import SUPPORTED_SUFFIXES, read_text
from .sentences import embed_sentences
from .store import Index

Status = Literal["added", "replaced", "unchanged", "failed"]
# progress(done, total, path, result): result is None when ``path`` starts, then the
# FileResult when it ends; ``done`` counts finished files.
Progress = Callable[[int, int, Path, "FileResult | None"], None]

_SKIP_STEMS = ("readme", "manifest")


@dataclass
class FileResult:
    path: Path
    doc_id: str
    status: Status
    paragraphs: int = 0
    chunks: int = 0
    judgements: int = 0
    recommendations: int = 0
    seconds: float = 0.0
    error: str = ""
    # seconds per step: read, parse, chunk, embed (chunks and sentences), store (for the
    # benchmark); embed_sentences is the sentences' part of embed
    timings: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def content_hash(text: str, meta: ReportMeta, config: str) -> str:
    """sha256 of the read text + parser version + index config + report metadata."""
    h = hashlib.sha256()
    h.update(f"parser={PARSER_VERSION}\n{config}\n".encode())
    h.update(json.dumps(_meta_dict(meta), sort_keys=True, ensure_ascii=False).encode())
    h.update(b"\n")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def text_hash(text: str) -> str:
    """sha256 of the text alone: the same document under two names has the same one."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Ingestor:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, index: Index | None = None):
        self.settings = settings
        self.chunker = Chunker(settings)  # checks the encoding setting
        self.embedder = for_ingest(embedder if embedder is not None else make_embedder(settings), settings)
        self.index = index if index is not None else Index(settings)
        self.max_bytes = settings.max_file_mb * 1024 * 1024
        self._warm = False

    @property
    def config(self) -> str:
        s = self.settings
        return (
            f"chunker={CHUNKER_VERSION};tokens={s.chunk_tokens};overlap={s.chunk_overlap};"
            f"encoding={s.encoding};model={self.embedder.model_name};context={s.chunk_context}"
        )

    def warm_up(self) -> None:
        """Load the embedding model (otherwise done on the first report that needs it)."""
        if not self._warm:
            self.embedder.warm_up()
            self._warm = True

    # -- ingest ------------------------------------------------------------------------

    def ingest(self, paths: list[Path], progress: Progress | None = None, **given_meta) -> list[FileResult]:
        given = {k: v for k, v in given_meta.items() if v is not None}
        files = expand(paths)
        results: list[FileResult] = []
        with ingest_lock(self.settings):
            self.index.repair()
            infos = self.index.record_infos()
            run = _Run(
                known_texts={info["text_sha256"]: doc for doc, info in infos.items() if info.get("text_sha256")},
            )
            for i, path in enumerate(files):
                if progress:
                    progress(i, len(files), path, None)
                result = self._one(path, run, given)
                results.append(result)
                if progress:
                    progress(i + 1, len(files), path, result)
        return results

    def _one(self, path: Path, run: "_Run", given: dict) -> FileResult:
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        doc_id = ""
        try:
            t = time.perf_counter()
            text = read_text(path, self.max_bytes)
            timings["read"] = time.perf_counter() - t

            t = time.perf_counter()
            meta = meta_for(path, text, run.manifest(path.parent), **given)
            doc_id = meta.doc_id
            report = parse(text, meta)
            if not report.paragraphs:
                raise ParseError(path, "no paragraphs found; is this a report?")
            timings["parse"] = time.perf_counter() - t

            h = content_hash(text, meta, self.config)
            report = dataclasses.replace(report, content_hash=h)
            self._check_duplicates(path, doc_id, text_hash(text), run)

            if self.index.is_current(doc_id, h):
                stored = self.index.report(doc_id)  # counts as indexed
                return _result(path, stored, "unchanged", self.index.count(doc_id=doc_id), t0, timings)
            status: Status = "replaced" if self.index.current_hash(doc_id) else "added"

            t = time.perf_counter()
            chunks = self.chunker.chunk(report)
            timings["chunk"] = time.perf_counter() - t

            t = time.perf_counter()
            self.warm_up()
            embeddings = self.embedder.embed([c.embed_text for c in chunks])
            t_sentences = time.perf_counter()
            sentence_vectors = embed_sentences(report.paragraphs, self.embedder)
            timings["embed_sentences"] = time.perf_counter() - t_sentences
            timings["embed"] = time.perf_counter() - t

            t = time.perf_counter()
            self.index.replace(
                report,
                chunks,
                embeddings,
                sentences=sentence_vectors,
                info={
                    "text_sha256": text_hash(text),
                    "embedding_model": self.embedder.model_name,
                    "source_path": str(path),
                },
            )
            timings["store"] = time.perf_counter() - t
            return _result(path, report, status, len(chunks), t0, timings)
        except RagError as exc:
            return FileResult(
                path=path,
                doc_id=doc_id,
                status="failed",
                seconds=time.perf_counter() - t0,
                error=_reason(exc, path),
                timings=timings,
            )

    def _check_duplicates(self, path: Path, doc_id: str, thash: str, run: "_Run") -> None:
        if doc_id in run.doc_paths:
            raise ParseError(path, f"same report id {doc_id!r} as {run.doc_paths[doc_id]}; rename one of them")
        other = run.texts.get(thash) or run.known_texts.get(thash)
        if other and other != doc_id:
            raise ParseError(path, f"same text as {other}; remove one")
        run.doc_paths[doc_id] = path
        run.texts[thash] = doc_id

    # -- remove ------------------------------------------------------------------------

    def remove(self, doc_id: str) -> int:
        """Remove a report and its chunks; returns how many chunks went. NotFoundError if absent."""
        with ingest_lock(self.settings):
            return self.index.remove(doc_id)


@dataclass
class _Run:
    """State of one ingest run: manifests read so far, ids and texts seen."""

    known_texts: dict[str, str]  # text sha256 -> doc_id, from the index
    texts: dict[str, str] = field(default_factory=dict)  # ... from this run
    doc_paths: dict[str, Path] = field(default_factory=dict)
    manifests: dict[Path, object] = field(default_factory=dict)

    def manifest(self, folder: Path) -> dict:
        """The folder's manifest, read once; a broken one fails each of its files alike."""
        key = folder.resolve()
        if key not in self.manifests:
            try:
                self.manifests[key] = load_manifest(folder)
            except RagError as exc:
                self.manifests[key] = exc
        value = self.manifests[key]
        if isinstance(value, RagError):
            raise value
        return value  # type: ignore[return-value]


def expand(paths: list[Path]) -> list[Path]:
    """Folders -> their report files (recursively, sorted); files are kept as given.

    In a folder, files of other types, README*, manifest.* and hidden files are
    skipped silently; a file named explicitly is always tried (and fails with a
    clear reason if its type is not supported).
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUPPORTED_SUFFIXES
                and not _skipped(f.relative_to(p))
            )
        else:
            found = [p]
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _skipped(rel: Path) -> bool:
    if any(part.startswith(".") for part in rel.parts):
        return True
    return rel.stem.lower().startswith(_SKIP_STEMS)


def _result(path: Path, report: Report, status: Status, chunks: int, t0: float, timings: dict) -> FileResult:
    return FileResult(
        path=path,
        doc_id=report.doc_id,
        status=status,
        paragraphs=len(report.paragraphs),
        chunks=chunks,
        judgements=len(report.judgements),
        recommendations=len(report.recommendations),
        seconds=time.perf_counter() - t0,
        timings=timings,
    )


def _reason(exc: RagError, path: Path) -> str:
    """The error without the path (the CLI prints 'error: <path>: <reason>')."""
    reason = getattr(exc, "reason", None)
    if reason:
        return reason
    text = str(exc)
    prefix = f"{path}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def _meta_dict(meta: ReportMeta) -> dict:
    d = dataclasses.asdict(meta)
    d["voice"] = meta.voice.value
    return d
