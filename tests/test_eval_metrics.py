"""Unit tests for the evaluation's metrics (evals/metrics.py) and the small pure parts
around them: gold locators (evals/gold.py), the thresholds (evals/gate.py), report rows
(evals/reporting.py), the LLM judge (evals/judging.py, with a fake chat model) and the
baseline's paragraph share.
No embedding model, no index."""
from __future__ import annotations

import pytest

from core.errors import ConfigError
from core.model import Kind, Paragraph, Voice
from core.settings import Settings
from evals.baseline import single_paragraph_share
from evals.gate import Thresholds, check, load_thresholds
from evals.gold import KnownAnswer, fold, gold_keys, locator_key, problems
from evals.judging import judge, judge_says_yes
from evals.metrics import (
    Item,
    QuestionScore,
    Result,
    aggregate,
    answer_text,
    by_kind,
    citation_recall,
    evidence_rank,
    faithfulness,
    is_correct,
    is_relevant,
    lookup_in,
    percentile,
    recall_at,
    reciprocal_rank,
    result_from_answer,
    score,
    score_answer,
)
from evals.reporting import document, kind_table, markdown, metric_table
from evals.running import SystemRun
from rag.model import Answer, Citation, Sentence

DOC = "dorset-2011"
OTHER = "dorset-2020"

GRADE = Paragraph(DOC, "Being healthy grade", ("Services for looked after children", "Being healthy"), Kind.GRADE,
                  "Grade 3 (adequate)", 10)
P75 = Paragraph(DOC, "75", ("Being healthy",), Kind.PARAGRAPH,
                "Health assessments for looked after children are timely. Dental checks are behind.", 11)
P76 = Paragraph(DOC, "76", ("Staying safe",), Kind.PARAGRAPH, "Children say they feel safe in their placements.", 12)
P9 = Paragraph(OTHER, "1.2 ¶9", ("About Dorset",), Kind.PARAGRAPH,
               "There are 33 different languages spoken in Dorset schools.", 3)


def known(**kw) -> KnownAnswer:
    base = dict(id="q1", question="What grade did Ofsted give Dorset for being healthy?", answer="Adequate (grade 3).",
                must_include=("adequate",), evidence="Being healthy Grade 3 (adequate)", doc_id=DOC,
                locator="Being healthy grade", kind="grade")
    base.update(kw)
    return KnownAnswer(**base)


UNANSWERABLE = KnownAnswer(id="u1", question="What is the capital of France?", answer="", must_include=(),
                           evidence="", doc_id="", locator="", kind="unanswerable")


def item(p: Paragraph, doc: str = DOC) -> Item:
    return Item(doc, p.locator, p.text, f"{doc} {p.locator}", p)


def chunk(text: str, n: int = 1, doc: str = DOC) -> Item:
    return Item(doc, f"chunk {n}", text)


# -- evidence rank, recall, reciprocal rank ---------------------------------------------------


def test_evidence_rank_is_the_first_retrieved_item_holding_the_evidence():
    k = known()
    ranked = [item(P75), item(P76), item(GRADE), item(GRADE)]
    assert evidence_rank(k, ranked) == 3
    assert recall_at(3) == {1: 0.0, 3: 1.0, 5: 1.0, 10: 1.0}
    assert reciprocal_rank(3) == pytest.approx(1 / 3)


def test_evidence_absent_gives_no_rank_zero_recall_and_zero_rr():
    s = score(known(), Result("x", False, ranked=(item(P75), item(P76))))
    assert s.evidence_rank is None
    assert s.recall == {1: 0.0, 3: 0.0, 5: 0.0, 10: 0.0} and s.reciprocal_rank == 0.0


def test_grade_line_evidence_matches_with_its_heading_not_alone():
    # 'Grade 3 (adequate)' alone says nothing about which area: gold.evidence_text adds the heading.
    assert item(GRADE).contains("Being healthy Grade 3 (adequate)")
    assert not chunk("Grade 3 (adequate)").contains("Being healthy Grade 3 (adequate)")


def test_chunk_matching_ignores_layout_only():
    text = "Being healthy\n\nGrade 3 (adequate)\n\nStaying safe"
    assert chunk(text).contains("Being healthy Grade 3 (adequate)")
    assert not chunk(text).contains("Being healthy Grade 2 (good)")
    assert not chunk(text).contains("")


