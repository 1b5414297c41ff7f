"""The dev/test split (evals/split.py) and how a run reports and gates on it
(evals/gate.py, evals/reporting.py): tune on dev, gate the release on test. No model, no index."""
from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from core.errors import RagError
from core.settings import Settings
from evals import gold, library_set
from evals.gate import Thresholds
from evals.gold import KnownAnswer
from evals.metrics import QuestionScore, Result, recall_at
from evals.reporting import console_tables, kind_table, markdown, metric_table, report
from evals.running import SystemRun, in_split
from evals.split import SPLITS, split_of


def test_a_questions_split_is_a_fixed_hash_of_its_id():
    assert SPLITS == ("dev", "test")
    # Pinned: a change to the hash would silently move questions between the splits.
    pinned = {"d11-grade-01": "test", "d11-grade-02": "dev", "lib-medway13-grade-01": "dev",
              "lib-medway13-lead-01": "test"}
    assert {i: split_of(i) for i in pinned} == pinned
    assert [split_of("d11-grade-01") for _ in range(3)] == ["test"] * 3


@pytest.mark.parametrize("load", [gold.load, library_set.load], ids=["seed", "library"])
def test_each_split_of_each_set_holds_both_kinds_of_question(load):
    items = load()
    for split in SPLITS:
        chosen = [q for q in items if split_of(q.id) == split]
        assert len(chosen) >= 0.35 * len(items), split
        assert any(q.answerable for q in chosen) and any(not q.answerable for q in chosen), split
        assert in_split(items, split) == chosen  # what `--split` asks, in the set's order
    assert in_split(items, None) == items


def test_an_unknown_split_is_an_error():
    with pytest.raises(RagError, match="use one of dev, test"):
        in_split(gold.load(), "train")


# -- the report and the gate, on hand-made scores -----------------------------------------------

# (id, kind): a and h are dev, e and u1 test (pinned by the first assertion of the test below).
QUESTIONS = [("a", "fact"), ("h", "unanswerable"), ("e", "fact"), ("u1", "unanswerable")]


def _run(name: str, correct_in: str | None, questions=QUESTIONS) -> SystemRun:
    """A run that answers correctly exactly the questions of split ``correct_in``."""
    items, results, scores = [], [], []
    for qid, kind in questions:
        answerable, correct = kind != "unanswerable", split_of(qid) == correct_in
        items.append(KnownAnswer(qid, f"question {qid}?", "", (), "", "", "", kind))
        results.append(Result("an answer", abstained=not answerable and correct))
        scores.append(QuestionScore(id=qid, kind=kind, answerable=answerable, correct=correct,
                                    abstained=not answerable and correct, evidence_rank=1 if answerable else None,
                                    recall=recall_at(1) if answerable else None,
                                    reciprocal_rank=1.0 if answerable else None, cited=1, relevant_cited=1,
                                    citation_precision=1.0, citation_recall=1.0 if answerable else None,
                                    faithfulness=1.0, latency_ms=10.0))
    return SystemRun(name, items, results, scores)


def _report(tmp_path, runs, thresholds, baseline=False) -> tuple[int, dict, str]:
    out = io.StringIO()
    code = report(runs, thresholds, Settings(data_dir=tmp_path / "data"), "set.jsonl", tmp_path / "out",
                  Console(file=out, width=300), baseline=baseline)
    doc = json.loads((tmp_path / "out" / "latest.json").read_text(encoding="utf-8"))
    return code, doc, out.getvalue()


