"""The answer chain: a question in, a cited Answer (or an abstention) out.

``ask`` passes a ``Turn`` (rag/turn.py) through four stages, each a plain method that
returns a copy with more filled in:

1. ``_read``: the question checked; a follow-up made to stand alone (conversation.py:
   the question's own subject first, then the sidebar's filters, then the history; an
   LLM may rewrite it within those rules); read (question.read); the filters it implies
   and the reports they allow.
2. ``_evidence``: the records' answer with the paragraphs it cites (structured.py), or
   retrieval's hits; or why the chain abstains before any draft (``Turn.abstain``).
3. ``_draft``: the answerer's draft from the hits, unless the records gave one. The
   answerer (an ``Answerer``) is the offline extractive one unless ``settings.llm``
   ('openai' or 'ollama') names an LLM, reached through LangChain's chat models.
4. ``_finish``: the guard checks every sentence against the paragraph it cites, and only
   retrieved paragraphs can be cited; the Answer, or an abstention naming paragraphs to read.

For LangChain tooling, ``rag.lc.as_runnable(chain)`` is ``ask`` as a Runnable.
"""
from __future__ import annotations

import re
import time
from dataclasses import replace

from core.errors import NotFoundError
from core.model import Kind, Voice
from core.sentences import sentences
from core.settings import Settings
from ingest.embedder import Embedder, load_embedder
from ingest.store import Index

