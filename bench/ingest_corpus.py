"""Ingest benchmark: the corpus into a fresh temp data dir, with the real model.

    python bench/ingest_corpus.py [corpus_dir]

Prints one line and appends it to bench/results.md (a Markdown table): date,
machine, paragraphs, chunks, seconds for read+parse (incl. chunking), embed,
store, total (excluding the one-off model load, shown apart), paragraphs/second.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from core.settings import Settings  # noqa: E402 (after the offline settings)
from ingest.pipeline import Ingestor  # noqa: E402 (after the offline settings)

RESULTS = Path(__file__).resolve().parent / "results.md"
HEADER = (
    "| date | machine | paragraphs | chunks | read+parse s | embed s | store s | total s | model load s | paragraphs/s |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
)


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else ROOT / "corpus"
    if not corpus.is_dir():
        print(f"error: {corpus}: not a folder", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        # the environment's model and chunk settings, but always a fresh embedded index
        settings = dataclasses.replace(Settings.from_env(data_dir=Path(tmp) / "data"), chroma_host=None)
        ingestor = Ingestor(settings)
        t = time.perf_counter()
        ingestor.warm_up()
        load = time.perf_counter() - t
        t = time.perf_counter()
        results = ingestor.ingest([corpus])
        total = time.perf_counter() - t
    failed = [r for r in results if r.failed]
    for r in failed:
        print(f"error: {r.path}: {r.error}", file=sys.stderr)
    step = lambda *names: sum(r.timings.get(n, 0.0) for r in results for n in names)  # noqa: E731
    paragraphs = sum(r.paragraphs for r in results)
    chunks = sum(r.chunks for r in results)
    machine = f"{os.cpu_count()} CPU, Python {platform.python_version()}, {platform.machine()}"
    row = (
        f"| {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} | {machine} | {paragraphs} | {chunks} "
        f"| {step('read', 'parse', 'chunk'):.2f} | {step('embed'):.2f} | {step('store'):.2f} "
        f"| {total:.2f} | {load:.2f} | {paragraphs / total if total else 0:.1f} |"
    )
    print(HEADER + row)
    if not RESULTS.exists():
        RESULTS.write_text("# Ingest benchmark (python bench/ingest_corpus.py)\n\n" + HEADER, encoding="utf-8")
    # The row joins the ingest table at the top, before the sections that follow it.
    text = RESULTS.read_text(encoding="utf-8")
    cut = text.find("\n\n## ")
    cut = len(text.rstrip("\n")) if cut < 0 else cut
    RESULTS.write_text(text[:cut].rstrip("\n") + "\n" + row + text[cut:], encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
