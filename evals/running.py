"""Asking: every question of a set through a system, behind a progress bar.

    run = ask_all(AssistantSystem(settings, embedder=embedder), read_set(path), status)

A ``System`` has a name, ``warm_up()`` (load models, build indexes: untimed) and
``ask(KnownAnswer) -> Result``; the answer chain (``AssistantSystem``) and the naive
baseline (``baseline.NaiveBaseline``) are two. A question the product refuses is a wrong
answer, not a fatal error. Also here: reading a set (seed or library) and making sure
the index holds the reports it asks about. Errors a user can fix are ``RagError``s.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.errors import QuestionError, RagError
from core.settings import Settings
from ingest.embedder import Embedder

from . import library_set
from .gold import KINDS, KnownAnswer, load
from .journal import Journal
from .metrics import Lookup, QuestionScore, Result, Summary, aggregate, lookup_in, result_from_answer, score
from .split import SPLITS, split_of


def read_set(path: Path) -> list[KnownAnswer]:
    try:
        items = load(path)
    except FileNotFoundError:
        raise RagError(f"{path}: no such known-answer set; give one with --set FILE") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"{path}: cannot read it ({exc.__class__.__name__})") from None
    except ValueError as exc:  # load names the line
        raise RagError(f"{exc}; check the set with `python evals/check_set.py {path}`") from None
    if not items:
        raise RagError(f"{path}: holds no questions")
    return items


def in_split(items: list, split: str | None) -> list:
    """The questions of ``split`` (None: all of them), in the set's order."""
    if split is None:
        return items
    if split not in SPLITS:
        raise RagError(f"split {split!r}: use one of {', '.join(SPLITS)}")
    chosen = [k for k in items if split_of(k.id) == split]
    if not chosen:
        raise RagError(f"the set holds no {split} question")
    return chosen


def ensure_index(settings: Settings, embedder: Embedder, status: Console) -> None:
    """Ingest ``settings.corpus_dir`` when the index holds no report."""
    from ingest.pipeline import Ingestor
    from ingest.store import Index

    if Index(settings).hashes():
        return
    folder = settings.corpus_dir
    status.print(f"The index in {settings.data_dir} is empty: ingesting {folder} first ...", markup=False)
    started = time.perf_counter()
    results = Ingestor(settings, embedder=embedder).ingest([Path(folder)])
    for r in results:
        if r.failed:
            status.print(f"error: {r.path}: {r.error}", markup=False)
    good = [r for r in results if not r.failed]
    if not good:
        raise RagError(f"nothing could be ingested from {folder}: set RAG_CORPUS_DIR to the reports folder")
    status.print(f"ingested {len(good)} reports ({sum(r.paragraphs for r in good)} paragraphs, "
                 f"{sum(r.chunks for r in good)} chunks) in {time.perf_counter() - started:.1f} s", markup=False)


def ask_all(system: System, items: list[KnownAnswer], status: Console, scorer=score,
            kinds: tuple[str, ...] = KINDS, journal: Journal | None = None) -> SystemRun:
    """Ask every question; ``scorer`` turns (KnownAnswer, Result) into a QuestionScore.
    With a ``journal``, each answer is written down as it is given and an answer it
    already holds is not asked again."""
    status.print(f"{system.name}: loading ...", markup=False)
    system.warm_up()  # model and index loading are not part of any question's latency
    if journal is not None and len(journal):
        status.print(f"{system.name}: resuming with the {len(journal)} answers in {journal.path}", markup=False,
                     soft_wrap=True)
    results = []
    with progress_bar(status) as progress:
        task = progress.add_task(system.name, total=len(items))
        for k in items:
            result = journal.result(k) if journal is not None else None
            if result is None:
                result = system.ask(k)
                if journal is not None:
                    journal.add(k, result)
            results.append(result)
            progress.advance(task)
    return SystemRun(system.name, items, results, [scorer(k, r) for k, r in zip(items, results)], kinds=kinds)


@dataclass
class SystemRun:
    """One system's answers to the whole set."""

    name: str
    items: list[KnownAnswer]
    results: list[Result]
    scores: list[QuestionScore]
    extra: dict = field(default_factory=dict)  # e.g. the baseline's single_paragraph_share and config
    kinds: tuple[str, ...] = KINDS  # the set format's kinds, in report order

    @property
    def summary(self) -> Summary:
        return aggregate(self.scores)

    @property
    def by_split(self) -> dict[str, Summary]:
        """One Summary per split present, in SPLITS order."""
        splits = [split_of(s.id) for s in self.scores]
        return {split: aggregate([s for s, g in zip(self.scores, splits) if g == split])
                for split in SPLITS if split in splits}


