"""Records whose optional fields are all empty, as a real ingest of a report the parser
only half understood can leave them, go through every answer path without a crash:
grades (one, a list, a count, 'how did ... do'), recommendations (all, topical), cover
facts, a comparison, retrieval with the offline answerer and with an LLM (a LangChain
fake chat model), the briefing note in its three formats and the library's tables.

The index is real: the hand-made reports are chunked, embedded with the real model and
stored in an embedded Chroma, then read back from the records as the chain reads them.
The texts are made up for the test (no report text is copied here).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pytest

from core.model import Judgement, Kind, Paragraph, Recommendation, Report, ReportMeta, Voice
from core.settings import Settings
from ingest.chunker import Chunker
from ingest.store import Index
from rag import briefing, library
from rag.chain import AnswerChain

pytestmark = pytest.mark.integration

RUTLAND, HALTON = "rutland-2019-sparse", "halton-2018-sparse"


def _meta(doc_id: str, authority: str, year: int) -> ReportMeta:
    # period, cover dates, lead inspector, framework, inspection kind: all left ''
    return ReportMeta(doc_id=doc_id, title=f"Inspection of children's services: {authority}", authority=authority,
                      year=year, publisher="Ofsted", report_type="inspection report", voice=Voice.OFSTED,
                      source_file=f"{doc_id}.pdf")


def _paragraphs(doc_id: str, rows: list[tuple[str, Kind, str]]) -> tuple[Paragraph, ...]:
    # no heading path, no lead-in, no cells, no printed number
    return tuple(Paragraph(doc_id, locator, (), kind, text, order) for order, (locator, kind, text) in enumerate(rows))


def _judgement(doc_id: str, area: str, grade: str, locator: str, source: str) -> Judgement:
    # no heading path, no grade number, no framework, no canonical field
    return Judgement(doc_id, area, (), grade.capitalize(), grade, None, "", locator, source)


def _recommendation(doc_id: str, text: str, locator: str) -> Recommendation:
    return Recommendation(doc_id, text, "", "", locator)  # no timescale, no one responsible, no heading path


def _report(meta: ReportMeta, paragraphs, judgements, recommendations) -> Report:
    digest = hashlib.sha256(repr((meta, paragraphs, judgements, recommendations)).encode()).hexdigest()
    return Report(meta, paragraphs, tuple(judgements), tuple(recommendations), digest)


HELP = "The experiences and progress of children who need help and protection"
LEADERS = "The impact of leaders on social work practice with children and families"
IN_CARE = "The experiences and progress of children in care and care leavers"


def rutland() -> Report:
    d = RUTLAND
    paragraphs = _paragraphs(d, [
        ("Cover ¶1", Kind.PARAGRAPH, "Lead inspector: Mary Fenwick HMI"),
        ("Cover ¶2", Kind.PARAGRAPH, "Report published: 14 March 2019"),
        ("Overall effectiveness grade", Kind.GRADE, "Overall effectiveness: Good"),
        ("Grid row 1", Kind.TABLE_ROW, f"{LEADERS} | Good"),
        ("Grid row 2", Kind.TABLE_ROW, f"{IN_CARE} | Good"),
        ("1", Kind.PARAGRAPH, "Three of the four judgements were judged good. Leaders know their services well "
                              "and act quickly when practice falls short."),
        ("2", Kind.PARAGRAPH, f"Inspectors judged {HELP.lower()} as requires improvement to be good. Too many "
                              "assessments are late and some plans lack clear actions."),
        ("3", Kind.PARAGRAPH, "Adoption work is strong: 12 children were adopted in the year, and adopters praise "
                              "the support they receive from the regional adoption agency."),
        ("4", Kind.PARAGRAPH, "What needs to improve:"),
        ("4 item 1", Kind.LIST_ITEM, "The quality of supervision for social workers, so that plans for children "
                                     "progress without delay."),
        ("4 item 2", Kind.LIST_ITEM, "Support for foster carers, including training on the needs of older children."),
        ("4 item 3", Kind.LIST_ITEM, "The timeliness of return home interviews for children who go missing."),
    ])
    judgements = [
        _judgement(d, "Overall effectiveness", "good", "Overall effectiveness grade", "grade line"),
        _judgement(d, LEADERS, "good", "Grid row 1", "table"),
        _judgement(d, IN_CARE, "good", "Grid row 2", "table"),
        # read from the page-one grid with no paragraph to point at: cited where the text says it
        _judgement(d, HELP, "requires improvement to be good", "", "grid"),
    ]
    recommendations = [
        _recommendation(d, paragraphs[9].text, "4 item 1"),
        _recommendation(d, paragraphs[10].text, "4 item 2"),
        _recommendation(d, paragraphs[11].text, ""),  # no locator: cited where its words are printed
        _recommendation(d, "The sufficiency of local placements for disabled children.", ""),  # printed nowhere
    ]
    return _report(_meta(d, "Rutland County Council", 2019), paragraphs, judgements, recommendations)


def halton() -> Report:
    d = HALTON
    paragraphs = _paragraphs(d, [
        ("Overall effectiveness grade", Kind.GRADE, "Overall effectiveness: Requires improvement to be good"),
        ("1", Kind.PARAGRAPH, "Adoption is timely for most children, and 9 children were adopted in the year."),
        ("2", Kind.PARAGRAPH, "Care leavers are well supported by personal advisers who know them well."),
        ("", Kind.PARAGRAPH, "The fostering service recruited 14 new foster families during the year."),  # no locator
    ])
    judgements = [_judgement(d, "Overall effectiveness", "requires improvement to be good",
                             "Overall effectiveness grade", "grade line")]
    return _report(_meta(d, "Halton Borough Council", 2018), paragraphs, judgements, [])


@pytest.fixture(scope="module")
def sparse_settings(tmp_path_factory, embedder) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("sparse") / "data")
    index, chunker = Index(settings), Chunker(settings)
    for report in (rutland(), halton()):
        chunks = chunker.chunk(report)
        index.replace(report, chunks, embedder.embed([c.embed_text for c in chunks]))
    return settings


@pytest.fixture(scope="module")
def chain(sparse_settings, embedder):
    c = AnswerChain(sparse_settings, embedder=embedder)
    c.warm_up()
    return c


def assert_cited(answer, *needles: str):
    """Answered, every citation a paragraph retrieved for it (its full text, its support
    inside it, its label naming the report), and the answer says each needle."""
    assert not answer.abstained, answer.text
    assert answer.citations
    retrieved = set(answer.retrieved)
    for c in answer.citations:
        assert (c.doc_id, c.locator) in retrieved
        assert c.text and c.support and all(s in c.text for s in c.support), c
        assert not c.label.rstrip().endswith(",") and c.source
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)} == {c.n for c in answer.citations}
    for needle in needles:
        assert needle in answer.text, (needle, answer.text)


def cited(answer) -> set[str]:
    return {c.locator for c in answer.citations}


def test_the_records_really_are_empty_where_optional(chain):
    report = chain.retriever.reports[RUTLAND]  # as read back from the records on disk
    assert all(j.heading_path == () and j.grade_number is None and j.framework == "" and j.field == ""
               for j in report.judgements)
    assert "" in {j.locator for j in report.judgements}
    assert all(r.timescale == r.responsible == "" and r.heading_path == () for r in report.recommendations)
    assert all(p.heading_path == () and p.lead_in == "" and p.cells == () for p in report.paragraphs)
    m = report.meta
    assert m.period == m.published == m.lead_inspector == m.framework == m.inspection_start == ""


def test_a_single_grade(chain):
    answer = chain.ask("What grade did Ofsted give Rutland for overall effectiveness?")
    assert_cited(answer, "Overall effectiveness: good.")
    assert "Overall effectiveness grade" in cited(answer) and "(grade" not in answer.text


def test_a_grade_read_from_a_table_row_with_no_part(chain):
    answer = chain.ask("What grade did Ofsted give Rutland for the impact of leaders on social work practice?")
    assert_cited(answer, ": good.")
    assert "Grid row 1" in cited(answer)


def test_a_grade_with_no_locator_cites_where_the_report_says_it(chain):
    answer = chain.ask("How did Rutland do on the experiences and progress of children who need help and protection?")
    assert_cited(answer, "requires improvement to be good")
    assert cited(answer) == {"2"}


def test_a_list_of_grades_with_the_reports_own_count(chain):
    answer = chain.ask("Which areas were judged good in Rutland?")
    assert_cited(answer, "three judgements of good", "Three of the four judgements were judged good.")
    assert {"Overall effectiveness grade", "Grid row 1", "Grid row 2"} <= cited(answer)
    assert "requires improvement" not in answer.text


def test_every_grade_listed(chain):
    answer = chain.ask("List all the judgements for Rutland.")
    assert_cited(answer, "four judgements")
    assert {"Overall effectiveness grade", "Grid row 1", "Grid row 2", "2"} <= cited(answer)


def test_every_recommendation_that_can_be_cited(chain):
    answer = chain.ask("What were Rutland's recommendations?")
    assert_cited(answer, "three recommendations")
    assert cited(answer) == {"4 item 1", "4 item 2", "4 item 3"}
    assert "timescale" not in answer.text and "responsible" not in answer.text
    assert "placements for disabled children" not in answer.text  # no paragraph prints it: nothing to cite


def test_a_topical_recommendation(chain):
    answer = chain.ask("What did Ofsted recommend for Rutland about foster carers?")
    assert_cited(answer, "foster carers")
    assert cited(answer) == {"4 item 2"}


@pytest.mark.parametrize("question, says, where", [
    ("Who was the lead inspector for Rutland?", "Mary Fenwick", "Cover ¶1"),
    ("When was the Rutland report published?", "14 March 2019", "Cover ¶2"),
])
def test_cover_facts(chain, question, says, where):
    answer = chain.ask(question)
    assert_cited(answer, says)
    assert cited(answer) == {where}


def test_a_comparison_of_two_councils(chain):
    answer = chain.ask("Which was judged better overall: Rutland in 2019 or Halton in 2018?")
    assert_cited(answer, "good", "requires improvement to be good")
    assert {c.doc_id for c in answer.citations} == {RUTLAND, HALTON}


@pytest.mark.parametrize("question, says", [
    ("What does the Rutland report say about adoption?", "12 children were adopted"),
    ("How many children were adopted in Halton?", "9 children were adopted"),
    ("How many new foster families did Halton recruit?", "14 new foster families"),
])
def test_retrieval_and_the_offline_answerer(chain, question, says):
    answer = chain.ask(question)
    assert answer.answerer == "extractive"
    assert_cited(answer, says)


def test_a_paragraph_with_no_locator_is_cited_by_its_report(chain):
    answer = chain.ask("How many new foster families did Halton recruit?")
    (c,) = answer.citations
    assert c.locator == "" and c.label == "Ofsted, Halton 2018"
    assert c.source == "Ofsted (2018) Inspection of children's services: Halton Borough Council"


def test_retrieval_and_an_llm(sparse_settings, embedder):
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    question = "What does the Halton report say about care leavers?"
    probe = AnswerChain(sparse_settings, embedder=embedder)
    n = next(i for i, h in enumerate(probe.hits_for(question), 1) if h.paragraph.locator == "2"
             and h.meta.doc_id == HALTON)
    model = GenericFakeChatModel(messages=iter([AIMessage(
        content=f"Care leavers are well supported by personal advisers who know them well [{n}].")]))
    answer = AnswerChain(sparse_settings, embedder=embedder, chat_model=model).ask(question)
    assert_cited(answer, "personal advisers")
    assert cited(answer) == {"2"}


QUESTIONS = [
    "What grade did Ofsted give Rutland for overall effectiveness?",
    "Which areas were judged good in Rutland?",
    "What were Rutland's recommendations?",
    "Who was the lead inspector for Rutland?",
    "Which was judged better overall: Rutland in 2019 or Halton in 2018?",
    "What does the Rutland report say about adoption?",
]


def test_the_briefing_note_in_every_format(chain, tmp_path):
    answers = [chain.ask(q) for q in QUESTIONS]
    entries = [briefing.entry_from_answer(a) for a in answers]
    # the batch's JSON reads back as the same note
    text = "\n".join(json.dumps(a.to_dict(id=str(i))) for i, a in enumerate(answers))
    assert briefing.parse_answers(text, "answers.jsonl").entries == tuple(entries)
    note = briefing.to_markdown(entries, "Rutland")
    assert all(q in note for q in QUESTIONS) and "Mary Fenwick" in note
    rows = list(csv.DictReader(io.StringIO(briefing.to_csv(entries))))
    assert len(rows) == sum(len(a.citations) for a in answers)
    import docx

    written = briefing.write(entries, "docx", tmp_path / "note.docx", "Rutland")
    body = "\n".join(p.text for p in docx.Document(str(written)).paragraphs)
    assert "Adoption work is strong" in body


def test_the_library_tables(chain):
    reports = list(chain.retriever.reports.values())
    infos = chain.retriever.infos
    assert library.status(reports, infos).reports == 2
    assert {r["judgements"] for r in library.report_rows(reports, infos)} == {4, 1}
    rows = library.judgement_rows(reports)
    assert len(rows) == 5 and {r["part"] for r in rows} == {""}
    assert library.grade_counts(reports)["Ofsted, Rutland 2019"] == {"good": 3, "requires improvement to be good": 1}
    recs = library.recommendation_rows(reports)
    assert len(recs) == 4 and {r["timescale"] for r in recs} == {""}
    report = chain.retriever.reports[RUTLAND]
    assert library.judgement_for(report, ()) is None
    assert library.judgement_for(report, ("Anything",)) is None
