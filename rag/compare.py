"""Comparisons as composed answers: read a comparison's sides, then compose the sides'
own answers into one.

A question that compares ('How did the number of children in Dorset's care in 2011
compare with the 2020 self-evaluation's figure?', 'Which had more ..., Dorset or
Darlington?') names two or more sides: councils, years, or kinds of report (Ofsted's,
the council's self-evaluation, its committee papers). The chain (rag/chain.py) answers
each side as its own question over that side's reports only, so neither side crowds out
the other; ``compose`` then gives each side's answer with its citation, names a side the
reports do not answer (never drops it), and states the comparison (higher, lower, the
same; rose, fell, improved, declined) when both sides hold one number or one grade.

``sides`` and ``compose`` are pure functions: the question and the library's metadata
in, the sides out; the sides' answers in, one Draft out.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from core.dates import MONTH_NAMES
from core.grades import GRADE_WORDS, grade_rank, normalise_grade
from core.model import ReportMeta
from core.sentences import sentences as split_sentences

from .figures import figures_in, undated
from .keyword import held_words, tokenize
from .model import NO, YES, Draft, Filters, Hit
from .question import POLAR_OPENER, YEAR, Question, answer_type, counted, voice_named, voice_words

# The words that make a question a comparison. Naming two councils or years is not
# enough ('What was planned for April 2017 in the 2016 paper?' names two years).
_COMPARING = re.compile(
    r"\bcompar\w*|\bthan\b|\bversus\b|\bvs\b|\bdiffer\w*|\bchang\w*\b.*\bbetween\b|\bbetween\b.*\band\b|"
    r"\bagree\w*|\b(improv|declin|worsen)\w*\b.*\b(since|between|from)\b|"
    r"\b(which|who)\b.*\b(more|fewer|less|higher|lower|better|worse|bigger|smaller|larger)\b|"
    r"\b(more|fewer|higher|lower|better|worse)\b.*\bor\b",  # 'Did inspectors look at more ... in Dorset or in ...?'
    re.I)

# 'Which had more ...?', '... higher rate than ...': the sides' numbers are what is compared.
_MORE = re.compile(r"\b(more|fewer|higher|lower)\b", re.I)
_FEWER = re.compile(r"\b(more|fewer)\b(?! than\b)", re.I)  # 'more care leavers': a count of each side's
# 'Which had more ...', 'Which council employed fewer ...': the choice between the sides is
# the comparison's; each side asks 'How many ...'.
_WHICH_MORE = re.compile(r"\s*(?:which|who|whose)\b(?:\s+[\w'’]+){0,3}?\s+(?:more|fewer)\b(?! than\b)", re.I)
# Whose report a side is, when the question names two kinds of report and no two councils
# or years ('Does the inspection agree with the self-evaluation?'): Ofsted's, by name or
# by its inspection, only then; a council paper reports Ofsted's findings too.
_OFSTED = re.compile(r"\b(ofsted|inspection|inspectors?)\b", re.I)
_VOICE_NOUN = {"ofsted": "Ofsted report", "self-evaluation": "self-evaluation", "committee-paper": "committee paper"}
_NUMBER_KINDS = ("number", "rate", "money")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: what it is called and the reports that answer it."""

    label: str  # 'Dorset 2011', 'Dorset 2020 self-evaluation'
    filters: Filters  # the question's filters narrowed to this side
    place: str | None = None
    year: int | None = None  # the year named (kept for the label even where it names no report)
    question: str = ""  # the side asked on its own (``side_question``)
    # The year named is before any report of the council ('the December 2007 Joint Area
    # Review'): told by its later reports' text, not by their records of their own inspections.
    earlier: bool = False


@dataclass(frozen=True)
class SideAnswer:
    """A side's answer: its sentences (already checked by the guard) with the paragraphs
    each cites, and how many reports the side allowed (0: the library holds none)."""

    side: Side
    sentences: tuple[tuple[str, tuple[Hit, ...]], ...]
    reports: tuple[ReportMeta, ...]
    note: str = ""  # what the side's answer says of itself: 'Ofsted made 15 recommendations in ...'
    found: tuple[Hit, ...] = ()  # the paragraphs the side's search found (``alike`` looks in them)


