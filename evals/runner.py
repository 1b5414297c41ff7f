"""One evaluation run: ask every known-answer question, score, report, gate.

    exit_code = run(Settings.from_env(), RunOptions(set_path=..., baseline=True, split="dev"))

1. read the set and the thresholds (fail fast on either, before any model loads); with
   ``split`` ('dev' or 'test', ``evals.split``) keep only that split's questions;
2. make sure the index has reports (an empty ``settings.data_dir`` gets ``corpus_dir``
   ingested first, so a fresh checkout can run the evaluation in one command);
3. ask each question of each system (the answer chain, and the naive baseline with
   ``baseline=True``) behind a progress bar; with an LLM backend, judge faithfulness;
4. write ``<out>/<timestamp>/report.{json,md}`` and copy them to ``<out>/latest.*``;
5. print the tables and each failed threshold; return 1 if any failed, else 0.

Every question is in a fixed split (``evals.split``): tuning runs ask ``--split dev``;
the report shows each metric per split. A run of both splits is gated on all its
questions, a one-split run on that split (``--split dev`` says it is a tuning run). The
gate moves to test alone with issue 13's fresh questions: today the test split is one
question under a bar on each set (seed recall@5 74/78; library citation precision 0.949)
and holds 6-7 unanswerable questions, so one abstention moves that rate by 0.14.

``--set library`` (or a set file in ``evals.library_set``'s format) runs the library set
instead (``run_library``): the real PDFs it names are ingested from ``../shared/library``
into an index of their own (``<data_dir>/library-eval``), scored by locator, gated by the
``[library]`` table of the thresholds, reported in ``<out>/library/``; where the library is
missing the run says so and is skipped (exit 0).

Sections below: the run; the systems (``System`` protocol, ``AssistantSystem``); the
thresholds (``evals/thresholds.toml``); the optional LLM judge; the report (JSON
document, Markdown and console tables rendered from the same rows). The metrics are
``metrics.py``'s and the baseline is ``baseline.py``. Errors a user can fix are
``RagError``s (the CLI prints them as one line).
"""
from __future__ import annotations

import dataclasses
import json
import shutil
import time
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingest.embedder import Embedder, load_embedder
from core.errors import ConfigError, QuestionError, RagError
from core.settings import Settings

from . import library_set
from .gold import DEFAULT_SET, KINDS, KnownAnswer, load
from .metrics import (METRICS, Lookup, QuestionScore, Result, Summary, aggregate, by_kind, lookup_in,
                      result_from_answer, score)
from .split import SPLITS, split_of

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "reports"
DEFAULT_THRESHOLDS = HERE / "thresholds.toml"


# -- the run ------------------------------------------------------------------------------


LIBRARY = "library"  # `--set library`: the library set (evals/library_answers.jsonl)


@dataclass(frozen=True)
class RunOptions:
    set_path: Path = DEFAULT_SET
    baseline: bool = False
    out_dir: Path = DEFAULT_OUT
    thresholds_path: Path = DEFAULT_THRESHOLDS
    library_dir: Path = library_set.DEFAULT_LIBRARY  # the library set's PDFs
    library_data: Path | None = None  # its index (default <data_dir>/library-eval)
    split: str | None = None  # ask only this split's questions ('dev' or 'test'; None: both)


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
    runs = [ask_all(assistant, items, status)]
    if settings.llm != "none":
        judge_run(runs[0], assistant.chat_model, settings, status)
    if options.baseline:
        from .baseline import NaiveBaseline

        baseline = NaiveBaseline(settings, embedder=embedder)
        runs.append(ask_all(baseline, items, status))
        runs[1].extra.update(single_paragraph_share=baseline.single_paragraph_share(), config=baseline.config)

    if thresholds.beat_baseline and not options.baseline:
        console.print("note: beat_baseline not checked (run with --baseline)")
    return report(runs, thresholds, settings, str(options.set_path), options.out_dir, console,
                  baseline=options.baseline)


