"""Answers from the structured records that ingest extracted: grades and recommendations.

A question about a grade or a recommendation is answered from the records first:
a list question gets the whole list with its count, not the top-k fragments of it.
Each sentence cites the paragraph its record was read from. Returns None when the
records do not answer (the chain then searches the text).
"""
from __future__ import annotations

import re
from collections import Counter

from core.grades import GRADE_WORDS, GRADES, OUTCOMES, SECTION_GRADE, field_names, normalise_grade, states_grade
from core.model import Judgement, Kind, Paragraph, Recommendation, Report, Voice
from core.numbers import in_words, written
from core.sentences import sentences as split_sentences

from .fields import fields, match
from .keyword import STOPWORDS, tokenize
from .model import Draft, Hit
from .question import ASKS_EARLIER, ASKS_RECOMMENDED, EARLIER_SAID, YEAR, Question, answer_type, has_type, role_asked
from .yesno import NO, YES, asks_all, on_grade

# 'How did Darlington do on ...?', 'What did Ofsted conclude about ...?': a question about
# how an area was judged, in other words; answered from the records only when it names
# the area in full.
_EVALUATES = re.compile(r"\b(conclu\w*|how did\b.*\bdo\b|how (was|were|is|are|good|well)\b|verdict|assess\w*|"
                        r"what did\b.*\b(get|find|say))\b", re.I)


def answer(question: Question, reports: list[Report]) -> tuple[Draft, list[Hit]] | None:
    if question.rank and (ranked := _ranked(question, reports)) is not None:
        return ranked
    if question.intent == "grade":
        return _grades(question, reports)
    if question.intent == "recommendation":
        return _most_shared(question, reports) or _recommendations(question, reports)
    if _EVALUATES.search(question.text):
        return _grades(question, reports, whole_area=True)
    return _fields(question, reports)


# -- labelled facts ('Lead inspector: ...') -----------------------------------------------
_FIELD_KINDS = ("person", "name", "date")


def _fields(question: Question, reports: list[Report]) -> tuple[Draft, list[Hit]] | None:
    """'Who led ...?', 'When was ... published?': the cover's labelled facts, when the
    question names one's label and asks for a name or a date."""
    if answer_type(question.text) not in _FIELD_KINDS or ASKS_EARLIER.search(question.text):
        return None
    # An inspector's role is read from the inspectorate's own reports only: a council paper
    # summarising an inspection labels its own author and officers, not the inspectors.
    inspectorate = role_asked(question.text).of_inspectorate
    found = [(report, f) for report in reports if not inspectorate or report.meta.voice is Voice.OFSTED
             for f in fields(report)]

    def wants(value: str, clause: str) -> bool:
        kind = answer_type(clause)
        if kind == "person" and role_asked(clause).words:
            kind = "name"  # a role's holder is a person, not a body
        return kind in _FIELD_KINDS and has_type(value, kind)

    chosen = match(question.text, [f for _, f in found], wants)
    if not chosen:
        return None
    hits: list[Hit] = []
    sentences = []
    for report, f in found:
        if f in chosen:
            where = [p for p in (_paragraph(report, loc) for loc in f.locators) if p is not None]
            sentences.append((f.sentence, tuple(_hit(hits, report, p) for p in where)))
    return Draft(tuple(sentences)), hits


# -- grades -------------------------------------------------------------------------------
# A grade answers for an area when the question's words name at least this share of it (a
# record), or the sentence stating it holds this share of the question's words (text).
AREA_NAMED = 0.5