@dataclass(frozen=True)
class Value:
    """The one figure or grade a side's answer gives: what is compared."""

    shown: str  # as the report prints it: '294', '98.6%', 'good'
    amount: float  # the number, or the grade's rank (1 outstanding ... 4 inadequate)
    unit: str = ""  # '%', 'per 10,000', '£', 'grade', or '' for a count


def is_comparison(text: str) -> bool:
    return bool(_COMPARING.search(text))


def sides(question: Question, given: Filters, library: list[ReportMeta]) -> tuple[Side, ...]:
    """The sides a comparison names, each with its filters; () when the question does not
    compare, names fewer than two sides, or its sides are the same reports. Sides by
    council first (each council takes the year and kind of report named beside it), else
    by year (of the one council named), else by kind of report. A council the library
    does not hold is a side (with no reports) unless the question compares two years:
    'Dorset's 2016 paper said it was negotiating with Bournemouth ... does the 2020
    self-evaluation confirm it?' compares Dorset's years."""
    text = question.text
    if given.doc_id is not None or not is_comparison(text):
        return ()
    known = [p for p in question.places if p not in question.unknown_places]
    anchors: list[tuple[int, str]] = []
    by_place = given.authority is None and known and len(question.places) >= 2
    if by_place and len(known) >= 2:
        anchors, kind = _positions(text, question.places), "place"
    elif len(question.years) >= 2 and given.year is None:
        anchors, kind = _positions(text, [str(y) for y in question.years]), "year"
    elif by_place:  # a council the library does not hold is a side too: named as not answered
        anchors, kind = _positions(text, question.places), "place"
    else:
        anchors = _voice_positions(text) if given.voice is None else []
        kind = "voice"
    if len(anchors) < 2:
        return ()
    names = set(tokenize(" ".join(question.places + tuple(map(str, question.years)))))
    starts = [at for at, _ in anchors] + [len(text)]
    shared = text[:starts[0]]  # before the first side: said of every side ('In 2011, did Dorset or Poole ...')
    out = []
    named = [_naming(text, at, name, end, question.years) for (at, name), end in zip(anchors, starts[1:])]
    for i, ((at, name), end) in enumerate(zip(anchors, starts[1:])):
        own = text[at:end]
        place = name if kind == "place" else (known[0] if len(known) == 1 else given.authority)
        # One year named once is every side's ('... compare with Leeds's in 2011?').
        year = int(name) if kind == "year" else _year_in(own, question.years)
        inherited = None if year else (_year_in(shared, question.years) or given.year
                                       or (question.years[0] if len(question.years) == 1 else None))
        voice = name if kind == "voice" else (voice_named(own) or voice_named(shared) or given.voice)
        side = _side(place, year, inherited, voice, given, library)
        asked = side_question(text, named, i)
        if not set(tokenize(asked)) - names:
            # what is compared was said inside another side's part, the side elided ('Was Poole's
            # overall grade in 2017 worse than Darlington's?'): the whole question less the others' names
            asked = _without(text, [n for j, (_, n) in enumerate(anchors) if j != i]
                             + [y for j, (at_j, _, end_j) in enumerate(named) if j != i
                                for y in YEAR.findall(text[at_j:end_j]) if y not in YEAR.findall(own)])
        if _FEWER.search(asked) and answer_type(asked) not in _NUMBER_KINDS:
            asked = _count_of_each(asked)
        out.append(replace(side, question=asked))
    if len({_allowed(s.filters, library) for s in out}) < 2:
        return ()  # two names for the same reports ('the inspection from November 2011 reported in 2012')
    return tuple(out)


