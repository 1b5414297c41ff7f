"""The guard's rules on short inline paragraphs (no model: every claim here is decided by
its words, and the stand-in embedder fails the test if the guard asks it)."""
from __future__ import annotations

import dataclasses

import pytest
from conftest import _make_report

from core.settings import Settings
from rag.guard import guard
from rag.model import Draft, Hit


class NoModel:
    def embed(self, texts):
        raise AssertionError(f"the guard needed the model for {texts!r}")


def hits_for(*paragraphs) -> list[Hit]:
    report = _make_report(paragraphs=list(paragraphs))
    return [Hit(report.meta, p, 1.0) for p in report.paragraphs]


def kept(hits: list[Hit], *claims: str) -> list[str]:
    draft = Draft(tuple((claim, (0,)) for claim in claims))
    settings = Settings()
    return [s.text for s in guard(draft, hits, NoModel(), settings.support_threshold,
                                  settings.tuning.lexical_min).sentences]


PROSE = ("70", ("Overall effectiveness",),
         "The overall effectiveness of services for looked after children is good. "
         "Leaders show outstanding ambition for children in care.")


def test_a_grade_word_must_sit_beside_what_it_grades():
    hits = hits_for(PROSE)
    assert kept(hits, "The overall effectiveness of services for looked after children is good.") == [
        "The overall effectiveness of services for looked after children is good."]
    # 'outstanding' is in the paragraph, but given to ambition, not to overall effectiveness
    assert kept(hits, "Overall effectiveness is outstanding.") == []
    assert kept(hits, "Leaders show outstanding ambition.") == ["Leaders show outstanding ambition."]


def test_a_grade_line_names_its_area_in_the_heading_path():
    hits = hits_for(("5", ("Services for looked after children", "Being healthy"), "Good"))
    assert kept(hits, "Being healthy is good.") == ["Being healthy is good."]
    assert kept(hits, "Being healthy is outstanding.") == []


@pytest.mark.parametrize("claim", ["The council has 15 foster carers.", "Overall effectiveness is adequate."])
def test_a_grade_word_or_number_the_paragraph_lacks_is_dropped(claim):
    assert kept(hits_for(PROSE), claim) == []


def test_a_judgement_records_paragraph_needs_no_such_check():
    # the record tied 'overall effectiveness' to this paragraph's grade when it was parsed
    text = ("Children's services in Poole require improvement to be good. "
            "The local authority has made progress since the last inspection.")
    (hit,) = hits_for(("1", ("Executive summary",), text))
    claim = "Overall effectiveness: requires improvement to be good."
    assert kept([hit], claim) == []  # retrieved text: the sentence with the grade names no area
    assert kept([dataclasses.replace(hit, source="record")], claim) == [claim]


def test_a_records_own_paragraph_is_evidence_of_the_area_the_record_grades():
    # a SIF headline is the overall effectiveness judgement without naming it
    (hit,) = hits_for(("West Berkshire Council ¶2", ("West Berkshire Council",),
                       "Children's services in West Berkshire are good"))
    record = dataclasses.replace(hit, source="record", read_as="Overall effectiveness")
    assert kept([record], "Ofsted's judgement for Overall effectiveness: good.") == [
        "Ofsted's judgement for Overall effectiveness: good."]
    assert kept([record], "Ofsted's judgement for Overall effectiveness: outstanding.") == []


def test_a_quote_made_only_of_stopwords_is_supported_by_its_own_paragraph_only():
    # a list item such as a board's third question: no keyword token to match, but quoted word for word
    item = ("5.1 ¶2 item 3", ("Performance",), "What are we doing about it?")
    other = ("5.1 ¶3", ("Performance",), "The board meets monthly.")
    assert kept(hits_for(item), "What are we doing about it?") == ["What are we doing about it?"]
    assert kept(hits_for(other), "What are we doing about it?") == []
