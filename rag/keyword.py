"""Keyword (BM25) search over paragraphs: the half of hybrid retrieval that finds
exact words the embedding model blurs (names, figures, acronyms, 'out-of-hours').

``tokenize`` is the one analyser used for both paragraphs and questions, so they
always meet on the same tokens:

- Unicode NFKC, case-folded; curly quotes folded to straight ones;
- apostrophes *inside* words are removed, so ``children's``, ``children’s`` and
  ``childrens`` (the Poole report lost most of its apostrophes) are one word;
- split on anything that is not a letter or digit ('out-of-hours' -> out, of,
  hours; '10,000' -> 10, 000);
- a small explicit English stopword list is dropped (before stemming, so the list
  is readable);
- Snowball English stemming (PyStemmer), so 'childrens'/'children' and
  'recommendations'/'recommendation' meet.

``KeywordIndex`` scores with bm25s (Lucene BM25, k1 and b from core/tuning.py) over
token ids we build ourselves: bm25s never tokenises, stems or downloads anything here.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from typing import Hashable, Iterable, Sequence

import numpy as np

from core.tuning import Tuning

# Whose apostrophes and quotes look like what: folded before anything else.
_QUOTE_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
})
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W_])'(?=[^\W_])")
_WORD = re.compile(r"[^\W_]+")  # letters and digits (any script), never '_'

# Kept small on purpose: the words questions are made of, not words that carry
# meaning in these reports. Left in: 'out'/'over'/'under' ('out-of-hours', 'out of
# county', 'under 18s'), 'not'/'no', and content words like 'care' or 'plan'.
STOPWORDS = frozenset("""
a about after all also am an and any are as at be because been before being both but
by can could did do does doing done during each for from had has have having he her
here hers herself him himself his how i if in into is it its itself just me my myself
of on or our ours ourselves she should so some such than that the their theirs them
themselves then there these they this those to too very was we were what when where
which while who whom why will with would you your yours
say says said tell please
""".split())


def tokenize(text: str, stemmer=None) -> list[str]:
    """The analysed tokens of ``text`` (see the module doc). ``stemmer`` lets a caller
    that tokenises many texts reuse one PyStemmer instance (they are not thread-safe,
    so each call without one makes its own: it costs under a microsecond)."""
    if stemmer is None:
        stemmer = _new_stemmer()
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD).casefold()
    folded = _INNER_APOSTROPHE.sub("", folded)
    words = [w for w in _WORD.findall(folded) if w not in STOPWORDS]
    return stemmer.stemWords(words) if words else []


def _new_stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# 'Local Safeguarding Children Board (LSCB)', 'multi-agency safeguarding hub (MASH)': a
# long form of up to eight words before an acronym in brackets.
_DEFINED = re.compile(r"((?:[^\W\d_][\w'’-]*\s+){1,8})\(([A-Z]{2,6})\)")
_SMALL = frozenset("of for and the in on to a an".split())
_BRACKETED = re.compile(r"\([A-Z]{2,6}\)")  # cheap first test: most paragraphs define none


def acronyms_in(text: str) -> list[tuple[str, str]]:
    """(acronym, long form) for each acronym the text defines, checked by initials
    ('Local Safeguarding Children Board (LSCB)'; hyphenated words give one initial
    per part: 'multi-agency safeguarding hub (MASH)')."""
    out: list[tuple[str, str]] = []
    if not _BRACKETED.search(text):
        return out
    for m in _DEFINED.finditer(text):
        words, short = m.group(1).split(), m.group(2)
        taken: list[str] = []
        initials = ""
        for word in reversed(words):
            parts = [w for w in re.split(r"[-’']", word) if w]
            if word.lower() in _SMALL:
                if taken:
                    taken.insert(0, word)
                continue
            initials = "".join(w[0] for w in parts).upper() + initials
            taken.insert(0, word)
            if not short.endswith(initials):
                break
            if initials == short:
                out.append((short, " ".join(taken)))
                break
    return out


# Two names for one thing that reports and readers both use: councils' papers say 'Members'
# where staff say 'councillors', 'leaving care services' for care leavers; inspectors 'review
# case files' where a reader asks how many children's 'records' they read. Either finds the other.
# ('children in care' ~ 'looked after children' was tried: every 2011 heading says the
# latter, so it only pulled in grade rows; tried again with the embedding's wording too
# (as_reports_say), issue 13's dev split: correct 0.892 -> 0.886, an unanswerable answered.)
SAME = (("councillors", "members"), ("care leavers", "leaving care"), ("records", "case files"))
# An everyday wording and the sector's term for it, as (a reader's, the reports'): the reports
# say 'offending' and 'exclusions' for what a parent or councillor calls getting into trouble
# with the law or being sent home from school. Each finds the other like SAME, and the
# embedding is told the term (as_reports_say). Only the sector's standard terms belong here,
# never one report's phrase.
EVERYDAY = (("trouble with the law", "offending"), ("trouble with the police", "offending"),
            ("sent home from school", "excluded"), ("sent home from school", "exclusions"),
            ("run away", "missing"), ("ran away", "missing"), ("running away", "missing"),
            ("foster parents", "foster carers"), ("foster families", "foster carers"),
            ("unemployed", "not in education, employment or training"),
            ("exam results", "attainment"), ("school results", "attainment"),
            ("left care", "care leavers"), ("leave care", "care leavers"))
# The law's term and the everyday one for the same children, both in the reports' own headings
# and text ('looked after children are described as children in care', Dorset 2011): told to the
# embedding and read as one in a sentence, but not searched by keyword (see SAME: searched,
# 'looked after' pulled in every 2011 grade row). Matched as phrases: 'look at' is not 'looked after'.
TERMS = (("in care", "looked after"),)


def _same_words() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    pairs = [(tuple(tokenize(a)), tuple(tokenize(b))) for a, b in SAME + EVERYDAY]
    return pairs + [(b, a) for a, b in pairs]


def _phrase(words: str) -> re.Pattern:
    return re.compile(r"\b" + r"[\s-]+".join(words.split()) + r"\b", re.I)


# each TERMS phrase, then the other: its words, its pattern and its tokens
_TERM_PHRASES = [(_phrase(one), other, _phrase(other), tuple(tokenize(other)))
                 for pair in TERMS for one, other in (pair, pair[::-1])]


def expand(tokens: list[str], acronyms: dict[str, tuple[str, ...]]) -> list[str]:
    """Query tokens with: each acronym's long form added, and each acronym added whose
    long form the query all but spells out (one word of four or more may be missing:
    'safeguarding children board' finds 'LSCB'); the other wording of a phrase in SAME."""
    have = set(tokens)
    out = list(tokens)
    for phrase, other in _SAME_TOKENS:
        if set(phrase) <= have:
            out += [t for t in other if t not in have and t not in out]
    for short, long in acronyms.items():
        if short in have:
            out += [t for t in long if t not in have]
        elif long and len(set(long) - have) <= (1 if len(long) >= 4 else 0):
            out.append(short)
    return out


_SAME_TOKENS = _same_words()
# each everyday wording and the reports' term, for the embedding: a question already in the
# reports' words gains nothing from a reader's
_EVERYDAY_PHRASES = [(tuple(tokenize(a)), b) for a, b in EVERYDAY]


def as_reports_say(question: str) -> str:
    """``question`` with the reports' term for each EVERYDAY wording it holds added in
    brackets, for the embedding: 'How often do children in care get into trouble with the law?
    (offending)'. The embedding model does not know that a sector term means the everyday
    phrase (a question so worded ranked its paragraph 16th by dense search, 5th with the term)."""
    have = set(tokenize(question))
    terms = [other for phrase, other in _EVERYDAY_PHRASES if set(phrase) <= have and not set(tokenize(other)) <= have]
    terms += [other for phrase, other, said, _ in _TERM_PHRASES if phrase.search(question) and not said.search(question)]
    return f"{question} ({'; '.join(dict.fromkeys(terms))})" if terms else question


# The class: the words that name the report a question is about ('..., according to the 2011
# inspection?', 'at the time of the 2011 Ofsted inspection', 'Darlington's summary'). The
# filters choose that report already; searched for, they find its paragraphs about the
# inspection itself ('The inspection team evaluated ...'). Both searches leave out such a
# phrase (``without_report_named``); BM25 also each word that names a kind of report
# (``report_words``), where the question has words enough of its own.
_REPORT_NAMED = re.compile(
    r"(?:,\s*)?\b(?:according to|at the time of|in|at|from|during|by|of|on)\s+(?:the|its|their|[A-Z][\w-]*['’]s?)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:inspection|report|paper|self-evaluation|summary|review)\b,?", re.I)
_REPORT_WORDS = frozenset(tokenize("ofsted inspection report paper cabinet self-evaluation summary councillors "
                                   "findings according"))
_TOPIC_LEFT = 3  # content words a question must keep for its report's name to be left out


def without_report_named(question: str) -> str:
    """``question`` less the phrases naming its report (above), where enough of it is left."""
    left = _REPORT_NAMED.sub(" ", question)
    if len(set(tokenize(left)) - STOPWORDS) < _TOPIC_LEFT:
        return question
    return " ".join(left.split()).replace(" ?", "?")


def report_words(question: str, ignored: frozenset[str] = frozenset()) -> frozenset[str]:
    """The words naming a kind of report for a keyword search to leave out (above): none
    unless the question has ``_TOPIC_LEFT`` words besides them and ``ignored``."""
    return _REPORT_WORDS if len(set(tokenize(question)) - ignored - _REPORT_WORDS) >= _TOPIC_LEFT else frozenset()


def term_opening(text: str) -> str | None:
    """The TERMS phrase ``text`` opens with, if any: 'looked after by Dorset' -> 'looked after'."""
    return next((m.group() for phrase, *_ in _TERM_PHRASES if (m := phrase.match(text))), None)


def held_words(text: str) -> set[str]:
    """The words (tokens) ``text`` holds, with the other wording of each SAME, EVERYDAY or TERMS
    phrase in it: a sentence saying 'case files' holds a question's 'records', '481 Children in
    Care' holds 'looked after'."""
    tokens = set(tokenize(text))
    tokens |= {t for phrase, other in _SAME_TOKENS if set(phrase) <= tokens for t in other}
    return tokens | {t for phrase, *_, other in _TERM_PHRASES if phrase.search(text) for t in other}