def _count_of_each(asked: str) -> str:
    """A side of 'Which had more care leavers?' or 'Were there more children in care in
    2020 than in 2011?' asks each side's count: 'How many care leavers ...?', 'How many
    children in care in 2011 were there?' (a yes/no frame around 'how many' would read
    as neither a count nor a yes/no)."""
    if _WHICH_MORE.match(asked):
        return _WHICH_MORE.sub("How many", asked, count=1)
    more = _FEWER.search(asked)
    if (opener := POLAR_OPENER.search(asked)) and opener.end() <= more.start():
        framing, aux = asked[:opener.start(1)], opener[1].lower()
        subject = asked[opener.end():more.start()].strip()
        rest = asked[more.end():].strip().rstrip("?").strip()
        return " ".join(f"{framing}{'how' if framing else 'How'} many {rest} {aux} {subject}".split()) + "?"
    return _FEWER.sub("how many", asked, count=1)


def _naming(text: str, at: int, name: str, end: int, years: tuple[int, ...]) -> tuple[int, int, int]:
    """A side's words: (start, end of the words naming it, end of its part of the question).
    It is named by its council, year or kind of report and whatever of those follows
    in its part ('Dorset Council in 2020', '2020 self-evaluation', 'Darlington's')."""
    own = text[at:end]
    last = at + len(name) + (2 if re.match(r"['’]s\b", text[at + len(name):]) else 0)
    for m in YEAR.finditer(own):
        if int(m[0]) in years:
            last = max(last, at + m.end())
    if (words := voice_words(own)) is not None:
        last = max(last, at + words[1])
    if m := _EVENT.match(text, last, end):  # 'Poole at the 2017 inspection', 'Darlington at its inspection'
        last = m.end()
    return at, last, end


# The inspection or report that names a side, said after its council or year ('Poole at
# the 2017 inspection', 'Darlington at its inspection', 'the 2011 inspection'): the side's
# naming words, not what is compared, so another side's question leaves them out.
_EVENT = re.compile(r"(?:\s+(?:at|in|from|of|by)\s+(?:its|their|the)(?:\s+(?:19|20)\d\d)?)?"
                    r"\s+(?:inspection|report|review|visit)s?\b", re.I)


# The frame that joins a comparison's sides: left out of each side's own question.
_JOINING = re.compile(r"\b(?:how (?:does|do|did) (?:that|this|it|they) compare|compare[sd]?|change[sd]?|differ(?:ed)?)"
                      r"(?: with| to| between| from)?\b|\bbetween\b", re.I)
_DANGLING = re.compile(r"(?:[\s,:;]+(?:and|or|with|than|to|the|its|their|in|at)\b)+\s*(?=[?.!]?\s*$)|"
                       r"\s+['’]s\b", re.I)


def side_question(text: str, named: list[tuple[int, int, int]], i: int) -> str:
    """Side ``i``'s own question: the others' parts of the question left out (the last
    part only its naming words, since the question's topic may trail after it: 'How did
    Dorset's and Darlington's overall effectiveness grades compare?'), the words joining
    the sides, and the side's own words for its kind of report: its filters choose those
    reports, and 'self-evaluation' in the question would find the cover page that says it.
    'How did the number of children looked after by Dorset change between the 2011
    inspection and the 2020 self-evaluation?' -> '... looked after by Dorset the 2011
    inspection?' and '... looked after by Dorset the 2020?'."""
    cut = [(start, named_end if j == len(named) - 1 else end)
           for j, (start, named_end, end) in enumerate(named) if j != i]
    own_start, _, own_end = named[i]
    if (words := voice_words(text[own_start:own_end])) is not None:
        cut.append((own_start + words[0], own_start + words[1]))
    out, at = [], 0
    for start, end in sorted(cut):
        out.append(text[at:start])
        at = end
    out.append(text[at:])
    return _unjoined("".join(out))