def _grades(question: Question, reports: list[Report], whole_area: bool = False) -> tuple[Draft, list[Hit]] | None:
    asked = set(tokenize(question.text))
    chosen: list[tuple[Report, Judgement]] = []
    scope: list[tuple[Report, list[Judgement]]] = []  # each report's judgements of the part asked
    listing = False
    for report in reports:
        judgements = distinct_judgements(report.judgements)
        listing = (not whole_area and not _beyond_parts(question.topic, judgements, _part)) or question.wants_list
        # The part first: 'partnership working in services for looked after children' is
        # not the safeguarding part's partnership working.
        listed = _outcomes_asked(question, _in_part(_part_words(question), judgements, _part))
        if listing:
            listed = _in_sub_part(question, listed)
            scope.append((report, listed))
        if not listing:
            # The question must name most of an area ('being healthy'), not share one
            # word with it ('health' in 'the contribution of health agencies ...').
            need = 1.0 if whole_area else AREA_NAMED
            # 'What did Ofsted find about adoption?' asks for findings unless it names the area in full.
            listed = [j for j in listed if _covered(j, asked, printed_only=whole_area) >= need]
        if question.grades and listing:  # 'which areas were judged good?'
            listed = [j for j in listed if j.grade in question.grades]
        if not listing:
            # The question must name an area ('being healthy'); its heading path only
            # breaks ties ('... of services for looked after children').
            # By the question's own words where it has some ('overall'), not 'children's services'.
            own = question.topic or tuple(asked)
            listed = _best(tuple(asked), _best(own, listed, lambda j: " ".join((j.area, *field_names(j.field)))),
                           lambda j: f"{j.area} {' '.join(j.heading_path)}")
        chosen += [(report, j) for j in listed]
    if listing and question.grades and not chosen:
        # 'Which areas were outstanding?' where none was: say so, with the best grade given.
        return _none_graded(question, scope)
    # A record with nothing to cite is not said: every sentence of an answer cites a paragraph.
    cited = [(report, j, where) for report, j in chosen if (where := _said_at(report, j, every=not listing))]
    if not cited:
        return None
    chosen = [(report, j) for report, j, _ in cited]
    hits: list[Hit] = []
    sentences = []
    if listing and len(question.grades) == 1:  # the report's own count first: '... nine were graded as good ...'
        for report, js in _by_report(chosen):
            said, p = _stated_count(report, len(js), question.grades[0])
            if p is not None:
                sentences.append((said, (_hit(hits, report, p),)))
    sentences += _judgement_sentences(cited, hits)
    note = ""
    if listing:
        graded = f" of {_or(question.grades)}" if question.grades else ""
        note = " ".join(f"{r.meta.short_title} records {in_words(len(js))} judgement{'s' * (len(js) != 1)}{graded}."
                        for r, js in _by_report(chosen))
    verdict = ""
    if question.polar and question.grades and listing:
        # 'Were any areas judged outstanding?': yes, some were; 'Were all ... good?': only if every one was.
        verdict = YES if not asks_all(question.text) or len(chosen) == sum(len(js) for _, js in scope) else NO
    elif question.polar and question.grades:
        # 'Was the LSCB judged good?': yes when every judgement asked has the grade asked.
        meets = {on_grade(question.grades, j.grade, question.text) for _, j in chosen}
        verdict = YES if meets == {True} else NO if meets == {False} else ""
    return Draft(tuple(sentences), note=note, verdict=verdict), hits


def _judgement_sentences(cited: list[tuple[Report, Judgement, list[Paragraph]]], hits: list[Hit]) -> list:
    """One sentence per judgement ('Ofsted's judgement for Being healthy: adequate (grade
    3).'), citing where the report states it; ``hits`` gains the paragraphs cited. Where a
    numbered paragraph states the grade in the inspectors' words, their sentence follows,
    citing it ('The capacity for improvement is good.'): the record's sentence, with the
    grade number only a grade line prints, is not what that paragraph says."""
    areas = Counter(j.area.lower() for _, j, _ in cited)
    # Grades of several reports (a comparison) each say whose they are, not only in the citation.
    several = len({report.doc_id for report, _, _ in cited}) > 1
    sentences = []
    for report, j, where in cited:
        words = [(p, said) for p in where if p.locator != j.locator and p.kind is Kind.PARAGRAPH
                 and (said := _stating(p, j))]
        quoted = {p.locator for p, _ in words}
        if all(p.locator in quoted for p in where):  # nothing else to cite: the paragraph backs the record's sentence
            words, quoted = [], set()
        refs = [_hit(hits, report, p, j.area if p.locator == j.locator else "")
                for p in where if p.locator not in quoted]
        area = j.area if areas[j.area.lower()] == 1 or not j.heading_path else f"{j.area} ({_part(j)})"
        if several:
            area = f"{area} in {report.meta.place} ({report.meta.year})"
        number = f" (grade {j.grade_number})" if j.grade_number else ""
        who = "Ofsted's judgement" if report.meta.voice is Voice.OFSTED else \
            f"{report.meta.short_title} reports Ofsted's judgement"
        sentences.append((f"{who} for {area}: {_grade_as_printed(j)}{number}.", tuple(refs)))
        sentences += [(said, (_hit(hits, report, p),)) for p, said in words]
    return sentences


