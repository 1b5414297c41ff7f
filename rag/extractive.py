"""The offline answerer: the retrieved sentences that best answer the question, each
followed by its citation. No LLM, deterministic, and it can only say what a paragraph
says, word for word.

A sentence's score mixes (weights: ``Tuning``, core/tuning.py):
- how close its embedding is to the question's (the sentence read with its section
  heading, so 'Published: 28 October 2011' or 'Being healthy | Good' keep their sense);
- the share of the question's own words found in the sentence or its heading/lead-in;
- whether it holds the kind of thing asked for: a date for 'when', a number for
  'how many', a name for 'who';
- how high retrieval ranked its paragraph.
A sentence that only points back ('seven children were benefiting from these
arrangements') is read, and quoted, with the sentence before it (``_candidates``).
For a 'when', 'how many' or 'who' question only sentences holding a date, number or
name are candidates. It abstains when no candidate reaches ``Tuning.answer_min``.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Hashable, Sequence

import numpy as np

from core.model import Paragraph, Voice
from core.sentences import sentences
from core.tuning import Tuning
from ingest.embedder import Embedder
from ingest.parser import CAPTION

from . import targets
from .fields import as_labels_say, header_line, names_label
from .keyword import held_words, tokenize
from .model import Draft, Hit
from .question import answer_type, clauses, counted, role_asked, spelled_out, type_strength
from .retriever import embed_question
from .structured import AREA_NAMED
from .turn import Turn

# A question about a figure or table ('What does figure 4 show?') may be answered by its caption.
_PICTURE_ASKED = re.compile(r"\b(figure|fig|table|chart|graph|diagram|image|photo)\s*\d", re.I)


# (key, paragraph) pairs -> each one's sentence vectors, rows as ingest.sentences.sentence_texts
SentenceVectors = Callable[[Sequence[tuple[Hashable, Paragraph]]], list[np.ndarray]]


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, embedder: Embedder, tuning: Tuning = Tuning(),
                 sentence_vectors: SentenceVectors | None = None):
        """``tuning``: the score's weights and the answer's bar and limits (``settings.tuning``).
        ``sentence_vectors``: where the hits' sentence vectors come from (the
        retriever's, stored at ingest); without it they are embedded here."""
        self.embedder = embedder
        self.tuning = tuning
        self.sentence_vectors = sentence_vectors

    def draft(self, turn: Turn) -> Draft:
        """The chain's ``Answerer``: the question as answered, scored on its own words."""
        reading = turn.reading
        compares = len(reading.places) > 1 or len(reading.years) > 1
        return self.answer(turn.standalone, turn.hits, words=reading.topic, vector=turn.vector,
                           each_report_adds=not compares)

    def condense(self, question: str, history) -> None:
        return None  # no model to rewrite a follow-up: the chain reads it (conversation.py)

    def answer(self, question: str, hits: list[Hit], words: tuple[str, ...] | None = None,
               vector: Sequence[float] | None = None, each_report_adds: bool = False) -> Draft:
        """``words``: the question's own keyword tokens (council names and years left out:
        the filters already chose the reports); if none, all of the question's.
        ``vector``: the question's embedding, when retrieval made it already.
        ``each_report_adds``: another report is quoted only for a part of the question the
        sentences chosen before it do not answer (``_pick``); off for a comparison, whose
        sides are asked in the same words."""
        said = [(i, s) for i, h in enumerate(hits) for s in sentences(h.paragraph.text)]
        if not said:
            return Draft((), abstain=True)
        context = [_context(hits[i]) for i, _ in said]
        asked = vector if vector is not None else embed_question(self.embedder, question)
        # float64, as the scores were measured with (the vectors themselves are float32)
        closeness = self._vectors(hits, said, context).astype(np.float64) @ np.asarray(asked, dtype=np.float64)
        wanted = set(words or ()) or set(tokenize(question))
        candidates, dense, about = _candidates(hits, said, context, closeness, wanted)
        if short := spelled_out(question):
            # 'What does WAVE stand for?': the sentence that spells it out answers, however
            # little else of the question it shares; none, and the reports do not say
            scored = self._ranked(None, wanted, hits, candidates, about, dense)
            spelled = [t for t in scored if re.search(rf"\({short}\)|\b{short} \(", t[2])]
            return Draft(((spelled[0][2], (spelled[0][1],)),)) if spelled else Draft((), abstain=True)
        tuning = self.tuning
        if (aim := targets.asked(question)) and (paired := self._against_target(aim, wanted, hits, candidates,
                                                                                about, dense)):
            return paired
        parts = clauses(question)
        if len(parts) > 1 and all(answer_type(p) for p in parts):
            # 'How many social workers ..., and what was the vacancy rate?': each clause asks
            # for its own fact and is answered by its own best sentence, typed as that clause
            # asks; a clause the reports do not answer leaves the others' answers standing
            chosen: list[tuple[str, tuple[int, ...]]] = []
            for part in parts:
                own = (set(tokenize(part)) & wanted) or set(tokenize(part))
                scored = [t for t in self._ranked(part, own, hits, candidates, about, dense)
                          if not _repeats(t[2], [c for c, _ in chosen])]
                if scored and scored[0][0] >= tuning.answer_min:
                    chosen += _pick(scored, 1, tuning)
            return Draft(tuple(chosen), abstain=not chosen)
        kind = answer_type(question)
        scored = self._ranked(question, wanted, hits, candidates, about, dense)
        if not scored or scored[0][0] < tuning.answer_min:
            return Draft((), abstain=True)
        limit = min(tuning.max_sentences, tuning.max_typed) if kind else tuning.max_sentences
        holds = None
        if each_report_adds or kind:  # (i, sentence) -> the question's words it holds
            holds = {(i, s): wanted & a for (i, s), a in zip(candidates, about)}
        # one typed fact asked: a second sentence must add to it (``_pick``); a question asking
        # two things ('When was it launched and what does the model involve?') may take its second
        # ask's answer from a sentence that holds no new word of it
        chosen = _pick(scored, limit, tuning, holds, [h.meta.doc_id for h in hits],
                       each_adds=bool(kind) and len(parts) == 1, each_report_adds=each_report_adds)
        return Draft(tuple(chosen), abstain=not chosen)

    def _against_target(self, aim: targets.Aim, wanted: set[str], hits: list[Hit], candidates: list[tuple[int, str]],
                        about: list[set[str]], dense) -> Draft | None:
        """A figure asked against its target (rag/targets.py): the sentence giving the figure
        and the one giving its target (one sentence when it gives both), of one paragraph or
        two neighbouring ones of a report -- a report states a target beside the figure it is
        set for. The pair whose sentences score best together, one of them good enough to be
        said; None when no pair is found: the question is then answered as any other."""
        ranked = self._ranked(None, wanted, hits, candidates, about, dense)
        goals = [(t, f) for t in ranked if (f := targets.target_in(t[2]))]
        if not goals:
            return None
        # the figure's own ask, typed as it asks ('How many adoptive families ..., and what was the target?')
        figure_ok = {(t[1], t[2]) for t in self._ranked(aim.figure_asked, wanted, hits, candidates, about, dense)}
        words = set(tokenize(aim.figure_asked))
        best = None
        for goal, figure in goals:
            for t in ranked:
                near = hits[t[1]].meta.doc_id == hits[goal[1]].meta.doc_id and abs(
                    hits[t[1]].paragraph.order - hits[goal[1]].paragraph.order) <= 1
                if not near or (t[1], t[2]) not in figure_ok or not targets.actual_in(t[2], words, figure.unit):
                    continue
                if max(t[0], goal[0]) < self.tuning.answer_min:
                    continue
                score = t[0] + goal[0]
                if best is None or score > best[0]:
                    best = (score, t, goal)
        if best is None:
            return None
        _, actual, goal = best
        said = [(actual[2], (actual[1],))]
        if goal[:3] != actual[:3]:
            said.append((goal[2], (goal[1],)))
        return Draft(tuple(said))

    def _ranked(self, question: str | None, wanted: set[str], hits: list[Hit], candidates: list[tuple[int, str]],
                about: list[set[str]], dense) -> list[tuple[float, int, str, float]]:
        """(score, hit, sentence, typed) of the sentences that may answer ``question``, best
        first: those holding what it asks for, about what it asks (None: every sentence, unfiltered)."""
        kind = answer_type(question) if question else None
        role = role_asked(question) if question else None
        # A role's holder is a person: a body ('the Childrens Trust') names no lead member.
        held = "name" if kind == "person" and role.words else kind
        tuning = self.tuning
        scored = []
        for (i, s), found, cos in zip(candidates, about, dense):
            share = len(wanted & found) / len(wanted) if wanted else 0.0
            if kind == "grade" and share < AREA_NAMED:
                continue  # a grade said of another area ('fostering' is not 'private fostering arrangements')
            typed = type_strength(s, held, question) if kind else 0.0
            if held == "person" and typed:  # no role asked ('who was recruited?'): whoever did it answers,
                typed = 1.0                 # named or by a role ('the Chair of the Council'), on its score
            score = (tuning.w_dense * float(cos) + tuning.w_words * share + tuning.w_type * typed
                     + tuning.w_rank / (1 + i))
            scored.append((score, i, s, typed))
        # Best first; ties broken by retrieval rank, then by position, so answers are stable.
        scored.sort(key=lambda t: (-round(t[0], 6), t[1]))
        if question is None:
            return scored
        if not _PICTURE_ASKED.search(question):  # a caption names a picture; it states nothing
            scored = [t for t in scored if not CAPTION.match(t[2])]
        if kind == "person":  # the role asked is named: a director is not the lead inspector, nor a panel
            scored = [t for t in scored if role.named_by(f"{_context(hits[t[1]])} {t[2]}")]
            if role.of_inspectorate:  # an inspector is named by the inspectorate's report, not a council's summary
                scored = [t for t in scored if hits[t[1]].meta.voice is Voice.OFSTED]
        if kind in ("number", "rate") and (count := counted(question)):
            # a figure of the thing counted: 'one social worker said' gives no count of agency workers;
            # and a count in words ('all children') says so little that it must share more of the
            # question than the thing counted ('all children have help' is no count of a council's members)
            about = wanted - set(count.words)
            scored = [t for t in scored
                      if count.held_by(t[2], f"{_context(hits[t[1]])} {hits[t[1]].paragraph.lead_in}")
                      and (t[3] == 1.0 or about & set(tokenize(t[2])))]
        # A cover or header line ('Date of Meeting | 7 th September 2016', 'Lead inspector: ...')
        # answers only a question that names its label: its date or name is that label's.
        asked = set(tokenize(as_labels_say(question)))
        scored = [t for t in scored if not (pairs := header_line(t[2]))
                  or any(names_label(label, asked) for label, _ in pairs)]
        if kind:  # 'when', 'how many', 'who': only sentences holding a date, number or name answer,
            # and a figure beats a count in words ('106 children' over 'the majority of plans') --
            # among the sentences good enough to be said: a name in a sentence about something
            # else ('heads to join the Governing Body in September') does not silence the one
            # that answers by a role ('the Chair of the Council was recruited as a new governor')
            good = [t[3] for t in scored if t[0] >= self.tuning.answer_min]
            strongest = max(good or [t[3] for t in scored], default=0.0)
            scored = [t for t in scored if t[3] and t[3] == strongest]
        return scored

    def _vectors(self, hits: list[Hit], candidates: list[tuple[int, str]], context: list[str]) -> np.ndarray:
        """One row per candidate sentence, each read after its heading ('Being healthy:
        ...'), as ``ingest.sentences.sentence_texts`` embeds it."""
        texts = [f"{c}: {s}" if c else s for (_, s), c in zip(candidates, context)]
        if self.sentence_vectors is None:
            return np.asarray(self.embedder.embed(texts), dtype=np.float32)
        counts = Counter(i for i, _ in candidates)  # hits with sentences, in order (dicts keep it)
        got_all = self.sentence_vectors([(hits[i].key, hits[i].paragraph) for i in counts])
        rows, start = [], 0
        for (i, n), got in zip(counts.items(), got_all):
            # rows line up with this hit's sentences, or (a stored split of another rule) embed them
            rows.append(got if len(got) == n else np.asarray(self.embedder.embed(texts[start:start + n]),
                                                               dtype=np.float32))
            start += n
        return np.concatenate(rows)