def report(runs: list["SystemRun"], thresholds: "Thresholds", settings: Settings, set_path: str, out_dir: Path,
           console: Console, *, baseline: bool = False) -> int:
    """Gate, write the report, print the tables and each failed threshold; the exit code.

    The gate reads ``gate_split``'s numbers (and the baseline's on the same questions)."""
    split = gate_split(runs[0])
    theirs = gated(runs[1], split) if baseline and len(runs) > 1 else None
    failed = check(thresholds, gated(runs[0], split), theirs)
    doc = document(runs, created=datetime.now().isoformat(timespec="seconds"), set_path=set_path,
                   settings=_settings_dict(settings), thresholds=thresholds, failures=failed)
    folder = write(doc, out_dir)

    for table in console_tables(doc, console):
        console.print(table)
    wrong = failures(doc)
    if wrong:
        console.print(f"{len(wrong)} wrong: " + ", ".join(q["id"] for q in wrong))
    console.print(f"report: {folder / 'report.md'} (and report.json; copied to {out_dir}/latest.*)")
    console.print(f"{gate_line(doc)}: " + ("passed" if not failed else "FAILED"), markup=False)
    for line in failed:
        console.print(f"threshold failed: {line}", markup=False)
    return 1 if failed else 0


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
            kinds: tuple[str, ...] = KINDS) -> SystemRun:
    """Ask every question; ``scorer`` turns (KnownAnswer, Result) into a QuestionScore."""
    status.print(f"{system.name}: loading ...", markup=False)
    system.warm_up()  # model and index loading are not part of any question's latency
    results = []
    with _progress(status) as progress:
        task = progress.add_task(system.name, total=len(items))
        for k in items:
            results.append(system.ask(k))
            progress.advance(task)
    return SystemRun(system.name, items, results, [scorer(k, r) for k, r in zip(items, results)], kinds=kinds)


# -- the library set ------------------------------------------------------------------------


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
    runs = [ask_all(assistant, [library_set.known_answer(q) for q in asked], status, scorer=library_set.score,
                    kinds=library_set.KINDS)]
    if settings.llm != "none":
        judge_run(runs[0], assistant.chat_model, settings, status)
    if options.baseline:
        console.print("note: the naive baseline reads the seed corpus; it is not run on the library set")
    out = Path(options.out_dir) / LIBRARY if Path(options.out_dir) == DEFAULT_OUT else Path(options.out_dir)
    return report(runs, thresholds, lib, str(path), out, console)


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
    with _progress(status) as progress:
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


def judge_run(run: SystemRun, chat_model, settings: Settings, status: Console) -> None:
    """LLM-as-judge faithfulness for each answer (only called with an LLM backend)."""
    if chat_model is None:
        return
    with _progress(status) as progress:
        task = progress.add_task("judge", total=len(run.results))
        for i, r in enumerate(run.results):
            verdict = None if r.abstained else judge(chat_model, r.claims, settings)
            run.scores[i] = dataclasses.replace(run.scores[i], judge_faithfulness=verdict)
            progress.advance(task)