def _stating(p: Paragraph, j: Judgement) -> str:
    """The sentence of ``p`` that states ``j``'s grade, the one naming most of its area; ''.
    Outside the judgement's own section the grade must be said of the area: its words
    before the grade in the same clause ('The experiences and progress of children looked
    after ... require improvement'), not of something else in a run-on cover line ('... help
    and protection ... Report published: 23 May 2014 The overall judgement is requires
    improvement')."""
    area = set(tokenize(j.area))
    stating = [s for s in split_sentences(p.text) if states_grade(s, j.grade)]
    if p.heading_path != j.heading_path or j.source in ("table", "grid"):  # not the section it heads
        stating = [s for s in stating if _said_of(s, j)]
    return max(stating, key=lambda s: len(area & set(tokenize(s))), default="")


# The overall effectiveness judgement as a SIF or ILACS report words it: 'Children's
# services in Poole require improvement to be good', 'Overall, ... adequate'.
_OVERALL = re.compile(r"\boverall\b|\bchildren.?s services in\b", re.I)


def _said_of(sentence: str, j: Judgement) -> bool:
    """Is the grade said of the judgement's area: its words before the grade, in the
    clause that gives it?"""
    word = "improvement" if j.grade.startswith("requires improvement") else j.grade
    m = re.search(rf"\b(requires?\s+)?{word}\b", sentence, re.I)
    clause = re.split(r"[;:]", sentence[:m.start()] if m else sentence)[-1]
    if j.area.lower() == "overall effectiveness":
        return bool(_OVERALL.search(clause))
    return set(tokenize(j.area)) <= set(tokenize(clause))


# -- the best or worst of a report's judgements, and grades none was given -------------------
_RANK_WORDS = {"best": "best", "worst": "weakest"}


def _ranked(question: Question, reports: list[Report]) -> tuple[Draft, list[Hit]] | None:
    """'Which outcome area came out weakest?', 'What was the best grade Darlington got?':
    per report, the best or worst grade among the judgements of the part(s) the question
    names, and every judgement given it, each citing where the report states it; the note
    says the grade, how many of the report's judgements got it, and that none got a
    better (worse) one. None when the reports hold no judgements to rank."""
    scope = [(report, _outcomes_asked(question, _in_sub_part(question, _in_parts_named(
        question, distinct_judgements(report.judgements))))) for report in reports]
    scope = [(report, js) for report, js in scope if any(j.grade in GRADES for j in js)]
    if not scope:
        return None
    hits: list[Hit] = []
    sentences, notes = [], []
    for report, js in scope:
        order = sorted({GRADES.index(j.grade) for j in js if j.grade in GRADES})
        at = order[0] if question.rank == "best" else order[-1]
        top = [j for j in js if j.grade == GRADES[at]]
        cited = [(report, j, where) for j in top if (where := _said_at(report, j, every=False))]
        if not cited:
            continue
        scale = _scale(report, js)
        beyond = [g for g in scale if (scale.index(g) < scale.index(GRADES[at])) == (question.rank == "best")
                  and g != GRADES[at]]
        nearest = (beyond[-1] if question.rank == "best" else beyond[0]) if beyond else ""
        further = " or better" if question.rank == "best" else " or worse"
        none = f"; none was {nearest.removesuffix(' to be good')}{further * (len(beyond) > 1)}" if beyond else ""
        grade = _grade_as_printed(top[0])
        said_in = "in" if report.meta.voice is Voice.OFSTED else "reported in"
        notes.append(f"The {_RANK_WORDS[question.rank]} grade {said_in} {report.meta.short_title} was {grade}, "
                     f"given to {in_words(len(cited))} of its {in_words(len(js))} judgements{none}.")
        sentences += _judgement_sentences(cited, hits)
    if not sentences:
        return None
    return Draft(tuple(sentences), note=" ".join(notes)), hits


def _scale(report: Report, judgements: list[Judgement]) -> list[str]:
    """The grades a report's framework gives, best first: 'adequate' until 2013, then
    'requires improvement to be good' (the grades it gave tell; else its year)."""
    given = {j.grade for j in judgements}
    modern = "requires improvement to be good" in given or ("adequate" not in given and report.meta.year >= 2013)
    return [g for g in GRADES if g != ("adequate" if modern else "requires improvement to be good")]