from . import compare, conversation, structured, yesno
from . import question as q_
from .citations import citation
from .extractive import ExtractiveAnswerer
from .guard import guard, supported
from .model import Answer, Citation, Draft, Filters, Hit, Sentence
from .retriever import HybridRetriever, embed_question, keep_each_top, searched_text
from .turn import Answerer, Turn

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
        self.answerer: Answerer | None = None

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

            self.answerer = LLMAnswerer(self.settings, self._chat_model or make_chat_model(self.settings))
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
        turn = Turn(question, filters or Filters(), tuple(history), started=time.perf_counter())
        return self._finish(self._draft(self._evidence(self._read(turn))))

    def hits_for(self, question: str, filters: Filters | None = None) -> list[Hit]:
        """The paragraphs an answer to ``question`` may cite (records or retrieval)."""
        self.warm_up()
        return list(self._evidence(self._read(Turn(question, filters or Filters()))).hits)

    # -- stages (each takes the turn and returns it with more filled in) --------------------
    def _read(self, turn: Turn) -> Turn:
        asked = q_.check(turn.asked, self.settings.max_question_chars)
        self.retriever.refresh()
        library = [r.meta for r in self.retriever.reports.values()]
        if not library:
            raise NotFoundError("the index is empty: run `python -m ingest corpus/` first")
        standalone = conversation.standalone(asked, turn.history, turn.filters, library, self.answerer.condense)
        reading = q_.read(standalone, library)
        filters = q_.filters_for(reading, turn.filters, library)
        reports = tuple(r for r in self.retriever.reports.values() if filters.allows(r.meta))
        sides = compare.sides(reading, turn.filters, library)
        return replace(turn, asked=asked, standalone=standalone, reading=reading, filters=filters, reports=reports,
                       sides=sides)

    def _evidence(self, turn: Turn) -> Turn:
        reading, reports = turn.reading, turn.reports
        if reading.unknown_places and len(reading.unknown_places) == len(reading.places):
            return replace(turn, abstain=f"The library has no reports for {_and(reading.unknown_places)}.")
        if turn.sides:
            return self._compared(turn)
        if not reports:
            return replace(turn, abstain=f"No report in the library matches {_describe(turn.filters)}.")
        hits, best, vector = self._search(turn.standalone, turn.filters)
        turn = replace(turn, hits=tuple(hits), vector=vector)
        from_records = structured.answer(reading, list(reports))
        if from_records is None and reading.intent == "grade" and any(r.judgements for r in reports):
            # The grades are all in the records: a grade they do not hold was not given. (Reading
            # one from the text instead, an earlier inspection's 'judged fostering ... to be good
            # when they were last inspected in 2008', gained no dev question and answered two
            # unanswerable library questions: README, "The library set".)
            return replace(turn, abstain="The reports searched record no judgement for that.")
        if from_records is not None:
            # Records first; the text hits follow, so a reader sees the prose around them too.
            draft, record_hits = from_records
            known = {h.key for h in record_hits}
            return replace(turn, hits=tuple(record_hits + [h for h in hits if h.key not in known]), draft=draft)
        if not hits or (best < self.settings.abstain_below and not q_.spelled_out(reading.text)):
            # (an abbreviation is asked after by its letters, which embed like little else:
            # the answerer looks for where a report spells it out)
            return replace(turn, abstain="")
        return turn

    def _compared(self, turn: Turn) -> Turn:
        """A comparison: each side answered as its own question over its own reports
        (records or retrieval, then the answerer), its sentences checked by the guard;
        then composed (compare.compose) with the side a report does not answer named."""
        answers, seen = [], []
        for side in turn.sides:
            reports = tuple(r for r in self.retriever.reports.values() if side.filters.allows(r.meta))
            reading = q_.read(side.question, [r.meta for r in self.retriever.reports.values()])
            if side.earlier:  # a year before the reports: their text tells it, their records are their own
                reading = replace(reading, intent="text")
            one = self._draft(self._evidence(replace(turn, standalone=side.question, reading=reading,
                                                     filters=side.filters, reports=reports, sides=())))
            kept = () if one.draft is None or one.draft.abstain else supported(
                one.draft, list(one.hits), self._embedder, self.settings.support_threshold,
                self.settings.tuning.lexical_min).sentences
            answers.append(compare.SideAnswer(side, tuple((text, tuple(one.hits[r] for r in refs))
                                                          for text, refs in kept),
                                              tuple(r.meta for r in reports), one.draft.note if one.draft else "",
                                              tuple(h for h in one.hits if h.source == "text")))
            seen += one.hits
        draft, hits = compare.compose(turn.reading, answers)
        # what each side found follows what the answer cites: a reader (and an abstention) can go on to it
        known = {h.key for h in hits}
        hits += [h for h in seen if h.key not in known and not known.add(h.key)]
        if draft.abstain:
            return replace(turn, hits=tuple(hits), abstain=draft.note)
        return replace(turn, draft=draft, hits=tuple(hits))

    def _search(self, question: str, filters: Filters) -> tuple[list[Hit], float, list[float]]:
        """Retrieval, and the question's embedding; a question comparing councils or years
        also searches each side on its own, and each side's best paragraphs are kept, so
        one side's wording cannot crowd out the other's."""
        k = self.settings.top_k
        sides = ([replace(filters, places=(), authority=p) for p in filters.places]
                 or [replace(filters, years=(), year=y) for y in filters.years])
        # once for every search and the answerer
        vector = embed_question(self._embedder, searched_text(question, filters))
        joint = self.retriever.search(question, filters, k, vector=vector)
        if len(sides) < 2:
            return list(joint.hits), joint.best_dense, vector
        found = [self.retriever.search(question, side, k, vector=vector) for side in sides]
        pool = {h.key: h for r in [joint, *found] for h in r.hits}
        order = list(dict.fromkeys([h.key for h in joint.hits] + [h.key for r in found for h in r.hits]))
        keys = keep_each_top(order, [[h.key for h in r.hits[:1]] for r in found], k)[:k]
        return [pool[key] for key in keys], max(r.best_dense for r in [joint, *found]), vector

    def _draft(self, turn: Turn) -> Turn:
        if turn.draft is not None or turn.abstain is not None:
            return turn
        draft = self.answerer.draft(turn)
        if isinstance(self.answerer, ExtractiveAnswerer):  # it quotes; an LLM writes its own sentences
            draft, hits = _lists_in_full(draft, turn.hits, turn.reports)
            return replace(turn, draft=draft, hits=hits)
        return replace(turn, draft=draft)

    def _finish(self, turn: Turn) -> Answer:
        hits, draft = turn.hits, turn.draft
        searched = tuple(r.meta.short_title for r in turn.reports)
        name = "records" if any(h.source == "record" for h in hits) else self.answerer.name
        base = dict(question=turn.asked, standalone=turn.standalone, searched=searched, answerer=name,
                    filters=turn.filters,
                    retrieved=tuple(h.key for h in hits))
        if draft is None or draft.abstain:
            return self._abstain(turn, base, turn.abstain or "")
        checked = guard(draft if draft.compared else _by_voice(draft, hits), hits, self._embedder,
                        self.settings.support_threshold, self.settings.tuning.lexical_min)
        if not checked.sentences:
            return self._abstain(turn, base, "", unsupported=checked.unsupported)
        if draft.compared:  # the sides in the order asked, then the side no report answers
            text = " ".join([_unmark(s.text) + " " + "".join(f"[{n}]" for n in s.citations)
                             for s in checked.sentences] + [_unmark(draft.note)]).strip()
        else:
            text = "\n".join(filter(None, [_unmark(draft.note)] + _render(checked.sentences, checked.citations)))
        if turn.reading.polar and not re.match(r"(yes|no)\b", text, re.I):  # a yes/no question's yes or no first
            # a comparison's yes or no is the comparison's (compare.verdict), never one side's sentence's
            lead = draft.verdict or ("" if draft.compared else
                                     yesno.lead(turn.reading.text, [s.text for s in checked.sentences]))
            text = f"{lead} {text}" if lead else text
        return Answer(text=text, sentences=checked.sentences, citations=checked.citations, abstained=False,
                      unsupported_sentences=checked.unsupported,
                      removed_citations=checked.removed + draft.invalid_markers,
                      latency_ms=_ms(turn), **base)

    def _abstain(self, turn: Turn, base: dict, why: str, unsupported: int = 0) -> Answer:
        # with no reason of its own, say what was looked for ('The reports name no lead inspector for ...')
        why = why or (q_.looked_for(turn.reading) if turn.reading is not None else "")
        text = " ".join(filter(None, [ABSTAIN, why]))
        near = [h for h in turn.hits if h.source == "text"][:SUGGESTIONS]
        if near:
            text += " You may want to read: " + "; ".join(c.label for c in _suggest(near)) + "."
        return Answer(text=text, sentences=(), citations=(), abstained=True, suggestions=_suggest(near),
                      unsupported_sentences=unsupported, latency_ms=_ms(turn), **base)


