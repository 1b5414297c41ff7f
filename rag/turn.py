"""What flows through the answer chain (rag/chain.py): one ``Turn`` per question, and
the ``Answerer`` that drafts an answer from it.

Each stage of the chain takes a Turn and returns a copy with more filled in
(``dataclasses.replace``); a field the stages have not reached yet keeps its default.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from core.model import Report

from .compare import Side
from .model import Draft, Filters, Hit
from .question import Question


@dataclass(frozen=True)
class Turn:
    asked: str  # the question as typed (tidied by question.check): what the Answer repeats
    filters: Filters  # as given; then narrowed by the councils, years and kind of report it names
    history: tuple[tuple[str, str], ...] = ()  # earlier (question, answer) pairs, oldest first
    started: float = 0.0  # time.perf_counter() when asked: the answer's latency runs from it
    standalone: str = ""  # the question as answered: a follow-up rewritten to stand alone
    reading: Question | None = None  # the standalone question as read (question.read)
    sides: tuple[Side, ...] = ()  # a comparison's sides (compare.sides), each answered on its own
    reports: tuple[Report, ...] = ()  # the reports the filters allow
    hits: tuple[Hit, ...] = ()  # the paragraphs the answer may cite (the records' first)
    vector: Sequence[float] | None = None  # the standalone question's embedding: made once, by the search
    draft: Draft | None = None  # the records' answer, or the answerer's
    # Why the chain abstains before any draft: None while it does not; '' abstains with
    # no reason to give (retrieval found nothing close enough).
    abstain: str | None = None


class Answerer(Protocol):
    """Drafts an answer from a turn's hits: ``ExtractiveAnswerer`` offline, ``LLMAnswerer``
    when ``settings.llm`` names a model."""

    name: str  # as the Answer names it: 'extractive', 'openai:gpt-4o-mini'

    def draft(self, turn: Turn) -> Draft:
        """Sentences citing ``turn.hits`` by index, or an abstaining Draft."""
        ...

    def condense(self, question: str, history: Sequence[tuple[str, str]]) -> str | None:
        """A follow-up rewritten to stand alone; None: the chain reads it (conversation.py)."""
        ...
