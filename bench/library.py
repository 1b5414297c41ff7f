"""Library benchmark: the real library's PDFs through the product and the naive baseline.

    python bench/library.py [--library DIR] [--limit N] [--no-baseline] [--out [FILE]] [--json FILE]

``--library`` is the folder holding ``pdf/<authority>/<published>.pdf`` (default
``../shared/library`` beside the repository; the command stops with a one-line error where it
is missing). ``--limit N`` takes the first N PDFs (sorted by authority, then date) for a quick
run. ``--out`` appends a dated section to ``bench/results.md`` (or FILE) under
'## Library (bench/library.py)'; ``--json`` writes every measure. Without them the tables
only go to stdout. Each step runs in a child process of its own, so each peak RSS
(``os.wait4``) is that step's alone and one step's memory never counts against another's:

1. **ingest the library** into a fresh index in a temp folder with ``ingest.pipeline.Ingestor``
   and the real model, timed apart from the model load. Seconds per stage come from the
   pipeline's own ``FileResult.timings``: *read* (PDF -> text, ``read_text``), *parse*
   (metadata + paragraphs, judgements, recommendations), *chunk*, *embed*, *store*; *other*
   is the rest (hashing, duplicate and is-it-current checks, the lock and the repair scan).
   *embed* holds both the chunks and every sentence's vector (stored for the answer chain),
   both in ``RAG_INGEST_PRECISION``; the sentences' part is also shown on its own.
   Paragraphs/s and chunks/s over the whole ingest, the index on disk (``du`` of the data
   folder: Chroma + JSON records), peak RSS. Files that fail (the library holds three web
   pages saved as ``.pdf``) are listed with the product's reason and the others go on.
2. **ask the library**: ``rag.chain.AnswerChain`` (offline extractive answerer, float32
   question embeddings) over that index; warm latency of ``chain.ask`` per question, p50 and
   p95, after the warm-up (model, records, BM25) and one whole question asked untimed.
3. **ingest and ask the five seed reports** (``corpus/``) the same way, for the warm p50
   that the library's is held against, measured in the same run on the same machine.
4. **the naive baseline** (unless ``--no-baseline``), a LangChain tutorial's pipeline on the
   same PDF files: ``PyPDFLoader`` (langchain-community, over pypdf; one Document per page),
   ``RecursiveCharacterTextSplitter(1000, 200)``, the same embedding model as it loads by
   default (float32), ``langchain_chroma.Chroma.from_documents`` into a persistent Chroma
   in a temp folder; seconds for read, split, embed and store, its chunks/s; then warm
   latency of ``similarity_search(question, k=4)`` on the same questions (top-4 retrieval,
   no answer). A file PyPDFLoader cannot read is skipped and counted (the tutorial's code
   would stop there).

Why the library is ingested through links: the library's file names are dates, and 92 of
them occur under more than one authority, while a report's id comes from its file name
(``ingest.manifest.doc_id_for``), so the second ``2018-11-19.pdf`` would fail as a duplicate
id. The benchmark ingests a temp folder of links named ``<authority>-<published>.pdf`` to
the files (each read as it is). A user who keeps the library as published meets those
failures.

The questions. ``QUESTIONS`` are 31 questions staff ask, each naming councils of the
library (or none: searched across every report). An index that does not hold a named
council (the five seed reports; a ``--limit`` run) gets the question with a council it
holds instead, in turn (``fit_questions``), so every question does the whole work (a council
the library lacks is answered at once with 'no reports for X', which would flatter the
latency). The library run and the baseline ask the same fitted questions.

Targets (printed met/missed): our ingest throughput at least the baseline's, i.e. our
paragraphs/s against *the baseline's paragraphs/s* = our paragraph count over the baseline's
seconds (the same PDFs per second; it has no paragraphs); reading + parsing at most 15% of
our ingest; warm query p50 over the library at most 1.5x the five reports' and at most 5x the
baseline's top-4 retrieval p50.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench.machine import du_mb, machine  # noqa: E402 (after the offline settings)

CORPUS = ROOT / "corpus"
DEFAULT_LIBRARY = ROOT.parent / "shared" / "library"
RESULTS = Path(__file__).resolve().parent / "results.md"
HEADING = "## Library (bench/library.py)"
BASELINE_K = 4  # the tutorial's top-k
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200  # the tutorial's splitter, as evals/baseline.py
TARGET_READ_PARSE_SHARE = 0.15
TARGET_VS_FIVE = 1.5
TARGET_VS_BASELINE = 5.0

# What staff ask of a library of inspection reports: judgements, recommendations and the
# themes Ofsted reports on, each naming one council (two for a comparison) or none.
QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("What did Ofsted say about care leavers in {0}?", ("Dorset",)),
    ("What grade did {0} get for overall effectiveness?", ("Leeds",)),
    ("What did inspectors find about children missing from home or care in {0}?", ("Birmingham",)),
    ("How well does {0} respond to child sexual exploitation?", ("Rotherham",)),
    ("What does {0} need to improve?", ("Cornwall",)),
    ("How stable is the social work workforce in {0}?", ("Essex",)),
    ("What did Ofsted say about the front door and the MASH in {0}?", ("Manchester",)),
    ("Are social workers' caseloads manageable in {0}?", ("Bradford",)),
    ("How good is management oversight and supervision of social work in {0}?", ("Norfolk",)),
    ("What did Ofsted find about pathway plans for care leavers in {0}?", ("Lambeth",)),
    ("How effective is early help in {0}?", ("Sunderland",)),
    ("What did the inspectors say about independent reviewing officers in {0}?", ("Devon",)),
    ("How does {0} use the Public Law Outline and pre-proceedings work?", ("Kirklees",)),
    ("What grade did Ofsted give {0} for children who need help and protection?", ("Surrey",)),
    ("How well are disabled children supported in {0}?", ("Doncaster",)),
    ("What did Ofsted say about placement stability for children in care in {0}?", ("Croydon",)),
    ("How are 16- and 17-year-olds who present as homeless helped in {0}?", ("Liverpool",)),
    ("What did inspectors say about hearing the voice of the child in {0}?", ("Hackney",)),
    ("How well do children in care in {0} do at school, and what does the virtual school do?", ("Somerset",)),
    ("What did Ofsted say about the impact of leaders in {0}?", ("Wirral",)),
    ("How does {0} support unaccompanied asylum-seeking children?", ("Hillingdon",)),
    ("Does {0} have enough foster carers and placements for its children in care?", ("Plymouth",)),
    ("How are allegations against adults who work with children handled in {0}?", ("Sheffield",)),
    ("What did Ofsted say about domestic abuse and strategy meetings in {0}?", ("Leicester",)),
    ("How well are return home interviews used for missing children in {0}?", ("Suffolk",)),
    ("What did the review of the Local Safeguarding Children Board say about {0}?", ("Bristol",)),
    ("How do {0} and {1} compare on the experiences and progress of care leavers?", ("Coventry", "Wakefield")),
    ("What did Ofsted say about adoption in {0}?", ("Middlesbrough",)),
    ("How timely are child protection assessments in {0}?", ("Slough",)),
    ("Which councils were judged inadequate for children in care?", ()),
    ("What do inspectors say about staying put arrangements for care leavers?", ()),
)


def fit_questions(questions, held: list[str]) -> tuple[list[str], int]:
    """The questions with each council the index does not hold replaced by one it does (in
    turn through ``held``, never twice in one question); and how many were replaced."""
    out, swapped, turn = [], 0, 0
    for template, councils in questions:
        names = []
        for council in councils:
            if council not in held and held:
                free = [p for p in held if p not in names and p not in councils] or held
                council = free[turn % len(free)]
                turn += 1
                swapped += 1
            names.append(council)
        out.append(template.format(*names))
    return out, swapped


def held_places(library: list) -> list[str]:
    """The councils (``ReportMeta.place``) of ``library`` that a question naming them is
    scoped to, read as the chain reads a question: those reports are what it then searches."""
    from rag import question as q_
    from rag.model import Filters

    held = []
    for place in sorted({meta.place for meta in library}):
        q = q_.read(f"What did Ofsted say about {place}?", library)
        filters = q_.filters_for(q, Filters(), library)
        if place in q.places and not q.unknown_places and any(filters.allows(meta) for meta in library):
            held.append(place)
    return held


def library_view(pdfs: list[Path], pdf_dir: Path, folder: Path) -> None:
    """Links ``<authority>-<published>.pdf`` -> each PDF, so report ids are unique (see the doc)."""
    folder.mkdir(parents=True)
    for pdf in pdfs:
        rel = pdf.relative_to(pdf_dir)
        (folder / "-".join(rel.parts)).symlink_to(pdf.resolve())


# --- the steps, each in a child process --------------------------------------------------

def _settings(data: Path):
    from core.settings import Settings

    # the environment's model and chunk settings, always a fresh embedded index
    return dataclasses.replace(Settings.from_env(data_dir=data), chroma_host=None)


def _timed(work):
    t = time.perf_counter()
    result = work()
    return result, time.perf_counter() - t


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def child_ingest(p: dict) -> dict:
    import torch

    from ingest.embedder import native_bf16
    from ingest.pipeline import Ingestor

    ingestor = Ingestor(_settings(Path(p["data"])))
    _, load = _timed(ingestor.warm_up)
    started = time.perf_counter()

    def progress(done, total, path, result):
        if result is not None and (done % 25 == 0 or done == total):
            _say(f"  {p['label']}: {done}/{total} files, {time.perf_counter() - started:.0f} s")

    results, total = _timed(lambda: ingestor.ingest([Path(p["folder"])], progress=progress))
    stages = {name: sum(r.timings.get(name, 0.0) for r in results) for name in ("read", "parse", "chunk", "embed",
                                                                                "store")}
    precision = ingestor.settings.ingest_precision
    return {
        "files": len(results), "reports": sum(1 for r in results if not r.failed),
        "failed": [[r.path.name, r.error] for r in results if r.failed],
        "paragraphs": sum(r.paragraphs for r in results), "chunks": sum(r.chunks for r in results),
        "seconds": total, "model_load_s": load, "stages_s": {**stages, "other": total - sum(stages.values())},
        # the sentence vectors' part of embed (what answering reads instead of embedding)
        "embed_sentences_s": sum(r.timings.get("embed_sentences", 0.0) for r in results),
        "torch_threads": torch.get_num_threads(),
        "precision": f"auto: {'bfloat16' if native_bf16() else 'float32'}" if precision == "auto" else precision,
    }


def child_query(p: dict) -> dict:
    from evals.metrics import percentile
    from ingest.embedder import load_embedder
    from rag.chain import AnswerChain

    settings = _settings(Path(p["data"]))
    embedder, load = _timed(lambda: load_embedder(settings))
    chain = AnswerChain(settings, embedder=embedder)
    _, warm_up = _timed(chain.warm_up)  # records + BM25: once per answering process
    held = held_places([r.meta for r in chain.retriever.reports.values()])
    questions, swapped = fit_questions(QUESTIONS, held)
    _, first = _timed(lambda: chain.ask(questions[0]))  # untimed for the figures: loads the vector index
    latencies, abstained = [], 0
    for question in questions:
        answer, seconds = _timed(lambda: chain.ask(question))
        latencies.append(seconds * 1000)
        abstained += answer.abstained
    return {
        "questions": questions, "swapped": swapped, "held_places": held,
        "model_load_s": load, "warm_up_s": warm_up, "first_question_s": first,
        "latencies_ms": latencies, "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
        "abstained": abstained,
    }


def child_baseline(p: dict) -> dict:
    import logging

    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from evals.metrics import percentile
    from ingest.embedder import load_embedder

    warnings.filterwarnings("ignore", message=".*langchain-community.*", category=DeprecationWarning)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-object notes, one per page
    from langchain_community.document_loaders import PyPDFLoader

    embedder, load = _timed(lambda: load_embedder(_settings(Path(p["data"]))))  # float32, as it loads

    class SameModel(Embeddings):
        """The product's model behind LangChain's interface; counts its embedding seconds."""

        seconds = 0.0

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            vectors, seconds = _timed(lambda: embedder.embed(texts))
            self.seconds += seconds
            return vectors

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query([text])[0]

    started = time.perf_counter()
    pages, failed = [], []
    for i, path in enumerate(map(Path, p["pdfs"]), 1):
        try:
            pages += PyPDFLoader(str(path)).load()
        except Exception as exc:  # noqa: BLE001 - a file it cannot read: counted, the rest go on
            failed.append([f"{path.parent.name}/{path.name}", f"{type(exc).__name__}: {exc}"[:200]])
        if i % 25 == 0 or i == len(p["pdfs"]):
            _say(f"  baseline: {i}/{len(p['pdfs'])} files read, {time.perf_counter() - started:.0f} s")
    read = time.perf_counter() - started
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    chunks, split = _timed(lambda: splitter.split_documents(pages))
    _say(f"  baseline: {len(chunks)} chunks; embedding and storing")
    model = SameModel()
    client = chromadb.PersistentClient(path=p["store"], settings=ChromaSettings(anonymized_telemetry=False))
    store, add = _timed(lambda: Chroma.from_documents(chunks, model, client=client, collection_name="baseline"))
    total = time.perf_counter() - started
    store.similarity_search(p["questions"][0], k=BASELINE_K)  # untimed, as ours
    latencies = [_timed(lambda: store.similarity_search(q, k=BASELINE_K))[1] * 1000 for q in p["questions"]]
    return {
        "files": len(p["pdfs"]), "failed": failed, "pages": len(pages), "chunks": len(chunks),
        "characters": sum(len(c.page_content) for c in chunks), "model_load_s": load, "seconds": total,
        "stages_s": {"read": read, "split": split, "embed": model.seconds, "store": add - model.seconds},
        "latencies_ms": latencies, "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
    }


CHILDREN = {"ingest": child_ingest, "query": child_query, "baseline": child_baseline}


def run_child(task: str, params: dict, work: Path, name: str) -> dict:
    """One step in a child process: its result, peak RSS (MB), CPU and wall seconds, and the
    1-minute load average before and after."""
    given, out = work / f"{name}.in.json", work / f"{name}.json"
    given.write_text(json.dumps(params))
    before = os.getloadavg()[0]
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", task, str(given), str(out)])
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"error: the {name} step failed (exit {code}); see its output above")
    return {**json.loads(out.read_text()), "rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
            "wall_s": time.perf_counter() - t, "load": [before, os.getloadavg()[0]]}


def cpu_flags() -> str:
    """The CPU features bfloat16 embedding depends on (``ingest.embedder.native_bf16``)."""
    try:
        flags = next(line.split(":", 1)[1].split() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("flags"))
    except (OSError, StopIteration):
        return "unknown"
    wanted = ("amx_tile", "amx_bf16", "avx512_bf16", "avx512f", "avx512_vnni", "avx2")
    return ", ".join(f"{f} {'yes' if f in flags else 'no'}" for f in wanted)


# --- the report -------------------------------------------------------------------------

def _f(x, fmt="{:.1f}") -> str:
    return "-" if x is None else fmt.format(x)


def targets(run: dict) -> list[tuple[str, str, bool | None]]:
    """(target, what was measured, met?) with None where a part was not measured."""
    ours, q, five, base = run["ingest"], run["query"], run["five_query"], run.get("baseline")
    pps = ours["paragraphs"] / ours["seconds"]
    share = (ours["stages_s"]["read"] + ours["stages_s"]["parse"]) / ours["seconds"]
    rows = []
    if base:
        bpps = ours["paragraphs"] / base["seconds"]
        rows.append(("ingest paragraphs/s >= the baseline's", f"{pps:.1f} vs {bpps:.1f} ({pps / bpps:.2f}x)",
                     pps >= bpps))
    else:
        rows.append(("ingest paragraphs/s >= the baseline's", "baseline not run", None))
    rows.append((f"read + parse <= {TARGET_READ_PARSE_SHARE:.0%} of our ingest", f"{share:.1%}",
                 share <= TARGET_READ_PARSE_SHARE))
    rows.append((f"library query p50 <= {TARGET_VS_FIVE}x the five reports'",
                 f"{q['p50_ms']:.0f} vs {five['p50_ms']:.0f} ms ({q['p50_ms'] / five['p50_ms']:.2f}x)",
                 q["p50_ms"] <= TARGET_VS_FIVE * five["p50_ms"]))
    if base:
        rows.append((f"library query p50 <= {TARGET_VS_BASELINE:.0f}x the baseline's top-{BASELINE_K} retrieval p50",
                     f"{q['p50_ms']:.0f} vs {base['p50_ms']:.0f} ms ({q['p50_ms'] / base['p50_ms']:.2f}x)",
                     q["p50_ms"] <= TARGET_VS_BASELINE * base["p50_ms"]))
    else:
        rows.append((f"library query p50 <= {TARGET_VS_BASELINE:.0f}x the baseline's retrieval p50",
                     "baseline not run", None))
    return rows


def tables(run: dict) -> str:
    i, q, fi, fq, b = run["ingest"], run["query"], run["five_ingest"], run["five_query"], run.get("baseline")
    b = b or {}
    bs = b.get("stages_s", {})
    cols = ("ours, library", "baseline, library", "ours, five reports")

    def row(label, ours, base, five):
        return f"| {label} | {ours} | {base} | {five} |"

    out = ["| measure | " + " | ".join(cols) + " |", "|---|---:|---:|---:|",
           row("files / failed", f"{i['files']} / {len(i['failed'])}",
               f"{b['files']} / {len(b['failed'])}" if b else "-", f"{fi['files']} / {len(fi['failed'])}"),
           row("paragraphs / chunks", f"{i['paragraphs']} / {i['chunks']}",
               f"- / {b['chunks']} ({b['pages']} pages)" if b else "-", f"{fi['paragraphs']} / {fi['chunks']}"),
           row("ingest s (model load apart)", _f(i["seconds"]), _f(b.get("seconds")), _f(fi["seconds"])),
           row("read (PDF -> text) s", _f(i["stages_s"]["read"]), _f(bs.get("read")), _f(fi["stages_s"]["read"])),
           row("parse s", _f(i["stages_s"]["parse"]), "-", _f(fi["stages_s"]["parse"])),
           row("chunk / split s", _f(i["stages_s"]["chunk"]), _f(bs.get("split")), _f(fi["stages_s"]["chunk"])),
           row("embed s", _f(i["stages_s"]["embed"]), _f(bs.get("embed")), _f(fi["stages_s"]["embed"])),
           row("of which sentence vectors s", _f(i.get("embed_sentences_s")), "-",
               _f(fi.get("embed_sentences_s"))),
           row("store s", _f(i["stages_s"]["store"]), _f(bs.get("store")), _f(fi["stages_s"]["store"])),
           row("other s (hash, checks, lock, repair)", _f(i["stages_s"]["other"]), "-", _f(fi["stages_s"]["other"])),
           row("paragraphs/s (baseline: our paragraphs / its s)", _f(i["paragraphs"] / i["seconds"]),
               _f(i["paragraphs"] / b["seconds"]) if b else "-", _f(fi["paragraphs"] / fi["seconds"])),
           row("chunks/s", _f(i["chunks"] / i["seconds"]), _f(b["chunks"] / b["seconds"]) if b else "-",
               _f(fi["chunks"] / fi["seconds"])),
           row("index on disk MB", _f(run["index_mb"]), _f(run.get("baseline_index_mb")), _f(run["five_index_mb"])),
           row("peak RSS MB: ingest / query", f"{i['rss_mb']:.0f} / {q['rss_mb']:.0f}",
               f"{b['rss_mb']:.0f} (one process)" if b else "-", f"{fi['rss_mb']:.0f} / {fq['rss_mb']:.0f}"),
           row("model load s (ingest process)", _f(i["model_load_s"]), _f(b.get("model_load_s")),
               _f(fi["model_load_s"])),
           row("warm-up of the answering process s (records, BM25)", _f(q["warm_up_s"], "{:.2f}"), "-",
               _f(fq["warm_up_s"], "{:.2f}")),
           row(f"warm query p50 / p95 ms ({len(q['latencies_ms'])} questions; baseline: top-{BASELINE_K} search)",
               f"{q['p50_ms']:.0f} / {q['p95_ms']:.0f}", f"{b['p50_ms']:.0f} / {b['p95_ms']:.0f}" if b else "-",
               f"{fq['p50_ms']:.0f} / {fq['p95_ms']:.0f}"),
           row("questions abstained / council swapped in", f"{q['abstained']} / {q['swapped']}", "-",
               f"{fq['abstained']} / {fq['swapped']}"),
           row("CPU s (user+sys): ingest / query", f"{i['cpu_s']:.0f} / {q['cpu_s']:.0f}",
               f"{b['cpu_s']:.0f}" if b else "-", f"{fi['cpu_s']:.0f} / {fq['cpu_s']:.0f}"),
           "", "| target | measured | |", "|---|---|---|"]
    for target, measured, met in targets(run):
        out.append(f"| {target} | {measured} | {'-' if met is None else 'met' if met else 'MISSED'} |")
    failed = [f"ours: {name}: {why}" for name, why in i["failed"]] + [f"baseline: {name}: {why}"
                                                                     for name, why in b.get("failed", [])]
    if failed:
        out += ["", "Files that failed:", ""] + [f"- {line}" for line in failed]
    return "\n".join(out)


RESULTS_INTRO = """
`python bench/library.py [--limit N] [--no-baseline] [--out]`: the real library's PDFs
(`../shared/library/pdf`, 398 reports of 122 councils) ingested into a fresh index with the
product's pipeline and real model, then 31 staff questions through the answer chain; the five
seed reports the same way in the same run; and the naive LangChain pipeline (PyPDFLoader,
RecursiveCharacterTextSplitter 1000/200, same model, Chroma, top-4 search) on the same PDFs.
Each step in a child process of its own (peak RSS per step). The method is in the script's
docstring.
"""


def section(run: dict, command: str) -> str:
    """The dated section: machine, command, whether the run can be quoted, the tables."""
    info = run["machine"]
    loads = [x for step in run["steps"] for x in run[step]["load"]]
    busy = max(loads) > info["cpus"] + 0.5  # the benchmark's own torch threads load every CPU
    i = run["ingest"]
    block = [f"### {info['date']}", "",
             f"Machine: {info['cpus']} CPUs ({info['cpu']}; {info['flags']}), {info['ram_gb']} GB RAM, "
             f"Python {info['python']}, torch {info['torch']} ({i['torch_threads']} threads; the product ingests with "
             f"precision {i['precision']}, the baseline in float32), chromadb {info['chromadb']}, "
             f"sentence-transformers {info['sentence_transformers']}; commit {info['commit']}.", "",
             f"Command: `{command}` ({run['pdfs']} PDFs, {run['pdf_mb']:.0f} MB)", ""]
    notes = []
    if run["limit"]:
        notes.append(f"**Smoke run** of the first {run['limit']} PDFs only, not the library.")
    if busy:
        notes.append(f"**Provisional.** The 1-minute load average reached {max(loads):.1f} on {info['cpus']} CPUs, "
                     "so other jobs shared the machine and the times are upper bounds.")
    if notes:
        block += [" ".join(notes), ""]
    return "\n".join(block + [tables(run)])


def append_results(path: Path, block: str) -> None:
    """``block`` at the end of the library section of ``path``, which is made if missing."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if HEADING not in text:
        # Before the scale section, which bench/scale.py appends to at the end of the file.
        cut = text.find("\n## ")
        cut = len(text.rstrip("\n")) if cut < 0 else cut
        text = text[:cut].rstrip("\n") + "\n\n" + HEADING + "\n" + RESULTS_INTRO.rstrip() + "\n" + text[cut:]
    start = text.index(HEADING) + len(HEADING)
    end = text.find("\n## ", start)
    end = len(text.rstrip("\n")) if end < 0 else end
    text = text[:end].rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n" + text[end:]
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--library", type=Path, default=DEFAULT_LIBRARY, help="folder holding pdf/<authority>/*.pdf")
    ap.add_argument("--limit", type=int, help="only the first N PDFs (a quick run)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the naive LangChain pipeline")
    ap.add_argument("--out", type=Path, nargs="?", const=RESULTS,
                    help="append the tables to bench/results.md (or the FILE given)")
    ap.add_argument("--json", type=Path, help="write every measure to this file")
    ap.add_argument("--child", nargs=3, metavar=("TASK", "IN", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        task, given, out = args.child
        Path(out).write_text(json.dumps(CHILDREN[task](json.loads(Path(given).read_text())), indent=1))
        return 0
    if args.limit is not None and args.limit < 1:
        ap.error("--limit: give 1 or more")
    pdf_dir = args.library / "pdf"
    pdfs = sorted(pdf_dir.rglob("*.pdf")) if pdf_dir.is_dir() else []
    if not pdfs:
        print(f"error: {pdf_dir}: no PDFs there; give --library the folder holding pdf/<authority>/<published>.pdf "
              "(the shared library, ../shared/library beside the repository)", file=sys.stderr)
        return 1
    pdfs = pdfs[:args.limit] if args.limit else pdfs
    command = "python bench/library.py " + shlex.join(argv)
    info = {**machine(), "flags": cpu_flags(), "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M")}
    run: dict = {"machine": info, "command": command, "limit": args.limit,
                 "pdfs": len(pdfs), "pdf_mb": sum(p.stat().st_size for p in pdfs) / 1e6, "steps": []}
    work = Path(tempfile.mkdtemp(prefix="rag-library-"))
    try:
        view = work / "library"
        library_view(pdfs, pdf_dir, view)
        steps = [("ingest", "ingest", {"folder": str(view), "data": str(work / "data"), "label": "ingest"}),
                 ("query", "query", {"data": str(work / "data")}),
                 ("five_ingest", "ingest", {"folder": str(CORPUS), "data": str(work / "five"), "label": "five"}),
                 ("five_query", "query", {"data": str(work / "five")})]
        if not args.no_baseline:
            steps.append(("baseline", "baseline", {"pdfs": [str(p) for p in pdfs], "store": str(work / "baseline"),
                                                   "data": str(work / "unused")}))
        _say(f"{len(pdfs)} PDFs ({run['pdf_mb']:.0f} MB) from {pdf_dir}; working in {work}")
        for name, task, params in steps:
            if task == "baseline":
                params["questions"] = run["query"]["questions"]  # the library's fitted questions
            _say(f"{name} ...")
            run[name] = run_child(task, params, work, name)
            run["steps"].append(name)
            _say(f"{name}: done in {run[name]['wall_s']:.0f} s, peak RSS {run[name]['rss_mb']:.0f} MB")
        run["index_mb"] = du_mb(work / "data")
        run["five_index_mb"] = du_mb(work / "five")
        if "baseline" in run:
            run["baseline_index_mb"] = du_mb(work / "baseline")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(run, indent=1, default=str))
    block = section(run, command)
    print(block)
    if args.out:
        append_results(args.out, block)
        print(f"appended to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