def write(doc: dict, out_dir: Path) -> Path:
    """<out>/<timestamp>/report.{json,md}, copied to <out>/latest.{json,md}; returns the folder."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder, n = Path(out_dir) / stamp, 1
    while folder.exists():  # two runs in one second (tests) keep both
        n += 1
        folder = Path(out_dir) / f"{stamp}-{n}"
    try:
        folder.mkdir(parents=True)
        (folder / "report.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (folder / "report.md").write_text(markdown(doc), encoding="utf-8")
        for suffix in ("json", "md"):
            shutil.copyfile(folder / f"report.{suffix}", Path(out_dir) / f"latest.{suffix}")
    except OSError as exc:
        raise RagError(f"cannot write the report to {out_dir}: {exc.strerror or exc}; give another --out DIR") from None
    return folder


def _settings_dict(settings: Settings) -> dict:
    """Every setting that is not a secret (secrets are the fields hidden from repr), the
    tuning (core/tuning.py) as a dict of its numbers."""
    values = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings) if f.repr}
    values["tuning"] = dataclasses.asdict(settings.tuning)
    return {k: str(v) if isinstance(v, Path) else v for k, v in values.items()}


def _progress(status: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=status)


# -- systems ------------------------------------------------------------------------------
# A System has a name, warm_up() (load models, build indexes: untimed) and
# ask(KnownAnswer) -> Result. The naive baseline (baseline.NaiveBaseline) is one too.


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
        return self.chain.llm.chat_model if self.chain.llm is not None else None


# -- thresholds ---------------------------------------------------------------------------
# evals/thresholds.toml: `beat_baseline = true|false` and a [minimum] table of Summary
# metrics (value >= minimum). A metric the run could not measure (None: e.g. a set with
# no unanswerable questions) fails its line: a gate that passes on a set that cannot
# test it is no gate. With beat_baseline, each [minimum] metric must also be strictly
# above the baseline's when the run has --baseline. The library set's bars are the same
# keys under a [library] table ([library.minimum]); a file without one gates it on nothing.
# `report` checks them on the Summary `gate_split` names (all questions, or the one split asked).


@dataclass(frozen=True)
class Thresholds:
    minimum: dict[str, float] = field(default_factory=dict)
    beat_baseline: bool = False


def load_thresholds(path: Path = DEFAULT_THRESHOLDS, section: str | None = None) -> Thresholds:
    """The seed set's bars, or with ``section`` ('library') those of that table."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the thresholds ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - {"minimum", "beat_baseline", LIBRARY}
    if unknown:
        raise ConfigError(f"{path}: expected `beat_baseline`, a [minimum] and a [{LIBRARY}] table, "
                          f"found {sorted(unknown)}")
    library = data.get(LIBRARY, {})
    if not isinstance(library, dict):
        raise ConfigError(f"{path}: `{LIBRARY}` must be a table ([{LIBRARY}.minimum])")
    seed = _thresholds({k: v for k, v in data.items() if k != LIBRARY}, path, "")  # checked either way
    return _thresholds(library, path, f"[{LIBRARY}] ") if section == LIBRARY else seed


def _thresholds(data: dict, path: Path, where: str) -> Thresholds:
    unknown = set(data) - {"minimum", "beat_baseline"}
    minimum = data.get("minimum", {})
    if unknown or not isinstance(minimum, dict):
        raise ConfigError(f"{path}: {where}expected `beat_baseline` and a [minimum] table, found {sorted(unknown)}")
    for name, value in minimum.items():
        if name not in METRICS:
            raise ConfigError(f"{path}: {where}unknown metric {name!r}; use one of {', '.join(METRICS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{path}: {where}{name} = {value!r} is not a number")
    beat = data.get("beat_baseline", False)
    if not isinstance(beat, bool):
        raise ConfigError(f"{path}: {where}beat_baseline = {beat!r}: use true or false")
    return Thresholds({k: float(v) for k, v in minimum.items()}, beat)


def check(t: Thresholds, system: Summary, baseline: Summary | None = None) -> list[str]:
    """One line per failed threshold (empty: the run passes)."""
    out = []
    for name, minimum in t.minimum.items():
        value = system.get(name)
        if value is None:
            out.append(f"{name}: not measured on this set (threshold {minimum:.2f})")
        elif value < minimum:
            out.append(f"{name}: {value:.3f} is below the threshold {minimum:.2f}")
        if t.beat_baseline and baseline is not None and value is not None:
            theirs = baseline.get(name)
            if theirs is not None and not value > theirs:
                out.append(f"{name}: {value:.3f} does not beat the baseline's {theirs:.3f}")
    return out


# -- LLM judge ----------------------------------------------------------------------------
# Optional, RAGAS-style, only with an LLM backend: for each answer sentence the chat
# model is shown the paragraphs the sentence cites and asked whether they support it;
# an answer's score is the share called supported. It complements the guard's own count
# (`faithfulness`, lexical + embedding, no model); offline runs skip it.

JUDGE_MAX_CLAIMS = 8  # sentences judged per answer: a 15-item list answer need not cost 15 calls
JUDGE_SOURCE_CHARS = 4000

JUDGE_INSTRUCTIONS = ("You check answers against their sources. Reply with one word: YES if the sources state "
          "everything the statement says (numbers and grades included), NO otherwise.")