def progress_bar(status: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=status)


# -- the library set ------------------------------------------------------------------------


def read_library_set(path: Path) -> list[library_set.LibraryQuestion]:
    try:
        items = library_set.load(path)
    except FileNotFoundError:
        raise RagError(f"{path}: no such library set; give one with --set FILE") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"{path}: cannot read it ({exc.__class__.__name__})") from None
    except ValueError as exc:  # load names the line
        raise RagError(str(exc)) from None
    wrong = library_set.problems(items)
    if wrong:
        raise RagError(f"{path}: {wrong[0]}" + (f" (and {len(wrong) - 1} more problems)" if len(wrong) > 1 else ""))
    if not items:
        raise RagError(f"{path}: holds no questions")
    return items


def ensure_library_index(settings: Settings, embedder: Embedder, root: Path,
                         items: Sequence[library_set.LibraryQuestion], status: Console) -> None:
    """Make ``settings``' index hold exactly the set's PDFs: each ingested under its
    ``library_set.doc_id`` (unchanged ones are skipped by content hash), others removed."""
    from ingest.pipeline import Ingestor
    from ingest.store import Index

    wanted = {library_set.doc_id(f): Path(root) / f for f in sorted({f for q in items for f in q.files})}
    ingestor = Ingestor(settings, embedder=embedder)
    for doc_id in sorted(set(Index(settings).hashes()) - set(wanted)):
        ingestor.remove(doc_id)
    status.print(f"library set: ingesting {len(wanted)} reports from {root} into {settings.data_dir} ...",
                 markup=False, soft_wrap=True)
    started, results = time.perf_counter(), []
    with progress_bar(status) as progress:
        task = progress.add_task("ingest", total=len(wanted))
        for doc_id, pdf in wanted.items():
            results += ingestor.ingest([pdf], doc_id=doc_id)
            progress.advance(task)
    bad = [r for r in results if r.failed]
    for r in bad:
        status.print(f"error: {r.path}: {r.error}", markup=False, soft_wrap=True)
    if len(bad) == len(results):
        raise RagError(f"none of the library set's reports could be ingested from {root}")
    counts = {s: sum(1 for r in results if r.status == s) for s in ("added", "replaced", "unchanged")}
    status.print(f"library set: {len(results) - len(bad)} reports indexed ("
                 + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
                 + (f", {len(bad)} failed" if bad else "") + f") in {time.perf_counter() - started:.1f} s",
                 markup=False, soft_wrap=True)


# -- systems ------------------------------------------------------------------------------


class System(Protocol):
    name: str

    def warm_up(self) -> None: ...

    def ask(self, k: KnownAnswer) -> Result: ...


class AssistantSystem:
    """``rag.chain.AnswerChain``, asked each question with the set's filters."""

    name = "system"

    def __init__(self, settings: Settings, embedder: Embedder | None = None, chat_model=None):
        from rag.chain import AnswerChain

        self.chain = AnswerChain(settings, embedder=embedder, chat_model=chat_model)
        self._lookup: Lookup | None = None

    def warm_up(self) -> None:
        self.chain.warm_up()
        # Chroma opens the collection (and loads its HNSW index) on the first query; do
        # that here so no question's latency carries a one-time cost (the baseline's
        # warm_up builds its whole collection, likewise untimed).
        self.chain.retriever.search("warm up", k=1)
        # The index does not change during a run: one lookup over the indexed reports.
        self._lookup = lookup_in(self.chain.retriever.reports)

    def ask(self, k: KnownAnswer) -> Result:
        from rag.model import Filters

        if self._lookup is None:
            self.warm_up()
        try:
            answer = self.chain.ask(k.question, Filters(authority=k.authority, year=k.year))
        except QuestionError as exc:  # the set holds a question the product refuses: wrong, not fatal
            return Result(text="", abstained=False, error=str(exc))
        retrieved = [(doc_id, p) for doc_id, loc in answer.retrieved
                     if (p := self._lookup(doc_id, loc)) is not None]
        return result_from_answer(answer, retrieved, self._lookup)

    @property
    def chat_model(self):
        """The LangChain chat model the chain answers with (None offline): the judge reuses it."""
        return getattr(self.chain.answerer, "chat_model", None)
