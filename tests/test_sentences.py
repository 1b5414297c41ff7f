"""The one sentence splitter (core/sentences.py): short inline examples and the property
that splitting never loses or moves a character."""
from hypothesis import given
from hypothesis import strategies as st

from core.sentences import sentence_spans, sentences


def test_splits_at_a_full_stop_before_a_capital_or_digit():
    assert sentences("Caseloads fell. 12 children waited. Good.") == [
        "Caseloads fell.", "12 children waited.", "Good."]


def test_abbreviations_and_initials_do_not_end_a_sentence():
    assert sentences("See para. 3 and e.g. Dorset. Led by J. Smith HMI.") == [
        "See para. 3 and e.g. Dorset.", "Led by J. Smith HMI."]
    assert sentences("The care leaver offer is on an app. The app also helps.") == [
        "The care leaver offer is on an app.", "The app also helps."]


def test_a_closing_quote_belongs_to_its_sentence():
    assert sentences("One social worker said, \u2018They have my heart.\u2019 They are proud.") == [
        "One social worker said, \u2018They have my heart.\u2019", "They are proud."]


def test_citation_markers_after_the_stop_belong_to_the_sentence_before():
    text = "Ofsted found gaps. [2] The council reports progress [1]."
    assert [text[s:e] for s, e in sentence_spans(text)] == ["Ofsted found gaps. [2]", "The council reports progress [1]."]


def test_a_table_row_or_a_lower_case_continuation_stays_whole():
    assert sentences("Overall effectiveness | Good | 2019") == ["Overall effectiveness | Good | 2019"]
    assert sentences("rose to 18.5 per worker. and then fell") == ["rose to 18.5 per worker. and then fell"]


@given(st.lists(st.sampled_from(["Good.", "e.g.", "J.", "para.", "\u2019", "[3]", "Dorset", "12", "the",
                                 "?", "(", ")", "\u2018It", "no.", "  ", "\n"]), max_size=30))
def test_splitting_loses_and_moves_no_character(words):
    text = " ".join(words)
    spans = sentence_spans(text)
    assert all(a < b for a, b in spans) and all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))
    assert "".join("".join(text[s:e] for s, e in spans).split()) == "".join(text.split())
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)
