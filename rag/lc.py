"""LangChain adapters: ``ReportRetriever``, a ``BaseRetriever`` over ``HybridRetriever``,
and ``as_runnable``, the answer chain (``AnswerChain.ask``) as a ``Runnable``.

For LCEL chains and LangChain tooling only; the rest of rag/ uses ``HybridRetriever``,
``Hit`` and ``AnswerChain`` directly. LangChain ``Document``s are made here and nowhere else::

    hybrid = HybridRetriever(settings); hybrid.warm_up()
    retriever = ReportRetriever(retriever=hybrid, filters=Filters(authority="Borough of Poole"), k=5)
    docs = retriever.invoke("out-of-hours service")
    chain = retriever | RunnableLambda(lambda docs: [d.metadata["locator"] for d in docs])

    answers = as_runnable(AnswerChain(settings))
    answers.invoke("When was Poole inspected?")  # an Answer
    answers.invoke({"question": "And its grades?", "filters": Filters(year=2017),
                    "history": [("When was Poole inspected?", "...")]})
    labels = answers | RunnableLambda(lambda a: [c.label for c in a.citations])
"""
from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import Field

from .chain import AnswerChain
from .model import Answer, Filters, Hit
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


def as_runnable(chain: AnswerChain) -> Runnable:
    """``chain.ask`` as a Runnable: input a question, or a dict of ``ask``'s arguments
    (``question``, and ``filters``, ``history`` if wanted); output the ``Answer``."""
    def ask(given: str | dict) -> Answer:
        return chain.ask(given) if isinstance(given, str) else chain.ask(**given)
    return RunnableLambda(ask, name="AnswerChain")