def test_unanswerable_questions_have_no_retrieval_metrics():
    s = score(UNANSWERABLE, Result("...", True, ranked=(item(P75),)))
    assert s.evidence_rank is None and s.recall is None and s.reciprocal_rank is None
    assert s.citation_recall is None


# -- correctness ------------------------------------------------------------------------------


def test_correct_needs_every_must_include_folded():
    k = known(must_include=("Adequate", "grade 3"))
    assert is_correct(k, "Ofsted's judgement for Being healthy: ADEQUATE (Grade 3). [1]", abstained=False)
    assert not is_correct(k, "Being healthy: adequate. [1]", abstained=False)


def test_fold_drops_case_punctuation_and_apostrophes():
    assert fold("Children\u2019s  Services, Poole's") == fold("CHILDRENS services: Pooles") == "childrens services pooles"
    assert fold("41 per 10,000") in fold("The rate is 41 per 10,000.")
    assert fold("£438,200 (100%)") == "£438 200 100%"


def test_citation_markers_never_satisfy_a_must_include():
    k = known(must_include=("2",), kind="number")
    assert answer_text("There were 15 recommendations. [1][2]").split() == ["There", "were", "15", "recommendations."]
    assert not is_correct(k, "There were 15 recommendations. [2]", abstained=False)
    assert is_correct(k, "There were 12 recommendations. [1]", abstained=False)


def test_an_abstention_is_wrong_for_answerable_and_right_for_unanswerable():
    assert not is_correct(known(), "The reports in the library do not answer this. adequate", abstained=True)
    assert is_correct(UNANSWERABLE, "The reports in the library do not answer this.", abstained=True)
    assert not is_correct(UNANSWERABLE, "Paris.", abstained=False)


def test_a_question_the_product_refused_is_wrong():
    s = score(known(), Result("", False, error="the question is empty"))
    assert not s.correct


# -- citations --------------------------------------------------------------------------------


def test_citation_precision_counts_evidence_gold_locators_and_must_include():
    k = known(locators=("Record of main findings row 13",))
    row = Paragraph(DOC, "Record of main findings row 13", ("Record",), Kind.TABLE_ROW, "Being healthy | Adequate", 20)
    assert is_relevant(k, item(GRADE))  # holds the evidence
    assert is_relevant(k, item(row))  # one of the locators
    assert is_relevant(k, item(Paragraph(DOC, "80", ("x",), Kind.PARAGRAPH, "Outcomes are adequate overall.", 1)))
    assert not is_relevant(k, item(P76))
    table = known(locator="10", locators=())
    assert is_relevant(table, item(Paragraph(DOC, "10 row 3", ("x",), Kind.TABLE_ROW, "Staying safe | Good", 3)))
    assert not is_relevant(table, item(Paragraph(DOC, "100", ("x",), Kind.PARAGRAPH, "Other.", 4)))
    s = score(k, Result("adequate [1][2][3]", False, cited=(item(GRADE), item(row), item(P76))))
    assert (s.cited, s.relevant_cited) == (3, 2) and s.citation_precision == pytest.approx(2 / 3)


def test_a_comparison_line_names_other_reports_with_doc_hash_locator():
    k = known(id="c1", kind="comparison", must_include=("66", "33"), evidence="There are 33 different languages",
              doc_id=OTHER, locator="1.2 ¶9", locators=(f"{DOC}#5", "1.2 ¶8"))
    assert locator_key(k, f"{DOC}#5") == (DOC, "5")
    assert locator_key(k, "1.2 ¶8") == (OTHER, "1.2 ¶8")
    assert gold_keys(k) == ((OTHER, "1.2 ¶9"), (DOC, "5"), (OTHER, "1.2 ¶8"))
    p5 = Paragraph(DOC, "5", ("Service information",), Kind.PARAGRAPH, "Pupils speak many languages.", 5)
    assert is_relevant(k, item(p5))


def test_check_set_accepts_locators_in_another_report(make_report):
    a = make_report("a-2011", [("1", ("H",), "Sixty six languages are spoken."), ("2", ("H",), "Other text.")])
    b = make_report("b-2020", [("1", ("H",), "There are 33 different languages spoken.")], year=2020)
    reports = {"a-2011": a, "b-2020": b}
    raw = {"a-2011": "Sixty six languages are spoken.\n\nOther text.", "b-2020": "There are 33 different languages spoken."}
    good = known(doc_id="b-2020", locator="1", evidence="There are 33 different languages", must_include=("33",),
                 answer="33", kind="comparison", locators=("a-2011#1",))
    assert problems([good], reports, raw) == []
    bad = known(doc_id="b-2020", locator="1", evidence="There are 33 different languages", must_include=("33",),
                answer="33", kind="comparison", locators=("a-2011#9", "zz-1999#1"))
    assert problems([bad], reports, raw) == ["q1: a-2011 has no paragraph '9' (locators)", "q1: no report 'zz-1999' (locators)"]


