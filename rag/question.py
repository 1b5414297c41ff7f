"""Read a question: check it, find the councils and years it names, and what it asks for
(a date, a number, a name ...: ``answer_type``, and whether a text holds it: ``type_strength``).

Pure functions over the question text and the library's report metadata.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from core.dates import MONTH_NAMES, MONTHS
from core.errors import QuestionError
from core.grades import GRADE_WORDS, normalise_grade
from core.model import ReportMeta

from .authorities import places_named
from .keyword import tokenize
from .model import Filters

YEAR = re.compile(r"\b(199\d|20[0-3]\d)\b")  # a year a report or a question names
# 'How many children had a plan at 31 December 2017?': the date of a figure, which a report
# published later gives; not the year of the report.
_AS_AT = re.compile(rf"\b(?:at|as at|as of)\s+\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\s+(?:19|20)\d\d\b", re.I)
_ASKS_GRADE = re.compile(
    r"\b(grade[sd]?|grading|judgements?|judged?|judgments?|rating|rated|verdict|outstanding|inadequate|"
    r"requires? improvement|record of main findings|summary table)\b"
    r"|\b(did|does|do)\b[^?]*\brate\b(?! of)", re.I)  # 'How did Ofsted rate ...?', not 'the rate of ...'

_RECOMMENDATION_WORDS = re.compile(
    r"\b(recommend(ations?|ed|s)?|areas? for improvement|actions? (required|plan)|improve(ments?)? (needed|required)"
    r"|needs? to (be )?improve(d)?|what (needs|has|have) to improve)\b"
    r"|\b(want(ed)?|told|tell|ask(ed)?)\b.*\bto (change|do|improve|make|ensure)\b", re.I)
# A figure or time asked of what a recommendation says ('Within how many hours should return
# interviews happen, according to the recommendations?') is in the recommendation that says
# it, not a request for the whole list; 'How many recommendations ...?' counts the list.
_FIGURE_ASKED = re.compile(r"\b(how (many|much|long|often|soon)|by when|when)\b(?!\s+(\w+\s+){0,2}(recommendations|areas|actions)\b)",
                           re.I)
# Words that name a kind of report ('the Dorset cabinet paper'). 'Ofsted' is not one:
# council papers report Ofsted's grades too.
_VOICE_WORDS = (
    (re.compile(r"\bself[- ]?evaluation|\bSEF\b|self[- ]assessment", re.I), "self-evaluation"),
    (re.compile(r"\b(cabinet|committee|council (report|paper)|members)\b", re.I), "committee-paper"),
)
_RECORDS = r"(recommendations|grades|judgements|judgments|areas|actions)"
_LIST_WORDS = re.compile(rf"\b(list|every|each|how many|full|complete|all( of)?( the| its| their)? {_RECORDS})\b|"
                         rf"\b(what|which) (were|are)\b.*\b{_RECORDS}\b|\bwhich areas\b", re.I)
# Words that frame a question about grades or recommendations without naming
# what it is about: left out when matching the question to a record's area.
_FRAME = set(tokenize(
    "what which how many did does do was were is are the a an of for in to give given get got by from about "
    "ofsted inspection inspectors report reports council councils authority local grade grades graded grading "
    "judgement judgements judged judgment rate rating rated make made recommendation recommendations "
    "recommend recommended area areas improvement improvements list all every each full complete say said "
    "tell me please their its they it services service children's set gave ask asked want wanted told put "
    "need needs improve "
    # naming the source, not the topic: 'according to Ofsted', 'in its latest report'
    "according latest"))


_VOICE_FRAME = set(tokenize("cabinet committee paper self evaluation self-evaluation members"))


@dataclass(frozen=True)
class Question:
    text: str
    places: tuple[str, ...]  # council places named, e.g. ('Dorset',)
    unknown_places: tuple[str, ...]  # named but with no report in the library
    years: tuple[int, ...]
    intent: str  # 'grade', 'recommendation' or 'text'
    wants_list: bool  # 'all the recommendations', 'every judgement'
    topic: tuple[str, ...]  # the question's own words, framing removed (keyword tokens)
    voice: str | None = None  # a kind of report the question names
    grades: tuple[str, ...] = ()  # grades the question names ('which areas were good?')


def check(text: str, max_chars: int) -> str:
    """The question, tidied; QuestionError (exit 2) when it cannot be asked."""
    if not isinstance(text, str):
        raise QuestionError("the question must be text")
    cleaned = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in text)
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise QuestionError("the question is empty: type what you want to know, e.g. "
                            "'What grade did Ofsted give Dorset for being healthy in 2011?'")
    if len(cleaned) > max_chars:
        raise QuestionError(f"the question is {len(cleaned)} characters long; keep it under {max_chars} "
                            "(ask one thing at a time)")
    if not any(ch.isalpha() for ch in cleaned):
        raise QuestionError("the question has no words in it")
    return cleaned


# Who a question asks for. A role it names ('Poole's director of children's services') is
# not answered by a sentence or field naming another (the lead inspector, a panel), and a
# qualifier makes a role another one (the deputy lead inspector is not the lead inspector).
_ROLES = frozenset(tokenize("director inspector member officer manager author chair leader councillor analyst"))
_QUALIFIERS = frozenset("deputy assistant interim acting independent former".split())


@dataclass(frozen=True)
class Role:
    """The role a question asks for: its role words (tokens) and qualifiers (none: anyone)."""

    words: frozenset[str]
    qualifiers: frozenset[str]

    def named_by(self, text: str) -> bool:
        """Does ``text`` name the role (a word or its longer or shorter form: 'inspection'
        ~ 'inspector') and every qualifier?"""
        found = set(tokenize(text))
        named = not self.words or any(same_word(w, r) for w in found for r in self.words)
        return named and self.qualifiers <= set(re.findall(r"[a-z]+", text.lower()))


def role_asked(question: str) -> Role:
    """Read once per question; then ``named_by`` each candidate sentence or field."""
    return Role(frozenset(tokenize(question)) & _ROLES, _QUALIFIERS & set(re.findall(r"[a-z]+", question.lower())))


def same_word(a: str, b: str) -> bool:
    """Tokens of one word: equal, or one the start of the other ('inspect' ~ 'inspector')."""
    return a == b or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


_STANDS_FOR = re.compile(r"\b([A-Z]{2,}s?)\b(?:\s+\w+){0,4}?\s+(?:stand|stands|is short) for\b")


def spelled_out(question: str) -> str | None:
    """The abbreviation a question asks to have spelled out ('What does WAVE stand for?')."""
    m = _STANDS_FOR.search(question)
    return m[1] if m else None


# -- what kind of answer a question asks for, and whether a text holds it ---------------
# (the extractive answerer scores sentences by it; the records' fields are matched by it)

_MONTH = rf"({MONTH_NAMES})"
_DATE = re.compile(rf"\b{_MONTH}\b|\b(19|20)\d\d\b|\b\d{{1,2}}(st|nd|rd|th)?\s+{_MONTH}\b|\b\d\d?[./]\d\d?[./]\d\d", re.I)
# Whole dates ('12 - 23 September 2011', '1st April 2019', '01.07.2020'): their digits are no count.
_DATES = re.compile(rf"\b\d{{1,2}}(st|nd|rd|th)?(\s*-\s*\d{{1,2}}(st|nd|rd|th)?)?\s+{_MONTH}(\s+(19|20)\d\d)?\b|"
                    rf"\b{_MONTH}\s+(19|20)\d\d\b|\b\d\d?[./]\d\d?[./]\d{{2,4}}\b|\b(19|20)\d\d\b", re.I)
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                     r"thirty|forty|fifty|hundred)\b", re.I)
_SOME = re.compile(r"\b(half|quarter|majority|minority|all|none)\b", re.I)  # a count, vaguely
# Two capitalised words that are not a title or a place: 'Lynne Staines', 'Sara Tough'.
_NOT_NAME = set("""The This That These Our Their Its A An In On At Of For And Or To By With From Dorset Poole Darlington
Bournemouth Council County Borough Children Childrens Children's Services Service Director Executive Cabinet Member
Ofsted Local Authority Safeguarding Board Team Lead Chair Head Care Plan Social Workers Young People Looked After
Inspection Inspectors Report Summary Health NHS Trust Police Partnership Strategic Senior Manager Managers Assistant
Corporate Deputy Officer Quality Assurance Education Early Help Court Family Families Youth Offending School Schools
Virtual Group Panel Forum Hub Front Door People Her Majesty's Majesty Inspector Inspectors Data Analyst Government
Office Standards Skills Piccadilly Gate Store Street Manchester January February March April May June July August
September October November December Monday Tuesday Wednesday Thursday Friday Covid Pan Multi Agency Portfolio Holder
Leader Alliance Members Member Chief Deputy Working Together Strengthening Thrive Plan Strategy""".split())
_BODY = re.compile(r"\b[A-Z]\w+ (Borough |County |City )?Council\b|\bBorough of [A-Z]\w+|\bNHS\b|"
                   r"\b[A-Z]\w+ (Trust|Police|Constabulary|Commission)\b")
_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


# What a question asks for, by its words: the first that matches wins.
_ASKS = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("name", r"\b(name of|called)\b"),
    ("person", r"\bwho\b|\bwhich\b.*\b(member|director|officer|inspector|chair|councillor|person)\b"),
    ("grade", r"\b(grade[sd]?|judgement|judged|rated|rating|verdict)\b|\bdid\b.*\brate\b(?! of)"),
    ("rate", r"\b(proportion|percentage|share)\b|\b(the|a|what|vacancy|turnover) rates?\b|\brate of\b"),
    # 'How much ...?', 'What was the budget?' -- not any question that mentions budgets.
    ("money", r"\b(what|how much)\b.*\b(budget|cost|spend|spent|funding|investment)\b(?! (cuts?|reductions?))"
              r"|\bcost\b"),
    ("number", r"\b(how many|how much|number of|how far)\b"),
    # 'How long did children wait?', 'how soon?': a span of time, or a report's word on
    # timeliness where it gives none ('assessments of adopters are timely')
    ("duration", r"\bhow (long|soon|quickly|promptly|fast)\b"),
    ("date", r"\b(when|what date|which date|the date|what year|since when|by when|timescale|deadline)\b"),
))


def answer_type(question: str) -> str | None:
    q = question.lower()
    return next((kind for kind, pattern in _ASKS if pattern.search(q)), None)


def has_type(text: str, kind: str | None) -> bool:
    return type_strength(text, kind) > 0


def type_strength(text: str, kind: str | None) -> float:
    """How well ``text`` holds what a question of ``kind`` asks for: 1.0, or 0.5 for a
    vague count only ('the majority'), 0.0 for none."""
    if kind == "number":
        undated = _DATES.sub(" ", text)  # a date's digits are no count
        return 1.0 if _NUMBER.search(undated) else 0.5 if _SOME.search(undated) else 0.0
    if kind == "duration":
        return _duration(text)
    return 1.0 if _has(text, kind) else 0.0


# A span of time ('within 3 months', '20 working days', 'immediately'); and a report's
# judgement of timeliness, which answers 'how long' when no span is given (as 'the
# majority' answers 'how many': vaguely, so a span beats it).
_SPAN = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty)"
                   r"(\s*-\s*\d+)?\s+(working\s+)?(hours?|days?|weeks?|months?|years?)\b|\bimmediate(ly)?\b", re.I)
_TIMELY = re.compile(r"\b(timel(y|iness)|prompt(ly)?|swift(ly)?|quick(ly)?|delays?|delayed|without delay|"
                     r"in good time|waiting|waits?|drift)\b", re.I)


def _duration(text: str) -> float:
    return 1.0 if _SPAN.search(text) or _DATE.search(text) else 0.5 if _TIMELY.search(text) else 0.0


def _has(text: str, kind: str | None) -> bool:
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "rate":  # '35 per 10,000', '62.1%', 'a rate of ...'
        return bool(re.search(r"\d\s*%|\bper (cent|\d)|\d+ per \d|\brate of \d", text))
    if kind == "money":
        return bool(re.search(r"£\s*\d|\d\s*(million|m|k)\b", text))
    if kind == "grade":
        return bool(GRADE_WORDS.search(text))
    named = any(a not in _NOT_NAME and b not in _NOT_NAME for a, b in _NAME.findall(text))
    if kind == "name":
        return named
    if kind == "person":  # 'who': a person, or a body ('Borough of Poole', 'Bournemouth Borough Council')
        return named or bool(_BODY.search(text))
    return True


def read(text: str, library: list[ReportMeta]) -> Question:
    known = {m.place.lower() for m in library} | {m.authority.lower() for m in library}
    places = tuple(places_named(text))
    for meta in library:  # a council the library holds, however it is typed ('poole')
        if re.search(rf"\b{re.escape(meta.place)}\b", text, re.I) and meta.place not in places:
            places += (meta.place,)
    unknown = tuple(p for p in places if p.lower() not in known and not _part_of_known(p, known))
    years = tuple(dict.fromkeys(int(y) for y in YEAR.findall(_AS_AT.sub(" ", text))))
    recommendation = bool(_RECOMMENDATION_WORDS.search(text))
    grade = bool(_ASKS_GRADE.search(text)) and not recommendation
    intent = "recommendation" if recommendation else "grade" if grade else "text"
    grades = tuple(dict.fromkeys(normalise_grade(g) for g in GRADE_WORDS.findall(text)))
    skip = set(tokenize(" ".join(places) + " " + " ".join(grades))) | _FRAME | _VOICE_FRAME
    topic = tuple(t for t in tokenize(text) if t not in skip and not t.isdigit())
    voice = next((v for pattern, v in _VOICE_WORDS if pattern.search(text)), None)
    # 'Which outcome did Ofsted judge only adequate?': every record with that grade.
    wants_list = (bool(_LIST_WORDS.search(text)) and not (recommendation and _FIGURE_ASKED.search(text))
                  or bool(grades and re.search(r"\bwhich\b", text, re.I)))
    return Question(text, places, unknown, years, intent, wants_list, topic, voice, grades)


def follow_up(text: str, previous: str, library: list[ReportMeta]) -> str:
    """The offline reading of a follow-up question, as a question that stands alone:
    - one that names only a council or a year ('What about Poole?', 'And in 2016?') is
      the previous question asked of that council or year;
    - one that names neither ('What about care leavers?') keeps the previous one's
      councils and years.
    Anything else stands as it is. (With an LLM, the model rewrites follow-ups.)"""
    new, old = read(text, library), read(previous, library)
    if not new.topic and (new.places or new.years) and not (new.grades or new.intent != "text"):
        out = previous
        if new.places:
            for place in old.places:
                out = re.sub(rf"\b{re.escape(place)}\b", new.places[0], out, flags=re.I)
            if not old.places:
                out = f"{out.rstrip(' ?')} in {new.places[0]}?"
        for year in old.years:  # a year belonged to the council asked about before
            out = re.sub(rf"\s*\b(in )?{year}\b", "", out) if not new.years else out.replace(str(year), str(new.years[0]))
        if new.years and not old.years:
            out = f"{out.rstrip(' ?')} in {new.years[0]}?"
        return " ".join(out.split())
    if not new.places and not new.years and (old.places or old.years):
        where = " ".join([*old.places, *map(str, old.years)])
        return f"{text.rstrip(' ?')} ({where})?"
    return text


def clauses(text: str) -> list[str]:
    """'When was it inspected and when was the report published?' -> its two questions."""
    return [c for c in re.split(r",?\s+and\s+(?=(?:what|when|who|which|how)\b)", text, flags=re.I) if c.strip()]


def _part_of_known(place: str, known: set[str]) -> bool:
    # 'Bournemouth, Christchurch and Poole' is not Poole, but 'Dorset' is in 'Dorset Council'.
    return any(place.lower() == k.split(" ")[0] for k in known)


def filters_for(question: Question, given: Filters, library: list[ReportMeta]) -> Filters:
    """Explicit filters win; otherwise a council or year the question names narrows the search."""
    out = given
    known_places = [p for p in question.places if p not in question.unknown_places]
    if out.authority is None and out.doc_id is None and len(known_places) == 1:
        out = replace(out, authority=known_places[0])
    elif out.authority is None and out.doc_id is None and len(known_places) > 1:
        out = replace(out, places=tuple(known_places))
    if out.year is None and out.doc_id is None and len(question.years) == 1:
        out = replace(out, year=question.years[0])
    elif out.year is None and out.doc_id is None and len(question.years) > 1:
        out = replace(out, years=question.years)
    comparing = len(question.years) > 1 or len(known_places) > 1  # the kind named is one side's only
    if out.voice is None and out.doc_id is None and question.voice and not comparing:
        out = replace(out, voice=question.voice)
    return out