def _none_graded(question: Question, scope: list[tuple[Report, list[Judgement]]]) -> tuple[Draft, list[Hit]] | None:
    """No judgement of the part asked has the grade(s) asked ('Which areas were
    outstanding?'): the note says so, and the best grade each report gave is listed with
    its judgements cited, so the reader sees what the report did give."""
    scope = [(report, js) for report, js in scope if any(j.grade in GRADES for j in js)]
    hits: list[Hit] = []
    sentences, notes = [], []
    for report, js in scope:
        best = GRADES[min(GRADES.index(j.grade) for j in js if j.grade in GRADES)]
        cited = [(report, j, where) for j in js if j.grade == best and (where := _said_at(report, j, every=False))]
        if not cited:
            continue
        said_in = "in" if report.meta.voice is Voice.OFSTED else "reported in"
        notes.append(f"None of the {in_words(len(js))} judgements {said_in} {report.meta.short_title} was "
                     f"{_or(question.grades)}; its best grade was {_grade_as_printed(cited[0][1])}, "
                     f"given to {in_words(len(cited))}.")
        sentences += _judgement_sentences(cited, hits)
    if not sentences:
        return None
    verdict = NO if question.polar else ""
    return Draft(tuple(sentences), note=" ".join(notes), verdict=verdict), hits


# Words of a clause that adds to what is counted, not narrows it: 'Counting the review of
# the safeguarding board, how many of the judgements ... were good?'.
_INCLUDING = re.compile(r"\b(?:counting|including|as well as|together with|along with)\b[^,?;]*", re.I)


def _in_parts_named(question: Question, judgements: list[Judgement]) -> list[Judgement]:
    """The judgements of every part the question names ('looked after children'), all of
    them where it names none or all ('its safeguarding and looked after children
    inspection'): a superlative ranks across the parts named, not within the best-named one."""
    parts = {_part(j) for j in judgements}
    if len(parts) < 2:
        return judgements
    words = {p: set(tokenize(p)) for p in parts}
    shared = set.intersection(*words.values())
    wanted = set(_part_words(question))
    named = {p for p, w in words.items() if (w - shared) & wanted}
    return [j for j in judgements if _part(j) in named] if named else judgements


def _in_sub_part(question: Question, judgements: list[Judgement]) -> list[Judgement]:
    """Within a part, the sub-part a question names by words its part does not hold ('the
    five outcomes for looked after children' are the judgements under 'How good are
    outcomes for looked after children and care leavers?', not the part's overall
    effectiveness); all of them where it names none."""
    def sub(j: Judgement) -> str:
        return j.heading_path[1] if j.source not in ("table", "grid") and len(j.heading_path) > 2 else ""
    parts = set(tokenize(" ".join({_part(j) for j in judgements})))
    wanted = set(_part_words(question)) - parts
    subs = {sub(j) for j in judgements}
    if len(subs) < 2 or not wanted:
        return judgements
    named = {s for s in subs if s and (set(tokenize(s)) - parts) & wanted}
    return [j for j in judgements if sub(j) in named] if named else judgements


# 'outcome' names the five outcomes; 'outcomes judgements' is how a council summary names
# every judgement of such an inspection ('Out of the eighteen outcomes judgements made').
_OUTCOME_WORD = re.compile(r"\boutcomes?\b(?!\s+judge?ments?\b)", re.I)


def _outcomes_asked(question: Question, judgements: list[Judgement]) -> list[Judgement]:
    """'Which outcome was judged only adequate?', 'How many of the five outcomes were good?':
    in a report that grades the five outcomes for children (2009-2013 frameworks), the
    outcome judgements only, not the quality of provision or leadership grades printed
    among them; every judgement where the report grades no outcome or the question names none."""
    if not _OUTCOME_WORD.search(question.text):
        return judgements
    outcomes = [j for j in judgements if j.area.lower().startswith(OUTCOMES)]
    return outcomes or judgements


def _grade_as_printed(j: Judgement) -> str:
    """The grade's normal form, less 'to be good' where the report printed only
    'Requires improvement' (the single inspection framework's grid): an answer says no
    more than its citation."""
    said = [m[0].lower() for m in GRADE_WORDS.finditer(" ".join(j.grade_printed.split()))]
    if said and normalise_grade(said[-1]) == j.grade and "to be good" not in said[-1]:
        return j.grade.removesuffix(" to be good")
    return j.grade