def test_the_gate_reads_the_test_split_and_the_report_shows_each_split(tmp_path):
    assert [split_of(q) for q, _ in QUESTIONS] == ["dev", "dev", "test", "test"]
    # The system is right on dev only, the baseline on test only: over all questions both
    # score 0.5, but the gate reads test, where the system is wrong and the baseline right.
    runs = [_run("system", "dev"), _run("baseline", "test")]
    bars = Thresholds({"answer_correctness": 0.9, "abstention_accuracy": 0.9}, beat_baseline=True)
    code, doc, shown = _report(tmp_path, runs, bars, baseline=True)

    assert code == 1 and doc["gate"]["split"] == "test"
    assert doc["gate"]["failures"] == ["answer_correctness: 0.000 is below the threshold 0.90",
                                       "abstention_accuracy: 0.000 is below the threshold 0.90",
                                       "answer_correctness: 0.000 does not beat the baseline's 1.000",
                                       "abstention_accuracy: 0.000 does not beat the baseline's 1.000"]
    assert "gate on test (2 questions): FAILED" in shown
    system = doc["systems"]["system"]
    assert system["summary"]["answer_correctness"] == 0.5
    assert list(system["by_split"]) == ["dev", "test"]
    assert {s: v["answer_correctness"] for s, v in system["by_split"].items()} == {"dev": 1.0, "test": 0.0}
    assert {s: v["unanswerable"] for s, v in system["by_split"].items()} == {"dev": 1, "test": 1}
    assert [q["split"] for q in system["questions"]] == ["dev", "dev", "test", "test"]

    headers, rows = metric_table(doc)
    assert headers == ["metric", "system dev", "system test", "system all", "baseline dev", "baseline test",
                       "baseline all", "threshold"]
    assert ["answer correctness", "1.00", "0.00", "0.50", "0.00", "1.00", "0.50", ">= 0.90"] in rows
    headers, rows = kind_table(doc)
    assert headers == ["kind", "n dev", "n test", "n all", "system dev", "system test", "system all",
                       "baseline dev", "baseline test", "baseline all"]
    assert rows == [["fact", "1", "1", "2", "1.00", "0.00", "0.50", "0.00", "1.00", "0.50"],
                    ["unanswerable", "1", "1", "2", "1.00", "0.00", "0.50", "0.00", "1.00", "0.50"],
                    ["all", "2", "2", "4", "1.00", "0.00", "0.50", "0.00", "1.00", "0.50"]]
    # A terminal too narrow for a column per split and system gets a table per split.
    assert [t.title for t in console_tables(doc, Console(width=200))] == ["Evaluation", "Correctness by kind"]
    assert [t.title for t in console_tables(doc, Console(width=80))] == [
        "Evaluation (dev)", "Evaluation (test)", "Evaluation (all)",
        "Correctness by kind (dev)", "Correctness by kind (test)", "Correctness by kind (all)"]
    assert metric_table(doc, ["test"])[0] == ["metric", "system test", "baseline test", "threshold"]
    md = markdown(doc)
    assert "Set `set.jsonl`, 4 questions (2 dev, 2 test)" in md and "gate on test (2 questions)." in md
    assert "### e (fact, test)" in md and "### u1 (unanswerable, test)" in md and "(fact, dev)" not in md

    # A run of one split is gated on that split, against the baseline's same questions.
    test = [q for q in QUESTIONS if split_of(q[0]) == "test"]
    code, doc, shown = _report(tmp_path, [_run("system", "test", test), _run("baseline", "dev", test)], bars,
                               baseline=True)
    assert code == 0 and doc["gate"] == {"passed": True, "split": "test", "failures": []}
    assert "gate on test (2 questions): passed" in shown


def test_a_dev_only_run_gates_on_dev_and_says_it_is_a_tuning_run(tmp_path):
    dev = [q for q in QUESTIONS if split_of(q[0]) == "dev"]
    code, doc, shown = _report(tmp_path, [_run("system", "dev", dev)], Thresholds({"answer_correctness": 0.9}))
    assert code == 0 and doc["gate"] == {"passed": True, "split": "dev", "failures": []}
    line = "gate on dev (2 questions; a tuning run: the release gate is on test)"
    assert f"{line}: passed" in shown and f"{line}." in markdown(doc)
    assert list(doc["systems"]["system"]["by_split"]) == ["dev"]
    assert metric_table(doc)[0] == ["metric", "system dev", "threshold"]
    assert kind_table(doc)[0] == ["kind", "n dev", "system dev"]


def test_the_kind_table_has_a_row_for_paraphrased_questions(tmp_path):
    import dataclasses

    run = _run("system", "dev")
    run.items[0] = dataclasses.replace(run.items[0], extra={"paraphrase": True})  # 'a': dev, right
    run.items[2] = dataclasses.replace(run.items[2], extra={"paraphrase": True})  # 'e': test, wrong
    _, doc, _ = _report(tmp_path, [run], Thresholds())
    _, rows = kind_table(doc)
    assert rows[-1] == ["paraphrased", "1", "1", "2", "1.00", "0.00", "0.50"]
