"""One evaluation run: ask every known-answer question, score, report, gate.

    exit_code = run(Settings.from_env(), RunOptions(set_path=..., baseline=True, split="dev"))

1. read the set and the thresholds (fail fast on either, before any model loads); with
   ``split`` ('dev' or 'test', ``evals.split``) keep only that split's questions;
2. make sure the index has reports (an empty ``settings.data_dir`` gets ``corpus_dir``
   ingested first, so a fresh checkout can run the evaluation in one command);
3. ask each question of each system (the answer chain, and the naive baseline with
   ``baseline=True``) behind a progress bar; with an LLM backend, judge faithfulness;
   each answer (and verdict) is journalled as it is given (``journal.py``), and ``resume``
   reuses what a stopped run journalled under the same code and settings;
4. write ``<out>/<timestamp>/report.{json,md}`` and copy them to ``<out>/latest.*``;
5. print the tables and each failed threshold; return 1 if any failed, else 0.

Every question is in a fixed split (``evals.split``): tuning runs ask ``--split dev``;
the report shows each metric per split and the gate reads the questions asked
(``gate.py`` says why not the test split alone yet).

``--set library`` (or a set file in ``evals.library_set``'s format) runs the library set
instead (``run_library``): the real PDFs it names are ingested from ``../shared/library``
into an index of their own (``<data_dir>/library-eval``), scored by locator, gated by the
``[library]`` table of the thresholds, reported in ``<out>/library/``; where the library is
missing the run says so and is skipped (exit 0).

This module wires the stages: asking is ``running.py``, the optional LLM judge
``judging.py``, the thresholds ``gate.py``, the report ``reporting.py``; the metrics are
``metrics.py``'s and the baseline is ``baseline.py``. Errors a user can fix are
``RagError``s (the CLI prints them as one line).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from core.settings import Settings
from ingest.embedder import Embedder, load_embedder

from . import library_set
from .gate import DEFAULT_THRESHOLDS, LIBRARY, load_thresholds
from .gold import DEFAULT_SET
from .journal import Journal
from .judging import judge_run
from .reporting import report
from .running import AssistantSystem, ask_all, ensure_index, ensure_library_index, in_split, read_library_set, read_set

DEFAULT_OUT = Path(__file__).resolve().parent / "reports"


@dataclass(frozen=True)
class RunOptions:
    set_path: Path = DEFAULT_SET
    baseline: bool = False
    out_dir: Path = DEFAULT_OUT
    thresholds_path: Path = DEFAULT_THRESHOLDS
    library_dir: Path = library_set.DEFAULT_LIBRARY  # the library set's PDFs
    library_data: Path | None = None  # its index (default <data_dir>/library-eval)
    split: str | None = None  # ask only this split's questions ('dev' or 'test'; None: both)
    resume: bool = False  # reuse the answers a stopped run journalled (same code, settings, questions)
    judge: bool = True  # with an LLM backend, judge faithfulness with it too


def run(settings: Settings, options: RunOptions = RunOptions(), *, embedder: Embedder | None = None,
        console: Console | None = None, status: Console | None = None) -> int:
    """The whole run; returns the exit code (1: a threshold failed)."""
    console = console or Console()
    status = status or Console(stderr=True)
    if is_library(options.set_path):
        return run_library(settings, options, embedder=embedder, console=console, status=status)
    items = in_split(read_set(options.set_path), options.split)
    thresholds = load_thresholds(options.thresholds_path)
    embedder = embedder or load_embedder(settings)
    ensure_index(settings, embedder, status)

    assistant = AssistantSystem(settings, embedder=embedder)
    journal = Journal.open(options.out_dir, assistant.name, settings, resume=options.resume)
    runs = [ask_all(assistant, items, status, journal=journal)]
    if settings.llm != "none" and options.judge:
        judge_run(runs[0], assistant.chat_model, settings, status, journal)
    if options.baseline:
        from .baseline import NaiveBaseline

        baseline = NaiveBaseline(settings, embedder=embedder)
        runs.append(ask_all(baseline, items, status,
                            journal=Journal.open(options.out_dir, baseline.name, settings, resume=options.resume)))
        runs[1].extra.update(single_paragraph_share=baseline.single_paragraph_share(), config=baseline.config)

    if thresholds.beat_baseline and not options.baseline:
        console.print("note: beat_baseline not checked (run with --baseline)")
    return report(runs, thresholds, settings, str(options.set_path), options.out_dir, console,
                  baseline=options.baseline)


def is_library(path: Path) -> bool:
    """`--set library`, or a set file in the library set's format."""
    return str(path) == LIBRARY or library_set.is_library_set(path)


def run_library(settings: Settings, options: RunOptions, *, embedder: Embedder | None, console: Console,
                status: Console) -> int:
    """The library set: ingest the PDFs it names, ask, score by locator, gate on [library]."""
    path = library_set.LIBRARY_SET if str(options.set_path) == LIBRARY else Path(options.set_path)
    items = read_library_set(path)
    asked = in_split(items, options.split)
    thresholds = load_thresholds(options.thresholds_path, section=LIBRARY)
    reason = library_set.missing(options.library_dir, items)
    if reason:  # before any model loads: a checkout without the library skips in a second
        console.print(f"library set skipped: {reason}", markup=False, soft_wrap=True)
        return 0
    embedder = embedder or load_embedder(settings)
    data = Path(options.library_data) if options.library_data else Path(settings.data_dir) / "library-eval"
    # Always an embedded index of its own: never the corpus index, nor a shared Chroma server.
    lib = dataclasses.replace(settings, data_dir=data, chroma_host=None)
    # Every PDF of the whole set, whichever split is asked: both splits search the same index.
    ensure_library_index(lib, embedder, options.library_dir, items, status)

    assistant = AssistantSystem(lib, embedder=embedder)
    out = Path(options.out_dir) / LIBRARY if Path(options.out_dir) == DEFAULT_OUT else Path(options.out_dir)
    journal = Journal.open(out, assistant.name, lib, resume=options.resume)
    runs = [ask_all(assistant, [library_set.known_answer(q) for q in asked], status, scorer=library_set.score,
                    kinds=library_set.KINDS, journal=journal)]
    if settings.llm != "none" and options.judge:
        judge_run(runs[0], assistant.chat_model, settings, status, journal)
    if options.baseline:
        console.print("note: the naive baseline reads the seed corpus; it is not run on the library set")
    return report(runs, thresholds, lib, str(path), out, console)
