"""Streamlit page for staff: ask the reports, read every cited paragraph, collect a
briefing note; browse the library; add a report.

Layout only: answers come from rag.chain, tables from rag.library, the note's files
from rag.briefing, uploads from ingest.uploads. Report text is always escaped
(rag/markdown.py) or shown as plain text or tables: never rendered as HTML or live
Markdown.
"""
from __future__ import annotations

import streamlit as st

from core.entry import offline
from core.errors import RagError
from core.settings import Settings
from rag import briefing, errorlog, library, markdown
from rag.model import Answer, Filters

UPLOAD_TYPES = ["pdf", "docx", "html", "htm", "txt"]
ALL = "All"

st.set_page_config(page_title="Inspection-report assistant", layout="wide")


@st.cache_resource(show_spinner="Loading the embedding model and the index (once) ...")
def load_chain(settings: Settings):
    from rag.chain import AnswerChain

    chain = AnswerChain(settings)
    chain.warm_up()
    return chain


def main() -> None:
    offline()
    try:
        settings = Settings.from_env()
        chain = load_chain(settings)
        chain.retriever.refresh()  # an ingest elsewhere (CLI, upload) shows up here
        reports = list(chain.retriever.reports.values())
        infos = chain.retriever.infos  # read with the records, not again on every rerun
    except RagError as exc:
        st.title("Inspection-report assistant")
        st.error(f"{exc}")
        st.info("Ingest the reports first: `python -m ingest corpus/` (or `./scripts/run.sh`).")
        return
    state = st.session_state
    state.setdefault("turns", [])  # [(question, Answer | error str)]
    state.setdefault("note", [])  # [briefing.NoteEntry]

    view, filters = sidebar(settings, reports, infos, len(state.note))
    st.title("Inspection-report assistant")
    by_id = {r.doc_id: r for r in reports}
    if view == "Ask":
        ask_view(chain, filters, by_id)
    elif view == "Library":
        library_view(reports, infos)
    elif view == "Briefing note":
        note_view()
    else:
        upload_view(settings, chain)


def sidebar(settings: Settings, reports, infos, noted: int) -> tuple[str, Filters]:
    with st.sidebar:
        view = st.radio("View", ["Ask", "Library", "Briefing note", "Add a report"], key="view")
        st.caption(f"Briefing note: {noted} answer{'s' * (noted != 1)}")
        st.subheader("Search only")
        places = sorted({r.meta.place for r in reports})
        years = sorted({r.meta.year for r in reports})
        authority = st.selectbox("Authority", [ALL] + places, key="f_authority")
        year = st.selectbox("Year", [ALL] + [str(y) for y in years], key="f_year")
        titles = {r.meta.short_title: r.doc_id for r in reports}
        report = st.selectbox("Report", [ALL] + sorted(titles), key="f_report")
        filters = Filters(authority=None if authority == ALL else authority,
                          year=None if year == ALL else int(year),
                          doc_id=None if report == ALL else titles[report])
        st.subheader("Answerer")
        if settings.llm == "none":
            st.caption("Offline: quotes the reports word for word (no LLM).")
        else:
            st.caption(f"LLM: {markdown.line(settings.llm)} {markdown.line(settings.llm_model or '')}")
        st.subheader("Index")
        now = library.status(reports, infos)
        st.caption(f"{now.reports} reports, {now.paragraphs} paragraphs; last ingest {markdown.line(now.last_ingest or '-')}")
    return view, filters


# -- ask ------------------------------------------------------------------------------------
def ask_view(chain, filters: Filters, reports: dict) -> None:
    turns = st.session_state.turns
    for i, (question, answer) in enumerate(turns):
        with st.chat_message("user"):
            st.text(question)
        with st.chat_message("assistant"):
            turns[i] = (question, _show_safely(chain, question, answer, i, reports))
    question = st.chat_input("Ask about the reports, e.g. What grade did Ofsted give Dorset for being healthy in 2011?")
    if question:
        with st.chat_message("user"):
            st.text(question)
        with st.chat_message("assistant"):
            history = [(a.standalone or a.question, a.text) for _, a in turns if isinstance(a, Answer)]
            with st.spinner("Searching the reports ..."):
                try:
                    answer: Answer | str = chain.ask(question, filters, history)
                except RagError as exc:
                    answer = str(exc)
                except Exception as exc:  # a bug met by this question: one line, and the page goes on
                    answer = errorlog.record(chain.settings, exc, f"page: {question!r}")
            answer = _show_safely(chain, question, answer, len(turns), reports)
        turns.append((question, answer))
    if turns:  # after the last answer, where the next question would go on from it
        st.button("New conversation", key="new_conversation", on_click=new_conversation,
                  help="Clear the chat: the next question is not read as a follow-up. The briefing note stays.")


