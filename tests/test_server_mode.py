"""Server mode: the same ingest and query through a real local `chroma run` server."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest
from conftest import ROOT, free_port

from core.errors import StoreError
from core.settings import Settings
from ingest.pipeline import Ingestor
from ingest.store import Index

pytestmark = pytest.mark.integration

@pytest.fixture
def server_settings(chroma_server, tmp_path, request):
    host, port = chroma_server
    # one collection per test, so tests on the shared server do not see each other
    name = "t-" + request.node.name.replace("[", "-").replace("]", "")[:40] + "-x"
    return Settings(data_dir=tmp_path / "data", chroma_host=host, chroma_port=port, collection=name)


def test_ingest_and_query_through_the_server(server_settings, embedder, small_corpus):
    ingestor = Ingestor(server_settings, embedder=embedder)
    results = ingestor.ingest([small_corpus])
    assert [r.status for r in results] == ["added", "added"], [r.error for r in results]
    index = ingestor.index
    assert index.count() == sum(r.chunks for r in results)
    assert not server_settings.chroma_dir.exists()  # nothing embedded locally...
    assert (server_settings.records_dir / "poole-2017-ofsted.json").exists()  # ...but the records are local

    (q,) = embedder.embed(["care leavers early help"])
    hits = index.query(q, k=3, where={"year": 2017})
    assert hits and {c.doc_id for c, _ in hits} == {"poole-2017-ofsted"}

    again = ingestor.ingest([small_corpus])
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert ingestor.remove("poole-2017-ofsted") > 0
    assert index.count(doc_id="poole-2017-ofsted") == 0


def test_a_bearer_token_is_sent_without_breaking_an_open_server(server_settings):
    index = Index(dataclasses.replace(server_settings, chroma_token="s3cret"))
    assert index.count() == 0


def test_server_down_is_a_store_error(tmp_path):
    port = free_port()  # nothing listens there
    index = Index(Settings(data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=port))
    with pytest.raises(StoreError) as err:
        index.count()
    assert str(err.value) == (
        f"cannot reach the Chroma server at 127.0.0.1:{port}; start it with "
        f"`chroma run --path DIR --port {port}` or unset CHROMA_HOST"
    )


def test_cli_with_server_down_prints_one_line(tmp_path, small_corpus):
    port = free_port()
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "CHROMA_HOST": "127.0.0.1",
        "CHROMA_PORT": str(port),
        "HF_HUB_OFFLINE": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", str(small_corpus)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines == [f"error: cannot reach the Chroma server at 127.0.0.1:{port}; start it with "
                     f"`chroma run --path DIR --port {port}` or unset CHROMA_HOST"]


# -- the answer chain, the eval and the page, against the server ---------------------------------

SAMPLE = ROOT / "tests" / "data" / "sample_set.jsonl"
HEALTHY = "What grade did Ofsted give Dorset for being healthy in 2011?"


@pytest.fixture(scope="module")
def served_corpus(chroma_server, tmp_path_factory, embedder):
    """The five reports ingested through the server (their records in a local data dir)."""
    import shutil

    from conftest import CORPUS

    host, port = chroma_server
    root = tmp_path_factory.mktemp("served-corpus")
    shutil.copytree(CORPUS, root / "corpus")
    settings = Settings(data_dir=root / "data", corpus_dir=root / "corpus", chroma_host=host, chroma_port=port,
                        collection="served-corpus")
    results = Ingestor(settings, embedder=embedder).ingest([root / "corpus"])
    assert not [r.error for r in results if r.failed]
    return settings


def _env(monkeypatch, settings: Settings) -> None:
    """The environment the entry points read, for ``settings`` (server or embedded)."""
    for var in ("RAG_LLM", "RAG_TOP_K", "RAG_RETRIEVAL", "CHROMA_HOST", "CHROMA_PORT", "RAG_COLLECTION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("RAG_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(settings.corpus_dir))
    if settings.chroma_host:
        monkeypatch.setenv("CHROMA_HOST", settings.chroma_host)
        monkeypatch.setenv("CHROMA_PORT", str(settings.chroma_port))
        monkeypatch.setenv("RAG_COLLECTION", settings.collection)


def test_answers_through_the_server_are_the_embedded_answers(served_corpus, corpus_settings, embedder):
    from rag.chain import AnswerChain

    assert not served_corpus.chroma_dir.exists()
    served = AnswerChain(served_corpus, embedder=embedder)
    local = AnswerChain(corpus_settings, embedder=embedder)
    for question in (HEALTHY, "How many care leavers was Poole's pathways team supporting in 2017?",
                     "What does Darlington's cabinet paper say about private fostering?"):
        a, b = served.ask(question), local.ask(question)
        assert (a.text, [c.label for c in a.citations]) == (b.text, [c.label for c in b.citations])


def test_the_eval_runs_against_the_server(served_corpus, corpus_settings, monkeypatch, tmp_path, capsys):
    import json

    from evals.cli import main

    passing = tmp_path / "t.toml"
    passing.write_text("beat_baseline = false\n[minimum]\nanswer_correctness = 0.0\n")
    summaries = []
    for settings in (served_corpus, corpus_settings):
        _env(monkeypatch, settings)
        out = tmp_path / ("served" if settings.chroma_host else "local")
        assert main(["run", "--set", str(SAMPLE), "--out", str(out), "--thresholds", str(passing)]) == 0
        doc = json.loads((out / "latest.json").read_text())
        assert doc["settings"]["data_dir"] == str(settings.data_dir)
        summary = doc["systems"]["system"]["summary"]
        summaries.append({k: v for k, v in summary.items() if not k.startswith("latency")})
    capsys.readouterr()
    assert summaries[0] == summaries[1]


def test_the_page_works_against_the_server(served_corpus, monkeypatch):
    from streamlit.testing.v1 import AppTest

    _env(monkeypatch, served_corpus)
    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180)
    at.run()
    at.chat_input[0].set_value(HEALTHY).run()
    assert not at.exception, at.exception
    assert "[1] Ofsted, Dorset 2011, Being healthy grade" in [e.label for e in at.expander]
