"""The answer chain: question -> filters -> records or retrieval -> answerer -> guard -> Answer.

Built as a LangChain Runnable (``AnswerChain.runnable``) from four steps, each a
plain method over a dict; ``ask`` invokes it. The offline extractive answerer is
the default; ``settings.llm`` ('openai' or 'ollama') swaps in an LLM through
LangChain's chat-model interface. Either way the guard checks every sentence
and only retrieved paragraphs can be cited.
"""
from __future__ import annotations

import re
import time
from dataclasses import replace
from langchain_core.runnables import Runnable, RunnableLambda

from ingest.embedder import Embedder, load_embedder
from core.errors import NotFoundError
from core.model import Kind, Voice
from core.settings import Settings
from ingest.store import Index

from . import question as q_
from . import structured
from .citations import citation
from .extractive import ExtractiveAnswerer
from .guard import guard
from .model import Answer, Citation, Draft, Filters, Hit, Sentence
from .retriever import HybridRetriever, keep_each_top

ABSTAIN = "The reports in the library do not answer this."
SUGGESTIONS = 3


class AnswerChain:
    def __init__(self, settings: Settings, index: Index | None = None, embedder: Embedder | None = None,
                 chat_model=None):
        self.settings = settings
        self._index = index
        self._embedder = embedder
        self._chat_model = chat_model  # a LangChain BaseChatModel, given (tests) or made from settings
        self.retriever: HybridRetriever | None = None
        self.answerer = None
        self.llm = None
        self.runnable: Runnable = (RunnableLambda(self._read) | RunnableLambda(self._evidence)
                                   | RunnableLambda(self._draft) | RunnableLambda(self._finish))

    def warm_up(self) -> None:
        """Load the model, read the index, build the keyword index (once)."""
        if self.retriever is not None:
            return
        embedder = self._embedder or load_embedder(self.settings)
        self._embedder = embedder
        retriever = HybridRetriever(self.settings, index=self._index or Index(self.settings), embedder=embedder)
        retriever.warm_up()
        if self.settings.llm != "none" or self._chat_model is not None:
            from .llm import LLMAnswerer, make_chat_model

            self.llm = LLMAnswerer(self.settings, self._chat_model or make_chat_model(self.settings))
            self.answerer = self.llm
        else:
            # the hits' sentence vectors from the retriever: stored at ingest, so not embedded again
            self.answerer = ExtractiveAnswerer(embedder, self.settings.tuning,
                                               sentence_vectors=retriever.sentence_vectors)
        self.retriever = retriever

    @property
    def embedder(self) -> Embedder:
        """The loaded embedding model (after ``warm_up``): ingest from the page shares it."""
        self.warm_up()
        return self._embedder

    def ask(self, question: str, filters: Filters | None = None,
            history: list[tuple[str, str]] | tuple = ()) -> Answer:
        self.warm_up()
        return self.runnable.invoke({"question": question, "filters": filters or Filters(),
                                     "history": list(history), "started": time.perf_counter()})

    def hits_for(self, question: str, filters: Filters | None = None) -> list[Hit]:
        """The paragraphs an answer to ``question`` may cite (records or retrieval)."""
        self.warm_up()
        state = self._read({"question": question, "filters": filters or Filters(), "history": []})
        return self._evidence(state)["hits"]

    # -- steps (each takes and returns a dict) ------------------------------------------
    def _read(self, state: dict) -> dict:
        text = q_.check(state["question"], self.settings.max_question_chars)
        self.retriever.refresh()
        library = [r.meta for r in self.retriever.reports.values()]
        if not library:
            raise NotFoundError("the index is empty: run `python -m ingest corpus/` first")
        history = state["history"]
        if history and self.llm:
            standalone = self.llm.condense(text, history)
        elif history:
            standalone = q_.follow_up(text, history[-1][0], library)
        else:
            standalone = text
        question = q_.read(standalone, library)
        filters = q_.filters_for(question, state["filters"], library)
        reports = [r for r in self.retriever.reports.values() if filters.allows(r.meta)]
        return {**state, "text": text, "standalone": standalone, "q": question, "filters": filters,
                "reports": reports}

    def _evidence(self, state: dict) -> dict:
        q, reports = state["q"], state["reports"]
        if q.unknown_places and len(q.unknown_places) == len(q.places):
            return {**state, "hits": [], "why": f"The library has no reports for {_and(q.unknown_places)}."}
        if not reports:
            return {**state, "hits": [], "why": f"No report in the library matches {_describe(state['filters'])}."}
        hits, best, vector = self._search(state["standalone"], state["filters"])
        state = {**state, "vector": vector}  # the question's embedding, for the answerer
        from_records = structured.answer(q, reports)
        if from_records is None and q.intent == "grade" and any(r.judgements for r in reports):
            # The grades are all in the records: a grade they do not hold was not given.
            return {**state, "hits": hits, "why": "The reports searched record no judgement for that."}
        if from_records is not None:
            # Records first; the text hits follow, so a reader sees the prose around them too.
            draft, record_hits = from_records
            known = {h.key for h in record_hits}
            return {**state, "hits": record_hits + [h for h in hits if h.key not in known], "draft": draft}
        if not hits or (best < self.settings.abstain_below and not q_.spelled_out(q.text)):
            # (an abbreviation is asked after by its letters, which embed like little else:
            # the answerer looks for where a report spells it out)
            return {**state, "hits": hits, "why": ""}
        return {**state, "hits": hits}

    def _search(self, question: str, filters: Filters) -> tuple[list[Hit], float, list[float]]:
        """Retrieval, and the question's embedding; a question comparing councils or years
        also searches each side on its own, and each side's best paragraphs are kept, so
        one side's wording cannot crowd out the other's."""
        k = self.settings.top_k
        sides = ([replace(filters, places=(), authority=p) for p in filters.places]
                 or [replace(filters, years=(), year=y) for y in filters.years])
        (vector,) = self._embedder.embed_query([question])  # once for every search and the answerer
        joint = self.retriever.search(question, filters, k, vector=vector)
        if len(sides) < 2:
            return list(joint.hits), joint.best_dense, vector
        found = [self.retriever.search(question, side, k, vector=vector) for side in sides]
        pool = {h.key: h for r in [joint, *found] for h in r.hits}
        order = list(dict.fromkeys([h.key for h in joint.hits] + [h.key for r in found for h in r.hits]))
        keys = keep_each_top(order, [[h.key for h in r.hits[:1]] for r in found], k)[:k]
        return [pool[key] for key in keys], max(r.best_dense for r in [joint, *found]), vector

    def _draft(self, state: dict) -> dict:
        if "draft" in state or "why" in state:
            return state
        if self.llm is not None:
            reply = self.llm.answer_with_details(state["standalone"], state["hits"], state["history"])
            return {**state, "draft": reply.draft, "invalid_markers": reply.invalid_markers}
        draft = self.answerer.answer(state["standalone"], state["hits"], words=state["q"].topic,
                                     vector=state.get("vector"))
        hits = list(state["hits"])
        return {**state, "draft": _lists_in_full(draft, hits, state["reports"]), "hits": hits}

    def _finish(self, state: dict) -> Answer:
        hits: list[Hit] = state["hits"]
        draft: Draft | None = state.get("draft")
        searched = tuple(r.meta.short_title for r in state["reports"])
        name = "records" if any(h.source == "record" for h in hits) else self.answerer.name
        base = dict(question=state["text"], standalone=state["standalone"], searched=searched, answerer=name,
                    filters=state["filters"],
                    retrieved=tuple(h.key for h in hits))
        if draft is None or draft.abstain:
            return self._abstain(state, hits, base, state.get("why", ""))
        checked = guard(_by_voice(draft, hits), hits, self._embedder, self.settings.support_threshold,
                        self.settings.tuning.lexical_min)
        if not checked.sentences:
            return self._abstain(state, hits, base, "", unsupported=checked.unsupported)
        text = "\n".join(filter(None, [_unmark(draft.note)] + _render(checked.sentences, checked.citations)))
        return Answer(text=text, sentences=checked.sentences, citations=checked.citations, abstained=False,
                      unsupported_sentences=checked.unsupported,
                      removed_citations=checked.removed + state.get("invalid_markers", 0),
                      latency_ms=_ms(state), **base)

    def _abstain(self, state: dict, hits: list[Hit], base: dict, why: str, unsupported: int = 0) -> Answer:
        text = " ".join(filter(None, [ABSTAIN, why]))
        near = [h for h in hits if h.source == "text"][:SUGGESTIONS]
        if near:
            text += " You may want to read: " + "; ".join(c.label for c in _suggest(near)) + "."
        return Answer(text=text, sentences=(), citations=(), abstained=True, suggestions=_suggest(near),
                      unsupported_sentences=unsupported, latency_ms=_ms(state), **base)


