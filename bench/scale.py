"""Scale benchmark: the product on libraries of 1x, 10x and 100x the corpus.

    python bench/scale.py --scale 1 10 [100] [--out DIR] [--keep] [--no-append] [--note TEXT]

For each scale, in a fresh data dir and in child processes of its own (so one scale's
memory never counts against another's, and each peak RSS is the child's own, read
with ``os.wait4``):

1. **ingest** the library with ``ingest.pipeline.Ingestor`` and the real model
   (the model load is timed apart): seconds, paragraphs/s, chunks, index size on disk
   (``du`` of the data dir: Chroma + JSON records), peak RSS of the ingest process;
2. **query**: ``rag.chain.AnswerChain`` (offline extractive answerer) over that index,
   through ``evals.running.AssistantSystem``/``ask_all`` exactly as
   ``python -m evals run`` does: evidence recall@5, answer correctness and citation
   precision on ``evals/known_answers.jsonl``; warm latency p50/p95 of ``chain.ask``
   per question (timed around ``chain.ask`` after the index is loaded and one whole
   question has been asked untimed); the warm-up itself (records load + BM25 build);
   and where each question's time goes (calls to ``Index.version``/``hashes``, Chroma, BM25,
   the sentence ranker, question reading, the guard), so that costs that grow with
   the library show up by name. Also a stress test the set cannot give: recall@5 of
   the retriever alone with *no* filters (the set's questions all name a council
   but one, so the chain scopes them to the real reports; here the distractors
   compete), counting a hit only in the gold report;
3. **baseline**: ``evals.baseline.NaiveBaseline.warm_up`` on the same library with
   the same model (read, ``RecursiveCharacterTextSplitter`` 1000/200 chunking, embed,
   add to an in-memory Chroma collection), timed, so 'ingest throughput at least the
   baseline's' can be checked; then its answers to the set (for the record).

The table goes to stdout and is appended to ``bench/results.md`` under
'## Scale (bench/scale.py)' (``--no-append``: print only). Everything measured is
also written to ``<out>/scale-results.json``.

Throughput definitions. *paragraphs/s*: the library's parsed paragraphs / ingest
seconds (as ``bench/ingest_corpus.py``). The baseline has no paragraphs: *baseline chunks/s*
is its own 1000-character chunks / its seconds, and *baseline paragraphs/s* is the
same library's paragraph count / the baseline's seconds, i.e. the same text volume
per second, the number to compare with ours.

The synthetic libraries (Nx the corpus: copies with made-up councils, people, years,
figures and wording) are made by ``bench/synthetic_library.py``; its docstring says how.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench.machine import du_mb, machine  # noqa: E402 (after the offline settings)
from bench.synthetic_library import CORPUS, build_library, paragraph_uniqueness  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results.md"
HEADING = "## Scale (bench/scale.py)"

# --- measuring: each step in a child process of its own -----------------------------------

def _settings(data: Path, library: Path):
    """The environment's model and chunk settings, always a fresh embedded index in ``data``."""
    from core.settings import Settings

    return dataclasses.replace(Settings.from_env(data_dir=data, corpus_dir=library), chroma_host=None)


def _quiet():
    from rich.console import Console

    return Console(file=io.StringIO())


def _real_doc_ids() -> set[str]:
    from ingest.manifest import doc_id_for, load_manifest

    return {doc_id_for(Path(name)) for name in load_manifest(CORPUS)}


def _timed(work):
    """``work()``'s result and the seconds it took."""
    t = time.perf_counter()
    result = work()
    return result, time.perf_counter() - t


