"""The run's journal (evals/journal.py): a run stopped part-way goes on with --resume, on the
real corpus and model, and gives the report an unbroken run gives."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.cli import main
from evals.gold import load
from evals.journal import result_from_json, result_to_json
from evals.running import AssistantSystem

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_set.jsonl"
JOURNAL = "system.journal.jsonl"


@pytest.fixture
def asked(monkeypatch):
    """The ids the answer chain is asked, in order; ``stop_after`` interrupts the run."""
    real = AssistantSystem.ask
    log: list[str] = []
    state = {"stop_after": None}

    def ask(self, k):
        if state["stop_after"] is not None and len(log) >= state["stop_after"]:
            raise KeyboardInterrupt  # the user pressed Ctrl-C
        log.append(k.id)
        return real(self, k)

    monkeypatch.setattr(AssistantSystem, "ask", ask)
    return log, state


def _answers(out: Path) -> list[dict]:
    """Per question what the report says, less the latency (a reused answer keeps its own)."""
    doc = json.loads((out / "latest.json").read_text())
    return [{**q, "metrics": {k: v for k, v in q["metrics"].items() if k != "latency_ms"}}
            for q in doc["systems"]["system"]["questions"]]


def test_a_stopped_run_resumes_where_it_stopped(evals_env, asked, tmp_path, capsys):
    log, state = asked
    ids = [k.id for k in load(SAMPLE)]
    whole = tmp_path / "whole"
    main(["run", "--set", str(SAMPLE), "--out", str(whole)])
    assert log == ids

    out = tmp_path / "stopped"
    log.clear()
    state["stop_after"] = 4
    assert main(["run", "--set", str(SAMPLE), "--out", str(out)]) == 130
    assert log == ids[:4] and not (out / "latest.json").exists()

    with (out / JOURNAL).open("a") as f:
        f.write('{"id": "cut sho')  # the line being written when the run was killed
    log.clear()
    state["stop_after"] = None
    main(["run", "--set", str(SAMPLE), "--out", str(out), "--resume"])
    assert log == ids[4:]  # only what the stopped run had not asked
    assert "resuming with the 4 answers" in capsys.readouterr().err
    assert _answers(out) == _answers(whole)

    log.clear()  # resuming a finished run asks nothing and reports the same
    main(["run", "--set", str(SAMPLE), "--out", str(out), "--resume"])
    assert log == [] and _answers(out) == _answers(whole)


def test_a_journal_of_other_settings_or_without_resume_is_not_reused(evals_env, asked, tmp_path):
    log, _ = asked
    ids = [k.id for k in load(SAMPLE)]
    out = tmp_path / "out"
    main(["run", "--set", str(SAMPLE), "--out", str(out)])
    log.clear()
    main(["run", "--set", str(SAMPLE), "--out", str(out), "--k", "7", "--resume"])  # other settings
    assert log == ids
    log.clear()
    main(["run", "--set", str(SAMPLE), "--out", str(out)])  # no --resume: asked afresh
    assert log == ids


def test_a_result_survives_the_journal(evals_env, tmp_path):
    """Every field of a real answer's Result, paragraphs included, reads back equal."""
    main(["run", "--set", str(SAMPLE), "--out", str(tmp_path)])
    lines = (tmp_path / JOURNAL).read_text().splitlines()
    assert json.loads(lines[0])["system"] == "system" and len(lines) == 1 + len(load(SAMPLE))
    for line in lines[1:]:
        d = json.loads(line)["result"]
        r = result_from_json(d)
        assert json.loads(json.dumps(result_to_json(r))) == d
        assert all(i.paragraph is not None for i in r.ranked)
