"""Index tests against a real embedded Chroma (PersistentClient in tmp_path) and the real model."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from core.errors import BusyError, NotFoundError, StoreError
from ingest import chroma_store, record_files
from ingest.chunker import Chunker
from ingest.lock import ingest_lock
from ingest.sentences import SENTENCES_VERSION, embed_sentences, sentence_texts
from ingest.serialize import report_from_dict, report_to_dict
from ingest.store import Index

# -- pure (no model, no Chroma) --------------------------------------------------------------


def test_report_round_trips_through_json(make_report):
    from core.model import Kind

    report = make_report(
        paragraphs=[
            ("1", ("A", "B"), "Text one."),
            ("1 item 1", ("A", "B"), "an item", Kind.LIST_ITEM, "It included:"),
        ],
        judgements=[("Being healthy", ("A", "B"), "good")],
        recommendations=[("R1", "Ensure that plans are reviewed.", "within three months")],
    )
    data = json.loads(json.dumps(report_to_dict(report)))
    assert report_from_dict(data) == report


def test_lock_is_exclusive_and_released(settings):
    with ingest_lock(settings) as path:
        assert path == settings.data_dir / "ingest.lock"
        with pytest.raises(BusyError, match=r"another ingest is running \(.*ingest\.lock\); wait for it to finish"):
            with ingest_lock(settings):
                pass
    with ingest_lock(settings):  # released: can be taken again
        pass


def test_records_are_read_without_chroma(settings, make_report):
    index = Index(settings)
    assert index.reports() == []
    assert index.current_hash("nope") is None
    with pytest.raises(NotFoundError, match="python -m ingest list"):
        index.report("nope")
    assert index._chroma._col is None  # nothing above needed Chroma


def test_corrupt_or_unsafe_records_are_store_errors(settings):
    index = Index(settings)
    settings.records_dir.mkdir(parents=True)
    (settings.records_dir / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="broken.json: cannot read"):
        index.report("broken")
    with pytest.raises(StoreError, match="cannot be used"):
        index.current_hash("../etc/passwd")


# -- real Chroma + real model --------------------------------------------------------------------



def put(index: Index, embedder, report, settings) -> list:
    """``report`` stored as ingest stores it: chunks and sentence vectors."""
    chunks = Chunker(settings).chunk(report)
    index.replace(report, chunks, embedder.embed([c.embed_text for c in chunks]),
                  sentences=embed_sentences(report.paragraphs, embedder))
    return chunks


def vector_files(settings) -> list[str]:
    return sorted(p.name for p in settings.records_dir.glob("*.npy"))


def files_of(report) -> list[str]:
    return [f"{report.doc_id}.{report.content_hash}.chunks.npy", f"{report.doc_id}.{report.content_hash}.sentences.npy"]


def snapshot(index: Index, settings):
    """Everything a failed replace must leave exactly as it was."""
    got = index._chroma.collection().get(include=["metadatas", "documents"])
    chunks = sorted(zip(got["ids"], got["documents"], [json.dumps(m, sort_keys=True) for m in got["metadatas"]]))
    records = {}
    if settings.records_dir.exists():
        records = {p.name: p.read_bytes() for p in settings.records_dir.iterdir()}
    return chunks, records


@pytest.fixture
def index(settings):
    return Index(settings, batch_size=2)  # small batches: a replace takes several calls


@pytest.mark.integration
def test_replace_then_query_finds_the_paragraph(index, embedder, settings, make_report):
    report = make_report()
    chunks = put(index, embedder, report, settings)
    assert index.count() == len(chunks) == 3
    assert index.current_hash(report.doc_id) == report.content_hash
    assert index.report(report.doc_id) == report
    assert index.reports() == [report]

    (q,) = embedder.embed(["Are health assessments for children in care done on time?"])
    hits = index.query(q, k=3)
    assert len(hits) == 3
    best, score = hits[0]
    assert best.locator == "2" and best.doc_id == report.doc_id
    assert best.text == report.paragraphs[1].text
    assert best.embed_text.startswith("Ofsted, Dorset 2011 | ")
    assert "embed_text" not in best.metadata and best.metadata["year"] == 2011
    assert 0.3 < score <= 1.0 and score >= hits[1][1] >= hits[2][1]
    assert index.chunks(report.doc_id)[0].locator == "1"


@pytest.mark.integration
def test_query_metadata_filters(index, embedder, settings, make_report):
    put(index, embedder, make_report("dorset-2011"), settings)
    put(index, embedder, make_report("poole-2017", authority="Borough of Poole", year=2017,
                                     title="Inspection: Poole"), settings)
    (q,) = embedder.embed(["children in care feel safe"])
    poole = index.query(q, k=10, where={"authority": "Borough of Poole"})
    assert len(poole) == 3 and {c.doc_id for c, _ in poole} == {"poole-2017"}
    y2011 = index.query(q, k=10, where={"year": 2011})
    assert len(y2011) == 3 and {c.metadata["year"] for c, _ in y2011} == {2011}
    recent = index.query(q, k=10, where={"year": {"$gte": 2012}})
    assert {c.doc_id for c, _ in recent} == {"poole-2017"}
    assert index.query(q, k=10, where={"year": 1999}) == []


@pytest.mark.integration
def test_a_search_by_chunk_ids_finds_what_the_metadata_filter_finds(index, embedder, settings, make_report):
    reports = [make_report("dorset-2011"), make_report("poole-2017", authority="Borough of Poole", title="Poole")]
    chunks = {r.doc_id: put(index, embedder, r, settings) for r in reports}
    listed = {r.doc_id: Index.chunk_ids(r, index.record_info(r.doc_id)) for r in reports}
    assert listed["poole-2017"] == {c.locator: (c.chunk_id,) for c in chunks["poole-2017"]}
    (q,) = embedder.embed(["children in care feel safe"])
    where = {"doc_id": {"$in": ["poole-2017"]}}
    ids = [i for ids in listed["poole-2017"].values() for i in ids]
    by_where = index.query(q, k=10, where=where)
    assert len(by_where) == 3 and index.query(q, k=10, where=where, ids=ids) == by_where
    # an id Chroma does not hold (a damaged index): the filter is used instead
    assert index.query(q, k=10, where=where, ids=ids + ["poole-2017:gone:9:0"]) == by_where
    with pytest.raises(StoreError, match="cannot search the index"):
        index.query(q, k=10, ids=["poole-2017:gone:9:0"])
    # a record that lists no chunk ids (ingested before they were listed) gives none
    assert Index.chunk_ids(reports[0], {"chunks": 3}) is None
    assert Index.chunk_ids(reports[0], {**index.record_info("dorset-2011"), "chunks": 4}) is None


@pytest.mark.integration
def test_new_version_replaces_all_old_chunks(index, embedder, settings, make_report):
    old = make_report()
    put(index, embedder, old, settings)
    new = make_report(paragraphs=[("1", ("About",), "A single new paragraph replaces the report.")])
    assert new.content_hash != old.content_hash
    put(index, embedder, new, settings)
    assert index.count() == 1
    assert index.count(doc_id=old.doc_id, content_hash=old.content_hash) == 0
    assert index.current_hash(old.doc_id) == new.content_hash
    assert index.report(old.doc_id).paragraphs[0].text == "A single new paragraph replaces the report."


@pytest.mark.integration
@pytest.mark.parametrize("first_version", [False, True], ids=["new-doc", "replacing"])
def test_failure_in_the_middle_of_replace_leaves_the_index_as_it_was(
    index, embedder, settings, make_report, monkeypatch, first_version
):
    if first_version:
        put(index, embedder, make_report(), settings)
    before = snapshot(index, settings)
    count_before = index.count()

    new = make_report(paragraphs=[(str(i), ("S",), f"Paragraph number {i} about fostering.") for i in range(1, 8)])
    chunks = Chunker(settings).chunk(new)
    vectors = embedder.embed([c.embed_text for c in chunks])
    sentences = embed_sentences(new.paragraphs, embedder)
    col = index._chroma.collection()
    real_upsert = col.upsert
    calls = []

    def flaky_upsert(**kw):
        calls.append(len(kw["ids"]))
        if len(calls) == 2:
            raise RuntimeError("disk full (injected)")
        return real_upsert(**kw)

    monkeypatch.setattr(col, "upsert", flaky_upsert)
    with pytest.raises(StoreError, match="disk full"):
        index.replace(new, chunks, vectors, sentences=sentences)
    monkeypatch.undo()
    assert calls == [2, 2]  # the first batch went in, then the failure
    assert index.count() == count_before
    assert snapshot(index, settings) == before


@pytest.mark.integration
def test_failure_writing_the_record_leaves_the_index_as_it_was(index, embedder, settings, make_report, monkeypatch):
    put(index, embedder, make_report(), settings)
    before = snapshot(index, settings)
    new = make_report(paragraphs=[("1", ("S",), "Changed text.")])
    chunks = Chunker(settings).chunk(new)
    vectors = embedder.embed([c.embed_text for c in chunks])

    def no_space(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(record_files, "_write_json", no_space)
    with pytest.raises(StoreError, match="No space left"):
        index.replace(new, chunks, vectors, sentences=embed_sentences(new.paragraphs, embedder))
    assert snapshot(index, settings) == before  # the new version's sentence vectors are gone too


@pytest.mark.integration
def test_interrupt_during_replace_rolls_back_and_propagates(index, embedder, settings, make_report, monkeypatch):
    new = make_report()
    chunks = Chunker(settings).chunk(new)
    vectors = embedder.embed([c.embed_text for c in chunks])

    def interrupted(path, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(record_files, "_write_json", interrupted)
    with pytest.raises(KeyboardInterrupt):
        index.replace(new, chunks, vectors)
    assert index.count() == 0 and index.reports() == []


@pytest.mark.integration
def test_atomic_record_write_leaves_no_temp_files(index, embedder, settings, make_report):
    report = make_report()
    put(index, embedder, report, settings)
    assert sorted(p.name for p in settings.records_dir.iterdir()) == [*files_of(report), "dorset-2011.json"]


@pytest.mark.integration
def test_repair_removes_orphans_of_a_killed_run(index, embedder, settings, make_report):
    committed = make_report()
    put(index, embedder, committed, settings)
    # a killed run: chunks of a new version were added, the records file never written
    killed = make_report(paragraphs=[("1", ("S",), "Half-ingested new version.")])
    chunks = Chunker(settings).chunk(killed)
    index._chroma.collection().add(
        ids=[c.chunk_id for c in chunks],
        embeddings=embedder.embed([c.embed_text for c in chunks]),
        documents=[c.text for c in chunks],
        metadatas=[chroma_store._to_chroma_metadata(c) for c in chunks],
    )
    # ...and chunks of a report whose records file is gone altogether
    ghost = make_report("ghost-2015")
    put(index, embedder, ghost, settings)
    (settings.records_dir / "ghost-2015.json").unlink()
    # ...and the killed run's sentence vectors, and a temp file it was writing
    for suffix in record_files.VECTOR_FILES:
        record_files._write_npy(index._records.vectors_path(killed.doc_id, killed.content_hash, suffix), np.zeros((1, 384), np.float32))
    (settings.records_dir / f".{killed.doc_id}.x.sentences.1234.tmp").write_bytes(b"half")
    assert index.count() == 3 + 1 + 3 and len(vector_files(settings)) == 6

    assert index.repair() == 4
    assert index.count() == 3
    assert index.count(doc_id=committed.doc_id, content_hash=committed.content_hash) == 3
    assert vector_files(settings) == files_of(committed)
    assert sorted(p.name for p in settings.records_dir.glob(".*")) == []
    assert index.repair() == 0


@pytest.mark.integration
def test_remove_deletes_chunks_and_record(index, embedder, settings, make_report):
    assert index.version() == ()
    put(index, embedder, make_report("dorset-2011"), settings)
    one = index.version()
    put(index, embedder, make_report("poole-2017", authority="Borough of Poole"), settings)
    two = index.version()
    assert len(one) == 1 and len(two) == 2 and index.version() == two
    put(index, embedder, make_report("poole-2017", authority="Borough of Poole", content_hash="v2"), settings)
    assert index.version() != two  # a rewritten record: new inode
    assert index.remove("dorset-2011") == 3
    assert index.count() == 3 and index.count(doc_id="dorset-2011") == 0
    assert [name.split(".")[0] for name in vector_files(settings)] == ["poole-2017", "poole-2017"]
    assert [r.doc_id for r in index.reports()] == ["poole-2017"]
    assert not (settings.records_dir / "dorset-2011.json").exists()
    with pytest.raises(NotFoundError, match=r"no report 'dorset-2011'.*python -m ingest list"):
        index.remove("dorset-2011")


@pytest.mark.integration
def test_is_current_notices_missing_chunks(index, embedder, settings, make_report):
    report = make_report()
    put(index, embedder, report, settings)
    assert index.is_current(report.doc_id, report.content_hash)
    index._chroma.collection().delete(ids=[index.chunks(report.doc_id)[0].chunk_id])
    assert not index.is_current(report.doc_id, report.content_hash)


@pytest.mark.integration
def test_sentence_vectors_are_stored_with_their_version_and_read_back(index, embedder, settings, make_report):
    report = make_report(paragraphs=[
        ("1", ("Summary",), "Caseloads are manageable. Managers supervise staff regularly."),
        ("2", (), "No heading here."),
        ("3", ("Being healthy",), "Grade 3 (adequate)"),
    ])
    put(index, embedder, report, settings)
    stored = index.sentence_vectors(report.doc_id, report.content_hash)
    assert stored.counts == (2, 1, 1) and stored.vectors.dtype == np.float32
    texts = [t for p in report.paragraphs for t in sentence_texts(p)]
    assert texts[0] == "Summary: Caseloads are manageable." and texts[2] == "No heading here."
    expected = np.asarray(embedder.embed(texts), dtype=np.float32)
    assert np.abs(np.asarray(stored.vectors) - expected).max() < 1e-5
    assert [stored.vectors[r].shape[0] for r in stored.rows()] == [2, 1, 1]
    info = index.record_info(report.doc_id)["sentences"]
    assert info == {"version": SENTENCES_VERSION, "content_hash": report.content_hash, "counts": [2, 1, 1]}
    # what the record does not vouch for is not used
    assert index.sentence_vectors(report.doc_id, "0" * 64) is None
    assert index.sentence_vectors(report.doc_id, report.content_hash, {**info, "version": 0}) is None
    assert index.sentence_vectors(report.doc_id, report.content_hash,
                                  {"sentences": {**info, "counts": [2, 1, 2]}}) is None

    # a new version replaces them; its old file goes once the new record is committed
    new = make_report(paragraphs=[("1", ("Summary",), "One new sentence.")])
    put(index, embedder, new, settings)
    assert vector_files(settings) == files_of(new)
    assert index.sentence_vectors(new.doc_id, new.content_hash).counts == (1,)
    assert index.is_current(new.doc_id, new.content_hash)
    # an index from before sentence vectors were stored, or one that lost its file, is not current
    (settings.records_dir / files_of(new)[1]).unlink()
    assert not index.is_current(new.doc_id, new.content_hash)
    assert index.sentence_vectors(new.doc_id, new.content_hash) is None


@pytest.mark.integration
def test_chunk_vectors_are_stored_in_the_order_the_record_lists_the_chunks(index, embedder, settings, make_report):
    long = " ".join(f"Sentence {n} about placement stability and care planning for children." for n in range(40))
    report = make_report(paragraphs=[("1", ("Summary",), long), ("2", ("Summary",), "Short one."),
                                     ("3", ("Health",), "Another short one.")])
    chunks = Chunker(settings).chunk(report)
    assert len(chunks) > 3  # the long paragraph has several parts
    vectors = embedder.embed([c.embed_text for c in chunks])
    # handed over in another order than the record lists them: rows follow the record
    index.replace(report, chunks[::-1], vectors[::-1], sentences=embed_sentences(report.paragraphs, embedder))
    info = index.record_info(report.doc_id)
    assert [{cid.split(":")[2] for cid in ids} for ids in info["chunk_ids"]] == [{"0"}, {"1"}, {"2"}]
    of_id = {c.chunk_id: v for c, v in zip(chunks, vectors)}
    expected = np.asarray([of_id[cid] for ids in info["chunk_ids"] for cid in ids])
    stored = index.chunk_vectors(report.doc_id, report.content_hash)
    assert stored.dtype == np.float32 and np.abs(np.asarray(stored) - expected).max() < 1e-6
    assert index.chunk_vectors(report.doc_id, report.content_hash, {**info, "chunks": len(chunks) + 1}) is None
    assert index.chunk_vectors(report.doc_id, "0" * 64) is None
    # an index that lost the file is not current: the next ingest stores it again
    (settings.records_dir / files_of(report)[0]).unlink()
    assert index.chunk_vectors(report.doc_id, report.content_hash) is None
    assert not index.is_current(report.doc_id, report.content_hash)


@pytest.mark.integration
def test_sentence_counts_must_match_the_paragraphs(index, embedder, settings, make_report):
    report = make_report()
    chunks = Chunker(settings).chunk(report)
    other = embed_sentences(make_report(paragraphs=[("1", ("S",), "Only one.")]).paragraphs, embedder)
    with pytest.raises(ValueError, match="3 paragraphs but sentence counts for 1"):
        index.replace(report, chunks, embedder.embed([c.embed_text for c in chunks]), sentences=other)
    assert index.count() == 0 and vector_files(settings) == []


@pytest.mark.integration
def test_replace_rejects_mismatched_input(index, embedder, settings, make_report):
    report = make_report()
    chunks = Chunker(settings).chunk(report)
    with pytest.raises(ValueError, match="embeddings"):
        index.replace(report, chunks, [])
    with pytest.raises(ValueError, match="content_hash"):
        index.replace(dataclasses.replace(report, content_hash=""), chunks, [[0.0]] * len(chunks))
    assert index.count() == 0


@pytest.mark.integration
def test_wrong_dimension_is_a_store_error_with_a_hint(index, embedder, settings, make_report):
    put(index, embedder, make_report(), settings)
    other = make_report("poole-2017")
    chunks = Chunker(settings).chunk(other)
    with pytest.raises(StoreError, match="another embedding model"):
        index.replace(other, chunks, [[0.1] * 8 for _ in chunks])
    assert index.count() == 3


def test_bad_collection_name_is_a_config_error(tmp_path):
    from core.errors import ConfigError
    from core.settings import Settings

    with pytest.raises(ConfigError, match="RAG_COLLECTION"):
        Index(Settings(data_dir=tmp_path, collection="x"))
