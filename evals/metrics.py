"""Evaluation metrics: pure functions over plain data (no model, no index).

Every system under evaluation (the answer chain, the naive baseline) is turned into a
``Result``: its answer text, whether it abstained, what it cited and what it retrieved
(``Item``s, best first), the guard's sentence counts and its latency. ``score`` turns a
``KnownAnswer`` and a ``Result`` into a ``QuestionScore``; ``aggregate`` averages
scores into a ``Summary``. Evidence matching is ``evals.gold``'s, never redefined here:
an item that is a parsed paragraph matches with ``contains_evidence`` (a grade line or
table row together with its heading); an item that is raw text (a baseline chunk)
matches when ``norm(evidence)`` is in ``norm(text)``.

Definitions (None where a metric is undefined; see ``QuestionScore``):

- evidence_rank: 1-based rank of the first retrieved item that contains the evidence.
- recall@k (k in 1, 3, 5, 10): 1 if evidence_rank <= k else 0; reciprocal rank:
  1 / evidence_rank, 0 if absent. Answerable questions only.
- correct: answerable -> not abstained and every ``fold``ed must_include string is in
  the folded answer text (citation markers removed; a one-word number matches in words
  or digits, 'nine' ~ '9'); unanswerable -> abstained. A yes/no question's 'yes' or 'no'
  must be the answer's first word; a comparison with a ``missing_side`` must say that a
  report does not answer it (``NOT_GIVEN``).
- citation_precision: relevant cited items / cited items (None when nothing is cited).
  Relevant: contains the evidence, or is the gold (doc_id, locator) or one of
  ``locators`` or a row/item of one ('10 row 3' of '10'), or its folded text holds
  a folded must_include string.
- citation_recall: 1 if a cited item contains the evidence or is the gold locator,
  else 0. Answerable questions only.
- faithfulness: kept sentences / (kept + unsupported); None when both are 0.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from typing import Callable, Iterable, Mapping, Sequence

from core.model import Paragraph, Report
from core.numbers import same_number

from .gold import KINDS, KnownAnswer, contains_evidence, evidence_text, fold, gold_keys, norm

RECALL_AT = (1, 3, 5, 10)
_MARKERS = re.compile(r"(?:\[\d+\])+")  # '[1][2]': the citation markers that end an answer sentence

Lookup = Callable[[str, str], "Paragraph | None"]  # (doc_id, locator) -> the parsed paragraph


@dataclass(frozen=True)
class Item:
    """One retrieved or cited unit: a paragraph (answer chain) or a chunk (baseline)."""

    doc_id: str
    ref: str  # the paragraph's locator, or 'chunk N'
    text: str  # what a reader sees
    label: str = ""  # how a report names it ('Ofsted, Dorset 2011, para 75')
    paragraph: Paragraph | None = None  # set for paragraphs: matching then uses its heading too

    def contains(self, evidence: str) -> bool:
        if self.paragraph is not None:
            return contains_evidence(self.paragraph, evidence)
        return bool(evidence) and norm(evidence) in norm(self.text)

    @property
    def folded(self) -> str:
        if self.paragraph is not None:
            return fold(evidence_text(self.paragraph))
        return fold(self.text)


@dataclass(frozen=True)
class Result:
    """What one system did with one question, in the shape every metric reads."""

    text: str
    abstained: bool
    cited: tuple[Item, ...] = ()
    ranked: tuple[Item, ...] = ()  # retrieved, best first
    sentences: int = 0  # answer sentences the guard kept (0: not measured, e.g. the baseline)
    unsupported: int = 0  # sentences the guard dropped
    latency_ms: float = 0.0
    # (sentence, texts of the paragraphs it cites): what an LLM judge checks
    claims: tuple[tuple[str, tuple[str, ...]], ...] = ()
    error: str = ""  # the question could not be asked (QuestionError): scored as wrong
    extra: dict = field(default_factory=dict)  # e.g. answerer, searched: shown, not scored


@dataclass(frozen=True)
class QuestionScore:
    id: str
    kind: str
    answerable: bool
    correct: bool
    abstained: bool
    evidence_rank: int | None  # None: no retrieved item holds the evidence (or unanswerable)
    recall: dict[int, float] | None  # k -> 0/1; None for unanswerable questions
    reciprocal_rank: float | None
    cited: int
    relevant_cited: int
    citation_precision: float | None
    citation_recall: float | None
    faithfulness: float | None
    latency_ms: float
    judge_faithfulness: float | None = None  # LLM-as-judge, only with an LLM backend

    @property
    def false_abstention(self) -> bool:
        return self.answerable and self.abstained

    def metrics(self) -> dict:
        """Flat, JSON-ready metric values."""
        d = {"correct": self.correct, "abstained": self.abstained, "false_abstention": self.false_abstention,
             "evidence_rank": self.evidence_rank}
        for k in RECALL_AT:
            d[f"recall_at_{k}"] = None if self.recall is None else self.recall[k]
        d.update(reciprocal_rank=self.reciprocal_rank, cited=self.cited, relevant_cited=self.relevant_cited,
                 citation_precision=self.citation_precision, citation_recall=self.citation_recall,
                 faithfulness=self.faithfulness, judge_faithfulness=self.judge_faithfulness,
                 latency_ms=round(self.latency_ms, 1))
        return d


# -- per question ----------------------------------------------------------------------------


def evidence_rank(k: KnownAnswer, ranked: Sequence[Item]) -> int | None:
    if not k.answerable or not k.evidence:
        return None
    return next((i for i, item in enumerate(ranked, 1) if item.contains(k.evidence)), None)


def recall_at(rank: int | None, cutoffs: Iterable[int] = RECALL_AT) -> dict[int, float]:
    return {c: float(rank is not None and rank <= c) for c in cutoffs}


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def answer_text(text: str) -> str:
    """The answer's words without its [n] markers (so '[1]' never matches a must_include '1')."""
    return _MARKERS.sub(" ", text)