def judge_prompt(sentence: str, sources: Sequence[str]) -> str:
    text = "\n\n".join(f"<source>\n{s}\n</source>" for s in sources)[:JUDGE_SOURCE_CHARS]
    return f"Sources:\n{text}\n\nStatement: {sentence}\n\nDo the sources support the statement? YES or NO."


def judge_says_yes(reply: str) -> bool:
    words = reply.strip().split()
    return bool(words) and words[0].strip(".,:;!*\"'").upper() == "YES"


def judge(chat_model, claims: Sequence[tuple[str, Sequence[str]]], settings: Settings) -> float | None:
    """Share of (sentence, cited texts) pairs the chat model calls supported; None if none."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from rag.llm import _as_llm_error, _endpoint, _message_text, _model_name, _strip_thinking

    judged = [(s, src) for s, src in claims if src][:JUDGE_MAX_CLAIMS]
    if not judged:
        return None
    yes = 0
    for sentence, sources in judged:
        try:
            reply = chat_model.invoke([SystemMessage(JUDGE_INSTRUCTIONS),
                                       HumanMessage(judge_prompt(sentence, sources))])
        except Exception as exc:  # noqa: BLE001 - provider errors become one-line LLMErrors, bugs re-raise
            # The answerer's own mapping, so an unreachable server reads the same.
            error = _as_llm_error(exc, settings, _endpoint(settings), _model_name(chat_model))
            if error is None:
                raise
            raise error from exc
        yes += judge_says_yes(_strip_thinking(_message_text(reply)))
    return yes / len(judged)


# -- report -------------------------------------------------------------------------------
# report.json holds everything (per-question results of every system, each question's
# split, a Summary per split); report.md and the console tables are rendered from that
# document by the same row builders, with one column per split.

RETRIEVED_SHOWN = 5  # retrieved items listed per question in report.json
# Settings named in report.md (report.json has every non-secret one).
SHOWN_SETTINGS = ("llm", "llm_model", "top_k", "retrieval", "embedding_model", "data_dir")

_ROWS = (  # (summary key, label, kind of value)
    ("answer_correctness", "answer correctness", "ratio"),
    ("evidence_recall_at_1", "evidence recall@1", "ratio"),
    ("evidence_recall_at_3", "evidence recall@3", "ratio"),
    ("evidence_recall_at_5", "evidence recall@5", "ratio"),
    ("evidence_recall_at_10", "evidence recall@10", "ratio"),
    ("mrr", "MRR", "ratio"),
    ("citation_precision", "citation precision", "ratio"),
    ("citation_recall", "citation recall", "ratio"),
    ("faithfulness", "faithfulness (guard)", "ratio"),
    ("judge_faithfulness", "faithfulness (LLM judge)", "ratio"),
    ("abstention_accuracy", "abstention accuracy", "ratio"),
    ("false_abstention_rate", "false abstention rate", "ratio"),
    ("latency_p50_ms", "latency p50", "ms"),
    ("latency_p95_ms", "latency p95", "ms"),
    ("single_paragraph_share", "chunks inside one paragraph", "ratio"),
)


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


def gate_split(run: SystemRun) -> str:
    """What the gate reads: 'all' when the run asked both splits, else the one it asked
    (see the module doc for why not test alone yet)."""
    asked = list(run.by_split)
    return asked[0] if len(asked) == 1 else "all"


def gated(run: SystemRun, split: str) -> Summary:
    return run.summary if split == "all" else run.by_split[split]


def document(runs: list[SystemRun], *, created: str, set_path: str, settings: dict, thresholds: Thresholds,
             failures: list[str]) -> dict:
    return {
        "created": created,
        "set": set_path,
        "questions": len(runs[0].items) if runs else 0,
        "settings": settings,
        "thresholds": {"minimum": thresholds.minimum, "beat_baseline": thresholds.beat_baseline},
        "gate": {"passed": not failures, "split": gate_split(runs[0]) if runs else None, "failures": failures},
        "systems": {run.name: _system(run) for run in runs},
    }


def _system(run: SystemRun) -> dict:
    d = {
        "summary": run.summary.as_dict(),
        **run.extra,
        "by_split": {split: s.as_dict() for split, s in run.by_split.items()},
        "by_kind": {kind: s.as_dict() for kind, s in by_kind(run.scores, run.kinds).items()},
    }
    frameworks = [k.extra.get("framework") or "(none)" for k in run.items]
    if any("framework" in k.extra for k in run.items):  # the library set: also by framework
        order = list(library_set.FRAMEWORKS) + ["(none)"]
        d["by_framework"] = {f: aggregate([s for s, g in zip(run.scores, frameworks) if g == f]).as_dict()
                             for f in order if f in frameworks}
    d["questions"] = [_question(k, r, s) for k, r, s in zip(run.items, run.results, run.scores)]
    return d


def _question(k: KnownAnswer, r: Result, s: QuestionScore) -> dict:
    return {
        "id": k.id, "kind": k.kind, "split": split_of(k.id), "question": k.question,
        "filters": {n: v for n, v in (("authority", k.authority), ("year", k.year)) if v is not None},
        **({"framework": k.extra["framework"]} if "framework" in k.extra else {}),
        "expected": k.answer, "must_include": list(k.must_include),
        "gold": f"{k.doc_id} {k.locator}".strip(),
        "got": r.text, "abstained": r.abstained, "error": r.error,
        "citations": [c.label or f"{c.doc_id} {c.ref}" for c in r.cited],
        "retrieved": [c.label or f"{c.doc_id} {c.ref}" for c in r.ranked[:RETRIEVED_SHOWN]],
        "evidence_rank": s.evidence_rank,
        "metrics": s.metrics(),
        **r.extra,
    }


# rows shared by Markdown and console


def _first(doc: dict) -> dict:
    """The report's first system (the answer chain): the splits and counts every system shares."""
    return next(iter(doc["systems"].values()))