def child_ingest(library: Path, data: Path) -> dict:
    from ingest.pipeline import Ingestor

    ingestor = Ingestor(_settings(data, library))
    _, load = _timed(ingestor.warm_up)
    results, total = _timed(lambda: ingestor.ingest([library]))
    failed = [f"{r.path.name}: {r.error}" for r in results if r.failed]
    step = lambda rs, *names: sum(r.timings.get(n, 0.0) for r in rs for n in names)  # noqa: E731
    q = max(1, len(results) // 4)  # does storing slow down as the collection grows?
    per_k = lambda rs: 1000 * step(rs, "store") / max(1, sum(r.chunks for r in rs))  # noqa: E731
    import torch

    from ingest.embedder import native_bf16

    precision = ingestor.settings.ingest_precision
    return {
        "torch_threads": torch.get_num_threads(),
        "precision": f"auto: {'bfloat16' if native_bf16() else 'float32'}" if precision == "auto" else precision,
        "reports": sum(1 for r in results if not r.failed), "failed": failed,
        "paragraphs": sum(r.paragraphs for r in results), "chunks": sum(r.chunks for r in results),
        "seconds": total, "model_load_s": load,
        "read_parse_s": step(results, "read", "parse", "chunk"), "embed_s": step(results, "embed"),
        "store_s": step(results, "store"),
        "store_s_per_1000_chunks_first_quarter": per_k(results[:q]),
        "store_s_per_1000_chunks_last_quarter": per_k(results[-q:]),
    }


class _Timers:
    """Cumulative seconds and calls of named functions, by wrapping them in place."""

    def __init__(self):
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    def wrap(self, owner, attr: str, label: str) -> None:
        original = getattr(owner, attr)

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - t
                self.calls[label] += 1

        setattr(owner, attr, timed)


def child_query(library: Path, data: Path) -> dict:
    from evals.gold import DEFAULT_SET, contains_evidence, gold_keys
    from evals.metrics import is_relevant, percentile
    from evals.running import AssistantSystem, ask_all, read_set
    from ingest.embedder import load_embedder
    from rag.keyword import KeywordIndex
    from rag.model import Filters
    from rag.retriever import _searchable, keyword_text

    settings = _settings(data, library)
    items = read_set(DEFAULT_SET)
    embedder, model_load = _timed(lambda: load_embedder(settings))
    system = AssistantSystem(settings, embedder=embedder)
    # records + keyword index: what every process that answers pays
    _, warm_up = _timed(system.chain.warm_up)
    retriever = system.chain.retriever
    # the evaluation's: first Chroma query (HNSW load) and the paragraph lookup
    _, first_search = _timed(system.warm_up)
    # The warm-up's parts, timed again on their own.
    reports, records_load = _timed(retriever.index.reports)
    texts = [((r.doc_id, p.locator), keyword_text(p)) for r in reports for p in r.paragraphs if _searchable(p)]
    built, bm25_build = _timed(lambda: KeywordIndex().build(texts))
    # what refresh() pays after an ingest: earlier analyses reused
    _, bm25_rebuild = _timed(lambda: KeywordIndex().build(texts, cache=built.analysed))
    built = None  # frees the index before the questions
    hashes_ms = _timed(lambda: [retriever.index.hashes() for _ in range(5)])[1] / 5 * 1000
    version_ms = _timed(lambda: [retriever.index.version() for _ in range(5)])[1] / 5 * 1000
    system.chain.ask(items[0].question)  # one whole question, untimed: the process is warm after it
    system.warm_up = lambda: None  # ask_all would warm up again; done already

    timers = _Timers()
    import ingest.store
    import rag.chain
    import rag.extractive
    import rag.keyword
    import rag.question
    import rag.retriever
    import rag.sentence_rank
    import rag.structured

    for owner, attr, label in (
            (system.chain, "ask", "chain.ask"),
            (ingest.store.Index, "version", "Index.version (refresh)"),
            (ingest.store.Index, "hashes", "Index.hashes (refresh, on a change)"),
            (rag.question, "read", "question.read"),
            (rag.structured, "answer", "structured.answer"),
            (rag.retriever.HybridRetriever, "search", "retriever.search"),
            (embedder, "embed_query", "embed question"),
            (rag.retriever.HybridRetriever, "_dense", "dense (Chroma query + checks)"),
            (ingest.store.Index, "query", "Chroma query"),
            (rag.retriever.HybridRetriever, "_keyword", "keyword (allowed set + BM25)"),
            (rag.keyword.KeywordIndex, "search", "BM25 search"),
            (rag.sentence_rank.SentenceRanker, "rank", "sentence ranker"),
            (rag.extractive.ExtractiveAnswerer, "answer", "extractive answerer"),
            (rag.chain, "guard", "guard")):
        timers.wrap(owner, attr, label)
    # the per-question latencies: chain.ask, timed by its wrapper
    latencies: list[float] = []
    ask = system.chain.ask

    def timed_ask(*args, **kwargs):
        before = timers.seconds["chain.ask"]
        try:
            return ask(*args, **kwargs)
        finally:
            latencies.append((timers.seconds["chain.ask"] - before) * 1000)

    system.chain.ask = timed_ask
    run = ask_all(system, items, _quiet())
    summary = run.summary.as_dict()
    n = len(items)
    per_question = {label: 1000 * secs / n for label, secs in timers.seconds.items()}
    calls = {label: c / n for label, c in timers.calls.items()}

    # Against the gold report only: a paragraph of a synthetic copy that happens to hold
    # the evidence words is not a hit, and a citation of a copy is never relevant.
    real = _real_doc_ids()
    strict_hits, answerable, cited, relevant, cited_copies = 0, 0, 0, 0, 0
    for k, r in zip(run.items, run.results):
        docs = {d for d, _ in gold_keys(k)} | {k.doc_id}
        if k.answerable:
            answerable += 1
            strict_hits += any(i.doc_id in docs and i.contains(k.evidence) for i in r.ranked[:5])
        for c in r.cited:
            cited += 1
            relevant += c.doc_id in docs and is_relevant(k, c)
            cited_copies += c.doc_id not in real
    # Stress: the retriever alone with no filters, so the copies compete with the gold report.
    hits5, top5_copies, top5_all, search_ms = 0, 0, 0, []
    for k in items:
        if not k.answerable:
            continue
        retrieval, seconds = _timed(lambda: retriever.search(k.question, Filters(), k=5))
        found = retrieval.hits
        search_ms.append(seconds * 1000)
        docs = {d for d, _ in gold_keys(k)} | {k.doc_id}
        hits5 += any(h.meta.doc_id in docs and contains_evidence(h.paragraph, k.evidence) for h in found)
        top5_copies += sum(h.meta.doc_id not in real for h in found)
        top5_all += len(found)
    return {
        "questions": n, "model_load_s": model_load, "warm_up_s": warm_up, "first_search_s": first_search,
        "records_load_s": records_load, "bm25_build_s": bm25_build, "bm25_rebuild_s": bm25_rebuild, "hashes_ms_per_call": hashes_ms,
        "version_ms_per_call": version_ms,
        "latency_p50_ms": percentile(latencies, 50), "latency_p95_ms": percentile(latencies, 95),
        "latency_mean_ms": statistics.fmean(latencies),
        "chain_latency_p50_ms": summary["latency_p50_ms"], "chain_latency_p95_ms": summary["latency_p95_ms"],
        "evidence_recall_at_5": summary["evidence_recall_at_5"],
        "answer_correctness": summary["answer_correctness"],
        "citation_precision": summary["citation_precision"],
        "summary": summary,
        "strict_recall_at_5": strict_hits / max(1, answerable),
        "strict_citation_precision": relevant / max(1, cited), "citations": cited,
        "citations_of_copies": cited_copies,
        "wrong": [k.id for k, s in zip(run.items, run.scores) if not s.correct],
        "unfiltered_recall_at_5": hits5 / max(1, answerable),
        "unfiltered_top5_copies_share": top5_copies / max(1, top5_all),
        "unfiltered_search_p50_ms": percentile(search_ms, 50),
        "ms_per_question": per_question, "calls_per_question": calls,
    }


def child_baseline(library: Path, data: Path) -> dict:
    from evals.baseline import NaiveBaseline
    from evals.gold import DEFAULT_SET
    from evals.running import ask_all, read_set
    from ingest.embedder import load_embedder

    settings = _settings(data, library)
    items = read_set(DEFAULT_SET)
    embedder, load = _timed(lambda: load_embedder(settings))
    embed_s = [0.0]
    embed = embedder.embed

    def timed_embed(texts):
        t0 = time.perf_counter()
        try:
            return embed(texts)
        finally:
            embed_s[0] += time.perf_counter() - t0

    embedder.embed = timed_embed
    baseline = NaiveBaseline(settings, embedder=embedder, corpus_dir=library)
    _, total = _timed(baseline.warm_up)  # read + parse (for doc ids) + split + embed + add: its whole ingest
    embedder.embed = embed
    summary = ask_all(baseline, items, _quiet()).summary.as_dict()
    return {"chunks": len(baseline.chunks), "characters": sum(len(c) for _, _, c in baseline.chunks),
            "seconds": total, "embed_s": embed_s[0], "model_load_s": load,
            "evidence_recall_at_5": summary["evidence_recall_at_5"],
            "answer_correctness": summary["answer_correctness"],
            "citation_precision": summary["citation_precision"],
            "latency_p50_ms": summary["latency_p50_ms"]}


CHILDREN = {"ingest": child_ingest, "query": child_query, "baseline": child_baseline}


def run_child(task: str, library: Path, data: Path, out: Path) -> tuple[dict, float, float, tuple]:
    """Run one step in a child process; (its result with its CPU seconds added, its peak
    RSS in MB, wall seconds, 1-minute load averages before and after)."""
    before = os.getloadavg()[0]
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", task, str(library),
                             str(data), str(out)])
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"error: the {task} step failed (exit {proc.returncode}); see its output above")
    result = {**json.loads(out.read_text()), "cpu_s": usage.ru_utime + usage.ru_stime}
    return result, usage.ru_maxrss / 1024, wall, (before, os.getloadavg()[0])