def _analyse(text: str, stemmer) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """A text's tokens (interned: a cache of 100,000 paragraphs shares one copy of each
    word) and the acronyms it defines, as tokens."""
    tokens = tuple(sys.intern(t) for t in tokenize(text, stemmer))
    defined = tuple((short_tokens[0], tuple(tokenize(long, stemmer))) for short, long in acronyms_in(text)
                    for short_tokens in (tokenize(short, stemmer),) if short_tokens)
    return tokens, defined


class KeywordIndex:
    """BM25 over (key, text) items; keys are any hashables (here (doc_id, locator)).

    ``build`` replaces the whole index; ``search`` is read-only, so one built index
    can be searched from several threads.
    """

    def __init__(self, tuning: Tuning = Tuning()) -> None:
        """``tuning``: where BM25's k1 and b come from (frozen, so a safe default)."""
        self.tuning = tuning
        self._keys: list[Hashable] = []
        self._position: dict[Hashable, int] = {}
        self._vocab: dict[str, int] = {}
        self._bm25 = None  # None: empty index (no items, or no item had a token)
        self._acronyms: dict[str, tuple[str, ...]] = {}  # 'lscb' -> ('local', 'safeguard', 'children', 'board')
        self.analysed: dict[str, tuple] = {}  # text -> its analysis, for the next build's cache

    def __len__(self) -> int:
        return len(self._keys)

    def build(self, items: Iterable[tuple[Hashable, str]], cache: dict | None = None) -> "KeywordIndex":
        """Index ``items`` in the given order (that order breaks score ties).

        ``cache`` (text -> its analysis) skips the analysis of texts seen before, which
        is most of the cost: a caller rebuilding after one report changed passes the
        dict it kept and keeps ``self.analysed`` (this build's texts only) for the next."""
        cache = cache if cache is not None else {}
        keys: list[Hashable] = []
        position: dict[Hashable, int] = {}
        vocab: dict[str, int] = {}
        corpus_ids: list[list[int]] = []
        stemmer = _new_stemmer()
        acronyms: dict[str, tuple[str, ...]] = {}
        analysed: dict[str, tuple] = {}
        for key, text in items:
            if key in position:
                raise ValueError(f"duplicate key {key!r}")
            position[key] = len(keys)
            keys.append(key)
            tokens, defined = analysed[text] = cache.get(text) or _analyse(text, stemmer)
            corpus_ids.append([vocab.setdefault(tok, len(vocab)) for tok in tokens])
            for short, long in defined:
                acronyms.setdefault(short, long)
        self._keys, self._position, self._vocab = keys, position, vocab
        self._acronyms = acronyms
        self._bm25 = self._bm25_index(corpus_ids, vocab) if vocab else None
        self.analysed = analysed
        return self

    def _bm25_index(self, corpus_ids: list[list[int]], vocab: dict[str, int]):
        import bm25s

        bm25 = bm25s.BM25(k1=self.tuning.bm25_k1, b=self.tuning.bm25_b, method="lucene")
        # The (ids, vocab) tuple form: bm25s uses our ids as they are. No empty
        # token: search() never passes an empty query to bm25s.
        bm25.index((corpus_ids, vocab), create_empty_token=False, show_progress=False)
        return bm25

    def search(self, query: str, k: int, allowed: set | frozenset | None = None,
               ignore: frozenset = frozenset()) -> list[tuple[Hashable, float]]:
        """The best ``k`` (key, BM25 score) pairs for ``query``, best first.

        Only keys in ``allowed`` (when given) can be returned; only items sharing at
        least one token with the query (score > 0). Equal scores keep build order.
        A query with no token the index knows returns [].
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        if self._bm25 is None:
            return []
        # Each distinct query word counts once: 'children's services for children'
        # should not weigh 'children' twice.
        asked = [t for t in tokenize(query) if t not in ignore]
        ids = list(dict.fromkeys(self._vocab[t] for t in expand(asked, self._acronyms) if t in self._vocab))
        if not ids:
            return []
        scores = np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float64)
        keep = scores > 0
        if allowed is not None:
            keep &= self._mask(allowed)
        candidates = np.flatnonzero(keep)
        if candidates.size == 0:
            return []
        # lexsort: last key is primary -> score descending, then build position
        order = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
        return [(self._keys[i], float(scores[i])) for i in order]

    def _mask(self, allowed: Iterable[Hashable]) -> np.ndarray:
        mask = np.zeros(len(self._keys), dtype=bool)
        for key in allowed:
            i = self._position.get(key)
            if i is not None:
                mask[i] = True
        return mask

    def keys(self) -> Sequence[Hashable]:
        return tuple(self._keys)