def is_correct(k: KnownAnswer, text: str, abstained: bool) -> bool:
    if not k.answerable:
        return abstained
    if abstained:
        return False
    said = fold(answer_text(text))
    needed = list(k.must_include)
    if k.kind == "yesno" and needed and fold(needed[0]) in ("yes", "no"):
        # 'no' is in 'not' and 'nine': a yes/no answer says which as its first word.
        if said.split()[:1] != [fold(needed.pop(0))]:
            return False
    if k.missing_side and not NOT_GIVEN.search(said):
        return False  # a comparison that drops a side without saying so is half an answer
    return all(_says(said, fold(m)) for m in needed)


# How an answer says that a report does not answer one side of a comparison.
NOT_GIVEN = re.compile(r"\b(gives? no|(does|do) not (give|say|state|answer|record)|(no|not) (figure|grade|answer)s? "
                       r"(is |are )?(given|stated|recorded)|records? no)\b")


def _says(said: str, wanted: str) -> bool:
    """``wanted`` is in the folded answer; a number in words or digits either way."""
    if wanted in said:
        return True
    return len(wanted.split()) == 1 and any(same_number(w, wanted) for w in said.split())


def is_relevant(k: KnownAnswer, item: Item) -> bool:
    """A cited item backs the answer: it holds the evidence, is a gold paragraph or a
    row or item of one (a judgement table printed in paragraph 10 is part of it), or
    states one of the must_include strings."""
    if item.contains(k.evidence) or any(item.doc_id == doc_id and _within(item.ref, loc)
                                        for doc_id, loc in gold_keys(k)):
        return True
    folded = item.folded
    return any(fold(m) and fold(m) in folded for m in k.must_include)


def _within(ref: str, locator: str) -> bool:
    return ref == locator or ref.startswith((f"{locator} row ", f"{locator} item "))


def citation_recall(k: KnownAnswer, cited: Sequence[Item]) -> float | None:
    if not k.answerable:
        return None
    gold = (k.doc_id, k.locator)
    return float(any(c.contains(k.evidence) or (c.doc_id, c.ref) == gold for c in cited))


def faithfulness(kept: int, unsupported: int) -> float | None:
    total = kept + unsupported
    return kept / total if total else None


def score(k: KnownAnswer, result: Result) -> QuestionScore:
    rank = evidence_rank(k, result.ranked)
    relevant = sum(1 for c in result.cited if is_relevant(k, c))
    n_cited = len(result.cited)
    return QuestionScore(
        id=k.id, kind=k.kind, answerable=k.answerable,
        correct=not result.error and is_correct(k, result.text, result.abstained),
        abstained=result.abstained,
        evidence_rank=rank,
        recall=recall_at(rank) if k.answerable else None,
        reciprocal_rank=reciprocal_rank(rank) if k.answerable else None,
        cited=n_cited, relevant_cited=relevant,
        citation_precision=relevant / n_cited if n_cited else None,
        citation_recall=citation_recall(k, result.cited),
        faithfulness=faithfulness(result.sentences, result.unsupported),
        latency_ms=result.latency_ms,
    )


# -- the answer chain's output -> Result -------------------------------------------------------


def lookup_in(reports: Mapping[str, Report]) -> Lookup:
    """A paragraph lookup over parsed or indexed reports."""
    table = {(doc_id, p.locator): p for doc_id, r in reports.items() for p in r.paragraphs}
    return lambda doc_id, locator: table.get((doc_id, locator))


