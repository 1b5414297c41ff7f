"""The library set (evals/library_answers.jsonl, evals/library_set.py): known answers on
the real Ofsted PDFs in ../shared/library.

- fast (no model): the set's format and coverage; every file it names is in the library
  and every must_include string of an answerable question is in its PDF's own text, so
  the set cannot drift from the PDFs; the matching rules on short inline examples; the
  run skips with one clear line where the library is missing;
- integration: a small slice of the set through `run` end to end (report shape);
- the release gate on the whole set (slow: it embeds the 31 reports).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from core.settings import Settings
from evals import library_set as L
from evals.gate import load_thresholds
from evals.metrics import Item, Result
from evals.runner import RunOptions, run
from evals.split import split_of

LIBRARY = L.DEFAULT_LIBRARY
NEEDS_LIBRARY = pytest.mark.skipif(not (LIBRARY / "pdf").is_dir(),
                                   reason=f"the real library is not at {LIBRARY} (../shared/library beside the repo)")


@pytest.fixture(scope="module")
def items():
    return L.load()


@pytest.fixture(scope="module")
def texts(items):
    if not (LIBRARY / "pdf").is_dir():
        pytest.skip(f"the real library is not at {LIBRARY}")
    return {f: L.pdf_text(LIBRARY / f) for f in sorted({f for q in items for f in q.files})}


# -- the set ------------------------------------------------------------------------------


def test_format(items):
    assert L.problems(items) == []


def test_coverage(items):
    answerable = [q for q in items if q.answerable]
    assert len(items) >= 80
    assert {q.kind for q in items} == set(L.KINDS)
    assert {q.framework for q in answerable} == set(L.FRAMEWORKS)
    assert len({f for q in items for f in q.files}) >= 25
    # ILACS 2018-2023 standard and short inspections both, and councils across the alphabet.
    assert {q.inspection for q in answerable if q.framework == "ilacs_2018"} == {"standard", "short"}
    initials = {Path(f).parts[1][0] for q in items for f in q.files}
    assert len(initials) >= 10
    assert sum(1 for q in items if not q.answerable) >= 10
    # Unanswerable ones of every sort: no such report at all, and a report that lacks the fact.
    assert any(not q.answerable and q.file is None for q in items)
    assert any(not q.answerable and q.file for q in items)


def test_must_include_strings_are_short(items):
    assert all(len(m) <= L.MAX_MUST_INCLUDE for q in items for m in q.must_include)


@NEEDS_LIBRARY
def test_every_file_is_in_the_library(items):
    assert L.missing(LIBRARY, items) == ""


def test_every_must_include_is_in_its_pdf(items, texts):
    """The set is pinned to what the PDFs print (a grade word by its normalised grade)."""
    wrong = {q.id: L.not_in_pdfs(q, texts) for q in items if q.answerable}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_every_locator_names_what_its_pdf_prints(items, texts):
    """A paragraph number printed at a line start, a label's words, a heading (grid rows
    are the parser's to find, so the gate test checks those)."""
    assert {q.id: L.unprinted(q, texts) for q in items if L.unprinted(q, texts)} == {}


def test_unprinted_names_what_a_report_lacks():
    text = "Lead inspector: Anna Gravelle\nWhat needs to improve?\n- Private fostering.\n12. Leaders are good."
    q = _question(locators=("12", "12 item 1", "cover: Lead inspector", "What needs to improve? item 1",
                            "judgements row 9", "13", "cover: Deputy lead inspector", "Record of main findings row 1"))
    assert L.unprinted(q, {q.file: text}) == ["13", "cover: Deputy lead inspector", "Record of main findings row 1"]


# -- matching -------------------------------------------------------------------------------


@pytest.mark.parametrize("gold, ref, text, expected", [
    ("12", "12", "", True),
    ("12", "12 item 3", "", True),  # a bullet of paragraph 12
    ("12 item 3", "12", "", True),  # the paragraph that holds the bullet
    ("1", "12", "", False),
    ("12", "1", "", False),
    ("judgements row 2", "judgements row 2", "", True),
    ("judgements row 2", "judgements row 3", "", False),
    ("What needs to improve? item 2", "What needs to improve item 2", "", True),  # punctuation ignored
    ("cover: Lead inspector", "cover ¶3", "Lead inspector: Anna Gravelle, His Majesty's Inspector", True),
    ("cover: Lead inspector", "cover ¶2", "Inspection dates: 11 to 15 September 2023", False),
    ("Capacity to improve grade", "Capacity to improve", "", True),
])
def test_place_matches(gold, ref, text, expected):
    assert L.place_matches(gold, ref, text) is expected