def _lists_in_full(draft: Draft, hits: list[Hit], reports) -> Draft:
    """A quoted sentence that introduces a list ('Our six priorities are:') is followed by
    the list's items, each cited (added to ``hits``): the lead-in alone answers nothing."""
    by_id = {r.doc_id: r for r in reports}
    out = []
    for text, refs in draft.sentences:
        out.append((text, refs))
        if not text.rstrip().endswith(":") or len(refs) != 1:
            continue
        hit = hits[refs[0]]
        report = by_id.get(hit.meta.doc_id)
        prefix = f"{hit.paragraph.locator} item "
        for p in (report.paragraphs if report else ()):
            if p.locator.startswith(prefix) and p.kind is Kind.LIST_ITEM:
                known = [i for i, h in enumerate(hits) if h.key == (report.doc_id, p.locator)]
                if not known:
                    hits.append(Hit(hit.meta, p, score=hit.score, source="text"))
                out.append((p.text, (known[0] if known else len(hits) - 1,)))
    return replace(draft, sentences=tuple(dict.fromkeys(out)))  # an item quoted already is said once


def _suggest(hits: list[Hit]):
    return tuple(citation(i + 1, h.meta, h.paragraph) for i, h in enumerate(hits))


# Whose words they are: an answer drawing on Ofsted and on the council keeps them apart.
_VOICE_ORDER = (Voice.OFSTED, Voice.SELF_EVALUATION, Voice.COMMITTEE_PAPER)
_VOICE_LEAD = {Voice.OFSTED: "Ofsted found:", Voice.SELF_EVALUATION: "The council's own self-evaluation says:",
               Voice.COMMITTEE_PAPER: "The council's committee papers say:"}