def _said_at(report: Report, j: Judgement, every: bool) -> list[Paragraph]:
    """The paragraphs a judgement's sentence cites: the one it was read from and, for a
    single grade (``every``) read from a bare grade line ('Grade 2 (good)' under its
    heading), where else the report says it: the Record of main findings row for the same
    area, the section title that grades it, and the inspectors' own sentence. A row, title
    or sentence that names the area beside its grade is cited alone: it states the grade
    in full, and a second place saying the same is one more reference to check. A list
    cites each record once: its own paragraph, or where the report says it when the record
    has none. Empty when the report prints it nowhere we know."""
    own = _paragraph(report, j.locator)
    if own is not None and (not every or j.source != "grade line"):
        return [own]
    twin = _table_twin(report, j)
    others = [_paragraph(report, twin.locator) if twin is not None else None, _section_title(report, j),
              _in_words(report, j)]
    where = list({p.locator: p for p in [own, *others] if p is not None}.values())
    return where if every else where[:1]


def _section_title(report: Report, j: Judgement) -> Paragraph | None:
    """The title of the section that reports on a judgement read elsewhere (an ILACS grid
    row on page one): 'The experiences and progress of children in care: outstanding',
    the inspectors' own heading for that section, when it gives the same grade."""
    area = _norm(j.area).strip(" .:")
    for p in report.paragraphs:
        if p.kind is Kind.GRADE and p.locator != j.locator:
            m = SECTION_GRADE.match(" ".join(p.text.split()))
            if m and _norm(m["area"]).strip(" .:") == area and normalise_grade(m["grade"]) == j.grade:
                return p
    return None


_JUDGEMENTS = re.compile(r"\bjudge?ments?\b", re.I)


def _stated_count(report: Report, n: int, grade: str) -> tuple[str, Paragraph | None]:
    """The report's own sentence giving how many judgements had a grade, if it has one."""
    words = written(n)
    for p in report.paragraphs:
        if p.kind is Kind.PARAGRAPH:
            for s in split_sentences(p.text):
                # it counts judgements ('Out of the eighteen outcomes judgements made, nine were
                # graded as good'), not cases judged ('All but one seen ... were judged adequate')
                if grade in s.lower() and words & set(re.findall(r"\w+", s.lower())) and _JUDGEMENTS.search(s):
                    return s, p
    return "", None


def _in_words(report: Report, j: Judgement) -> Paragraph | None:
    """The paragraph where the report says a grade in words: the first paragraph of the
    graded section when it states the grade ('... are adequate overall.'); else the
    first prose paragraph that repeats the grade line or has a sentence naming the area
    and the grade ('Overall, the inspectors judged service provision to be adequate')."""
    grade = j.grade.lower().strip()
    if not grade:
        return None
    # A grade read from its section (not from a table or the page-one grid, whose heading is
    # not the area's section): the section's first paragraph, if it says so.
    if j.source not in ("table", "grid") and j.heading_path:
        for p in report.paragraphs:
            if p.heading_path == j.heading_path and p.kind is Kind.PARAGRAPH:
                if any(states_grade(s, grade) for s in split_sentences(p.text)):
                    return p
                break
    own = _paragraph(report, j.locator)
    line = _norm(own.text) if own is not None else ""
    area = {"overal"} if j.area.lower() == "overall effectiveness" else set(tokenize(j.area))
    for p in report.paragraphs:
        if p.kind is not Kind.PARAGRAPH or (own is not None and p.locator == own.locator):
            continue
        if len(line.split()) >= 5 and line in _norm(p.text):
            return p
        if area and any(states_grade(s, grade) and _said_of(s, j) and not _another_inspection(s, report)
                        for s in split_sentences(p.text)):
            return p
    return None


def _another_inspection(sentence: str, report: Report) -> bool:
    """A sentence about an earlier inspection ('when the local authority was judged good
    overall in 2018') does not say this report's grade."""
    return bool(EARLIER_SAID.search(sentence)) or any(int(y) < report.meta.year - 1 for y in YEAR.findall(sentence))


def _as_sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _or(words) -> str:
    return " or ".join(words)


def _part(j: Judgement) -> str:
    """Which part of the report a judgement belongs to: a summary table's group row, or
    the top-level section of a grade line ('Services for looked after children')."""
    if not j.heading_path:  # read with no section (a page-one grid): no part
        return ""
    return j.heading_path[-1] if j.source == "table" else j.heading_path[0]