@pytest.mark.parametrize("text, wanted, expected", [
    ("Overall effectiveness: Good.", "good", True),
    ("It requires improvement to be good.", "good", False),  # 'good' inside another grade
    ("It requires improvement to be good.", "requires improvement to be good", True),
    ("Requires improvement", "require improvement to be good", True),  # SIF's word, ILACS's grade
    ("Adequate (grade 3)", "inadequate", False),
    ("Inadequate (grade 4)", "adequate", False),
    ("There were 1,088 looked after children.", "1,088", True),
    ("There were 4000 children.", "400", False),  # whole words
    ("Lead inspector: Steve Lowe, Her Majesty’s Inspector", "steve lowe", True),
])
def test_says(text, wanted, expected):
    assert L.says(text, wanted) is expected


def _question(**kw) -> L.LibraryQuestion:
    base = dict(id="q", question="What was Barnsley's overall effectiveness grade in 2023?", kind="grade",
                framework="ilacs_2023", file="pdf/barnsley/2023-10-27.pdf", must_include=("good",),
                locators=("judgements row 5",))
    return L.LibraryQuestion(**{**base, **kw})


def _result(text: str, cited: list[tuple[str, str, str]], abstained: bool = False) -> Result:
    items = tuple(Item(doc, ref, body) for doc, ref, body in cited)
    return Result(text=text, abstained=abstained, cited=items, ranked=items)


def test_correct_needs_the_words_and_a_citation_at_a_locator():
    k = L.known_answer(_question())
    assert k.doc_id == "barnsley-2023-10-27" and k.locator == "judgements row 5"
    right = ("barnsley-2023-10-27", "judgements row 5", "Overall effectiveness\tGood")
    elsewhere = ("barnsley-2023-10-27", "12", "Leaders are good.")
    other_report = ("barnsley-2018-11-19", "judgements row 5", "Overall effectiveness\tGood")
    assert L.score(k, _result("Overall effectiveness: good. [1]", [right])).correct
    assert not L.score(k, _result("Overall effectiveness: good. [1]", [elsewhere])).correct
    assert not L.score(k, _result("Overall effectiveness: good. [1]", [other_report])).correct
    assert not L.score(k, _result("It requires improvement to be good. [1]", [right])).correct
    s = L.score(k, _result("good [1][2]", [elsewhere, right]))
    assert (s.correct, s.evidence_rank, s.citation_precision, s.citation_recall) == (True, 2, 0.5, 1.0)


def test_unanswerable_is_correct_only_when_abstaining():
    k = L.known_answer(_question(kind="unanswerable", must_include=(), locators=(), file=None, framework=None))
    assert L.score(k, _result("The reports in the library do not answer this.", [], abstained=True)).correct
    assert not L.score(k, _result("Good. [1]", [("x", "1", "Good")])).correct


def test_a_comparison_reads_both_reports():
    q = _question(kind="comparison", must_include=("good", "requires improvement to be good"),
                  locators=("judgements row 2", "pdf/barnsley/2018-11-19.pdf#judgements row 2"),
                  compare_with="pdf/barnsley/2018-11-19.pdf")
    assert q.files == ("pdf/barnsley/2023-10-27.pdf", "pdf/barnsley/2018-11-19.pdf")
    k = L.known_answer(q)
    assert k.locators == ("barnsley-2018-11-19#judgements row 2",)
    older = ("barnsley-2018-11-19", "judgements row 2", "Help and protection\tGood")
    assert L.score(k, _result("2018: good [1]. 2023: requires improvement to be good.", [older])).correct


def test_problems_name_what_is_wrong():
    bad = [_question(id="a", kind="guess"), _question(id="a", framework="ilacs_2030"),
           _question(id="b", must_include=("x" * 61,)), _question(id="c", locators=()),
           _question(id="d", kind="unanswerable"), _question(id="e", file="Barnsley 2023.pdf")]
    found = L.problems(bad)
    for expected in ("a: kind 'guess'", "a: duplicate id", "a: framework 'ilacs_2030'", "b: must_include",
                     "c: an answerable question needs locators", "d: an unanswerable question has no",
                     "e: file 'Barnsley 2023.pdf'"):
        assert any(line.startswith(expected) for line in found), (expected, found)


def test_thresholds_have_a_library_table():
    t = load_thresholds(section="library")
    assert set(t.minimum) >= {"answer_correctness", "citation_precision", "abstention_accuracy",
                              "evidence_recall_at_5"}
    assert t.beat_baseline is False  # the naive baseline reads the seed corpus only


