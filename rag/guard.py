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
3. A comparison's composed sentence (``Draft.joint``: 'From Dorset 2011 to Dorset 2020
   the figure rose: 294, then 485.') states values of several paragraphs at once, in
   words of its own: it is kept, citing all of them, when every number and grade word
   in it is in one of its cited paragraphs and each of them holds one of those;
   otherwise dropped.
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
    support = _support(kept_refs, hits, embedder, threshold, lexical_min, draft.joint)

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


def supported(draft: Draft, hits: list[Hit], embedder: Embedder, threshold: float, lexical_min: float) -> Draft:
    """The draft with only the sentences, and citations, the guard would keep (indexes
    into ``hits`` unchanged): a comparison checks each side's answer before composing."""
    refs = [(text, tuple(dict.fromkeys(r for r in rs if 0 <= r < len(hits)))) for text, rs in draft.sentences]
    support = _support(refs, hits, embedder, threshold, lexical_min, draft.joint)
    kept = [(text, tuple(r for r, fine in zip(rs, ok) if fine)) for (text, rs), ok in zip(refs, support)]
    return Draft(tuple((text, rs) for text, rs in kept if rs), abstain=draft.abstain, note=draft.note)


def _joint(sentence: str, cited: list[Hit]) -> bool:
    """A composed comparison (``Draft.joint``): its numbers and grade words are each in a
    cited paragraph, and each cited paragraph holds one of them."""
    values = {w for w in tokenize(sentence) if w in _CRITICAL or w.isdigit()}
    held = [values & set(tokenize(_evidence(h))) for h in cited]
    return bool(values) and values <= set().union(*held) and all(held)


def _evidence(hit: Hit) -> str:
    p = hit.paragraph
    return " ".join([hit.meta.short_title, " ".join(p.heading_path), hit.read_as, p.lead_in, p.text])


def _support(items, hits: list[Hit], embedder: Embedder, threshold: float,
             lexical_min: float, joint: tuple[int, ...] = ()) -> list[list[bool]]:
    """For each sentence, whether each of its cited hits supports it."""
    if joint:  # composed sentences are checked against their citations together; the rest one by one
        alone = _support([(t, () if i in joint else refs) for i, (t, refs) in enumerate(items)], hits, embedder,
                         threshold, lexical_min)
        return [[_joint(t, [hits[r] for r in refs])] * len(refs) if i in joint else ok
                for i, ((t, refs), ok) in enumerate(zip(items, alone))]
    pairs = [(text, r) for text, refs in items for r in refs]
    if not pairs:
        return [[] for _ in items]
    lexical = [lexical_support(text, hits[r]) for text, r in pairs]
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
    """The guard's lexical measure (also for an answerer that must pick which paragraph a
    sentence comes from before the guard checks it): share of the sentence's own words found in the hit's evidence; 0 if a number or a
    grade word is not, or a grade word is in no unit (``_units``) that shares another
    word of the sentence."""
    words = [t for t in tokenize(sentence) if t not in _FRAME]
    if not words:
        # A quote with no keyword token ('What are we doing about it?', a list item made of
        # stopwords) is supported only by the paragraph it is quoted from, word for word.
        return 1.0 if _verbatim(sentence, hit.paragraph.text) else 0.0
    have = set(tokenize(_evidence(hit)))
    if any(w not in have for w in words if w in _CRITICAL or w.isdigit()):
        return 0.0
    graded, claim = set(words) & _CRITICAL, set(words) - _CRITICAL
    if graded and claim:  # the paragraph is split into sentences only for a graded claim
        units = _units(hit)
        if units and not all(any(w in unit and claim & unit for unit in units) for w in graded):
            return 0.0
    return sum(1 for w in words if w in have) / len(words)


def _verbatim(sentence: str, text: str) -> bool:
    said = " ".join(sentence.split()).casefold()
    return bool(said) and said in " ".join(text.split()).casefold()


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
