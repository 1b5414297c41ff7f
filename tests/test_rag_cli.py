"""`python -m rag ask` as a user runs it, against the real corpus index."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.integration

KEYS = {"id", "question", "answer", "abstained", "citations", "unsupported_sentences", "latency_ms"}
CITATION_KEYS = {"doc_id", "title", "authority", "year", "locator", "label", "text", "support"}


def run(data_dir, *args, timeout=180):
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "rag", "ask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_ask_prints_the_answer_and_its_citations(corpus_settings):
    proc = run(corpus_settings.data_dir, "What grade did Ofsted give Dorset for being healthy in 2011?")
    assert proc.returncode == 0, proc.stderr
    assert "adequate" in proc.stdout and "[1] Ofsted, Dorset 2011, Being healthy grade" in proc.stdout
    assert "Searched: Ofsted, Dorset 2011" in proc.stdout


def test_batch_mode_writes_the_json_contract(corpus_settings, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in [
        {"id": "a", "question": "What were Poole's recommendations in 2017?"},
        {"id": "b", "question": "How many social workers does Dorset have?", "authority": "Dorset", "year": 2020},
        {"id": "c", "question": "What is the capital of France?"},
        {"id": "d", "question": "   "},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    proc = run(corpus_settings.data_dir, "--in", str(questions), "--out", str(out))
    assert proc.returncode == 2  # one bad question: reported, the others answered
    assert "q.jsonl:4: the question is empty" in proc.stderr and "Traceback" not in proc.stderr
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    for qid in "abc":
        assert KEYS <= set(rows[qid]), rows[qid].keys()
        for c in rows[qid]["citations"]:
            assert CITATION_KEYS <= set(c) and c["support"]
    assert len(rows["a"]["citations"]) == 15 and not rows["a"]["abstained"]
    assert "139 social workers" in rows["b"]["answer"]
    assert rows["c"]["abstained"] and rows["c"]["citations"] == []
    assert "error" in rows["d"]


@pytest.mark.parametrize("question", ["", "x" * 3000])
def test_a_bad_question_exits_2_with_one_line(corpus_settings, question):
    proc = run(corpus_settings.data_dir, question)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: the question")


def test_empty_index_says_to_ingest_first(tmp_path):
    proc = run(tmp_path / "empty", "What grade did Dorset get?")
    assert proc.returncode == 1
    assert proc.stderr.strip() == "error: the index is empty: run `python -m ingest corpus/` first"


def test_a_question_that_meets_a_bug_fails_alone(corpus_settings, tmp_path, monkeypatch, capsys):
    """Fault injection: the records answerer raises for one question (as it did for a judgement
    with no heading path); that line gets a one-line error, its traceback goes to the log, and
    the lines after it are answered."""
    from core.settings import Settings
    from rag import cli, errorlog, structured

    real = structured.answer

    def faulty(question, reports):
        if "being healthy" in question.text:
            raise IndexError("tuple index out of range")
        return real(question, reports)

    monkeypatch.setattr(structured, "answer", faulty)
    monkeypatch.setenv("RAG_DATA_DIR", str(corpus_settings.data_dir))
    for var in ("RAG_LLM", "CHROMA_HOST", "RAG_TOP_K", "RAG_RETRIEVAL", "RAG_COLLECTION"):
        monkeypatch.delenv(var, raising=False)
    log = errorlog.log_path(Settings(data_dir=corpus_settings.data_dir))
    before = log.read_text(encoding="utf-8") if log.exists() else ""
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in [
        {"id": "a", "question": "What were Poole's recommendations in 2017?"},
        {"id": "b", "question": "What grade did Ofsted give Dorset for being healthy in 2011?"},
        {"id": "c", "question": ""},
        {"id": "d", "question": "How many social workers does Dorset have?", "authority": "Dorset", "year": 2020},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"

    code = cli.main(["ask", "--in", str(questions), "--out", str(out)])

    assert code == 1  # a line met an error (a bad question alone is 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "tuple index out of range" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    message = f"internal error answering this question (IndexError); details in {log}"
    assert errors == [f"error: {questions}:2: {message}", f"error: {questions}:3: the question is empty: "
                      "type what you want to know, e.g. 'What grade did Ofsted give Dorset for being healthy in 2011?'"]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    assert rows[1] == {"id": "b", "question": "What grade did Ofsted give Dorset for being healthy in 2011?",
                       "error": message}
    assert len(rows[0]["citations"]) == 15 and "139 social workers" in rows[3]["answer"]
    logged = log.read_text(encoding="utf-8")[len(before):]
    assert logged.count("Traceback") == 1 and "IndexError: tuple index out of range" in logged
    assert f"{questions}:2 id b: 'What grade did Ofsted give Dorset for being healthy in 2011?'" in logged