def _pick(scored: list, limit: int, tuning: Tuning, holds: dict[tuple[int, str], set[str]] | None = None,
          doc_of: Sequence[str] = (), each_adds: bool = False,
          each_report_adds: bool = True) -> list[tuple[str, tuple[int, ...]]]:
    """The best sentences within ``tuning.within`` of the best, at most
    ``tuning.per_paragraph`` from one paragraph, none repeating one already said.
    With ``holds`` (the question's words each sentence holds) and ``doc_of`` (each hit's
    report), a sentence of a report not yet quoted must hold a word of the question that
    none chosen before holds: a second report saying nothing more of what was asked is
    a citation that backs nothing ('When did Dorset open ChAD?' answered, then the date
    of another report's inspection). Within one report a second paragraph often holds a
    question's second part in other words ('on what terms': 'a 12-month fixed term'), so
    it is not held to this -- except with ``each_adds``, for a question asking one typed
    fact (a count, a date, a name): a second sentence holding such a fact and no word of the
    question the first lacks is another fact of the same words, not more of the answer ('606
    children were looked after' answered, then 'of thirteen looked after young people who
    responded to the survey, 10 ...')."""
    best = scored[0][0]
    out: list[tuple[str, tuple[int, ...]]] = []
    per_hit: dict[int, int] = {}
    said: set[str] = set()
    quoted: set[str] = set()
    for score, i, s, _ in scored:
        if score < best - tuning.within or len(out) == limit:
            break
        if per_hit.get(i, 0) == tuning.per_paragraph or _repeats(s, [c for c, _ in out]):
            continue
        if holds is not None:
            adds = (each_adds or (each_report_adds and doc_of[i] not in quoted))
            if out and adds and not holds[(i, s)] - said:
                continue
            said |= holds[(i, s)]
            quoted.add(doc_of[i])
        per_hit[i] = per_hit.get(i, 0) + 1
        out.append((s, (i,)))
    return out