def result_from_answer(answer, retrieved: Sequence[tuple[str, Paragraph]], lookup: Lookup) -> Result:
    """A ``rag.model.Answer`` (or its ``to_dict()``) as a ``Result``.

    ``retrieved``: (doc_id, Paragraph) in the answer's ``retrieved`` order (for a
    records answer, the record paragraphs). ``lookup`` finds each cited paragraph so
    that matching sees its heading; a citation it cannot find is matched on its text.
    """
    d = answer if isinstance(answer, dict) else answer.to_dict()
    cited = tuple(Item(c["doc_id"], c["locator"], c.get("text", ""), c.get("label", ""),
                       lookup(c["doc_id"], c["locator"])) for c in d.get("citations", ()))
    ranked = tuple(Item(doc_id, p.locator, p.text, f"{doc_id} {p.locator}", p) for doc_id, p in retrieved)
    if isinstance(answer, dict):
        # The dict has no sentence list: an answer sentence is what a marker group ends.
        kept = 0 if d["abstained"] else len(_MARKERS.findall(d["answer"]))
        claims: tuple = ()
    else:
        kept = len(answer.sentences)
        texts = {c.n: c.text for c in answer.citations}
        claims = tuple((s.text, tuple(texts[n] for n in s.citations if n in texts)) for s in answer.sentences)
    return Result(text=d["answer"], abstained=bool(d["abstained"]), cited=cited, ranked=ranked, sentences=kept,
                  unsupported=int(d.get("unsupported_sentences", 0)), latency_ms=float(d.get("latency_ms", 0.0)),
                  claims=claims, extra={"answerer": d.get("answerer", ""), "searched": d.get("searched", [])})


def score_answer(k: KnownAnswer, answer, retrieved: Sequence[tuple[str, Paragraph]], lookup: Lookup) -> QuestionScore:
    return score(k, result_from_answer(answer, retrieved, lookup))


# -- aggregation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Averages over a set of questions; None where no question defines the metric."""

    n: int
    answerable: int
    unanswerable: int
    answer_correctness: float | None  # over all questions
    evidence_recall_at_1: float | None  # recall/MRR/citation recall: over answerable questions
    evidence_recall_at_3: float | None
    evidence_recall_at_5: float | None
    evidence_recall_at_10: float | None
    mrr: float | None
    citation_precision: float | None  # micro: relevant cited items / all cited items
    citation_recall: float | None
    faithfulness: float | None  # mean over questions with sentences kept or dropped
    judge_faithfulness: float | None  # mean over questions an LLM judge scored
    abstention_accuracy: float | None  # share of unanswerable questions that abstained
    false_abstention_rate: float | None  # share of answerable questions that abstained
    latency_p50_ms: float | None
    latency_p95_ms: float | None

    def get(self, name: str) -> float | int | None:
        return getattr(self, name)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


METRICS = tuple(f.name for f in fields(Summary) if f.name not in ("n", "answerable", "unanswerable"))


def mean(values: Iterable[float | None]) -> float | None:
    got = [float(v) for v in values if v is not None]
    return sum(got) / len(got) if got else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def aggregate(scores: Sequence[QuestionScore]) -> Summary:
    ans = [s for s in scores if s.answerable]
    una = [s for s in scores if not s.answerable]
    cited = sum(s.cited for s in scores)
    latencies = [s.latency_ms for s in scores]

    def rate(group, flag) -> float | None:
        return sum(1 for s in group if flag(s)) / len(group) if group else None

    return Summary(
        n=len(scores), answerable=len(ans), unanswerable=len(una),
        answer_correctness=rate(scores, lambda s: s.correct),
        evidence_recall_at_1=mean(s.recall[1] for s in ans),
        evidence_recall_at_3=mean(s.recall[3] for s in ans),
        evidence_recall_at_5=mean(s.recall[5] for s in ans),
        evidence_recall_at_10=mean(s.recall[10] for s in ans),
        mrr=mean(s.reciprocal_rank for s in ans),
        citation_precision=sum(s.relevant_cited for s in scores) / cited if cited else None,
        citation_recall=mean(s.citation_recall for s in ans),
        faithfulness=mean(s.faithfulness for s in scores),
        judge_faithfulness=mean(s.judge_faithfulness for s in scores),
        abstention_accuracy=rate(una, lambda s: s.abstained),
        false_abstention_rate=rate(ans, lambda s: s.abstained),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
    )


def by_kind(scores: Sequence[QuestionScore], kinds: Sequence[str] = KINDS) -> dict[str, Summary]:
    """One Summary per kind present, in the set format's order of kinds (``kinds``)."""
    order = {k: i for i, k in enumerate(kinds)}
    present = sorted({s.kind for s in scores}, key=lambda k: (order.get(k, len(order)), k))
    return {kind: aggregate([s for s in scores if s.kind == kind]) for kind in present}
