"""The faithfulness guard, run on every answer whichever answerer wrote it.

1. A citation must point at a paragraph retrieved (or read from a record) for this
   question; anything else is removed and counted.
2. A sentence must be supported by a paragraph it cites. Evidence is the paragraph's
   text with its heading path, lead-in and report name, and for the paragraph a judgement
   record was read from, the area the record grades ('Overall effectiveness'). Two measures:
   - lexical: the share of the sentence's own words (keyword tokens, less framing
     words such as 'Ofsted', 'judgement', 'found') that occur in the evidence;
   - semantic: cosine similarity of the sentence's and the evidence's embeddings.
   Supported when lexical >= ``lexical_min`` (``Tuning.lexical_min``), or lexical >=
   half that and the similarity >= ``threshold`` (``Settings.support_threshold``) -- and,
   either way, every number and grade word in the sentence ('15', 'adequate',
   'outstanding') is in the evidence: those are what a briefing note must not get wrong.
   A grade word must also be given to what the sentence grades: in a retrieved
   paragraph of several sentences, one sentence holds the grade word and another word
   of the claim ('outstanding ambition' does not back 'overall effectiveness is
   outstanding'); a judgement record's paragraph needs no such check.
   A verbatim quote scores lexical 1.0. Unsupported sentences are dropped and
   counted; an answer left with none becomes an abstention.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.grades import GRADES
from core.sentences import sentences as split_sentences
from ingest.embedder import Embedder

from .citations import citation
from .keyword import tokenize
from .model import Citation, Draft, Hit, Sentence

_FRAME = set(tokenize("Ofsted Ofsted's judgement judged found finds reports reported report says said states "
                      "council council's records lists made recommendation recommendations grade"))


_CRITICAL = set(tokenize(" ".join(GRADES)))  # the grade words, stemmed as the keyword index stems


@dataclass(frozen=True)
class Guarded:
    sentences: tuple[Sentence, ...]
    citations: tuple[Citation, ...]
    unsupported: int
    removed: int


def guard(draft: Draft, hits: list[Hit], embedder: Embedder, threshold: float, lexical_min: float) -> Guarded:
    removed = 0
    kept_refs: list[tuple[str, tuple[int, ...]]] = []
    for text, refs in draft.sentences:
        valid = tuple(dict.fromkeys(r for r in refs if 0 <= r < len(hits)))
        removed += len(refs) - len(valid)
        kept_refs.append((text, valid))
    support = _support(kept_refs, hits, embedder, threshold, lexical_min)

    numbers: dict[int, int] = {}  # hit index -> citation number, in order of first use
    backing: dict[int, list[str]] = {}
    out: list[Sentence] = []
    unsupported = 0
    for (text, refs), ok in zip(kept_refs, support):
        good = tuple(r for r, fine in zip(refs, ok) if fine)
        if not good:
            unsupported += 1
            continue
        for r in good:
            numbers.setdefault(r, len(numbers) + 1)
            backing.setdefault(r, []).append(text)
        out.append(Sentence(text, tuple(numbers[r] for r in good)))
    cites = tuple(citation(n, hits[r].meta, hits[r].paragraph, _quotes(hits[r], backing[r]))
                  for r, n in sorted(numbers.items(), key=lambda kv: kv[1]))
    return Guarded(tuple(out), cites, unsupported, removed)


def _evidence(hit: Hit) -> str:
    p = hit.paragraph
    return " ".join([hit.meta.short_title, " ".join(p.heading_path), hit.read_as, p.lead_in, p.text])


def _support(items, hits: list[Hit], embedder: Embedder, threshold: float,
             lexical_min: float) -> list[list[bool]]:
    """For each sentence, whether each of its cited hits supports it."""
    pairs = [(text, r) for text, refs in items for r in refs]
    if not pairs:
        return [[] for _ in items]
    lexical = [_lexical(text, hits[r]) for text, r in pairs]
    need_vectors = [i for i, lex in enumerate(lexical) if lexical_min / 2 <= lex < lexical_min]
    cosine = {}
    if need_vectors:
        texts = [pairs[i][0] for i in need_vectors] + [_evidence(hits[pairs[i][1]]) for i in need_vectors]
        vec = np.asarray(embedder.embed(texts))
        half = len(need_vectors)
        for k, i in enumerate(need_vectors):
            cosine[i] = float(vec[k] @ vec[half + k])
    verdicts = [lex >= lexical_min or (i in cosine and cosine[i] >= threshold) for i, lex in enumerate(lexical)]
    out, k = [], 0
    for _, refs in items:
        out.append(verdicts[k:k + len(refs)])
        k += len(refs)
    return out


def _units(hit: Hit) -> list[set[str]]:
    """Where a grade word must sit beside the claim's words: each sentence of a retrieved
    paragraph of several. None (no such check) for a paragraph of one sentence (a grade
    line or table row names its area in its headings) or one a judgement record was
    read from (the record ties the area to the grade)."""
    own = split_sentences(hit.paragraph.text)
    if hit.source == "record" or len(own) < 2:
        return []
    return [set(tokenize(s)) for s in own]


def lexical_support(sentence: str, hit: Hit) -> float:
    """The guard's lexical measure (``_lexical``), for an answerer that must pick which
    paragraph a sentence comes from before the guard checks it."""
    return _lexical(sentence, hit)


def _lexical(sentence: str, hit: Hit) -> float:
    """Share of the sentence's own words found in the hit's evidence; 0 if a number or a
    grade word is not, or a grade word is in no unit (``_units``) that shares another
    word of the sentence."""
    words = [t for t in tokenize(sentence) if t not in _FRAME]
    if not words:
        return 0.0
    have = set(tokenize(_evidence(hit)))
    if any(w not in have for w in words if w in _CRITICAL or w.isdigit()):
        return 0.0
    graded, claim = set(words) & _CRITICAL, set(words) - _CRITICAL
    if graded and claim:  # the paragraph is split into sentences only for a graded claim
        units = _units(hit)
        if units and not all(any(w in unit and claim & unit for unit in units) for w in graded):
            return 0.0
    return sum(1 for w in words if w in have) / len(words)


def _quotes(hit: Hit, answer_sentences: list[str]) -> tuple[str, ...]:
    """The paragraph's own sentences that back the answer sentences citing it."""
    own = split_sentences(hit.paragraph.text) or [hit.paragraph.text]
    picked: list[str] = []
    for said in answer_sentences:
        words = set(tokenize(said))
        best = max(own, key=lambda s: len(words & set(tokenize(s))))
        if best not in picked:
            picked.append(best)
    return tuple(picked)