def new_conversation() -> None:
    """Forget the chat shown and the history follow-ups are read with; keep the note."""
    st.session_state.turns = []


def _show_safely(chain, question: str, answer: Answer | str, i: int, reports: dict) -> Answer | str:
    """The turn as it is kept: an answer that cannot be shown becomes its one-line error
    (logged once), not a page that fails on every rerun."""
    try:
        show_answer(answer, i, reports)
        return answer
    except Exception as exc:
        message = errorlog.record(chain.settings, exc, f"page, showing the answer to: {question!r}")
        st.error(message)
        return message


def show_answer(answer: Answer | str, i: int, reports: dict) -> None:
    if isinstance(answer, str):  # an error the user can act on
        st.error(answer)
        return
    if answer.standalone and answer.standalone != answer.question:
        st.caption(f"Read as: {markdown.line(answer.standalone)}")
    st.markdown(_lines(answer.text))
    st.caption(f"Searched: {markdown.line('; '.join(answer.searched))}")
    for c in answer.citations:
        with st.expander(f"[{c.n}] {c.label}"):
            show_paragraph(c, reports)
    if answer.abstained and answer.suggestions:
        st.caption("Suggested reading")
        for c in answer.suggestions:
            with st.expander(c.label):
                show_paragraph(c, reports)
    if st.button("Add to briefing note", key=f"note-{i}", disabled=answer.abstained and not answer.citations):
        st.session_state.note.append(briefing.entry_from_answer(answer))
        st.toast("Added to the briefing note")


def show_paragraph(c, reports: dict) -> None:
    """A cited paragraph in full: where it is, its text with the supporting sentences in
    bold, the judgement of its section, the reference to paste."""
    st.caption(markdown.line(" · ".join(x for x in (c.title, c.locator, " > ".join(c.heading_path)) if x)))
    st.markdown(markdown.quote(c.text, c.support))
    report = reports.get(c.doc_id)
    judged = library.judgement_for(report, c.heading_path) if report is not None else None
    if judged is not None:
        st.caption(markdown.line(f"Section judgement: {judged.area}: {judged.grade}"))
    st.caption(markdown.line(c.source))


def _lines(text: str) -> str:
    """Several lines of report-derived text (an answer), each made safe."""
    return "\n\n".join(markdown.line(line) for line in text.splitlines() if line.strip())


# -- library --------------------------------------------------------------------------------
def library_view(reports, infos) -> None:
    st.subheader("Reports")
    st.dataframe(library.report_rows(reports, infos), hide_index=True, width="stretch")
    st.subheader("Judgements")
    counts = library.grade_counts(reports)
    if counts:
        import pandas as pd

        chart = pd.DataFrame(counts).T.fillna(0).astype(int)
        st.bar_chart(chart, x_label="report", y_label="judgements", stack=True)
    judged = library.judgement_rows(reports)
    picked = st.dataframe(judged, hide_index=True, width="stretch", on_select="rerun",
                          selection_mode="single-row", key="judgements")
    _show_selected(picked, judged, reports)
    st.subheader("Recommendations")
    recs = library.recommendation_rows(reports)
    picked = st.dataframe(recs, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key="recommendations")
    _show_selected(picked, recs, reports)


