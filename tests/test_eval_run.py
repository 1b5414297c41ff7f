"""`python -m evals run` in-process on the real corpus and model: reports, baseline, gate.

Uses the sample set (tests/data/sample_set.jsonl, ten questions of every kind) so a run
takes seconds; the full known-answer set is for `python -m evals run` itself.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from core.settings import Settings
from evals.cli import main
from evals.gold import load
from evals.metrics import METRICS
from evals.running import ensure_index
from evals.split import split_of
from ingest.store import Index

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_set.jsonl"
QUESTION_KEYS = {"id", "kind", "split", "question", "expected", "got", "abstained", "citations", "evidence_rank",
                 "metrics"}
GATED = ("answer_correctness", "citation_precision", "abstention_accuracy", "evidence_recall_at_5")


def _thresholds(path: Path, minimum: dict, beat: bool) -> Path:
    path.write_text(f"beat_baseline = {str(beat).lower()}\n[minimum]\n"
                    + "".join(f"{k} = {v}\n" for k, v in minimum.items()), encoding="utf-8")
    return path


def test_run_with_baseline_writes_reports_and_gates(evals_env, tmp_path, capsys):
    out = tmp_path / "reports"
    passing = _thresholds(tmp_path / "pass.toml", {k: 0.0 for k in GATED}, beat=False)
    assert main(["run", "--set", str(SAMPLE), "--baseline", "--out", str(out), "--thresholds", str(passing)]) == 0
    shown = capsys.readouterr().out
    assert "answer correctness" in shown and "Correctness by kind" in shown and "threshold failed" not in shown

    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    for name in ("report.json", "report.md"):
        assert (folder / name).is_file()
    assert (out / "latest.json").read_text() == (folder / "report.json").read_text()
    assert (out / "latest.md").read_text() == (folder / "report.md").read_text()

    doc = json.loads((out / "latest.json").read_text())
    assert {"created", "set", "questions", "settings", "thresholds", "gate", "systems"} <= set(doc)
    assert doc["gate"] == {"passed": True, "split": "test", "failures": []}
    assert list(doc["systems"]) == ["system", "baseline"]
    items = load(SAMPLE)
    for name, system in doc["systems"].items():
        assert set(METRICS) <= set(system["summary"]), name
        assert [q["id"] for q in system["questions"]] == [k.id for k in items]
        assert all(QUESTION_KEYS <= set(q) for q in system["questions"])
        assert "unanswerable" in system["by_kind"]
        assert list(system["by_split"]) == ["dev", "test"]
        assert [q["split"] for q in system["questions"]] == [split_of(k.id) for k in items]
    baseline = doc["systems"]["baseline"]
    # Character chunks straddle paragraphs: most cannot be cited by paragraph number.
    assert 0 <= baseline["single_paragraph_share"] < 1
    assert baseline["summary"]["abstention_accuracy"] == 0.0  # it never abstains
    system = doc["systems"]["system"]["summary"]
    assert system["abstention_accuracy"] == 1.0
    md = (out / "latest.md").read_text()
    assert "## Metrics" in md and "## Correctness by kind" in md and "## Failures" in md
    tested = sum(split_of(k.id) == "test" for k in items)
    assert f"gate on test ({tested} questions): passed" in shown

    # The same run against a bar just above what it scored on test (what the gate reads): exit 1,
    # one line per failure.
    system = doc["systems"]["system"]["by_split"]["test"]
    above = {"answer_correctness": system["answer_correctness"] + 0.01}
    failing = _thresholds(tmp_path / "fail.toml", above, beat=False)
    assert main(["run", "--set", str(SAMPLE), "--out", str(out), "--thresholds", str(failing)]) == 1
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("threshold failed:")]
    assert lines == [f"threshold failed: answer_correctness: {system['answer_correctness']:.3f} is below the "
                     f"threshold {above['answer_correctness']:.2f}"]
    assert json.loads((out / "latest.json").read_text())["gate"]["passed"] is False
    assert len([p for p in out.iterdir() if p.is_dir()]) == 2  # the first run's folder is kept

    # A tuning run: only the dev questions are asked, and the gate says it is on dev.
    bar = _thresholds(tmp_path / "dev.toml", {"answer_correctness": 0.0}, beat=False)
    assert main(["run", "--set", str(SAMPLE), "--split", "dev", "--out", str(out), "--thresholds", str(bar)]) == 0
    shown = capsys.readouterr().out
    doc = json.loads((out / "latest.json").read_text())
    dev = [k.id for k in items if split_of(k.id) == "dev"]
    assert [q["id"] for q in doc["systems"]["system"]["questions"]] == dev and doc["questions"] == len(dev)
    assert doc["gate"] == {"passed": True, "split": "dev", "failures": []}
    assert f"gate on dev ({len(dev)} questions; a tuning run: the release gate is on test): passed" in shown


def test_errors_are_one_line_and_exit_1(evals_env, tmp_path, capsys):
    assert main(["run", "--set", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "missing.jsonl" in err[0]
    bad = tmp_path / "bad.toml"
    bad.write_text("[minimum]\nanswer_corectness = 0.9\n")
    assert main(["run", "--set", str(SAMPLE), "--out", str(tmp_path), "--thresholds", str(bad)]) == 1
    assert "unknown metric 'answer_corectness'" in capsys.readouterr().err
    for bad_usage in (["--backend", "gpt"], ["--split", "train"]):
        with pytest.raises(SystemExit) as exc:
            main(["run", *bad_usage])
        assert exc.value.code == 2


def test_an_empty_index_is_ingested_first(tmp_path, small_corpus, embedder):
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=small_corpus)
    status = io.StringIO()
    ensure_index(settings, embedder, Console(file=status, width=200))
    assert len(Index(settings).hashes()) == 2
    assert "is empty: ingesting" in status.getvalue() and "ingested 2 reports" in status.getvalue()
    ensure_index(settings, embedder, Console(file=status, width=200))  # not empty now: nothing to do
    assert status.getvalue().count("ingesting") == 1


def test_the_release_gate_holds_on_the_full_set(corpus_settings, tmp_path):
    """`python -m evals run --baseline` as CI runs it: the whole known-answer set, the bars
    in evals/thresholds.toml held on its test split, each above the naive baseline. Exit 0
    or the run says why."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "CHROMA_", "OPENAI_", "OLLAMA_"))}
    env.update(RAG_DATA_DIR=str(corpus_settings.data_dir), RAG_CORPUS_DIR=str(corpus_settings.corpus_dir),
               HF_HUB_OFFLINE="1")
    run = subprocess.run([sys.executable, "-m", "evals", "run", "--baseline", "--out", str(tmp_path)],
                         cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True, text=True,
                         timeout=900)
    failed = [ln for ln in run.stdout.splitlines() if ln.startswith("threshold failed:")]
    assert run.returncode == 0, "\n".join(failed) or run.stderr[-2000:]
    assert json.loads((tmp_path / "latest.json").read_text())["gate"] == {"passed": True, "split": "test",
                                                                          "failures": []}