# --- the run and the report ----------------------------------------------------------------

def _f(x, fmt="{:.2f}") -> str:
    return "-" if x is None else fmt.format(x)


def tables(rows: list[dict]) -> str:
    head = ("| scale | reports | paragraphs | chunks | ingest s | paragraphs/s | baseline chunks | baseline s "
            "| baseline chunks/s | baseline paragraphs/s | index MB | peak RSS MB ingest / query / baseline "
            "| warm-up s | query p50 / p95 ms | recall@5 | correctness | citation precision |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    out = [head.rstrip("\n")]
    for r in rows:
        i, q, b = r["ingest"], r["query"], r["baseline"]
        out.append(
            f"| {r['scale']}x | {i['reports']} | {i['paragraphs']} | {i['chunks']} | {i['seconds']:.1f} "
            f"| {i['paragraphs'] / i['seconds']:.1f} | {b['chunks']} | {b['seconds']:.1f} "
            f"| {b['chunks'] / b['seconds']:.1f} | {i['paragraphs'] / b['seconds']:.1f} | {r['index_mb']:.0f} "
            f"| {r['rss_mb']['ingest']:.0f} / {r['rss_mb']['query']:.0f} / {r['rss_mb']['baseline']:.0f} "
            f"| {q['warm_up_s']:.2f} | {q['latency_p50_ms']:.0f} / {q['latency_p95_ms']:.0f} "
            f"| {_f(q['evidence_recall_at_5'])} | {_f(q['answer_correctness'])} | {_f(q['citation_precision'])} |")
    labels = ["chain.ask", "Index.version (refresh)", "Index.hashes (refresh, on a change)", "question.read", "embed question", "Chroma query",
              "dense (Chroma query + checks)", "keyword (allowed set + BM25)", "BM25 search", "sentence ranker",
              "structured.answer", "extractive answerer", "guard"]
    out += ["", "Where a question's time goes (mean ms per question, each row inclusive of the rows it calls):", "",
            "| part | " + " | ".join(f"{r['scale']}x" for r in rows) + " |",
            "|---|" + "---:|" * len(rows)]
    for label in labels:
        out.append(f"| {label} | " + " | ".join(_f(r["query"]["ms_per_question"].get(label), "{:.1f}")
                                                 for r in rows) + " |")
    out += ["", "| other measures | " + " | ".join(f"{r['scale']}x" for r in rows) + " |",
            "|---|" + "---:|" * len(rows)]
    other = (
        ("warm-up: read every record (s)", lambda r: _f(r["query"]["records_load_s"])),
        ("warm-up: build BM25 over every paragraph (s)", lambda r: _f(r["query"]["bm25_build_s"])),
        ("refresh after an ingest: rebuild BM25 reusing the analyses (s)", lambda r: _f(r["query"].get("bm25_rebuild_s"))),
        ("first Chroma query after start (s)", lambda r: _f(r["query"]["first_search_s"])),
        ("Index.version() / Index.hashes(), one call (ms)", lambda r: _f(r["query"].get("version_ms_per_call"), "{:.1f}")
         + " / " + _f(r["query"]["hashes_ms_per_call"], "{:.1f}")),
        ("model load, ingest process (s)", lambda r: _f(r["ingest"]["model_load_s"])),
        ("ingest: read+parse+chunk / embed / store (s)",
         lambda r: f"{r['ingest']['read_parse_s']:.1f} / {r['ingest']['embed_s']:.1f} / {r['ingest']['store_s']:.1f}"),
        ("store s per 1000 chunks, first / last quarter of files",
         lambda r: f"{r['ingest']['store_s_per_1000_chunks_first_quarter']:.2f} / "
                   f"{r['ingest']['store_s_per_1000_chunks_last_quarter']:.2f}"),
        ("baseline embed s (of its total)", lambda r: _f(r["baseline"]["embed_s"], "{:.1f}")),
        ("CPU s (user+sys) of the ingest / query / baseline process",
         lambda r: f"{r['ingest']['cpu_s']:.0f} / {r['query']['cpu_s']:.0f} / {r['baseline']['cpu_s']:.0f}"),
        ("recall@5 / citation precision, gold report only",
         lambda r: f"{r['query']['strict_recall_at_5']:.2f} / {r['query']['strict_citation_precision']:.2f}"),
        ("citations of synthetic reports", lambda r: f"{r['query']['citations_of_copies']} of {r['query']['citations']}"),
        ("retriever alone, no filters: recall@5 (gold report)", lambda r: _f(r["query"]["unfiltered_recall_at_5"])),
        ("retriever alone, no filters: share of top 5 from copies",
         lambda r: _f(r["query"]["unfiltered_top5_copies_share"])),
        ("retriever alone, no filters: search p50 (ms)",
         lambda r: _f(r["query"]["unfiltered_search_p50_ms"], "{:.0f}")),
        ("baseline recall@5 / correctness",
         lambda r: f"{_f(r['baseline']['evidence_recall_at_5'])} / {_f(r['baseline']['answer_correctness'])}"),
        ("library: prose paragraphs of 60+ characters occurring once",
         lambda r: _f(r["library"].get("prose60_unique"))),
        ("load average (1 min) before / after the steps", lambda r: " ".join(
            f"{a:.1f}/{b:.1f}" for a, b in r["load"])),
    )
    for label, value in other:
        out.append(f"| {label} | " + " | ".join(value(r) for r in rows) + " |")
    return "\n".join(out)


RESULTS_INTRO = """
`python bench/scale.py --scale 1 10 [100] [--out DIR] [--keep]` builds synthetic libraries of 1x, 10x
and 100x the corpus (1x is `corpus/` itself; Nx adds N-1 copies of the five reports under made-up
councils, years moved, figures and wording varied: the method is in bench/synthetic_library.py's docstring), and
for each scale, in a fresh data dir and in child processes of its own: ingests it (the product's
`Ingestor`, real model), measures the index on disk and each process's peak RSS, asks the
known-answer set through `evals.running.AssistantSystem` (warm latency of `chain.ask`, recall@5,
correctness, citation precision, and where each question's time goes), and times the naive
baseline's ingest (`evals/baseline.py`: 1000/200 character chunks, same model, Chroma add) on the
same library. *baseline paragraphs/s* is the library's paragraph count over the baseline's
seconds: the same text per second, comparable with ours. 100x (500 reports, ~105k paragraphs:
about 25 minutes of ingest on an idle 2-CPU machine, over an hour on a busy one, plus a
several-minute library build) is a separate command, `python bench/scale.py --scale 100`,
that CI does not run.
"""


def append_results(rows: list[dict], info: dict, command: str, note: str) -> str:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    block = []
    if HEADING not in text:
        block += ["", HEADING, RESULTS_INTRO.rstrip()]
    loads = [x for r in rows for pair in r["load"] for x in pair]
    busy = max(loads) > info["cpus"] + 0.5  # the benchmark's own torch threads load every CPU
    block += ["", f"### {info['date']}", "",
              f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['ram_gb']} GB RAM, Python {info['python']}, "
              f"torch {info['torch']} ({rows[0]['ingest'].get('torch_threads', '?')} threads; the product ingests "
              f"with precision {rows[0]['ingest'].get('precision', '?')}, the baseline in float32), "
              f"chromadb {info['chromadb']}, sentence-transformers "
              f"{info['sentence_transformers']}; commit {info['commit']}.", "",
              f"Command: `{command}`", ""]
    if busy or note:
        block += [" ".join(filter(None, [
            f"**Provisional.** {note}".strip() if note else "**Provisional.**",
            f"The 1-minute load average reached {max(loads):.1f} on {info['cpus']} CPUs during the run, so other "
            "jobs shared the machine and the times are upper bounds." if busy else ""])), ""]
    block += [tables(rows), ""]
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(block))
    return "\n".join(block)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, nargs="+", default=[1, 10], help="library sizes, times the corpus")
    ap.add_argument("--out", type=Path, help="working folder (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the libraries and data dirs")
    ap.add_argument("--no-append", action="store_true", help="print the tables; leave bench/results.md alone")
    ap.add_argument("--note", default="", help="a sentence added to the results (e.g. why they are provisional)")
    ap.add_argument("--child", nargs=4, metavar=("TASK", "LIBRARY", "DATA", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        task, library, data, out = args.child
        Path(out).write_text(json.dumps(CHILDREN[task](Path(library), Path(data)), indent=1, default=str))
        return 0
    if any(n < 1 for n in args.scale):
        ap.error("--scale: sizes are 1 or more")
    command = "python bench/scale.py " + shlex.join(argv)
    info = {**machine(), "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M")}
    work = args.out or Path(tempfile.mkdtemp(prefix="rag-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in args.scale:
            library, data = work / f"library-{n}x", work / f"data-{n}x"
            for folder in (library, data):
                if folder.exists():
                    shutil.rmtree(folder)
            t = time.perf_counter()
            built = build_library(n, library)
            for w in built["warnings"]:
                print(f"warning: {w}", file=sys.stderr)
            stats = paragraph_uniqueness(library) if n > 1 else {}
            print(f"{n}x: library of {built['reports']} reports built in {time.perf_counter() - t:.0f} s "
                  f"{json.dumps({k: v for k, v in stats.items() if k != 'commonest'})}", file=sys.stderr)
            row = {"scale": n, "library": stats, "load": [], "rss_mb": {}, "wall_s": {}}
            for task in ("ingest", "query", "baseline"):
                print(f"{n}x: {task} ...", file=sys.stderr, flush=True)
                result, rss, wall, load = run_child(task, library, data if task != "baseline" else work / "unused",
                                                    work / f"{task}-{n}x.json")
                row[task], row["rss_mb"][task], row["wall_s"][task] = result, rss, wall
                row["load"].append(load)
                if task == "ingest":
                    row["index_mb"] = du_mb(data)
                    if result["failed"]:
                        print("\n".join(f"error: {f}" for f in result["failed"]), file=sys.stderr)
                print(f"{n}x: {task} done in {wall:.0f} s, peak RSS {rss:.0f} MB", file=sys.stderr, flush=True)
            rows.append(row)
            if not args.keep:
                shutil.rmtree(library, ignore_errors=True)
                shutil.rmtree(data, ignore_errors=True)
    finally:
        if args.out is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.out is not None or args.keep:
        (work / "scale-results.json").write_text(json.dumps({"machine": info, "command": command, "rows": rows},
                                                            indent=1, default=str))
        print(f"results: {work / 'scale-results.json'}", file=sys.stderr)
    if args.no_append:
        print(tables(rows))
    else:
        print(append_results(rows, info, command, args.note))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