# -- the run ----------------------------------------------------------------------------------


def test_the_run_skips_where_the_library_is_missing(tmp_path, monkeypatch):
    import evals.runner as runner

    def no_model(*a, **kw):
        raise AssertionError("a skipped run must not load the model")

    monkeypatch.setattr(runner, "load_embedder", no_model)
    out = io.StringIO()
    code = run(Settings(data_dir=tmp_path / "data"),
               RunOptions(set_path=Path("library"), library_dir=tmp_path / "nowhere", out_dir=tmp_path / "out"),
               console=Console(file=out, width=300), status=Console(file=io.StringIO()))
    assert code == 0
    assert out.getvalue().strip() == (f"library set skipped: no library at {tmp_path / 'nowhere'} "
                                      "(the set reads its PDFs from ../shared/library beside the repository)")
    assert not (tmp_path / "out").exists() and not (tmp_path / "data").exists()


def _run(tmp_path: Path, embedder, set_path: Path, split: str | None = None) -> tuple[int, dict, str, str]:
    out, status = io.StringIO(), io.StringIO()
    code = run(Settings(data_dir=tmp_path / "data"), RunOptions(set_path=set_path, out_dir=tmp_path / "out",
                                                                split=split),
               embedder=embedder, console=Console(file=out, width=300), status=Console(file=status, width=300))
    doc = json.loads((tmp_path / "out" / "latest.json").read_text(encoding="utf-8"))
    return code, doc, out.getvalue(), status.getvalue()


@pytest.mark.integration
@pytest.mark.slow
@NEEDS_LIBRARY
def test_a_slice_of_the_set_runs_end_to_end(tmp_path, embedder, items):
    """Two reports' questions and one about a council the library lacks, through the real
    chain: the index holds just those PDFs, and the report is in the seed set's style plus
    a table by framework."""
    chosen = [q for q in items if q.files and set(q.files) <= {"pdf/barnsley/2023-10-27.pdf", "pdf/brent/2026-06-17.pdf"}
              and q.kind in ("grade", "lead_inspector", "unanswerable")]
    chosen.append(next(q for q in items if not q.answerable and not q.files))
    lines = {json.loads(line)["id"]: line for line in L.LIBRARY_SET.read_text(encoding="utf-8").splitlines()}
    slice_path = tmp_path / "slice.jsonl"
    slice_path.write_text("\n".join(lines[q.id] for q in chosen) + "\n", encoding="utf-8")

    code, doc, shown, status = _run(tmp_path, embedder, slice_path)
    assert code in (0, 1)  # scores are the gate test's business; this checks the run itself
    assert "library set: 2 reports indexed (2 added)" in status
    assert "Correctness by kind" in shown and "Correctness by framework" in shown
    system = doc["systems"]["system"]
    assert [q["id"] for q in system["questions"]] == [q.id for q in chosen]
    assert list(system["by_framework"]) == ["ilacs_2023", "ilacs_2026", "(none)"]
    assert list(system["by_kind"]) == [k for k in L.KINDS if k in {q.kind for q in chosen}]
    assert doc["thresholds"]["minimum"] == load_thresholds(section="library").minimum
    md = (tmp_path / "out" / "latest.md").read_text(encoding="utf-8")
    assert "## Correctness by framework" in md
    assert all(q["framework"] in ("ilacs_2023", "ilacs_2026", "") for q in system["questions"])
    assert list(system["by_split"]) == ["dev", "test"] and doc["gate"]["split"] == "all"

    # A tuning run on the same slice: the same index (nothing re-ingested), the dev questions only.
    code, doc, shown, status = _run(tmp_path, embedder, slice_path, split="dev")
    assert "library set: 2 reports indexed (2 unchanged)" in status
    assert [q["id"] for q in doc["systems"]["system"]["questions"]] == [q.id for q in chosen
                                                                        if split_of(q.id) == "dev"]
    assert doc["gate"]["split"] == "dev" and "a tuning run: the release gate is on test" in shown


@pytest.mark.integration
@pytest.mark.slow
@NEEDS_LIBRARY
def test_the_release_gate_holds_on_the_library_set(tmp_path, embedder):
    """`python -m evals run --set library`: every report the set names ingested from the
    library, every question asked, the [library] bars of evals/thresholds.toml met."""
    code, doc, shown, _ = _run(tmp_path, embedder, Path("library"))
    failed = [ln for ln in shown.splitlines() if ln.startswith("threshold failed:")]
    assert code == 0, "\n".join(failed)
    assert doc["gate"] == {"passed": True, "split": "test", "failures": []}
