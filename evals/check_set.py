"""Check a known-answer set against the corpus: `python evals/check_set.py [SET.jsonl]`.

Parses the corpus with the real parser (no model, no index) and prints one line per
problem; exit 1 if there is any.
"""
from __future__ import annotations

import sys
from pathlib import Path

from evals.gold import DEFAULT_SET, load, problems
from ingest.manifest import load_manifest, meta_for
from ingest.parser import parse

ROOT = Path(__file__).resolve().parents[1]

CORPUS = ROOT / "corpus"


def corpus_reports(folder: Path = CORPUS):
    manifest = load_manifest(folder)
    reports, raw = {}, {}
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        report = parse(text, meta_for(path, text, manifest))
        reports[report.doc_id], raw[report.doc_id] = report, text
    return reports, raw


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT_SET
    items = load(path)
    found = problems(items, *corpus_reports())
    for line in found:
        print(line)
    kinds = {}
    for k in items:
        kinds[k.kind] = kinds.get(k.kind, 0) + 1
    print(f"{len(items)} questions, {len(found)} problems; by kind: {kinds}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
