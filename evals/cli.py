"""``python -m evals``: run the evaluation.

    python -m evals run [--set FILE] [--backend extractive|openai|ollama] [--k N]
                        [--baseline] [--out DIR] [--thresholds FILE]

Settings are read once from the environment (as for ``python -m rag``); ``--k``
overrides RAG_TOP_K and ``--backend`` RAG_LLM (extractive is RAG_LLM=none). Exit
status: 0 every threshold met, 1 a threshold failed or an error (one ``error:`` line),
2 bad usage.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ingest.entry import guarded, offline
from ingest.settings import Settings

BACKENDS = {"extractive": "none", "openai": "openai", "ollama": "ollama"}


def main(argv: list[str] | None = None) -> int:
    offline()
    args = _parser().parse_args(argv)
    from .runner import RunOptions, run

    def evaluate() -> int:
        settings = Settings.from_env(top_k=args.k, llm=BACKENDS[args.backend] if args.backend else None)
        options = RunOptions(**{k: v for k, v in (("set_path", args.set), ("baseline", args.baseline),
                                                  ("out_dir", args.out), ("thresholds_path", args.thresholds))
                                if v is not None})
        return run(settings, options)

    return guarded(evaluate)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m evals", description="Evaluate the assistant on the known-answer set.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="ask every question, score, write evals/reports/, gate on evals/thresholds.toml")
    r.add_argument("--set", type=Path, help="known-answer JSONL (default evals/known_answers.jsonl)")
    r.add_argument("--backend", choices=sorted(BACKENDS), help="answerer: extractive (offline), openai or ollama "
                   "(default: RAG_LLM)")
    r.add_argument("--k", type=int, help="paragraphs retrieved per question (overrides RAG_TOP_K)")
    r.add_argument("--baseline", action="store_true", help="also run the naive LangChain baseline and compare")
    r.add_argument("--out", type=Path, help="report folder (default evals/reports)")
    r.add_argument("--thresholds", type=Path, help="thresholds TOML (default evals/thresholds.toml)")
    return p
