"""``python -m evals``: run the evaluation, or measure the reading of the real library.

    python -m evals run [--set FILE|library] [--split dev|test] [--backend extractive|openai|ollama]
                        [--k N] [--baseline] [--out DIR] [--resume] [--no-judge] [--thresholds FILE] [--library DIR]
    python -m evals library DIR [--out FILE] [--check] [--limit N] [--authority NAME]
                                [--workers N]

Settings are read once from the environment (as for ``python -m rag``); ``--k``
overrides RAG_TOP_K and ``--backend`` RAG_LLM (extractive is RAG_LLM=none).
``--split dev`` asks only the dev split's questions: a tuning run, which never sees the
test split (``evals/split.py``); a run of both is gated on all its questions. Exit status: 0 every threshold
met, 1 a threshold failed or an error (one ``error:`` line), 2 bad usage. ``library``
(evals/library_agreement.py) exits 0, or 1 with ``--check`` when a target is missed.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from core.entry import guarded, offline
from core.settings import Settings

from .split import SPLITS

BACKENDS = {"extractive": "none", "openai": "openai", "ollama": "ollama"}


def main(argv: list[str] | None = None) -> int:
    offline()
    args = _parser().parse_args(argv)
    if args.command == "library":
        from . import library_agreement

        return guarded(lambda: library_agreement.main(args.dir, out=args.out, check=args.check, limit=args.limit,
                                                      authority=args.authority, workers=args.workers))
    from .runner import RunOptions, run

    def evaluate() -> int:
        settings = Settings.from_env(top_k=args.k, llm=BACKENDS[args.backend] if args.backend else None)
        options = RunOptions(**{k: v for k, v in (("set_path", args.set), ("baseline", args.baseline),
                                                  ("out_dir", args.out), ("thresholds_path", args.thresholds),
                                                  ("library_dir", args.library), ("split", args.split),
                                                  ("resume", args.resume or None),
                                                  ("judge", False if args.no_judge else None))
                                if v is not None})
        return run(settings, options)

    return guarded(evaluate)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m evals", description="Evaluate the assistant on the known-answer set.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="ask every question, score, write evals/reports/, gate on evals/thresholds.toml")
    r.add_argument("--set", type=Path, help="known-answer JSONL (default evals/known_answers.jsonl), or 'library': "
                   "evals/library_answers.jsonl on the real PDFs (its own index, reports in evals/reports/library)")
    r.add_argument("--split", choices=SPLITS, help="ask only this split's questions: dev to tune on, test to "
                   "report (default both; the gate reads the questions asked)")
    r.add_argument("--backend", choices=sorted(BACKENDS), help="answerer: extractive (offline), openai or ollama "
                   "(default: RAG_LLM)")
    r.add_argument("--k", type=int, help="paragraphs retrieved per question (overrides RAG_TOP_K)")
    r.add_argument("--baseline", action="store_true", help="also run the naive LangChain baseline and compare")
    r.add_argument("--out", type=Path, help="report folder (default evals/reports)")
    r.add_argument("--no-judge", action="store_true", help="with an LLM backend, skip the LLM judge of "
                   "faithfulness (it asks the model again about every answer sentence)")
    r.add_argument("--resume", action="store_true", help="go on from a stopped run: reuse the answers it wrote "
                   "to <out>/*.journal.jsonl under the same code and settings, ask the rest")
    r.add_argument("--thresholds", type=Path, help="thresholds TOML (default evals/thresholds.toml)")
    r.add_argument("--library", type=Path, help="the library the library set reads (default ../shared/library "
                   "beside the repository; the set is skipped where it is missing)")
    lib = sub.add_parser("library", help="read every PDF of the real library (no embedding) and report agreement "
                         "with its catalogue.csv and grades.csv, and intact paragraph numbering")
    lib.add_argument("dir", type=Path, help="the library folder (pdf/, catalogue.csv, grades.csv), "
                     "e.g. ../shared/library")
    lib.add_argument("--out", type=Path, help="also write the full report (every disagreement) here; "
                     "it holds CSV values, so it must be outside the repository")
    lib.add_argument("--check", action="store_true", help="exit 1 when a target (99%%) is missed")
    lib.add_argument("--limit", type=_positive, help="read only the first N files")
    lib.add_argument("--authority", help="read only this authority's reports (a folder under pdf/)")
    lib.add_argument("--workers", type=_positive, default=2, help="worker processes (default 2)")
    return p


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return n


def run() -> None:
    """``python -m evals`` and the ``report-evals`` console script."""
    raise SystemExit(main())