def _show_selected(picked, rows: list[dict], reports) -> None:
    """The paragraph a selected judgement or recommendation was read from."""
    chosen = picked.selection.rows if picked else []
    if not chosen:
        st.caption("Select a row to read its paragraph.")
        return
    row = rows[chosen[0]]
    report = next(r for r in reports if r.doc_id == row["doc_id"])
    paragraph = report.paragraph(row["locator"])
    st.markdown(f"**{markdown.line(report.meta.short_title)}, {markdown.line(paragraph.locator)}**")
    st.text(paragraph.text)


# -- briefing note ------------------------------------------------------------------------------
def note_view() -> None:
    note = st.session_state.note
    if not note:
        st.info("Nothing in the briefing note yet: ask a question and press 'Add to briefing note'.")
        return
    for i, entry in enumerate(note):
        with st.container(border=True):
            st.markdown(f"**{markdown.line(entry.question)}**")
            st.markdown(_lines(entry.answer))
            st.caption(markdown.line("; ".join(c.source for c in entry.citations)))
            if st.button("Remove", key=f"remove-{i}"):
                del note[i]
                st.rerun()
    title = st.text_input("Title", "Briefing note")
    entries = list(note)
    cols = st.columns(3)
    cols[0].download_button("Word (.docx)", briefing.to_docx(entries, title=title), "briefing-note.docx",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    cols[1].download_button("Markdown", briefing.to_markdown(entries, title=title), "briefing-note.md", "text/markdown")
    cols[2].download_button("CSV (one row per citation)", briefing.to_csv(entries), "briefing-note.csv", "text/csv")


# -- upload -----------------------------------------------------------------------------------
def upload_view(settings: Settings, chain) -> None:
    st.subheader("Add a report")
    # Outside the form, so that choosing a file reruns the page and its text fills the form in.
    file = st.file_uploader("Report (PDF, Word, HTML or text)", type=UPLOAD_TYPES)
    meta = _inferred(settings, file)
    with st.form("upload", clear_on_submit=False):
        authority = st.text_input("Authority (council)", placeholder=meta.authority if meta else "e.g. Borough of Poole")
        year = st.number_input("Year", min_value=1990, max_value=2100, value=None, step=1,
                               placeholder=str(meta.year) if meta else None)
        title = st.text_input("Title", placeholder=meta.title if meta else "e.g. Inspection of children's social care services")
        # Keyed by the file, so a new file fills in its own publisher.
        publisher = st.text_input("Publisher", value=meta.publisher if meta else "",
                                  key=f"publisher-{file.file_id if file else ''}",
                                  placeholder="e.g. Ofsted, or Dorset County Council Cabinet",
                                  help="Whose words the report holds: Ofsted's judgement, or the council's own "
                                       "paper. Read from the file; correct it if it is wrong.")
        sent = st.form_submit_button("Ingest")
    if not sent:
        return
    if file is None:
        st.error("Choose a file to add.")
        return
    from ingest.uploads import ingest_upload

    bar = st.progress(0.0, text=f"Reading {file.name} ...")
    try:
        result = ingest_upload(settings, chain.embedder, file.name, file.getvalue(),
                               authority=authority.strip() or None, year=int(year) if year else None,
                               title=title.strip() or None, publisher=publisher.strip() or None,
                               progress=lambda done, text: bar.progress(done, text=text))
    except RagError as exc:
        bar.empty()
        st.error(str(exc))
        return
    bar.progress(1.0, text="Done")
    st.success(f"{result.status}: {result.doc_id}, {result.paragraphs} paragraphs, {result.chunks} chunks, "
               f"{result.judgements} judgements, {result.recommendations} recommendations")


def _inferred(settings: Settings, file):
    """What ingest would read from the chosen file's text (once per file), or None; a file
    that cannot be read or told says why here, before it is sent."""
    if file is None:
        return None
    from ingest.uploads import infer_meta

    cache = st.session_state.setdefault("upload_meta", {})
    if file.file_id not in cache:
        try:
            cache[file.file_id] = infer_meta(settings, file.name, file.getvalue())
        except RagError as exc:
            cache[file.file_id] = str(exc)
    meta = cache[file.file_id]
    if isinstance(meta, str):
        st.warning(meta)
        return None
    st.caption(f"Read from the file: {meta.voice.description}, {meta.authority} {meta.year}")
    return meta


main()