def _columns(doc: dict) -> list[str]:
    """The tables' columns: each split the run asked, and 'all' when it asked both."""
    present = list(_first(doc)["by_split"])
    return present + ["all"] if len(present) > 1 else present


def metric_table(doc: dict, cols: Sequence[str] = ()) -> tuple[list[str], list[list[str]]]:
    """One row per metric; a column per system and split (``cols``, default all of them)."""
    names, cols = list(doc["systems"]), list(cols) or _columns(doc)
    minimum = doc["thresholds"]["minimum"]
    rows = []
    for key, label, unit in _ROWS:
        values = [_value(doc["systems"][n], key, c) for n in names for c in cols]
        if all(v is None for v in values):
            continue  # e.g. no LLM judge in an offline run
        gate = f">= {minimum[key]:.2f}" if key in minimum else ""
        rows.append([label] + [_fmt(v, unit) for v in values] + [gate])
    return ["metric"] + [f"{n} {c}" for n in names for c in cols] + ["threshold"], rows


def kind_table(doc: dict, cols: Sequence[str] = ()) -> tuple[list[str], list[list[str]]]:
    """Per kind: how many questions and the share answered correctly, per split (``cols``)."""
    names, cols = list(doc["systems"]), list(cols) or _columns(doc)
    asked = {n: doc["systems"][n]["questions"] for n in names}
    rows = []
    for kind in list(doc["systems"][names[0]]["by_kind"]) + ["all"]:
        counts = [len(_among(asked[names[0]], kind, c)) for c in cols]
        values = [_correctness(_among(asked[n], kind, c)) for n in names for c in cols]
        rows.append([kind] + [str(k) for k in counts] + [_fmt(v, "ratio") for v in values])
    return ["kind"] + [f"n {c}" for c in cols] + [f"{n} {c}" for n in names for c in cols], rows


def _among(questions: list[dict], kind: str, split: str) -> list[dict]:
    return [q for q in questions if kind in ("all", q["kind"]) and split in ("all", q["split"])]


def _correctness(questions: list[dict]) -> float | None:
    return sum(q["metrics"]["correct"] for q in questions) / len(questions) if questions else None


