"""Streamlit page: the reports in the index, their judgements, recommendations and paragraphs.

All logic lives in ``ingest``; this file only lays out what the index holds. Document
text is shown with st.text / dataframes, never rendered as HTML or markdown.
"""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.errors import RagError  # noqa: E402
from ingest.settings import Settings  # noqa: E402
from ingest.store import Index  # noqa: E402

st.set_page_config(page_title="Inspection reports", layout="wide")
st.title("Children's services inspection reports")
st.caption("Library of the ingested reports. Question answering with citations arrives with the answer chain.")


@st.cache_resource
def load_index() -> Index:
    return Index(Settings.from_env())


try:
    reports = load_index().reports()
except RagError as exc:
    st.error(str(exc))
    st.stop()

if not reports:
    st.info("The index is empty: run `python -m ingest corpus/` first.")
    st.stop()

st.dataframe(
    [{"report": r.meta.short_title, "title": r.meta.title, "whose words": r.meta.voice.description,
      "paragraphs": len(r.paragraphs), "judgements": len(r.judgements),
      "recommendations": len(r.recommendations), "doc_id": r.doc_id} for r in reports],
    hide_index=True, width="stretch",
)

chosen = st.selectbox("Report", reports, format_func=lambda r: f"{r.meta.short_title}: {r.meta.title}")
judgements, recommendations, paragraphs = st.tabs(["Judgements", "Recommendations", "Paragraphs"])
with judgements:
    st.dataframe([{"area": j.area, "grade": j.grade, "as printed": j.grade_printed, "section": " > ".join(j.heading_path),
                   "locator": j.locator} for j in chosen.judgements], hide_index=True, width="stretch")
with recommendations:
    st.dataframe([{"locator": r.locator, "timescale": r.timescale, "responsible": r.responsible, "text": r.text}
                  for r in chosen.recommendations], hide_index=True, width="stretch")
with paragraphs:
    for p in chosen.paragraphs:
        with st.expander(f"{p.locator} · {' > '.join(p.heading_path)}"):
            st.text(p.text)
