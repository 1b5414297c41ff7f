"""The report: gate a run, write report.json and report.md, print the tables.

report.json holds everything (per-question results of every system, each question's
split, a Summary per split); report.md and the console tables are rendered from that
document by the same row builders, with one column per split. ``report`` writes
``<out>/<timestamp>/report.{json,md}``, copies them to ``<out>/latest.*``, prints the
tables and each failed threshold and returns the exit code (1: a threshold failed).
"""
from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Sequence

from rich.console import Console

from core.errors import RagError
from core.settings import Settings

from . import library_set
from .gate import Thresholds, check, gate_split, gated, gated_scores
from .gold import KnownAnswer
from .metrics import QuestionScore, Result, aggregate, by_kind
from .running import SystemRun
from .split import split_of

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


def report(runs: list[SystemRun], thresholds: Thresholds, settings: Settings, set_path: str, out_dir: Path,
           console: Console, *, baseline: bool = False) -> int:
    """Gate, write the report, print the tables and each failed threshold; the exit code.

    The gate reads ``gate_split``'s numbers (and the baseline's on the same questions)."""
    split = gate_split(runs[0])
    theirs = gated(runs[1], split) if baseline and len(runs) > 1 else None
    failed = check(thresholds, gated(runs[0], split), theirs,
                   kinds=by_kind(gated_scores(runs[0], split), runs[0].kinds))
    doc = document(runs, created=datetime.now().isoformat(timespec="seconds"), set_path=set_path,
                   settings=settings.public(), thresholds=thresholds, failures=failed)
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


def document(runs: list[SystemRun], *, created: str, set_path: str, settings: dict, thresholds: Thresholds,
             failures: list[str]) -> dict:
    return {
        "created": created,
        "set": set_path,
        "questions": len(runs[0].items) if runs else 0,
        "settings": settings,
        "thresholds": dataclasses.asdict(thresholds),
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
        **({"paraphrase": True} if k.extra.get("paraphrase") else {}),
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
    minimum, maximum = doc["thresholds"]["minimum"], doc["thresholds"].get("maximum", {})
    rows = []
    for key, label, unit in _ROWS:
        values = [_value(doc["systems"][n], key, c) for n in names for c in cols]
        if all(v is None for v in values):
            continue  # e.g. no LLM judge in an offline run
        gate = f">= {minimum[key]:.2f}" if key in minimum else f"<= {maximum[key]:.2f}" if key in maximum else ""
        rows.append([label] + [_fmt(v, unit) for v in values] + [gate])
    return ["metric"] + [f"{n} {c}" for n in names for c in cols] + ["threshold"], rows


def kind_table(doc: dict, cols: Sequence[str] = ()) -> tuple[list[str], list[list[str]]]:
    """Per kind: how many questions and the share answered correctly, per split (``cols``);
    then the questions asked in other words than the report's ('paraphrased'), if any."""
    names, cols = list(doc["systems"]), list(cols) or _columns(doc)
    asked = {n: doc["systems"][n]["questions"] for n in names}
    rows = []
    paraphrased = [PARAPHRASED] if any(q.get("paraphrase") for q in asked[names[0]]) else []
    for kind in list(doc["systems"][names[0]]["by_kind"]) + ["all"] + paraphrased:
        counts = [len(_among(asked[names[0]], kind, c)) for c in cols]
        values = [_correctness(_among(asked[n], kind, c)) for n in names for c in cols]
        rows.append([kind] + [str(k) for k in counts] + [_fmt(v, "ratio") for v in values])
    return ["kind"] + [f"n {c}" for c in cols] + [f"{n} {c}" for n in names for c in cols], rows


PARAPHRASED = "paraphrased"  # the kind table's row of questions marked "paraphrase": true


def _among(questions: list[dict], kind: str, split: str) -> list[dict]:
    if kind == PARAPHRASED:
        return [q for q in questions if q.get("paraphrase") and split in ("all", q["split"])]
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
    return f"gate on {split} ({n} questions" + ("; a tuning run: the release gate is on test)" if split == "dev"
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