def distinct_judgements(judgements: tuple[Judgement, ...]) -> list[Judgement]:
    """One judgement per area and part: a grade line (which prints the grade number)
    over the summary-table row that repeats it; table rows for areas with no grade line."""
    lines = [j for j in judgements if j.source != "table"]
    covered = {j.area.lower() for j in lines}
    return lines + [j for j in judgements if j.source == "table" and j.area.lower() not in covered]


def _table_twin(report: Report, j: Judgement) -> Judgement | None:
    if j.source == "table":
        return None
    part = j.heading_path[0].lower() if j.heading_path else ""
    rows = [t for t in report.judgements if t.source == "table" and t.area.lower() == j.area.lower()
            and t.grade == j.grade]
    # Prefer the row in the same part; the table's group labels are as extracted.
    same = [t for t in rows if part and part in " ".join(t.heading_path).lower()]
    return (same or rows or [None])[0]


def _by_report(chosen: list[tuple[Report, object]]) -> list[tuple[Report, list]]:
    """The chosen records grouped by report, in the order the reports come."""
    groups: dict[str, tuple[Report, list]] = {}
    for report, record in chosen:
        groups.setdefault(report.doc_id, (report, []))[1].append(record)
    return list(groups.values())


# -- recommendations ----------------------------------------------------------------------
def _recommendations(question: Question, reports: list[Report]) -> tuple[Draft, list[Hit]] | None:
    chosen: list[tuple[Report, Recommendation]] = []
    printed: dict[Recommendation, Paragraph] = {}
    listing = False
    for report in reports:
        def part_of(r):
            return r.heading_path[0] if r.heading_path else ""
        # A recommendation with nothing to cite is not said (nor counted).
        at = {r: p for r in report.recommendations if r.text.strip() and (p := _printed_at(report, r)) is not None}
        printed.update(at)
        listing = not _beyond_parts(question.topic, list(at), part_of) or question.wants_list
        recs = _in_part(_part_words(question), list(at), part_of)
        if not listing:
            recs = _best(question.topic, recs, lambda r: f"{r.text} {' '.join(r.heading_path)} {r.timescale}",
                         asked=question.text, own_text=lambda r: r.text)
            recs = [r for r in recs if _holds_topic(question.topic, f"{r.text} {' '.join(r.heading_path)}")]
        chosen += [(report, r) for r in recs]
    if listing and not question.years:
        # 'What does Ofsted say Barnsley needs to improve?': the list of its latest report,
        # not every list Ofsted has made of it over the years.
        latest = {}
        for report, _ in chosen:
            key = (report.meta.place, report.meta.voice)
            if key not in latest or _when(report) > _when(latest[key]):
                latest[key] = report
        chosen = [(report, r) for report, r in chosen if latest[(report.meta.place, report.meta.voice)] is report]
    if not chosen:
        return None
    hits: list[Hit] = []
    sentences = []
    stated: set[str] = set()  # reports whose own sentence gives the count asked
    if listing and _COUNT_ONLY.search(question.text) and not _ITEMS_TOO.search(question.text):
        # 'How many recommendations did Ofsted make?' asks for a number, not the list: where the
        # report states that number itself ('It contained 18 main recommendations'), its sentence
        # answers and is the citation; each item would be a citation that backs no part of a
        # count. A report that states no count keeps its items cited: the count is made from them.
        for report, recs in _by_report(chosen):
            said, p = _stated_rec_count(report, len(recs))
            if p is not None:
                sentences.append((said, (_hit(hits, report, p),)))
                stated.add(report.doc_id)
    for report, rec in chosen:
        if report.doc_id in stated:
            continue
        text = _as_sentence(rec.text)
        when = [f"timescale: {rec.timescale}" if rec.timescale else "",
                f"responsible: {rec.responsible}" if rec.responsible and rec.responsible not in rec.text else ""]
        if any(when):
            text = f"{text[:-1]} ({'; '.join(w for w in when if w)})."
        sentences.append((text, (_hit(hits, report, printed[rec]),)))
    note = ""
    if listing:
        note = " ".join(_rec_count(report, recs) for report, recs in _by_report(chosen))
    verdict = YES if question.polar and ASKS_RECOMMENDED.search(question.text) else ""
    return Draft(tuple(sentences), note=note, verdict=verdict), hits


