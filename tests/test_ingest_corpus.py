"""The real corpus through the real pipeline: real model, real Chroma, embedded and server.

Ingest all five reports, re-ingest (nothing to do), change one file (replaced
completely), remove one (gone), and query with metadata filters.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import NotFoundError
from core.settings import Settings
from ingest.manifest import load_manifest, meta_for
from ingest.parser import parse
from ingest.pipeline import Ingestor

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DORSET11 = "dorset-2011-ofsted-safeguarding-lac-inspection"
DARLO12 = "darlington-2012-cabinet-inspection-summary"
POOLE17 = "poole-2017-ofsted-sif-inspection-and-lscb-review"


@pytest.fixture(params=["embedded", "server"])
def mode_settings(request, tmp_path):
    if request.param == "embedded":
        return Settings(data_dir=tmp_path / "data")
    host, port = request.getfixturevalue("chroma_server")
    return Settings(data_dir=tmp_path / "data", chroma_host=host, chroma_port=port, collection="corpus-test")


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def test_corpus_lifecycle(mode_settings, corpus_copy, embedder):
    ingestor = Ingestor(mode_settings, embedder=embedder)
    index = ingestor.index

    first = {r.doc_id: r for r in ingestor.ingest([corpus_copy])}
    assert len(first) == 5 and {r.status for r in first.values()} == {"added"}, [r.error for r in first.values()]
    for doc_id, result in first.items():
        path = corpus_copy / f"{doc_id}.txt"
        text = path.read_text(encoding="utf-8")
        expected = parse(text, meta_for(path, text, load_manifest(corpus_copy)))
        stored = index.report(doc_id)
        assert stored.paragraphs == expected.paragraphs  # the records round-trip exactly
        assert stored.judgements == expected.judgements and stored.recommendations == expected.recommendations
        assert result.chunks == index.count(doc_id=doc_id) >= len(expected.paragraphs) - 50
    total = index.count()

    again = ingestor.ingest([corpus_copy])
    assert {r.status for r in again} == {"unchanged"} and index.count() == total

    darlo = corpus_copy / f"{DARLO12}.txt"
    old_hash = index.current_hash(DARLO12)
    text = darlo.read_text(encoding="utf-8")
    assert "The next area of priority" in text
    darlo.write_text(text.replace("The next area of priority", "The next agreed area of priority"), encoding="utf-8")
    (changed,) = [r for r in ingestor.ingest([corpus_copy]) if r.status != "unchanged"]
    assert (changed.doc_id, changed.status) == (DARLO12, "replaced")
    assert index.count(doc_id=DARLO12, content_hash=old_hash) == 0
    assert index.report(DARLO12).paragraph("14").text.startswith("The next agreed area of priority")
    assert index.count() == total

    removed = ingestor.remove(POOLE17)
    assert removed > 0 and index.count(doc_id=POOLE17) == 0
    with pytest.raises(NotFoundError):
        index.report(POOLE17)
    assert index.count() == total - removed

    (vector,) = embedder.embed(["health outcomes and health assessments for children in care"])
    hits = index.query(vector, 5, where={"$and": [{"authority": "Dorset County Council"}, {"year": 2011}]})
    assert hits and {c.doc_id for c, _ in hits} == {DORSET11}
    assert any("Being healthy" in c.metadata["heading"] for c, _ in hits)
    hits = index.query(vector, 5, where={"authority": "Borough of Poole"})
    assert hits == []  # removed