def _candidates(hits: list[Hit], said: list[tuple[int, str]], context: list[str], closeness,
                wanted: set[str]) -> tuple[list[tuple[int, str]], list[float], list[set[str]]]:
    """The texts that may be quoted, as (hit, text), with each one's cosine with the question
    and the words it is about (its own, its heading's and lead-in's, as keyword.held_words reads them),
    from the hits' sentences (``said``) and their cosines (``closeness``).

    A sentence that points back for what it is about ('seven children were benefiting from
    these arrangements') is quoted with the sentence it points to ('The local authority
    actively promotes fostering to adopt arrangements.') when that one holds words of the
    question it does not: alone it answers nothing a reader can check, and its own words do
    not say what it is about. The pair is one candidate, holding both's words and as close to
    the question as the closer of the two. ('we are striving to recruit to these posts' names
    its subject already: the sentence before adds nothing asked, and is not said.)"""
    candidates, dense, about = [], [], []
    for n, ((i, s), c) in enumerate(zip(said, context)):
        text = f"{c} {hits[i].paragraph.lead_in} {s}"
        before = said[n - 1][1] if n and said[n - 1][0] == i and refers_back(s) else ""
        if (set(tokenize(before)) - set(tokenize(text))) & wanted:
            candidates.append((i, f"{before} {s}"))
            dense.append(max(closeness[n - 1], closeness[n]))
            text = f"{text} {before}"
        else:
            candidates.append((i, s))
            dense.append(closeness[n])
        about.append(held_words(text))  # 'case files' ~ 'records'
    return candidates, dense, about