def test_nothing_cited_has_no_precision_and_zero_recall():
    s = score(known(), Result("The reports in the library do not answer this.", True))
    assert s.cited == 0 and s.citation_precision is None and s.citation_recall == 0.0
    assert s.false_abstention


def test_citation_recall_is_evidence_or_the_gold_locator_only():
    k = known()
    must_only = item(Paragraph(DOC, "80", ("x",), Kind.PARAGRAPH, "Outcomes are adequate overall.", 1))
    assert citation_recall(k, [must_only]) == 0.0  # relevant for precision, but not the evidence
    assert citation_recall(k, [item(P75), item(GRADE)]) == 1.0
    gold_elsewhere = Item(DOC, "Being healthy grade", "text we could not look up")
    assert citation_recall(k, [gold_elsewhere]) == 1.0


def test_citing_anything_for_an_unanswerable_question_is_imprecise():
    s = score(UNANSWERABLE, Result("Paris [1]", False, cited=(item(P75),)))
    assert s.citation_precision == 0.0 and not s.correct


# -- faithfulness -----------------------------------------------------------------------------


def test_faithfulness_is_kept_over_kept_plus_dropped():
    assert faithfulness(3, 1) == 0.75
    assert faithfulness(0, 2) == 0.0  # every sentence dropped: the answer became an abstention
    assert faithfulness(0, 0) is None


# -- the answer chain's Answer, as object and as dict -----------------------------------------


def _citation(n: int, p: Paragraph, label: str) -> Citation:
    return Citation(n, p.doc_id, "Inspection", "Dorset County Council", 2011, Voice.OFSTED, p.locator, label,
                    p.heading_path, p.text, (p.text,))


def _answer() -> Answer:
    cites = (_citation(1, GRADE, "Ofsted, Dorset 2011, Being healthy grade"), _citation(2, P75, "Ofsted, Dorset 2011, para 75"))
    return Answer(question="q", text="Ofsted's judgement for Being healthy: adequate (grade 3). [1] "
                  "Health assessments for looked after children are timely. [2]",
                  sentences=(Sentence("Ofsted's judgement for Being healthy: adequate (grade 3).", (1,)),
                             Sentence("Health assessments for looked after children are timely.", (2,))),
                  citations=cites, abstained=False, searched=("Ofsted, Dorset 2011",), unsupported_sentences=1,
                  latency_ms=42.0, retrieved=((DOC, "75"), (DOC, "Being healthy grade")))


def test_an_answer_and_its_dict_score_alike():
    lookup = lookup_in({DOC: type("R", (), {"paragraphs": (GRADE, P75, P76)})()})
    retrieved = [(DOC, P75), (DOC, GRADE)]
    from_object = score_answer(known(), _answer(), retrieved, lookup)
    from_dict = score_answer(known(), _answer().to_dict(), retrieved, lookup)
    assert from_object == from_dict
    assert from_object.correct and from_object.evidence_rank == 2 and from_object.recall[1] == 0.0
    assert from_object.cited == 2 and from_object.relevant_cited == 1  # para 75 neither holds nor names 'adequate'
    assert from_object.citation_recall == 1.0
    assert from_object.faithfulness == pytest.approx(2 / 3)  # 2 kept, 1 dropped
    assert from_object.latency_ms == 42.0


def test_result_from_answer_keeps_labels_and_claims():
    lookup = lookup_in({DOC: type("R", (), {"paragraphs": (GRADE, P75)})()})
    r = result_from_answer(_answer(), [(DOC, P75)], lookup)
    assert [c.label for c in r.cited] == ["Ofsted, Dorset 2011, Being healthy grade", "Ofsted, Dorset 2011, para 75"]
    assert r.cited[0].paragraph == GRADE  # looked up, so matching sees the heading
    assert r.claims[1] == ("Health assessments for looked after children are timely.", (P75.text,))


# -- aggregation ------------------------------------------------------------------------------