# 'Which organisation carries the most actions in the action plan?', 'What is the most common
# deadline?': the value of a recommendation's own column (who is responsible, its timescale)
# that most of a report's recommendations share, counted from the records.
_MOST = re.compile(r"\b(most|commonest)\b", re.I)
_COLUMNS = (("timescale", re.compile(r"\b(deadlines?|timescales?|time ?frames?|by when|how soon)\b", re.I)),
            ("responsible", re.compile(r"\b(organi[sz]ations?|agenc(y|ies)|bod(y|ies)|partners?|who)\b", re.I)))


def _most_shared(question: Question, reports: list[Report]) -> tuple[Draft, list[Hit]] | None:
    """Per report, the column value most of its recommendations share and each one given it
    (cited where printed); the note counts it against the others. None when the question asks
    no such count or no report records that column."""
    column = next((c for c, asks in _COLUMNS if asks.search(question.text)), None)
    if column is None or not _MOST.search(question.text):
        return None
    hits: list[Hit] = []
    sentences, notes = [], []
    for report in reports:
        at = {r: p for r in report.recommendations
              if r.text.strip() and getattr(r, column).strip() and (p := _printed_at(report, r)) is not None}
        if not at:
            continue
        counts = Counter(_norm(getattr(r, column)) for r in at)
        printed: dict[str, str] = {}  # each value as first printed
        for r in at:
            printed.setdefault(_norm(getattr(r, column)), getattr(r, column).strip())
        (top, n), *others = counts.most_common()
        if others and others[0][1] == n:
            continue  # a tie: no one value is the most common
        rest = ", ".join(f"{printed[v]} {m}" for v, m in others)
        what = "is responsible for the most" if column == "responsible" else "is the most common timescale of"
        notes.append(f"In {report.meta.short_title}, {printed[top]} {what} recommendations: {in_words(n)} of "
                     f"{in_words(len(at))}{f' ({rest})' if rest else ''}.")
        sentences += [(_as_sentence(r.text), (_hit(hits, report, p),)) for r, p in at.items()
                      if _norm(getattr(r, column)) == top]
    if not sentences:
        return None
    return Draft(tuple(sentences), note=" ".join(notes)), hits


# A question asking how many records there are (a count), and one that also asks what they
# are ('How many recommendations were made, and what were they?'), which wants the list too.
_COUNT_ONLY = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
_ITEMS_TOO = re.compile(r"\b(what|which) (were|are) (they|these|those|them)\b|\b(list|name|set out|summari[sz]e)\b"
                        r"|\bwhat (did|do|does) (they|these|those)\b", re.I)


def _stated_rec_count(report: Report, n: int) -> tuple[str, Paragraph | None]:
    """The report's own prose sentence giving how many recommendations it records (``n``,
    in digits or words, next to 'recommendation'), if it has one."""
    words = written(n)
    for p in report.paragraphs:
        if p.kind is Kind.PARAGRAPH:
            for s in split_sentences(p.text):
                near = re.findall(r"\b(\w+)(?=\s+(?:\w+\s+){0,2}recommendations\b)", s, re.I)
                if any(w.lower() in words for w in near):
                    return s, p
    return "", None


# The words that name where recommendations are kept: they make a question one about
# recommendations, so they say nothing about which recommendation it asks after.
_PLAN_WORDS = frozenset(tokenize("action plan plans actions"))


def _holds_topic(topic: tuple[str, ...], text: str) -> bool:
    """A question that names recommendations but asks about something else ('Who monitors
    the action plan?', 'Into which areas were the recommendations divided?') is not
    answered by the recommendation sharing a word or two with it: the record must hold at
    least half of the question's own words (less the plan's), or the text answers."""
    own = set(topic) - _PLAN_WORDS
    return not own or len(own & set(tokenize(text))) * 2 >= len(own)


def _when(report: Report) -> tuple:
    return (report.meta.year, report.meta.published or report.meta.inspection_end)


def _printed_at(report: Report, rec: Recommendation) -> Paragraph | None:
    """The paragraph a recommendation was read from; where its locator names none, the
    first paragraph that prints its words."""
    own = _paragraph(report, rec.locator)
    if own is not None:
        return own
    words = _norm(rec.text)
    return next((p for p in report.paragraphs if words in _norm(p.text)), None)


