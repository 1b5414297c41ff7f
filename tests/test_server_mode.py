"""Server mode: the same ingest and query through a real local `chroma run` server."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from ingest.errors import StoreError
from ingest.pipeline import Ingestor
from ingest.settings import Settings
from ingest.store import Index

from conftest import ROOT, free_port

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