def _without(text: str, names: list[str]) -> str:
    """``text`` less each of ``names`` (and its ''s'), the joining words and what dangles."""
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}(?:['’]s)?\b", " ", text)
    return _unjoined(text)


def _unjoined(text: str) -> str:
    """``text`` less the words joining the sides and what they leave dangling, tidied."""
    text = _DANGLING.sub("", _JOINING.sub(" ", text))
    return " ".join(text.split()).replace(" ?", "?").replace(" ,", ",")


def _side(place: str | None, year: int | None, inherited: int | None, voice: str | None, given: Filters,
          library: list[ReportMeta]) -> Side:
    """``year``: named beside this side; ``inherited``: named for every side (or given)."""
    filters = replace(given, places=(), years=(), authority=place, year=year or inherited, voice=voice)
    if filters.year is not None and not _allowed(filters, library) and _allowed(replace(filters, year=None), library):
        # A year no report of that council is from: its own ('the December 2007 Joint Area
        # Review'): its later reports tell that history, and the question's own words carry
        # the year; the other side's ('Poole at the 2017 inspection or Dorset?'): not this side's.
        filters = replace(filters, year=None)
    elif not year:
        year = inherited
    label = " ".join(str(x) for x in (place, year) if x)
    if voice:
        label = f"{label} {_VOICE_NOUN[voice]}" if label else f"the {_VOICE_NOUN[voice]}"
    earlier = bool(year and filters.year is None
                   and all(m.year > year for m in library if filters.allows(m)))
    return Side(label or "this side", filters, place, year, earlier=earlier)


def _allowed(filters: Filters, library: list[ReportMeta]) -> frozenset[str]:
    return frozenset(m.doc_id for m in library if filters.allows(m))


def _positions(text: str, names) -> list[tuple[int, str]]:
    """Where each name is first said, in the order said."""
    found = [(m.start(), n) for n in names if (m := re.search(rf"\b{re.escape(n)}\b", text, re.I))]
    return sorted(found)


def _voice_positions(text: str) -> list[tuple[int, str]]:
    found: dict[str, int] = {}
    for m in re.finditer(r"\S+(?:\s+\S+)?", text):  # a kind of report is named in one or two words
        voice = voice_named(m[0]) or ("ofsted" if _OFSTED.search(m[0]) else None)
        if voice and voice not in found:
            found[voice] = m.start()
    return sorted((at, v) for v, at in found.items())


def _year_in(text: str, years: tuple[int, ...]) -> int | None:
    return next((int(y) for y in YEAR.findall(text) if int(y) in years), None)


# -- composing ------------------------------------------------------------------------------
def compose(question: Question, answers: list[SideAnswer]) -> tuple[Draft, list[Hit]]:
    """One Draft from the sides' answers, in the sides' order: each side's sentences led
    by the report they quote; a side the reports do not answer named in the note; and,
    when each side gives one figure or grade of the same kind, the comparison stated in
    a sentence that cites both sides (the guard checks it against them together). The
    note holds what the sides' answers say of themselves (a count of records) and then
    the sides the reports do not answer."""
    hits: list[Hit] = []
    sentences: list[tuple[str, tuple[int, ...]]] = []
    missing: list[str] = []
    values: list[list[Value]] = []
    said_by: list[list[tuple[str, tuple[int, ...]]]] = []  # each side's sentences, citing hits by index
    thing = _thing(question)
    answers = alike(question, answers)
    notes = [a.note for a in answers if a.note and a.sentences]
    for a in answers:
        texts = [t for t, _ in a.sentences]
        if not a.reports:
            missing.append(f"The library holds no report for {a.side.label}, so no answer is given for it.")
        elif not texts or not _answers(thing, texts):
            # what the side's reports say about the topic stays, but it is no figure or grade
            missing.append(f"{_whose(a)} {_verb(a, thing)}.")
            texts = []
        said = [(text, tuple(_index(hits, h) for h in where)) for text, where in a.sentences]
        # one sentence may tell both sides ('from eight in 2008 to 70'): said once
        sentences += [led for (text, where), (_, refs) in zip(a.sentences, said)
                      if (led := (_led(text, where), refs)) not in sentences]
        values.append(side_values(question, texts))
        said_by.append(said)
    joint: tuple[int, ...] = ()
    pair = compared_values(*values) if len(values) == 2 else None
    stated = comparison([a.side for a in answers], pair) if pair else ""
    # the comparison cites where each side's value is printed
    where = [[(text, refs) for text, refs in said if _shows(text, v)]
             for v, said in zip(pair or (), said_by)]
    cited = [tuple(r for _, refs in w for r in refs) for w in where]
    lead = ""
    if stated and all(cited) and _same_measure(question, *where):
        sentences.append((stated, tuple(dict.fromkeys(r for refs in cited for r in refs))))
        joint = (len(sentences) - 1,)
        lead = verdict(question, [a.side for a in answers], pair) if question.polar else ""
    return Draft(tuple(sentences), abstain=not sentences, note=" ".join(notes + missing), compared=True,
                 joint=joint, verdict=lead), hits


def _same_measure(question: Question, a: list[tuple[str, tuple[int, ...]]],
                  b: list[tuple[str, tuple[int, ...]]]) -> bool:
    """Do the two sides' values measure one thing? Their sentences hold the same of the
    question's own words: '13 care leavers ... attending university' and '31 care leavers
    at University' do; '262 young people receiving leaving care services' does not
    (no 'university'), and no direction is stated between them."""
    measure = _measure_words(question)

    def held(said):
        return measure & held_words(" ".join(text for text, _ in said))
    return held(a) == held(b)


def _index(hits: list[Hit], hit: Hit) -> int:
    for i, h in enumerate(hits):
        if h.key == hit.key:
            return i
    hits.append(hit)
    return len(hits) - 1


def _led(text: str, where: tuple[Hit, ...]) -> str:
    """A side's sentence led by the report it quotes ('Ofsted, Dorset 2011: ...'), unless it
    names it already: quoted sentences do not say which council or year they are about."""
    title = where[0].meta.short_title if where else ""
    return text if not title or title in text else f"{title}: {text}"


# 'Was ... better in Dorset or in Darlington?': how each side was judged is what is compared.
_BETTER = re.compile(r"\b(better|worse|stronger|weaker)\b", re.I)


def _measure(question: Question) -> str:
    """What the sides' values are: grades for a grade question or one asking which was
    better; figures for a count or one asking which had more; '' (no direction) else."""
    return _thing(question) or ("grade" if _BETTER.search(question.text) else "")


def _thing(question: Question) -> str:
    kind = answer_type(question.text)
    if question.intent == "grade" or kind == "grade":
        return "grade"
    if kind in _NUMBER_KINDS or _MORE.search(question.text):
        return "figure"
    return ""


def _answers(thing: str, texts: list[str]) -> bool:
    """Does a side's answer hold what the question compares (``_thing``): a grade for a grade,
    a figure for a count or 'which had more'? (A sentence about the topic without it does not.)"""
    if thing == "grade":
        return any(GRADE_WORDS.search(t) for t in texts)
    if thing == "figure":
        return any(_values(t) for t in texts)
    return True


def _whose(a: SideAnswer) -> str:
    if len(a.reports) == 1:
        return a.reports[0].short_title
    return f"The reports for {a.side.label}"


def _verb(a: SideAnswer, thing: str) -> str:
    one = len(a.reports) == 1
    if thing:
        return f"{'gives' if one else 'give'} no {thing} for this"
    return f"{'does' if one else 'do'} not answer this"


# -- the same kind of value on each side -----------------------------------------------------
# Words of a question that name its sides or join them, not what is measured.
_NOT_MEASURE = frozenset(tokenize(" ".join(MONTH_NAMES.split("|")) + " compare compared between change differ "
                                  "more fewer higher lower bigger smaller"))


def _measure_words(question: Question) -> set[str]:
    """The question's words for what is measured: not 'September', which names a side."""
    return set(question.topic) - _NOT_MEASURE


def alike(question: Question, answers: list[SideAnswer]) -> list[SideAnswer]:
    """Two sides' figures of the same kind. Where the sides' answers give no pair of
    figures of one thing (one side quotes '13 care leavers attending university', the
    other '262 young people receiving leaving care services'; one '35 per 10,000', the
    other '23% of plans ended ...'), the side found in its own search a sentence giving
    one figure of the other side's unit about the same of the question's words ('31 care
    leavers at University'; 'The rate ... is 41 per 10,000.'), that sentence is its answer,
    cited where its report prints it. Of the two ways round, the one whose shared words
    are the rarer in what the sides found ('university' over 'care'): the thing measured.
    A side with no such sentence keeps its answer (and is named as giving no figure)."""
    if _measure(question) != "figure" or len(answers) != 2 or not all(a.sentences for a in answers):
        return answers
    texts = [[t for t, _ in a.sentences] for a in answers]
    pair = compared_values(*(side_values(question, t) for t in texts))
    measure = _measure_words(question)
    if pair and _same_measure(question, *([(t, ()) for t in ts if _shows(t, v)] for ts, v in zip(texts, pair))):
        return answers
    # a sentence of the side's own search, giving a count of what the side counts ('five Dorset
    # learning centres' is no count of its children in care; a rate is often said apart from its
    # thing: 'The rate of children subject to a plan in Dorset is 41 per 10,000')
    counts = [counted(a.side.question) for a in answers]
    pool = [[(sentence, hit) for hit in a.found for sentence in split_sentences(hit.paragraph.text)
             if not count or count.share or count.held_by(sentence)]
            for a, count in zip(answers, counts)]
    held_by = Counter(w for side in pool for sentence, _ in side for w in held_words(sentence) & measure)
    # a rate asked for is compared as a rate ('35 per 10,000', not the '106 children' beside it)
    rate = answer_type(question.text) == "rate"
    best = None
    for ref in (0, 1):
        other = 1 - ref
        for text in texts[ref]:
            held = held_words(text) & measure
            units = [v.unit for v in _values(text, question.topic)]
            once = {u for u in units if units.count(u) == 1} if held else set()
            for unit in sorted(once, key=lambda u: (u == "") == rate):
                for sentence, hit in pool[other]:
                    got = [v for v in _values(sentence, question.topic) if v.unit == unit]
                    if len(got) == 1 and held_words(sentence) & measure == held:
                        weight = sum(1 / held_by[w] for w in held)
                        if best is None or weight > best[0]:
                            best = (weight, other, sentence, hit)
                        break
    if best is None:
        return answers
    _, side, sentence, hit = best
    out = list(answers)
    out[side] = replace(answers[side], sentences=((sentence, (hit,)),))
    return out


def _shows(text: str, value: Value) -> bool:
    return value.shown.lower() in text.lower()


# -- the values compared ----------------------------------------------------------------------
def _values(text: str, topic: tuple[str, ...] = ()) -> list[Value]:
    """The figures a sentence gives (dates, years and the '10,000' of 'per 10,000' are
    none, nor is 'one' in words: 'one social worker said' is not a count). Given the
    question's own words (``topic``), a figure of a unit the sentence gives several of
    counts only if one of them follows it closely ('31 care leavers at University', not
    '2 dedicated Personal Advisors'): a count is of the thing asked about."""
    words = undated(text)
    found = []
    figures = figures_in(text)
    if topic and (parts := _BREAKDOWN.search(text)) and figures and figures[0].end <= parts.start():
        # a total and then its parts ('294 children ... comprising; 62 children under the age of
        # five, 202 ...'): the total is the count of the thing; its parts are of smaller groups
        figures = [f for f in figures if f.end <= parts.start()]
    for f in figures:
        after = set(tokenize(" ".join(words[f.end:].split()[:_NEAR])))
        found.append((Value(f.shown, f.low, f.unit), after))
    if not topic:
        return [v for v, _ in found]
    return [v for v, after in found if sum(w.unit == v.unit for w, _ in found) == 1 or after & set(topic)]


_BREAKDOWN = re.compile(r"\b(?:comprising|including|made up of|broken down as|of whom|of which)\b", re.I)
_NEAR = 5  # words after a figure that say what it counts ('294 children and young people looked after')


def side_values(question: Question, texts: list[str]) -> list[Value]:
    """What a side's answer gives that can be compared: its grades (for a grade question)
    or its figures, one of each amount and unit."""
    measure = _measure(question)
    if measure == "grade":
        grades = {normalise_grade(g[0]): " ".join(g[0].lower().split()) for t in texts for g in GRADE_WORDS.finditer(t)}
        return [Value(printed, float(grade_rank(grade)), "grade") for grade, printed in grades.items() if grade]
    if measure == "figure":
        # a rate asked for is compared as a rate, not by the count printed beside it
        rate = answer_type(question.text) == "rate"
        return list({(v.amount, v.unit): v for t in texts for v in _values(t, question.topic)
                     if not (rate and v.unit == "")}.values())
    return []


def compared_values(a: list[Value], b: list[Value]) -> tuple[Value, Value] | None:
    """The two values to compare: of the one unit (a grade, a count, '%', 'per 10,000')
    in which each side gives exactly one value ('106 children (a rate of 35 per 10,000)'
    against '41 per 10,000' compares 35 with 41); None when no unit, or more than one, does."""
    units = [u for u in dict.fromkeys(v.unit for v in a)
             if sum(v.unit == u for v in a) == 1 and sum(v.unit == u for v in b) == 1]
    if len(units) != 1:
        return None
    return next(v for v in a if v.unit == units[0]), next(v for v in b if v.unit == units[0])


# What a yes/no comparison claims: the first side's value above or below the second's ('Did
# Dorset have more children in care in 2020 than in 2011?'), or with a verb of change, the later
# year's above or below the earlier's ('Did the number ... rise between 2011 and 2020?').
_ABOVE = re.compile(r"\b(more|higher|greater|larger|bigger|better)\b", re.I)
_BELOW = re.compile(r"\b(fewer|less|lower|smaller|worse)\b", re.I)
_ROSE = re.compile(r"\b(rise|rises|risen|rose|increas\w*|grow|grew|grown|improv\w*|go up|went up|gone up)\b", re.I)
_FELL = re.compile(r"\b(fall|falls|fallen|fell|decreas\w*|drop\w*|declin\w*|worsen\w*|go down|went down)\b", re.I)


def verdict(question: Question, sides_: list[Side], values: tuple[Value, Value]) -> str:
    """'Yes.' or 'No.' for a yes/no question comparing two sides' values, as the values
    decide what it claims (above); '' where it claims no direction, or two."""
    text = question.text
    a, b = values
    first, second = sides_
    rose, fell = bool(_ROSE.search(text)), bool(_FELL.search(text))
    if rose != fell and first.year and second.year and first.year != second.year:
        if first.year < second.year:  # the claim is of the later year's value against the earlier's
            a, b = b, a
        up = rose
    elif bool(_ABOVE.search(text)) != bool(_BELOW.search(text)):
        up = bool(_ABOVE.search(text))
    else:
        return ""
    # a grade's rank falls as it gets better: 'higher', 'better' and 'improved' mean a lower rank
    x, y = (-a.amount, -b.amount) if a.unit == "grade" else (a.amount, b.amount)
    return YES if (x > y if up else x < y) else NO


def comparison(sides_: list[Side], values: tuple[Value, Value]) -> str:
    """Two sides' values compared in a sentence: over time for one council's years
    (rose, fell; improved, declined), else which is higher."""
    a, b = values
    first, second = sides_
    grade = a.unit == "grade"
    over_time = first.place == second.place and first.year and second.year and first.year != second.year
    if over_time:
        (first, a), (second, b) = sorted([(first, a), (second, b)], key=lambda sv: sv[0].year)
        if grade:  # a lower rank is a better grade
            moved = "stayed the same" if a.amount == b.amount else "improved" if b.amount < a.amount else "declined"
            return f"From {first.label} to {second.label} the grade {moved}: {a.shown}, then {b.shown}."
        moved = "stayed the same" if a.amount == b.amount else "rose" if b.amount > a.amount else "fell"
        return f"From {first.label} to {second.label} the figure {moved}: {a.shown}, then {b.shown}."
    if grade and a.amount == b.amount and a.shown != b.shown:  # 'adequate' (to 2013), 'requires improvement' (after)
        return (f"{first.label} ({a.shown}) and {second.label} ({b.shown}) were graded at the same level of "
                "Ofsted's four-point scale, under different frameworks.")
    if grade:
        how = "the same as" if a.amount == b.amount else "higher than" if a.amount < b.amount else "lower than"
        return f"{first.label} was graded {how} {second.label} ({a.shown} against {b.shown})."
    how = "the same as" if a.amount == b.amount else "higher than" if a.amount > b.amount else "lower than"
    return f"{first.label}'s figure ({a.shown}) is {how} {second.label}'s ({b.shown})."

