"""Where a warm question's time goes: the answer chain over an index already ingested.

    python bench/query.py DATA_DIR [--set seed|library] [--rounds N] [--answers FILE]

``--set seed`` (default) asks the known-answer set's questions (``evals/known_answers.jsonl``,
for an index of ``corpus/``); ``--set library`` the 31 staff questions of ``bench/library.py``,
each council fitted to one the index holds. After the warm-up and one untimed question, each
question goes through ``AnswerChain.ask`` (offline answerer), and right after it the naive
baseline's retrieval on the same index (one question embedding + Chroma top-4, no filter), so
both meet the same load on a shared machine. Prints the p50/p95 of both, their ratio, the mean
milliseconds per question of each stage (inclusive: a stage's time holds the stages it calls)
and the model's time and texts per question by the stage that asked for them. ``--answers``
writes each answer (``Answer.to_dict`` without its latency), to compare two versions of the code.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench.library import QUESTIONS, fit_questions, held_places  # noqa: E402 (after the offline settings)


class Stages:
    """Cumulative seconds and calls of named functions, wrapped in place; model calls are
    charged to the innermost stage running. ``paused`` leaves the baseline's calls out."""

    def __init__(self):
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.model_seconds: Counter[str] = Counter()
        self.model_texts: Counter[str] = Counter()
        self.running: list[str] = []
        self.paused = False

    def wrap(self, owner, attr: str, label: str) -> None:
        original = getattr(owner, attr)

        def timed(*args, **kwargs):
            self.running.append(label)
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.running.pop()
                if not self.paused:
                    self.seconds[label] += time.perf_counter() - t
                    self.calls[label] += 1

        setattr(owner, attr, timed)

    def wrap_model(self, owner, attr: str) -> None:
        original = getattr(owner, attr)

        def timed(this, texts, *args, **kwargs):
            t = time.perf_counter()
            try:
                return original(this, texts, *args, **kwargs)
            finally:
                if not self.paused:
                    by = self.running[-1] if self.running else "(outside the stages)"
                    self.model_seconds[by] += time.perf_counter() - t
                    self.model_texts[by] += len(texts)

        setattr(owner, attr, timed)


def percentile(values: list[float], p: float) -> float:
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="RAG_DATA_DIR of an ingested index")
    ap.add_argument("--set", choices=("seed", "library"), default="seed")
    ap.add_argument("--rounds", type=int, default=1, help="ask the questions this many times")
    ap.add_argument("--answers", type=Path, help="write the answers (JSON lines) here")
    args = ap.parse_args(argv)
    if not (args.data / "records").is_dir():
        print(f"error: {args.data}: no index there; ingest first (RAG_DATA_DIR={args.data} python -m ingest ...)",
              file=sys.stderr)
        return 1

    import ingest.store
    import rag.chain
    import rag.extractive
    import rag.keyword
    import rag.question
    import rag.retriever
    import rag.sentence_rank
    import rag.structured
    from core.settings import Settings
    from ingest.embedder import SentenceTransformerEmbedder, load_embedder

    settings = dataclasses.replace(Settings.from_env(data_dir=args.data), chroma_host=None)
    embedder = load_embedder(settings)
    chain = rag.chain.AnswerChain(settings, embedder=embedder)
    t = time.perf_counter()
    chain.warm_up()
    warm_up = time.perf_counter() - t
    if args.set == "seed":
        lines = (ROOT / "evals" / "known_answers.jsonl").read_text(encoding="utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines if line.strip()]
    else:
        questions, _ = fit_questions(QUESTIONS, held_places([r.meta for r in chain.retriever.reports.values()]))
    index = chain.retriever.index

    def baseline(question: str) -> float:
        stages.paused = True
        t = time.perf_counter()
        (vector,) = embedder.embed_query([question])
        index.query(vector, 4)
        stages.paused = False
        return (time.perf_counter() - t) * 1000

    stages = Stages()
    chain.ask(questions[0])  # untimed: the process is warm after it
    baseline(questions[0])
    for owner, attr, label in (
            (chain, "ask", "chain.ask"),
            (ingest.store.Index, "version", "Index.version (refresh)"),
            (rag.question, "read", "question.read"),
            (rag.chain.AnswerChain, "_search", "search (question embedding + retrieval)"),
            (rag.retriever.HybridRetriever, "_dense", "dense: Chroma query + checks"),
            (rag.retriever.HybridRetriever, "_keyword", "keyword: BM25"),
            (rag.sentence_rank.SentenceRanker, "rank", "sentence ranker"),
            (rag.structured, "answer", "structured.answer (records)"),
            (rag.extractive.ExtractiveAnswerer, "answer", "extractive answerer"),
            (rag.chain, "guard", "guard")):
        stages.wrap(owner, attr, label)
    stages.wrap_model(SentenceTransformerEmbedder, "embed")

    ours, base, answers = [], [], []
    for round_ in range(args.rounds):
        for question in questions:
            t = time.perf_counter()
            answer = chain.ask(question)
            ours.append((time.perf_counter() - t) * 1000)
            base.append(baseline(question))
            if round_ == 0:
                answers.append({k: v for k, v in answer.to_dict().items() if k != "latency_ms"})

    n = len(ours)
    print(f"{args.data}: {len(chain.retriever.reports)} reports, {len(questions)} questions x {args.rounds}; "
          f"warm-up {warm_up:.2f} s; load average {os.getloadavg()[0]:.1f}")
    print(f"ours: p50 {percentile(ours, 50):.1f} ms, p95 {percentile(ours, 95):.1f} ms; baseline retrieval "
          f"(embed + Chroma top-4): p50 {percentile(base, 50):.1f} ms; ours / baseline p50 "
          f"{percentile(ours, 50) / percentile(base, 50):.2f}x")
    print("| stage | mean ms per question | calls per question |\n|---|---:|---:|")
    for label, seconds in stages.seconds.items():
        print(f"| {label} | {1000 * seconds / n:.1f} | {stages.calls[label] / n:.2f} |")
    print("| model time, by the stage that asked | mean ms per question | texts per question |\n|---|---:|---:|")
    for label, seconds in stages.model_seconds.most_common():
        print(f"| {label} | {1000 * seconds / n:.1f} | {stages.model_texts[label] / n:.1f} |")
    if args.answers:
        args.answers.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers), encoding="utf-8")
    print(f"mean of all questions: {statistics.fmean(ours):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
