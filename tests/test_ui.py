"""The Streamlit page, run headless with streamlit.testing.v1.AppTest against the real
corpus index, the real model and the offline answerer."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

APP = str(Path(__file__).resolve().parents[1] / "ui" / "app.py")
HEALTHY = "What grade did Ofsted give Dorset for being healthy in 2011?"


@pytest.fixture
def app(monkeypatch, corpus_settings, embedder):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RAG_DATA_DIR", str(corpus_settings.data_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus_settings.corpus_dir))
    for var in ("RAG_LLM", "CHROMA_HOST", "RAG_TOP_K", "RAG_RETRIEVAL", "RAG_COLLECTION"):
        monkeypatch.delenv(var, raising=False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def ask(at, question: str):
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def labels(at) -> list[str]:
    return [e.label for e in at.expander]


def shown(elements) -> str:
    """What the reader sees: the page's text with our Markdown escapes taken out."""
    return " ".join(e.value for e in elements).replace("\\", "")


def test_the_page_opens_on_the_chat_with_the_index_status(app):
    assert app.title[0].value == "Inspection-report assistant"
    assert len(app.chat_input) == 1
    status = " ".join(c.value for c in app.sidebar.caption)
    assert "5 reports" in status and "paragraphs" in status and "Offline" in status


def test_a_question_is_answered_with_its_citations(app):
    ask(app, HEALTHY)
    said = shown(app.markdown)
    assert "adequate (grade 3). [1]" in said
    assert "[1] Ofsted, Dorset 2011, Being healthy grade" in labels(app)
    # the cited paragraph in full, with its reference
    assert ("Ofsted (2011) Inspection of safeguarding and looked after children services: Dorset, Being healthy grade"
            in shown(app.caption))


def test_a_follow_up_is_read_with_the_question_before_it(app):
    ask(app, "How good are health outcomes for children in care in Dorset in 2011?")
    ask(app, "What about Poole?")
    assert "Read as: How good are health outcomes for children in care in Poole" in shown(app.caption)
    assert any("Poole 2017" in label for label in labels(app))


def test_the_sidebar_council_wins_over_the_conversation(app):
    ask(app, HEALTHY)
    app.sidebar.selectbox(key="f_authority").select("Poole").run()
    ask(app, "What was the overall effectiveness judgement?")
    said = shown(app.markdown)
    assert "Read as" not in shown(app.caption)  # a question of its own: not a follow-up of Dorset's
    assert "requires improvement" in said.lower()
    assert [c.value for c in app.caption if c.value.startswith("Searched")][-1] == "Searched: Ofsted, Poole 2017"


def test_a_new_conversation_clears_the_chat_and_its_history_but_keeps_the_note(app):
    ask(app, HEALTHY)
    app.button(key="note-0").click().run()
    ask(app, "What about Poole?")
    assert "Read as" in shown(app.caption)
    app.button(key="new_conversation").click().run()
    assert not app.exception, app.exception
    assert app.session_state["turns"] == [] and not app.chat_message
    assert len(app.session_state["note"]) == 1  # the briefing note stays
    ask(app, "What about care leavers?")  # no history now: read as asked
    assert len(app.chat_message) == 2 and "Read as" not in shown(app.caption)


def test_the_sidebar_filters_narrow_the_search(app):
    app.sidebar.selectbox(key="f_authority").select("Poole").run()
    ask(app, "What do the reports say about adoption?")
    cited = [label for label in labels(app) if label.startswith("[")]
    assert cited and all("Poole" in label for label in cited)
    searched = [c.value for c in app.caption if c.value.startswith("Searched")]
    assert searched and "Dorset" not in searched[-1]


def test_a_question_the_reports_do_not_answer_abstains_with_suggested_reading(app):
    ask(app, "What is Dorset's policy on bin collections?")
    assert "do not answer this" in shown(app.markdown)
    assert not [label for label in labels(app) if label.startswith("[")]


def test_an_empty_question_gets_a_message_not_a_traceback(app):
    ask(app, "   ???   ")
    assert app.error and "question" in app.error[0].value


def test_an_unexpected_error_is_one_line_and_the_next_question_is_answered(app, monkeypatch, corpus_settings):
    """Fault injection: the records answerer raises for one question; the page says so in one
    line (the traceback goes to the log) and answers the next question."""
    from core.settings import Settings
    from rag import errorlog, structured

    real = structured.answer

    def faulty(question, reports):
        if "being healthy" in question.text:
            raise IndexError("tuple index out of range")
        return real(question, reports)

    monkeypatch.setattr(structured, "answer", faulty)
    log = errorlog.log_path(Settings(data_dir=corpus_settings.data_dir))
    before = log.read_text(encoding="utf-8") if log.exists() else ""
    ask(app, HEALTHY)
    assert [e.value for e in app.error] == [f"internal error answering this question (IndexError); details in {log}"]
    assert "Traceback" not in shown(app.markdown) + shown(app.caption)
    logged = log.read_text(encoding="utf-8")[len(before):]
    assert logged.count("Traceback") == 1 and f"page: {HEALTHY!r}" in logged
    ask(app, "What were Poole's recommendations in 2017?")
    assert "15 recommendations" in shown(app.markdown)
    assert len(app.error) == 1  # the earlier turn keeps its one line
    assert log.read_text(encoding="utf-8")[len(before):] == logged  # logged once, not on every rerun


def test_answers_go_into_the_briefing_note_and_download_in_each_format(app):
    import csv

    import docx

    from rag import briefing

    ask(app, HEALTHY)
    app.button(key="note-0").click().run()
    assert len(app.session_state["note"]) == 1
    app.sidebar.radio(key="view").set_value("Briefing note").run()
    assert not app.exception, app.exception
    assert len(app.get("download_button")) == 3
    entries = list(app.session_state["note"])
    # what the three buttons hand out
    document = docx.Document(io.BytesIO(briefing.to_docx(entries, title="Briefing note")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert HEALTHY in text
    assert "Ofsted (2011) Inspection of safeguarding and looked after children services: Dorset, Being healthy grade" \
        in text
    cited = entries[0].citations[0]
    assert cited.text.split(".")[0][:40] in text  # the quoted paragraph
    assert cited.source in briefing.to_markdown(entries)
    rows = list(csv.DictReader(io.StringIO(briefing.to_csv(entries))))
    assert len(rows) == len(entries[0].citations) and rows[0]["source"] == cited.source


def test_the_library_lists_reports_judgements_and_recommendations(app):
    app.sidebar.radio(key="view").set_value("Library").run()
    assert not app.exception, app.exception
    frames = app.dataframe
    assert len(frames) == 3
    reports, judgements, recommendations = (f.value for f in frames)
    assert len(reports) == 5
    assert {"authority", "area", "grade", "locator"} <= set(judgements.columns)
    assert {"timescale", "recommendation", "locator"} <= set(recommendations.columns)
    assert (judgements["grade"] == "adequate").any()


def test_report_text_cannot_become_markup_on_the_page():
    from rag import markdown

    hostile = "<script>alert(1)</script> **bold** [link](http://x) :red[x] $x$"
    out = markdown.line(hostile)
    for raw in ("<script>", "**bold**", "[link](", ":red[", "$x$"):
        assert raw not in out
    marked = markdown.quote("First sentence. The <b>second</b> one.", ("The <b>second</b> one.",))
    assert marked == "First sentence. **The &lt;b&gt;second&lt;/b&gt; one.**"
