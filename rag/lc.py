"""LangChain adapter: ``ReportRetriever``, a ``BaseRetriever`` over ``HybridRetriever``.

For LCEL chains and LangChain tooling only; the rest of rag/ uses ``HybridRetriever``
and ``Hit`` directly. LangChain ``Document``s are made here and nowhere else::

    hybrid = HybridRetriever(settings); hybrid.warm_up()
    retriever = ReportRetriever(retriever=hybrid, filters=Filters(authority="Borough of Poole"), k=5)
    docs = retriever.invoke("out-of-hours service")
    chain = retriever | RunnableLambda(lambda docs: [d.metadata["locator"] for d in docs])
"""
from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field

from .model import Filters, Hit
from .retriever import HybridRetriever


class ReportRetriever(BaseRetriever):
    """Each Document is one paragraph: ``page_content`` is its exact text (what gets
    quoted), ``metadata`` says where it is and how it was found (see ``to_document``)."""

    # BaseRetriever's model_config already allows arbitrary types (HybridRetriever, Filters).
    retriever: HybridRetriever
    filters: Filters | None = None
    k: int | None = Field(default=None, ge=1)  # None: settings.top_k

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [to_document(hit) for hit in self.retriever.retrieve(query, self.filters, self.k)]


def to_document(hit: Hit) -> Document:
    meta, para = hit.meta, hit.paragraph
    return Document(
        page_content=para.text,
        metadata={
            "doc_id": meta.doc_id,
            "locator": para.locator,
            "short_title": meta.short_title,
            "heading": para.heading,
            "kind": para.kind.value,
            "authority": meta.authority,
            "year": meta.year,
            "voice": meta.voice.value,
            "score": hit.score,
            "dense": hit.dense,
            "keyword": hit.keyword,
        },
    )