# A sentence that points back to the one before it for what it is about: 'these
# arrangements', 'such plans', 'this is an omission', 'they had completed 25 inspections'.
# Not 'such as', nor 'this inspection' or 'this year', which name their own thing.
_BACK = re.compile(r"\b(?:these|those|such(?! as\b)|this(?! (?:inspection|report|year|month|week|review|visit)\b))\b",
                   re.I)
_THEY = re.compile(r"\b(?:they|them)\b", re.I)
# what 'they' may mean within its own sentence: a plural ('services', 'children'); rough is enough
_PLURAL = re.compile(r"\b(?:[a-z]{3,}s|children|people)\b", re.I)


def refers_back(sentence: str) -> bool:
    """Whether ``sentence`` names what it is about only by pointing back to the sentence
    before it ('these arrangements', 'this is an omission'); 'they' points back only when
    no plural before it in the sentence could be what it means ('services ... when they
    were last inspected' points within)."""
    if _BACK.search(sentence):
        return True
    they = _THEY.search(sentence)
    return bool(they) and not _PLURAL.search(sentence[:they.start()])


def _context(hit: Hit) -> str:
    """The heading a short paragraph needs to make sense ('Being healthy', 'Local leadership')."""
    path = hit.paragraph.heading_path
    return path[-1] if path else ""


def _repeats(sentence: str, kept: list[str]) -> bool:
    """Near-duplicates (the same finding quoted in two reports) are said once, and a
    sentence that only repeats words already said ('Capacity for improvement' after
    'Capacity for improvement | Adequate') not at all."""
    words = set(tokenize(sentence))
    for other in kept:
        if other in sentence or sentence in other:  # a sentence quoted alone and with the one it points back to
            return True
        o = set(tokenize(other))
        if words and o and (words <= o or len(words & o) / len(words | o) > 0.8):
            return True
    return False
