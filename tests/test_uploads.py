"""ingest.uploads: a report added from the page is kept and indexed, or not kept at all."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import report_text

from core.errors import ReadError
from ingest.store import Index
from ingest.uploads import infer_meta, ingest_upload, safe_name

pytestmark = pytest.mark.integration
APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"


def test_names_are_made_safe_and_the_kind_checked():
    assert safe_name("../../etc/Report 2019 (final).txt") == "Report_2019_final_.txt"
    assert safe_name("C:\\Users\\x\\report.PDF".replace("\\", "/")) == "report.PDF"
    with pytest.raises(ReadError, match="upload one of"):
        safe_name("report.exe")
    with pytest.raises(ReadError, match="without an extension"):
        safe_name("report")


def test_an_upload_is_indexed_with_the_metadata_given(settings, embedder):
    seen = []
    result = ingest_upload(settings, embedder, "leeds.txt", report_text("Leeds", 2019, ["adoption"]).encode(),
                           authority="Leeds City Council", year=2019, title="Inspection of Leeds",
                           progress=lambda done, text: seen.append(done))
    assert result.status == "added" and result.paragraphs > 0
    (report,) = Index(settings).reports()
    assert (report.meta.authority, report.meta.year, report.meta.title) == ("Leeds City Council", 2019,
                                                                           "Inspection of Leeds")
    assert (settings.data_dir / "uploads" / "leeds.txt").is_file()
    assert seen and seen[-1] < 1.0 and sorted(seen) == seen


def test_a_file_that_cannot_be_read_is_not_kept_and_the_index_is_unchanged(settings, embedder):
    good = report_text("Leeds", 2019, ["adoption"]).encode()
    ingest_upload(settings, embedder, "leeds.txt", good)
    before = Index(settings).hashes()
    with pytest.raises(ReadError) as exc:
        ingest_upload(settings, embedder, "leeds.txt", b"\x00\x01\x02 not a report \xff" * 50)
    assert "leeds.txt" in str(exc.value)
    assert Index(settings).hashes() == before
    assert (settings.data_dir / "uploads" / "leeds.txt").read_bytes() == good  # the earlier file is back
    with pytest.raises(ReadError):
        ingest_upload(settings, embedder, "broken.pdf", b"%PDF-1.4 this is not really a pdf")
    assert not (settings.data_dir / "uploads" / "broken.pdf").exists()
    assert [p.name for p in (settings.data_dir / "uploads").iterdir()] == ["leeds.txt"]


# --- the form filled in from the file's text --------------------------------------------------

OFSTED_COVER = ("Inspection of Dorset local authority children’s services\n\n"
                "Inspection dates: 27 September to 8 October 2021\n\n"
                "Lead inspector: Steve Lowe, Her Majesty’s Inspector\n\n"
                "1. Children in Dorset receive help that is timely and effective, and managers oversee it well.\n")
CABINET_PAPER = ("Cabinet\n\nDorset County Council\n\nDate of Meeting\t7 September 2016\n\n"
                 "Post Ofsted Progress\n\n1. To inform Members of progress since the Ofsted inspection.\n")


def test_the_publisher_and_the_rest_are_inferred_from_the_upload(settings):
    meta = infer_meta(settings, "report.txt", OFSTED_COVER.encode())
    assert (meta.publisher, meta.authority, meta.year, meta.voice.value) == ("Ofsted", "Dorset", 2021, "ofsted")
    assert (meta.inspection_end, meta.lead_inspector, meta.framework) == ("2021-10-08", "Steve Lowe", "ilacs")
    cabinet = infer_meta(settings, "paper.txt", CABINET_PAPER.encode())
    assert (cabinet.publisher, cabinet.voice.value) == ("Dorset County Council Cabinet", "committee-paper")
    with pytest.raises(ReadError) as exc:
        infer_meta(settings, "broken.pdf", b"%PDF-1.4 this is not really a pdf")
    assert str(exc.value).startswith("broken.pdf: ")  # the upload's name, not a temporary path
    assert not (settings.data_dir / "uploads").exists()  # nothing kept


def test_a_publisher_given_on_the_form_is_kept(settings, embedder):
    ingest_upload(settings, embedder, "dorset.txt", OFSTED_COVER.encode(), publisher="Dorset Council")
    (report,) = Index(settings).reports()
    assert (report.meta.publisher, report.meta.voice.value) == ("Dorset Council", "committee-paper")
    assert report.meta.inspection_start == "2021-09-27"  # the cover's facts stay


def test_the_form_fills_in_the_publisher_from_the_chosen_file(monkeypatch, corpus_settings):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RAG_DATA_DIR", str(corpus_settings.data_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus_settings.corpus_dir))
    for var in ("RAG_LLM", "CHROMA_HOST", "RAG_TOP_K", "RAG_RETRIEVAL", "RAG_COLLECTION"):
        monkeypatch.delenv(var, raising=False)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.sidebar.radio(key="view").set_value("Add a report").run()
    assert not at.exception, at.exception
    assert at.text_input(key="publisher-").value == ""
    for name, text, publisher in (("ofsted.txt", OFSTED_COVER, "Ofsted"),
                                  ("cabinet.txt", CABINET_PAPER, "Dorset County Council Cabinet")):
        at.file_uploader[0].set_value((name, text.encode(), "text/plain")).run()
        assert not at.exception, at.exception
        (field,) = [t for t in at.text_input if t.label == "Publisher"]
        assert field.value == publisher
    at.file_uploader[0].set_value(("empty.txt", b"   ", "text/plain")).run()
    assert "empty.txt" in at.warning[0].value  # told before it is sent