def _by_voice(draft: Draft, hits: list[Hit]) -> Draft:
    """Sentences grouped by whose words they cite (Ofsted first), order kept within."""
    def voice(item):
        refs = [r for r in item[1] if 0 <= r < len(hits)]
        return _VOICE_ORDER.index(hits[refs[0]].meta.voice) if refs else len(_VOICE_ORDER)
    return replace(draft, sentences=tuple(sorted(draft.sentences, key=voice)))


_PRINTED_MARKER = re.compile(r"\[(\d+)\]")


def _unmark(text: str) -> str:
    """A '[2]' printed in quoted report text as '(2)': in the answer, '[n]' is citation n only."""
    return _PRINTED_MARKER.sub(r"(\1)", text)


def _render(sentences: tuple[Sentence, ...], citations: tuple[Citation, ...]) -> list[str]:
    """One line per voice, led by whose words follow when there is more than one."""
    voice_of = {c.n: c.voice for c in citations}
    groups: dict[Voice, list[str]] = {}
    for s in sentences:
        markers = "".join(f"[{n}]" for n in s.citations)
        groups.setdefault(voice_of[s.citations[0]], []).append(_unmark(s.text) + " " + markers)
    if len(groups) == 1:
        return [" ".join(next(iter(groups.values())))]
    return [f"{_VOICE_LEAD[v]} {' '.join(lines)}" for v, lines in groups.items()]


def _ms(state: dict) -> float:
    return (time.perf_counter() - state["started"]) * 1000


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _describe(f: Filters) -> str:
    parts = [x for x in (f.authority and f"council '{f.authority}'", f.places and f"councils {_and(f.places)}",
                         f.year and f"year {f.year}", f.years and f"years {_and(map(str, f.years))}",
                         f.doc_id and f"report '{f.doc_id}'") if x]
    return " and ".join(parts) or "these filters"
