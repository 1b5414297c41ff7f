"""ingest.uploads: a report added from the page is kept and indexed, or not kept at all."""
from __future__ import annotations

import pytest

from conftest import report_text
from ingest.errors import ReadError
from ingest.store import Index
from ingest.uploads import ingest_upload, safe_name

pytestmark = pytest.mark.integration


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