def _rec_count(report: Report, recs: list[Recommendation]) -> str:
    parts = Counter(r.heading_path[0] if r.heading_path else "" for r in recs)
    by_part = ""
    if len(parts) > 1:
        by_part = " (" + ", ".join(f"{in_words(n)} under {p}" for p, n in parts.items()) + ")"
    who = "Ofsted made" if report.meta.voice is Voice.OFSTED else f"{report.meta.short_title} lists"
    return f"{who} {in_words(len(recs))} recommendation{'s' * (len(recs) != 1)} in {report.meta.short_title}{by_part}."


# -- shared -------------------------------------------------------------------------------
def _covered(j: Judgement, asked: set[str], printed_only: bool = False) -> float:
    """How much of the judgement's name the question holds: of the area as printed, or
    (unless ``printed_only``) of any name staff use for its field ('impact of leaders' or
    'leadership' for ILACS's long label)."""
    def share(name: str) -> float:
        words = set(tokenize(name))
        return len(words & asked) / len(words) if words else 0.0
    return max([share(j.area)] + ([] if printed_only else [share(name) for name in field_names(j.field)]))


def _beyond_parts(topic: tuple[str, ...], records: list, part_of) -> tuple[str, ...]:
    """The question's own words less those naming a part: nothing left means 'all of that part'."""
    part_words = set(tokenize(" ".join({part_of(r) for r in records})))
    return tuple(t for t in topic if t not in part_words)


def _part_words(question: Question) -> tuple[str, ...]:
    """The question's own words for choosing a part; 'the council' is the part headed
    'The local authority' (not its safeguarding board)."""
    council = ("author",) if re.search(r"\bcouncil\b", question.text, re.I) else ()
    added = set(tokenize(" ".join(m[0] for m in _INCLUDING.finditer(question.text))))
    return tuple(t for t in question.topic if t not in added) + council


def _in_part(topic: tuple[str, ...], records: list, part_of) -> list:
    """Records of the part(s) of the report the question names ('for looked after
    children', 'the safeguarding board'), by the words that tell the parts apart."""
    parts = {part_of(r) for r in records}
    if len(parts) < 2:
        return records
    words = {p: set(tokenize(p)) for p in parts}
    shared = set.intersection(*words.values())
    wanted = set(topic)
    score = {p: len((w - shared) & wanted) for p, w in words.items()}
    top = max(score.values())
    return records if top == 0 else [r for r in records if score[part_of(r)] == top]


def _best(topic: tuple[str, ...], records: list, text_of, asked: str = "", own_text=None) -> list:
    """The records that share the most of the question's own words (ties kept). A word
    counts less the more records hold it: 'exclusions' picks one recommendation out of
    eighteen, 'children' does not. Ties go to the records whose own text
    (``own_text(record)``) holds more of the words of ``asked`` as written: stemming
    makes 'informed' and 'information' one word."""
    wanted = set(topic)
    words = [set(tokenize(text_of(r))) & wanted for r in records]
    held = Counter(w for ws in words for w in ws)
    scored = [(round(sum(1 / held[w] for w in ws), 6), r) for ws, r in zip(words, records)]
    top = max((s for s, _ in scored), default=0)
    best = [r for s, r in scored if s == top and s > 0]
    if len(best) > 1 and asked:
        written = set(re.findall(r"[a-z]+", asked.lower())) - STOPWORDS
        exact = [len(written & set(re.findall(r"[a-z]+", (own_text or text_of)(r).lower()))) for r in best]
        best = [r for r, n in zip(best, exact) if n == max(exact)]
    return best


def _paragraph(report: Report, locator: str) -> Paragraph | None:
    """The paragraph a record names; None where its locator is empty or names none (a
    record read from a page-one grid, or a paragraph the parser no longer makes)."""
    if not locator:
        return None
    try:
        return report.paragraph(locator)
    except KeyError:
        return None


def _hit(hits: list[Hit], report: Report, paragraph: Paragraph, read_as: str = "") -> int:
    """Index of the hit for this paragraph, added if new. ``read_as``: the area a judgement
    read from this very paragraph grades (a SIF headline 'Children's services in West
    Berkshire are good' is the overall effectiveness judgement), part of its evidence."""
    for i, h in enumerate(hits):
        if h.meta.doc_id == report.doc_id and h.paragraph.locator == paragraph.locator:
            return i
    hits.append(Hit(report.meta, paragraph, score=1.0, source="record", read_as=read_as))
    return len(hits) - 1
