"""rag.keyword: the analyser and the BM25 index. Pure: no model, no Chroma."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.keyword import STOPWORDS, KeywordIndex, acronyms_in, expand, tokenize

# -- tokenize ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["children's", "children\u2019s", "childrens", "Childrens", "CHILDREN\u02bcS",
                                  "children"])
def test_apostrophes_inside_words_are_removed_so_spellings_meet(text):
    # The Poole report lost most apostrophes ('childrens'): all spellings must be one token.
    assert tokenize(text) == ["children"]


def test_quotes_around_words_are_separators_not_letters():
    assert tokenize("parents' views") == tokenize("parents views") == ["parent", "view"]
    assert tokenize("\u2018safe and well\u2019 checks") == tokenize("'safe and well' checks") == ["safe", "well", "check"]
    assert tokenize("\u201cgood\u201d") == ["good"]


def test_stemming_joins_word_forms():
    assert tokenize("recommendations") == tokenize("recommendation") == tokenize("recommended")
    assert tokenize("assessments assessed") == tokenize("assessment assess")
    assert tokenize("Services") == tokenize("service")


def test_stopwords_are_dropped_but_meaningful_small_words_stay():
    assert tokenize("What is the") == []
    assert tokenize(" ".join(sorted(STOPWORDS)).upper()) == []
    assert tokenize("What does Ofsted say about the out-of-hours service?") == ["ofst", "out", "hour", "servic"]
    assert "out" not in STOPWORDS and "not" not in STOPWORDS


def test_numbers_and_punctuation():
    assert tokenize("41 per 10,000") == ["41", "per", "10", "000"]
    assert tokenize("s47 (MASH) -- CAMHS/CiC") == ["s47", "mash", "camh", "cic"]
    assert tokenize("") == [] and tokenize("  ...  ") == []


def test_unicode_is_normalised():
    # NFKC folds the 'ﬁ' ligature PDFs leave behind; accented letters are letters.
    assert tokenize("\ufb01nding") == tokenize("finding")
    assert tokenize("Caf\u00e9") == ["caf\u00e9"]


_letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)


@given(word=_letters, cut=st.integers(min_value=1, max_value=11),
       apostrophe=st.sampled_from(["'", "\u2019", "\u2018", "\u02bc"]))
def test_an_apostrophe_inside_a_word_never_changes_its_tokens(word, cut, apostrophe):
    cut = min(cut, len(word) - 1)
    assert tokenize(word[:cut] + apostrophe + word[cut:]) == tokenize(word)


@given(st.text(max_size=80))
def test_tokens_are_lowercase_and_alphanumeric(text):
    for token in tokenize(text):
        assert token and token == token.casefold()
        assert all(ch.isalnum() for ch in token)


# -- KeywordIndex ------------------------------------------------------------------------------

ITEMS = [
    (("poole", "1"), "Childrens identity and culture are not sufficiently considered in assessments."),
    (("poole", "2"), "Ensure there is sufficient capacity in the out-of-hours service."),
    (("dorset", "1"), "Health outcomes for children in care are adequate."),
    (("dorset", "2"), "Out of hours services are provided by a county-wide team."),
]


@pytest.fixture
def index() -> KeywordIndex:
    return KeywordIndex().build(ITEMS)


def test_finds_the_paragraph_whatever_the_apostrophe(index):
    for query in ("children's identity", "children\u2019s identity", "childrens identity"):
        (best, score), *_ = index.search(query, 3)
        assert best == ("poole", "1") and score > 0
    assert index.search("children's identity", 3) == index.search("childrens identity", 3)


def test_results_are_best_first_with_positive_scores(index):
    results = index.search("out-of-hours service", 4)
    keys = [k for k, _ in results]
    scores = [s for _, s in results]
    assert set(keys) == {("poole", "2"), ("dorset", "2")}
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert index.search("out-of-hours service", 1) == results[:1]


def test_allowed_restricts_the_results(index):
    assert [k for k, _ in index.search("out of hours", 5, allowed={("dorset", "2"), ("dorset", "1")})] == [("dorset", "2")]
    assert index.search("out of hours", 5, allowed=set()) == []
    assert index.search("out of hours", 5, allowed={("nowhere", "9")}) == []


def test_empty_cases_return_nothing():
    assert KeywordIndex().search("anything", 5) == []
    assert KeywordIndex().build([]).search("anything", 5) == []
    only_stopwords = KeywordIndex().build([(("a", "1"), "the of and"), (("a", "2"), "")])
    assert len(only_stopwords) == 2 and only_stopwords.search("the", 5) == []
    index = KeywordIndex().build(ITEMS)
    assert index.search("", 5) == []
    assert index.search("What is the", 5) == []  # stopwords only
    assert index.search("zebra giraffe", 5) == []  # no token the index knows


def test_ties_keep_build_order_every_time():
    same = "Children in care say they feel safe."
    forward = KeywordIndex().build([(("b", "1"), same), (("a", "1"), same), (("c", "1"), "unrelated words")])
    first = forward.search("feel safe", 5)
    assert [k for k, _ in first] == [("b", "1"), ("a", "1")]
    assert first[0][1] == first[1][1]
    assert all(forward.search("feel safe", 5) == first for _ in range(5))
    backward = KeywordIndex().build([(("a", "1"), same), (("b", "1"), same)])
    assert [k for k, _ in backward.search("feel safe", 5)] == [("a", "1"), ("b", "1")]


def test_a_repeated_query_word_counts_once(index):
    assert index.search("children children children", 4) == index.search("children", 4)


def test_rebuild_replaces_and_bad_input_is_refused(index):
    index.build([(("x", "1"), "adoption panel")])
    assert index.search("health", 5) == [] and [k for k, _ in index.search("adoption", 5)] == [("x", "1")]
    with pytest.raises(ValueError, match="duplicate key"):
        KeywordIndex().build([(("a", "1"), "x"), (("a", "1"), "y")])
    with pytest.raises(ValueError, match="k must be at least 1"):
        index.search("adoption", 0)


def test_a_rebuild_reuses_the_analyses_it_is_given():
    first = KeywordIndex().build(ITEMS)
    assert set(first.analysed) == {text for _, text in ITEMS}
    # a poisoned entry shows the cache is read, not the text analysed again
    cache = dict(first.analysed)
    key, text = ITEMS[0]
    cache[text] = (("zebra",), ())
    again = KeywordIndex().build(ITEMS, cache=cache)
    assert [k for k, _ in again.search("zebra", 5)] == [key]
    # the same results as a build from scratch for every other text
    fresh = KeywordIndex().build(ITEMS[1:])
    rebuilt = KeywordIndex().build(ITEMS[1:], cache=first.analysed)
    for query in ("out of hours", "adoption", "children in care", "health"):
        assert rebuilt.search(query, 5) == fresh.search(query, 5)
    assert text not in rebuilt.analysed  # only this build's texts are passed on


def test_an_acronym_that_is_a_stopword_is_skipped():
    index = KeywordIndex().build([(("a", "1"), "Information Technology (IT) is reviewed.")])
    assert [k for k, _ in index.search("information technology", 5)] == [("a", "1")]


# -- acronyms, other wordings, words the filters used ------------------------------------------


def test_acronyms_are_learnt_from_their_definitions_checked_by_initials():
    text = ("Review of the Local Safeguarding Children Board (LSCB). The multi-agency safeguarding hub (MASH) "
            "is busy. Staff (HR) and the Single Point of Access (SPA) opened.")
    assert acronyms_in(text) == [("LSCB", "Local Safeguarding Children Board"),
                                 ("MASH", "multi-agency safeguarding hub"), ("SPA", "Single Point of Access")]


def test_a_query_meets_a_paragraph_by_acronym_or_long_form():
    index = KeywordIndex().build([
        ("a", "The Local Safeguarding Children Board (LSCB) is effective."),
        ("b", "The LSCB is shared with Bournemouth."),
        ("c", "Children are safe at home."),
    ])
    # 'safeguarding children board' spells out all but one word of LSCB's long form
    assert [key for key, _ in index.search("Is the safeguarding children board shared?", 3)] == ["a", "b", "c"]
    # and the acronym brings in the long form
    scores = dict(index.search("Who chairs the LSCB?", 3))
    assert scores["a"] > scores["b"] > 0


def test_other_wordings_are_added():
    assert "member" in expand(tokenize("What were councillors asked to do?"), {})
    assert "leav" in expand(tokenize("How many care leavers?"), {})
    assert expand(tokenize("children in care"), {}) == tokenize("children in care")


def test_words_the_filters_used_do_not_score():
    index = KeywordIndex().build([("a", "Dorset has a new plan."), ("b", "The plan for adoption is new.")])
    scores = dict(index.search("Dorset adoption plan", 2))
    assert scores["a"] == pytest.approx(scores["b"])  # 'Dorset' counts as much as 'adoption'
    ignored = index.search("Dorset adoption plan", 2, ignore=frozenset(tokenize("Dorset")))
    assert [key for key, _ in ignored] == ["b", "a"]
    assert index.search("Dorset", 2, ignore=frozenset(tokenize("Dorset"))) == []


def test_the_other_wording_of_a_phrase_is_held_too():
    from rag.keyword import held_words

    assert set(tokenize("records")) <= held_words("a review of 43 case files")
    assert held_words("43 files") == set(tokenize("43 files"))  # the whole phrase, not one word of it