def _lists_in_full(draft: Draft, hits: tuple[Hit, ...], reports) -> tuple[Draft, tuple[Hit, ...]]:
    """A quoted sentence that introduces a list ('Our six priorities are:'), or that the
    list's lead-in continues (``_list_lead``), is followed by the lead-in and the list's
    items, each cited: the lead-in alone answers nothing. Returns the draft and
    the hits with the items added (``hits`` itself is left as it is)."""
    by_id = {r.doc_id: r for r in reports}
    hits = list(hits)
    out = []
    for text, refs in draft.sentences:
        out.append((text, refs))
        if len(refs) != 1:
            continue
        hit = hits[refs[0]]
        lead = _list_lead(text, hit.paragraph.text)
        if lead is None:
            continue
        if lead != text:
            out.append((lead, refs))
        report = by_id.get(hit.meta.doc_id)
        prefix = f"{hit.paragraph.locator} item "
        for p in (report.paragraphs if report else ()):
            if p.locator.startswith(prefix) and p.kind is Kind.LIST_ITEM:
                known = [i for i, h in enumerate(hits) if h.key == (report.doc_id, p.locator)]
                if not known:
                    hits.append(Hit(hit.meta, p, score=hit.score, source="text"))
                out.append((p.text, (known[0] if known else len(hits) - 1,)))
    return replace(draft, sentences=tuple(dict.fromkeys(out))), tuple(hits)  # an item quoted already is said once


def _list_lead(sentence: str, paragraph: str) -> str | None:
    """The sentence that introduces the list a quoted sentence is part of: itself when it
    ends with ':', or the paragraph's next and last sentence when that is a lead-in ending
    with ':' ('It contained 18 recommendations which we have divided into four topic
    areas. These areas are:'), which only points back at the quoted one; else None."""
    if sentence.rstrip().endswith(":"):
        return sentence
    own = sentences(paragraph)
    if len(own) >= 2 and own[-1].rstrip().endswith(":") and own[-2].strip() == sentence.strip():
        return own[-1]
    return None


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


def _ms(turn: Turn) -> float:
    return (time.perf_counter() - turn.started) * 1000


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _describe(f: Filters) -> str:
    parts = [x for x in (f.authority and f"council '{f.authority}'", f.places and f"councils {_and(f.places)}",
                         f.year and f"year {f.year}", f.years and f"years {_and(map(str, f.years))}",
                         f.doc_id and f"report '{f.doc_id}'") if x]
    return " and ".join(parts) or "these filters"