def qs(id, kind="fact", *, correct=True, abstained=False, rank=1, cited=1, relevant=1, faith=1.0, latency=10.0):
    answerable = kind != "unanswerable"
    return QuestionScore(id=id, kind=kind, answerable=answerable, correct=correct, abstained=abstained,
                         evidence_rank=rank if answerable else None,
                         recall=recall_at(rank) if answerable else None,
                         reciprocal_rank=reciprocal_rank(rank) if answerable else None,
                         cited=cited, relevant_cited=relevant, citation_precision=relevant / cited if cited else None,
                         citation_recall=float(relevant > 0) if answerable else None, faithfulness=faith,
                         latency_ms=latency)


def test_aggregate_means_over_where_each_metric_is_defined():
    scores = [
        qs("a", "grade", rank=1, latency=10),
        qs("b", "grade", rank=4, correct=False, cited=3, relevant=0, latency=20),
        qs("c", "fact", rank=None, abstained=True, correct=False, cited=0, relevant=0, faith=None, latency=30),
        qs("u", "unanswerable", abstained=True, correct=True, cited=0, relevant=0, faith=None, latency=40),
    ]
    s = aggregate(scores)
    assert (s.n, s.answerable, s.unanswerable) == (4, 3, 1)
    assert s.answer_correctness == 0.5
    assert s.evidence_recall_at_1 == pytest.approx(1 / 3) and s.evidence_recall_at_5 == pytest.approx(2 / 3)
    assert s.mrr == pytest.approx((1 + 0.25 + 0) / 3)
    assert s.citation_precision == 0.25  # micro: 1 relevant of 4 cited (the macro mean would be 0.5)
    assert s.citation_recall == pytest.approx(1 / 3)
    assert s.faithfulness == 1.0  # only where defined
    assert s.abstention_accuracy == 1.0 and s.false_abstention_rate == pytest.approx(1 / 3)
    assert s.latency_p50_ms == 25.0 and s.latency_p95_ms == pytest.approx(38.5)
    assert s.judge_faithfulness is None


def test_aggregate_leaves_undefined_metrics_none():
    s = aggregate([qs("a", cited=0, relevant=0)])
    assert s.abstention_accuracy is None and s.citation_precision is None
    e = aggregate([])
    assert e.n == 0 and e.answer_correctness is None and e.latency_p50_ms is None


def test_by_kind_follows_the_set_format_order():
    scores = [qs("u", "unanswerable", abstained=True), qs("f", "fact"), qs("g", "grade", correct=False)]
    groups = by_kind(scores)
    assert list(groups) == ["grade", "fact", "unanswerable"]
    assert groups["grade"].answer_correctness == 0.0 and groups["unanswerable"].abstention_accuracy == 1.0


def test_percentile():
    assert percentile([5.0], 95) == 5.0
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([], 50) is None


# -- thresholds -------------------------------------------------------------------------------