def framework_table(doc: dict) -> tuple[list[str], list[list[str]]] | None:
    """Correctness by report framework (the library set), or None for a set without them."""
    names = list(doc["systems"])
    first = doc["systems"][names[0]].get("by_framework")
    if not first:
        return None
    rows = []
    for framework, s in first.items():
        values = [doc["systems"][n].get("by_framework", {}).get(framework, {}).get("answer_correctness")
                  for n in names]
        rows.append([framework, str(s["n"])] + [_fmt(v, "ratio") for v in values]
                    + [_fmt(s["citation_recall"], "ratio"), _fmt(s["evidence_recall_at_5"], "ratio")])
    return (["framework", "n"] + [f"{n} correct" for n in names] + ["citation recall", "evidence recall@5"]), rows


def failures(doc: dict, system: str = "system") -> list[dict]:
    return [q for q in doc["systems"].get(system, {}).get("questions", []) if not q["metrics"]["correct"]]


def _value(system: dict, key: str, split: str = "all"):
    summary = system["summary"] if split == "all" else system["by_split"].get(split, {})
    return summary.get(key, system.get(key))  # a key no Summary has: the system's own (one for all splits)


def gate_line(doc: dict) -> str:
    """Which split the gate read and how many questions it has."""
    split = doc["gate"]["split"]
    system = _first(doc)
    n = system["summary"]["n"] if split == "all" else system["by_split"][split]["n"]
    return f"gate on {split} ({n} questions" + ("; a tuning run: the release gate is on all)" if split == "dev"
                                                else ")")


def _fmt(value, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.0f} ms" if unit == "ms" else f"{value:.2f}"


def markdown(doc: dict) -> str:
    s = doc["settings"]
    splits = _first(doc)["by_split"]
    lines = [f"# Evaluation run {doc['created']}", "",
             f"Set `{doc['set']}`, {doc['questions']} questions ("
             + ", ".join(f"{v['n']} {k}" for k, v in splits.items()) + "); "
             + ", ".join(f"{k} `{s[k]}`" for k in SHOWN_SETTINGS if s.get(k) not in (None, "")) + ".", ""]
    gate = doc["gate"]
    lines += ["## Gate: " + ("passed" if gate["passed"] else "FAILED"), "", gate_line(doc) + ".", ""]
    lines += [f"- {f}" for f in gate["failures"]] + ([""] if gate["failures"] else [])
    lines += ["## Metrics", "", *_md_table(*metric_table(doc)), "", "## Correctness by kind", "",
              *_md_table(*kind_table(doc)), ""]
    by_framework = framework_table(doc)
    if by_framework:
        lines += ["## Correctness by framework", "", *_md_table(*by_framework), ""]
    wrong = failures(doc)
    lines += [f"## Failures ({len(wrong)})", "", "Questions the system got wrong; every answer of every system is in "
              "report.json.", ""]
    for q in wrong:
        lines += [f"### {q['id']} ({q['kind']}, {q['split']})", "", f"- question: {q['question']}",
                  f"- expected: {q['expected'] or '(abstain)'}"
                  + (f" (must include: {', '.join(q['must_include'])})" if q["must_include"] else ""),
                  f"- got: {_one_line(q['error'] and 'error: ' + q['error'] or q['got'])}",
                  f"- cited: {'; '.join(q['citations']) or '(nothing)'}",
                  f"- gold: {q['gold'] or '-'}; evidence rank: {q['evidence_rank'] or 'not retrieved'}", ""]
    return "\n".join(lines)


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    return out + ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def console_tables(doc: dict, console: Console | None = None) -> list:
    """report.md's tables; one wider than ``console`` (a column per split and system
    rarely fits 80 characters, a CI log's width) is shown as one table per split."""
    from rich.measure import Measurement

    tables = []
    for title, build in (("Evaluation", metric_table), ("Correctness by kind", kind_table)):
        table = _rich_table(title, *build(doc))
        wide = console is not None and Measurement.get(console, console.options.update_width(10_000),
                                                       table).maximum > console.width
        tables += [_rich_table(f"{title} ({c})", *build(doc, [c])) for c in _columns(doc)] if wide else [table]
    by_framework = framework_table(doc)
    if by_framework:
        tables.append(_rich_table("Correctness by framework", *by_framework))
    return tables


def _rich_table(title: str, headers: list[str], rows: list[list[str]]):
    from rich.table import Table

    table = Table(title=title)
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table