def test_thresholds_file_and_gate(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("beat_baseline = true\n[minimum]\nanswer_correctness = 0.9\nabstention_accuracy = 0.5\n")
    t = load_thresholds(path)
    assert t == Thresholds({"answer_correctness": 0.9, "abstention_accuracy": 0.5}, True)
    system = aggregate([qs("a"), qs("b", correct=False)])  # correctness 0.5; no unanswerable
    baseline = aggregate([qs("a"), qs("b")])  # correctness 1.0
    assert check(t, system) == ["answer_correctness: 0.500 is below the threshold 0.90",
                                "abstention_accuracy: not measured on this set (threshold 0.50)"]
    assert "answer_correctness: 0.500 does not beat the baseline's 1.000" in check(t, system, baseline)
    assert check(Thresholds({"answer_correctness": 0.5}, True), system, aggregate([qs("a", correct=False)])) == []


def test_the_shipped_thresholds():
    t = load_thresholds()
    # the line measured on the test split of the grown set on 2026-12-04 (issue 13's bars are not
    # met yet: the file says)
    assert t.beat_baseline and t.minimum == {"answer_correctness": 0.58, "citation_precision": 0.69,
                                             "abstention_accuracy": 0.80, "evidence_recall_at_5": 0.80}
    assert t.maximum == {"false_abstention_rate": 0.20}
    assert t.by_kind == {"comparison": {"answer_correctness": 0.32}}


def _score(qid: str, correct: bool, abstained: bool = False) -> QuestionScore:
    return QuestionScore(id=qid, kind="fact", answerable=True, correct=correct, abstained=abstained,
                         evidence_rank=1, recall=recall_at(1), reciprocal_rank=1.0, cited=1, relevant_cited=1,
                         citation_precision=1.0, citation_recall=1.0, faithfulness=1.0, latency_ms=1.0)


def test_maxima_and_per_kind_bars():
    t = Thresholds({"answer_correctness": 0.5}, maximum={"false_abstention_rate": 0.03},
                   by_kind={"comparison": {"answer_correctness": 0.9}, "yesno": {"answer_correctness": 0.9}})
    overall = aggregate([_score("a", True), _score("b", False, abstained=True)])
    comparisons = aggregate([_score("c", True), _score("d", False)])
    assert check(t, overall, kinds={"comparison": comparisons}) == [
        "false_abstention_rate: 0.500 is above the threshold 0.03",
        "comparison questions: answer_correctness: 0.500 is below the threshold 0.90",
        "yesno questions: none in this run (thresholds {'answer_correctness': 0.9})"]


@pytest.mark.parametrize("text", ["[minimum]\nanswer_corectness = 0.9\n", "[minimum]\nmrr = 'high'\n",
                                  "beat_baseline = 'yes'\n", "[minimum\n", "gate = 1\n",
                                  "[maximum]\nfalse_abstention = 0.1\n", "[kind.comparison]\nanswer_correctness = 1\n"])
def test_bad_thresholds_files_are_one_line_errors(tmp_path, text):
    path = tmp_path / "t.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=str(path)):
        load_thresholds(path)


# -- baseline: chunks inside one paragraph -----------------------------------------------------


def test_single_paragraph_share(make_report):
    report = make_report(DOC, [("1", ("H",), "First paragraph, which is long enough to hold a chunk."),
                               ("2", ("H",), "Second paragraph.")])
    chunks = [(DOC, 1, "paragraph, which is long\nenough"),  # inside paragraph 1 (layout ignored)
              (DOC, 2, "hold a chunk.\n\nSecond paragraph."),  # straddles 1 and 2
              (DOC, 3, "1. First paragraph")]  # the printed number is not paragraph text
    assert single_paragraph_share(chunks, {DOC: report}) == pytest.approx(1 / 3)
    assert single_paragraph_share([], {DOC: report}) is None


# -- report rows ------------------------------------------------------------------------------


def test_report_document_tables_and_markdown():
    k1, k2 = known(), UNANSWERABLE
    sys_run = SystemRun("system", [k1, k2], [Result("adequate [1]", False, cited=(item(GRADE),)), Result("No.", True)],
                        [qs("q1", "grade"), qs("u1", "unanswerable", abstained=True, cited=0, relevant=0)])
    base_run = SystemRun("baseline", [k1, k2], [Result("x", False), Result("y", False)],
                         [qs("q1", "grade", correct=False), qs("u1", "unanswerable", correct=False)],
                         extra={"single_paragraph_share": 0.25})
    doc = document([sys_run, base_run], created="now", set_path="set.jsonl", settings={"llm": "none", "top_k": 8},
                   thresholds=Thresholds({"answer_correctness": 0.9}), failures=[])
    headers, rows = metric_table(doc)
    assert headers == ["metric", "system test", "baseline test", "threshold"]  # q1 and u1 are both test
    assert ["answer correctness", "1.00", "0.00", ">= 0.90"] in rows
    assert ["chunks inside one paragraph", "-", "0.25", ""] in rows
    assert not any(r[0] == "faithfulness (LLM judge)" for r in rows)  # no judge in an offline run
    assert kind_table(doc)[1][-1] == ["all", "2", "1.00", "0.00"]
    q = doc["systems"]["system"]["questions"][0]
    assert {"id", "kind", "question", "expected", "got", "abstained", "citations", "evidence_rank",
            "metrics"} <= set(q)
    md = markdown(doc)
    assert "## Gate: passed" in md and "| answer correctness | 1.00 | 0.00 | >= 0.90 |" in md
    assert "## Failures (0)" in md


# -- LLM judge --------------------------------------------------------------------------------


def test_judge_with_a_fake_chat_model():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=["YES", "No, the source says good."])
    claims = [("Being healthy was adequate.", ("Grade 3 (adequate)",)), ("It was good.", ("Grade 3 (adequate)",)),
              ("Uncited sentence.", ())]
    assert judge(model, claims, Settings()) == 0.5  # the uncited sentence is not judged
    assert judge(model, [], Settings()) is None
    assert judge_says_yes("**Yes.**") and not judge_says_yes("") and not judge_says_yes("Not sure")
