"""Read a question: check it, find the councils and years it names, and what it asks for
(a date, a number, a name ...: ``answer_type``, and whether a text holds it: ``type_strength``);
who it asks for (``role_asked``), what a count counts (``counted``), whether it asks yes or
no (``polar``) or for the best or worst judgement (``rank_asked``), and the kind of report
it names (``voice_named``).

Pure functions over the question text and the library's report metadata.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from core.dates import MONTH_NAMES, MONTHS, TIME_UNITS
from core.errors import QuestionError
from core.grades import GRADE_WORDS, normalise_grade
from core.model import ReportMeta
from core.numbers import NUMBER_WORD, NUMBER_WORDS, same_number

from .authorities import places_named
from .keyword import STOPWORDS, held_words, term_opening, tokenize
from .model import Filters

YEAR = re.compile(r"\b(199\d|20[0-3]\d)\b")  # a year a report or a question names
# 'How many children had a plan at 31 December 2017?': the date of a figure, which a report
# published later gives; not the year of the report.
_AS_AT = re.compile(rf"\b(?:at|as at|as of)\s+\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\s+(?:19|20)\d\d\b", re.I)
# 'in 2019/20', 'the 2011-12 inspection': a financial or school year, a period that a report
# published at its end gives figures for (a 2020 self-evaluation reports 2019/20; Darlington's
# 2011-12 inspection is reported in 2012): read as its end year. A longer span ('Plan 2020-23')
# is a plan's or strategy's term and names no report's year.
_PERIOD = re.compile(r"\b(?P<start>(?:19|20)\d\d)\s*[/-]\s*(?P<end>(?:19|20)?\d\d)\b(?!\s*[/-]\s*\d)")


def _period_years(text: str, held: frozenset[int] | None = None) -> str:
    """``text`` with each one-year span as its end year ('2019/20' -> '2020'), a plan's term
    ('2020-23') left out, and two years in full ('2011-2016') as they are. Where ``held``
    (the years of the reports that may answer) lacks the end year but holds the start
    year, the start year: a report looking ahead ('by the end of 2020/21' in a 2020 paper)."""
    def end(m: re.Match) -> str:
        start, last = int(m["start"]), int(m["end"])
        if last < 100:  # '19/20', '99/00'
            last += start // 100 * 100 + (100 if last < start % 100 else 0)
        elif last != start + 1:
            return m[0]  # '2011-2016': two years named in full, as a question comparing them names them
        if last != start + 1:
            return " "
        return f" {start} " if held is not None and last not in held and start in held else f" {last} "
    return _PERIOD.sub(end, text)


def years_named(text: str, held: frozenset[int] | None = None) -> tuple[int, ...]:
    """The years a question names, a period as the year that reports it (``_period_years``)
    and a figure's 'as at' date left out."""
    return tuple(dict.fromkeys(int(y) for y in YEAR.findall(_period_years(_AS_AT.sub(" ", text), held))))


_ASKS_GRADE = re.compile(
    r"\b(grade[sd]?|grading|judgements?|judged?|judgments?|rating|rated|verdict|outstanding|inadequate|"
    r"requires? improvement|record of main findings|summary table)\b"
    # 'How did Ofsted rate ...?', not 'the rate of ...', nor '... did it have, and what was the vacancy rate?'
    r"|\b(did|does|do)\s+(\S+\s+){1,3}rate\b(?! of)", re.I)

# What the inspectors wanted is what they recommended ('Did Ofsted want ...?').
_INSPECTORS_WANT = r"\b(ofsted|inspectors?)\s+(want|expect)(ed|s)?\b"
_RECOMMENDATION_WORDS = re.compile(
    r"\b(recommend(ations?|ed|s)?|areas? for improvement|actions? (required|plan)|improve(ments?)? (needed|required)"
    r"|improvement actions?"
    r"|needs? to (be )?improve(d)?|what (needs|has|have) to improve)\b"
    r"|\b(want(ed)?|told|tell|ask(ed)?)\b.*\bto (change|do|improve|make|ensure)\b"
    rf"|\bsuggest(ed|s)?\b.*\bshould\b|{_INSPECTORS_WANT}", re.I)
# A yes/no question asking whether the report recommended something ('Was there a
# recommendation about ...?', 'Did Ofsted make any recommendations ...?', 'Was Dorset told to
# do anything about ...?', 'Did inspectors suggest Darlington should ...?', 'Did Ofsted want
# ...?', 'Does the action plan have ...?'): a recommendation on it answers yes. Not one asking a
# state of the recommendations ('Were they all met?').
ASKS_RECOMMENDED = re.compile(r"\b(was|were|is|are) there\b[^?]*\brecommendation|\b(make|made|give|gave)\b[^?]*"
                              r"\brecommendations?\b|\b(recommend(ed|s)?|suggest(ed|s)?)\b|\b(told|asked)\b[^?]*\bto\b"
                              rf"|{_INSPECTORS_WANT}|\bplan\s+(have|has|include|contain)", re.I)
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
    "tell me please their its they it services service children's set gave ask asked want wanted told put suggest "
    "need needs improve "
    # any area at all: 'Did Darlington get an outstanding grade for anything?'
    "anything anywhere something "
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
    polar: bool = False  # a yes/no question ('Was the LSCB judged good?'): ``polar``
    rank: str = ""  # 'best' or 'worst': a superlative over judgements ('Which area came out weakest?'): ``rank_asked``


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
# 'lead' too: the lead inspector is not one of the team inspectors, nor the lead member any member.
_QUALIFIERS = frozenset("deputy assistant interim acting independent former lead".split())
# 'Who led (or carried out) the inspection?' asks for the lead inspector, in other words.
# ('lead' itself is no verb here: 'the lead member at the 2017 inspection' is a member.)
_LED_INSPECTION = re.compile(r"\b(led|leads|leading)\s+([\w'’]+\s+){0,3}inspection\b", re.I)
_ROLE_VERB = re.compile(r"\b(chairs|chaired|chairing)\b", re.I)
_TAKES_POST = re.compile(r"\b(?:took|take|takes|taking|taken)\s+over\b.*|\b(?:replaced?|succeed(?:ed)?|covered|filled)\b.*",
                         re.I)
# Roles only an inspectorate's own report names: a council paper summarising an inspection
# names its own author and officers, not the inspectors.
_INSPECTORATE_ROLES = frozenset(tokenize("inspector"))


@dataclass(frozen=True)
class Role:
    """The role a question asks for: its role words (tokens) and qualifiers (none: anyone)."""

    words: frozenset[str]
    qualifiers: frozenset[str]

    said: str = ""  # as the question says it ('lead inspector'), for an abstention to name

    @property
    def of_inspectorate(self) -> bool:
        """An inspector's role: answered only from the inspectorate's (Ofsted's) own reports."""
        return bool(self.words & _INSPECTORATE_ROLES)

    def named_by(self, text: str) -> bool:
        """Does ``text`` name the role (a word or its longer or shorter form: 'inspection'
        ~ 'inspector') and every qualifier?"""
        found = set(tokenize(text))
        named = not self.words or any(same_word(w, r) for w in found for r in self.words)
        return named and self.qualifiers <= _qualifiers_in(text)


def role_asked(question: str) -> Role:
    """Read once per question; then ``named_by`` each candidate sentence or field."""
    if _LED_INSPECTION.search(question):
        question = f"{question} lead inspector"
    # 'Who chairs the board?' names what someone does, not a role whose holder it wants;
    # 'Who took over the director's role?' names the post taken, held by whoever took it
    question = _ROLE_VERB.sub(" ", _TAKES_POST.sub(" ", question))
    words = frozenset(tokenize(question)) & _ROLES
    said = max((m[0].lower() for m in _ROLE_SAID.finditer(question) if set(tokenize(m["role"])) & words),
               key=len, default="")
    return Role(words, _qualifiers_in(question), said)


def _qualifiers_in(text: str) -> frozenset[str]:
    """The qualifiers ``text`` says, as written (unstemmed: 'lead' is not 'leader')."""
    return _QUALIFIERS & set(re.findall(r"[a-z]+", text.lower()))


# A role word and the qualifiers and words before it: 'deputy lead inspector', 'cabinet member'.
_ROLE_SAID = re.compile(rf"(?:\b(?:{'|'.join(sorted(_QUALIFIERS))}|cabinet|senior|data|executive)\s+)*(?P<role>\b\w+\b)"
                        r"(?:\s+(?:of|for)\s+(?:[\w']+\s+){0,2}?services\b)?", re.I)


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
Office Standards Skills Piccadilly Gate Store Street Manchester Monday Tuesday Wednesday Thursday Friday Covid Pan
Multi Agency Portfolio Holder Leader Alliance Members Member Chief Deputy Working Together Strengthening Thrive Plan
Strategy""".split()) | set(MONTH_NAMES.split("|"))
_BODY = re.compile(r"\b[A-Z]\w+ (Borough |County |City )?Council\b|\bBorough of [A-Z]\w+|\bNHS\b|"
                   r"\b[A-Z]\w+ (Trust|Police|Constabulary|Commission)\b")
_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


# What a question asks for, by its words: the first that matches wins.
_ASKS = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("name", r"\b(name of|called)\b"),
    # 'who' asking, not 'carers who were fostering' (a relative pronoun after its noun)
    ("person", r"(^|[,;:(]\s*|\b(and|or|but|me|us|know|of)\s+)who\b"
               r"|\bwhich\b.*\b(member|director|officer|inspector|hmi|chair|councillor|person)\b"),
    ("grade", r"\b(grade[sd]?|judgement|judged|rated|rating|verdict)\b|\bdid\s+(\S+\s+){1,3}rate\b(?! of)"),
    ("rate", r"\b(proportion|percentage|share)\b|\b(the|a|what|vacancy|turnover) rates?\b|\brate of\b"),
    # 'How much ...?', 'What was the budget?' -- not any question that mentions budgets.
    ("money", r"\b(what|how much)\b.*\b(budget|cost|spend(ing)?|spent|fund(s|ed|ing)?|invest(ed|ing|ment)?|money|income"
              r"|savings|grants?)\b"
              r"(?! (cuts?|reductions?))"
              r"|\bcost\b"),
    ("number", r"\b(how many|how much|number of|how far|(the|an|what|on) average)\b"),
    # 'How long did children wait?', 'how soon?': a span of time, or a report's word on
    # timeliness where it gives none ('assessments of adopters are timely')
    ("duration", r"\bhow (long|soon|quickly|promptly|fast)\b"),
    ("date", r"\b(when|what date|which date|the date|what year|since when|by when|timescale|deadline)\b"),
))


# A question that opens by asking when ('Before the 2011 inspection, when had services last been
# rated adequate?') asks the date of a judgement or event, not its grade; a 'when' later on
# ('What grade did Dorset get when Ofsted inspected?') only says which one.
_ASKS_WHEN = re.compile(r"(^|[,;:]\s*)(when|(on|by|from) what date|what date|which date|(in )?what year)\b", re.I)


# The auxiliary verbs a question can open with ('Was ...?', 'Did ...?'): a yes/no question's.
_AUXILIARY = "is|are|was|were|did|does|do|has|have|had|can|could|will|would|should"


# The class: a 'who' after a comma that opens a relative clause, not a question ('What
# proportion of children in care, who responded to the survey, felt safe?', 'Were care
# leavers, who were 18 or over, in suitable accommodation?'): the question was already
# asked before the comma (a wh-word or an opening auxiliary). 'In 2011, who led the
# inspection?' asks who: nothing before its comma asks.
_ASKED_BEFORE = re.compile(rf"\b(what|how|which|when|where|why|whose)\b|^\s*({_AUXILIARY})\b")
_COMMA_WHO = re.compile(r"[,;:(]\s*who\b")


# The class: a question that opens with a clause setting the scene ('When partners mapped
# where children are at risk, which part of the county ...?', 'If a child needs a medical
# examination, how good ...?', 'When Ofsted inspected in 2011, were any cases waiting?'):
# its 'when' or 'if' asks nothing; the question is what follows the comma.
_FRAMING = re.compile(rf"^\s*(?:when|if|once|after|before|while|whenever)\b[^?,;]*,\s*"
                      rf"(?=(?:what|which|who|whose|how|where|why|when|{_AUXILIARY})\b)", re.I)


# The class: an inspection before the report's own ('Before the 2011 inspection, when had
# Ofsted last inspected fostering?', 'When was the previous inspection?'): a report's cover
# dates its own inspection, not that one; its text says when the earlier one was. A report's
# sentence about one ('when they were last inspected in 2008', EARLIER_SAID) does not state the
# report's own grade. (In a question 'the last inspection' is as often the latest one.)
EARLIER_SAID = re.compile(r"\b(?:last|previous|prior|earlier) (?:\w+ )?inspection\b", re.IGNORECASE)
ASKS_EARLIER = re.compile(r"\b(?:previous|prior|earlier|preceding)\s+(?:\w+\s+)?inspections?\b|\blast\s+inspected\b"
                          r"|\bbefore\s+(?:the|its)\s+(?:(?:19|20)\d\d\s+)?inspection\b", re.I)


def main_clause(question: str) -> str:
    """``question`` less a scene-setting clause before its own question (above)."""
    return _FRAMING.sub("", question, count=1)


def _without_relative_who(q: str) -> str:
    """``q`` (lower case) with a relative ', who' made 'that' (above)."""
    m = _COMMA_WHO.search(q)
    if m and _ASKED_BEFORE.search(q[:m.start()]):
        return q[:m.start()] + " that" + _without_relative_who(q[m.end():])
    return q


def answer_type(question: str) -> str | None:
    q = _without_relative_who(main_clause(question).lower())
    if _ASKS_WHEN.search(q):
        return "date"
    return next((kind for kind, pattern in _ASKS if pattern.search(q)), None)


# -- what a count is of: 'How many agency social workers ...?' is not answered by 'one social
# worker said', nor 'How many children were adopted?' by '294 children looked after' --------

# Words for children and young people, which reports and questions swap freely ('young
# people who have left care' ~ 'care leavers', 'youngsters' ~ 'children and young people').
_PEOPLE_WORDS = frozenset("child children young people youngsters person persons kids leavers teenagers "
                          "adolescents boys girls pupils".split())
_PEOPLE = frozenset(tokenize(" ".join(_PEOPLE_WORDS)))
_COUNT_ASKED = re.compile(r"\b(?:how many|(?:the |what )?number of|(?:the|an|what|on) average)\s+(?P<rest>[^?]*)", re.I)
_AUX = frozenset("were was are is had have has been being be did do does".split())
_BE = frozenset("were was are is been being be".split())  # 'were adopted': a passive, what was done
_VAGUE_COUNT = frozenset("all none half quarter majority minority most".split())
_OF_THE = frozenset("of the these those its their our".split())
# Words before and after a figure that say what it counts ('294 children and young people',
# 'a 13% vacancy rate for social work posts').
_WINDOW = 4
_WINDOW_AFTER = 6


def _counted_after(words: list[str], i: int) -> tuple[set[str], set[str]]:
    """The words (keyword.held_words) right after the figure ``words[i]`` up to the first
    stopword (not 'and'): what it counts when a noun follows it ('474 eligible and former
    relevant care leavers'); none when the figure ends a phrase ('(485);') or a stopword follows
    ('5 were'). A bracket ends it: '(pupil referral units)' names the centres again. Whose they
    are is not what they are: 'three residential children's homes' counts homes. Also the
    words of its last word, the noun counted ('60 adoptive families' count families)."""
    run: list[str] = []
    if re.search(r"[^\w%]$", words[i]):
        return set(), set()
    for w in words[i + 1:i + 1 + _WINDOW_AFTER]:
        bare = w.strip("(),.;:").lower()
        if not bare or w.startswith("(") or (bare in STOPWORDS and bare != "and") or bare in _AUX or bare == "per":
            break
        run.append(w)
        if w != w.rstrip("(),.;:"):
            break
    held = held_words(" ".join(w for n, w in enumerate(run) if n == len(run) - 1 or not re.search(r"['’]s$", w)))
    return held, (held_words(run[-1]) if run else set())


def _end_of_change(words: list[str], i: int) -> bool:
    """Is ``words[i]`` one end of a change: 'from eight (in 2008) to 70', 'from 80 to 106',
    'from an average of 223 per month (Oct 2019 to March 2020) to 395 per month'?"""
    low = [w.strip("(),.;:").lower() for w in words]
    j = i - 1
    while j >= 0 and low[j] in _ABOUT:  # an end may be qualified: 'from an average of 223'
        j -= 1
    before = low[j] if j >= 0 else ""
    ahead = low[i + 1:i + 1 + _CHANGE_SPAN]
    return ((before == "from" and any(w == "to" and _is_figure(nxt) for w, nxt in zip(ahead, ahead[1:])))
            or (before == "to" and "from" in low[max(0, j - _CHANGE_SPAN):j]))


# Words that may qualify a figure between 'from' or 'to' and it, and how far apart a
# change's two ends may be (a period in brackets between them: '(Oct 2019 to March 2020)').
_ABOUT = frozenset({"a", "an", "average", "of", "around", "about", "approximately", "nearly", "almost", "some"})
_CHANGE_SPAN = 10


def _is_figure(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or word in NUMBER_WORDS


# A group named by the state it left ('care leavers', 'school leavers', 'young people
# leaving care', 'who have left care'): the class of a count asked of those in that state.
_LEFT_STATE = re.compile(r"\b(?P<state>[a-z]+)\s+leavers?\b|\b(?:leav\w*|left)\s+(?P<left>[a-z]+)", re.I)


@dataclass(frozen=True)
class Count:
    """What a count question counts: the words of the thing ('agency social workers' ->
    tokens) and what was done to it, when the question says so in the passive ('how many
    children were adopted' -> 'adopt'). Empty when the question names nothing counted."""

    words: tuple[str, ...] = ()
    done: tuple[str, ...] = ()
    said: str = ""  # the thing in the question's words ('agency social workers')
    share: bool = False  # a rate or share is asked: a percentage answers; a count wants a count
    # the part of a group asked ('How many of the children on plans were on one because of
    # neglect?' -> 'neglect'): a sentence counting the part says one of these words; a
    # count of the whole group ('106 children were the subject of a plan') does not answer
    part: tuple[str, ...] = ()
    per_one: bool = False  # a figure for each one of the group is asked (_PER_ONE)

    def __bool__(self) -> bool:
        return bool(self.words or self.done)

    def held_by(self, sentence: str, context: str = "") -> bool:
        """Does ``sentence`` give a figure of the thing counted: a number (not a date's
        digits) with the thing's words within a few words of it (a vague count such as
        'the majority of plans' only before them), and what was done to it anywhere in the
        sentence or its ``context`` (heading, lead-in)?"""
        if self.part and not set(self.part) & held_words(f"{context} {sentence}"):
            return False
        if self.per_one and not _PER_ONE_SAID.search(f"{context} {sentence}"):
            return False
        if self.done:
            sentence, context = self._without_left(sentence), self._without_left(context)
            around = held_words(f"{context} {sentence}")  # 'in care' is 'looked after'
            if not all(any(same_word(d, t) for t in around) for d in self.done):
                return False
        if not self.words:
            return True
        words = _DATES.sub(" ", sentence).split()
        for i, w in enumerate(words):
            bare = w.strip("(),.;:").lower()
            vague = bare in _VAGUE_COUNT
            if not (vague or _is_figure(bare)):
                continue
            if not self.share and (bare.startswith(("£", "$")) or bare.endswith("%")):
                continue  # a sum or a share is no count: 'the £20,000 care leavers fund', '84% of children'
            if vague:  # the noun it quantifies: 'all children', 'the majority of children's plans'
                after = [x for x in words[i + 1:i + 1 + _WINDOW] if x.lower() not in _OF_THE]
                near = held_words(" ".join(after[:2]))
            else:
                counts, noun = (set(), set()) if self.share else _counted_after(words, i)  # '13% vacancy rate for posts'
                if noun and self.done and all(any(same_word(d, t) for t in noun) for d in self.done):
                    return True  # what was done, counted: '16 adoptions' are 16 children adopted
                if counts and not replace(self, words=self.words[-1:])._named_in(counts):
                    # 'the five Dorset learning centres' counts centres, not the children before it; the
                    # thing's last word is its noun ('an additional fifty case files' counts files)
                    continue
                window = words[max(0, i - _WINDOW):i + 1 + _WINDOW_AFTER]
                if not counts and _end_of_change(words, i):
                    # a change told by its ends ('steadily increasing numbers from eight in 2008 to
                    # 70'): the figures count what the sentence says changed, named before them
                    window = words[:i + 1 + _WINDOW_AFTER]
                near = held_words(" ".join(window))  # in either wording
            if self._named_in(near):
                return True
        return False

    def _without_left(self, text: str) -> str:
        """``text`` less the groups that have left the state asked ('care leavers', 'young
        people leaving care' for 'how many children were in care'): they are not in it."""
        def left(m: re.Match) -> str:
            state = set(tokenize(m["state"] or m["left"]))
            return " " if state & set(self.done) else m[0]
        return _LEFT_STATE.sub(left, text)

    def _named_in(self, tokens: set[str]) -> bool:
        """Are the thing's words among ``tokens`` (keyword.held_words: 'case files' hold 'records')?"""
        people = [w for w in self.words if w in _PEOPLE]
        # the same word, not a longer one: 'inspections' are not 'inspectors'
        return (all(w in tokens for w in self.words if w not in _PEOPLE)
                and (not people or any(t in _PEOPLE for t in tokens)))


def counted(question: str) -> Count:
    """The thing a count question ('how many', 'the number of', 'the average') counts: the
    words after it up to the verb, less council names (capitalised: 'how many Poole
    children'); and a passive participle after the verb ('were adopted', 'had been placed')."""
    if m := _COUNT_ASKED.search(question):
        return replace(_count_of(m["rest"]), per_one=bool(_PER_ONE.search(question)))
    # a rate or share is a figure of its thing too: 'the rate of children in care', 'the vacancy rate'
    if m := _RATE_OF.search(question):
        count = _count_of(m["rest"])
        return replace(count, said=f"the {m['what'].lower()} of {count.said}" if count.said else "", share=True)
    if (m := _RATE_NAMED.search(question)) and m["word"].lower() not in STOPWORDS and m["word"].islower():
        return Count(tuple(tokenize(m["word"])), (), f"the {m['word']} rate", share=True)
    return Count()


# A count asked of each one of a group ('How many cases was each reviewing officer handling?',
# 'On average, how many ...?'): a figure per one answers, not the group's total.
_PER_ONE = re.compile(r"\b(each|per|average)\b", re.I)
_PER_ONE_SAID = re.compile(r"\b(each|per|average|caseloads?|ratio)\b", re.I)
_RATE_OF = re.compile(r"\b(?P<what>rate|proportion|percentage|share) of\s+(?P<rest>[^?]*)", re.I)
_RATE_NAMED = re.compile(r"\b(?P<word>[\w-]+)\s+rates?\b")


def _count_of(rest_text: str) -> Count:
    """The thing counted, from the words after 'how many' (or 'the rate of')."""
    thing: list[str] = []
    said: list[str] = []
    rest = re.findall(r"[\w'’-]+", rest_text)
    i = 0
    if rest and rest[0].lower() == "of":  # 'how many of Dorset's young people', 'how many of the children'
        i = 1
        while i < len(rest) and (rest[i].lower() in _OF_THE or rest[i][:1].isupper()):
            i += 1
    while i < len(rest) and len(thing) < 5:
        w = rest[i]
        low = w.lower()
        if low == "and" and thing:  # 'children and young people'
            said.append(w)
            i += 1
            continue
        if (low in STOPWORDS or low in _AUX or low in _WHEN_WORDS or any(ch.isdigit() for ch in low)
                or (low.endswith("ed") and len(low) > 4)):
            break  # the thing ends where its verb, a time or a figure begins
        if thing and thing[-1].lower() in _PEOPLE_WORDS and low not in _PEOPLE_WORDS:
            break  # a word after 'young people' is a verb: 'how many young people belong to ...'
        if low in _ANY_OF or (re.search(r"['’]s$", low) and i + 1 < len(rest) and rest[i + 1].lower() not in STOPWORDS):
            said.append(w)  # nor is whose they are: 'children's records' counts records, 'children's homes' homes
        elif not w[:1].isupper():
            thing.append(w)
            said.append(w)
        i += 1
    thing_end = i
    if thing and i < len(rest) and rest[i].lower() in _RELATIVE:
        # 'young people who had left care were at university': the clause says who they are
        # ('care leavers' say it in other words); what is counted of them follows it
        verb = next((j for j in range(i + 1, min(len(rest), i + 1 + _WINDOW_AFTER)) if rest[j].lower() in _BE), None)
        i = verb if verb is not None else i
    while i < len(rest) and rest[i].lower() in _AUX:
        i += 1
    done = ()
    if 0 < i < len(rest) and rest[i - 1].lower() in _BE and rest[i].islower() and rest[i].endswith("ed"):
        done = tuple(tokenize(rest[i]))
    elif thing and (term := term_opening(" ".join(rest[i:]))):
        done = tuple(tokenize(term))  # which children: 'the number of children looked after by Dorset'
    elif thing and 0 < i < len(rest) - 1 and rest[i - 1].lower() in _BE and rest[i].lower() in _STATE:
        done = _state(rest[i + 1:])  # where they were: 'care leavers were at university'
    part: tuple[str, ...] = ()
    if rest and rest[0].lower() == "of" and thing:
        # 'how many of the children on plans were on one because of neglect': after the verb,
        # its first clause says which of the group (less what names the group itself)
        clause = len(re.findall(r"[\w'’-]+", re.split(r"[,;]|\b(?:and|compared|when|while)\b", rest_text)[0]))
        verb = next((j for j in range(thing_end, clause) if rest[j].lower() in _AUX), clause)
        group = set(tokenize(" ".join(rest[:verb])))
        part = tuple(dict.fromkeys(t for t in tokenize(" ".join(w for w in rest[verb + 1:clause] if not w[:1].isupper()))
                                   if t not in group | set(done) and not t.isdigit()))
    return Count(tuple(tokenize(" ".join(thing))), done, " ".join(said).removesuffix(" and"), part=part)


_RELATIVE = frozenset("who that which".split())
_WHEN_WORDS = frozenset("per between since during before after within".split())
# The class: a count of a group in a state the question names after its verb ('how many
# care leavers were at university', 'were on child protection plans'): a figure of the
# whole group ('262 care leavers') is no count of those in the state.
_STATE = frozenset("at in on under".split())


def _state(words: list[str]) -> tuple[str, ...]:
    """The state's own words: lower-case words up to the next small word, name or figure."""
    kept: list[str] = []
    for w in words:
        if w.lower() in ("the", "a", "an") and not kept:
            continue
        if w.lower() in STOPWORDS or not w.islower() or any(ch.isdigit() for ch in w):
            break
        kept.append(w)
    return tuple(tokenize(" ".join(kept)))


# Words that say a count is of each one, not what is counted: 'how many individual children's
# records' counts records ('43 case files'); 'the total number of children' counts children.
_ANY_OF = frozenset("individual separate different distinct total overall actual single".split())


def looked_for(question: Question) -> str:
    """What an abstention on a person or count question says was looked for: 'The reports
    name no lead inspector for Darlington.', 'The reports give no figure for agency social
    workers for Poole in 2017.' Empty for other questions."""
    where = " in ".join(filter(None, (" and ".join(question.places), " and ".join(map(str, question.years)))))
    where = f" for {where}" if where else ""
    kind = answer_type(question.text)
    role = role_asked(question.text)
    if kind in ("person", "name") and role.said:
        return f"The reports name no {role.said}{where}."
    if kind in ("number", "rate") and (count := counted(question.text)).said:
        return f"The reports give no figure for {count.said}{where}."
    return ""


def has_type(text: str, kind: str | None) -> bool:
    return type_strength(text, kind) > 0


def type_strength(text: str, kind: str | None, question: str = "") -> float:
    """How well ``text`` holds what a question of ``kind`` asks for: 1.0, or 0.5 for a
    vague count only ('the majority'), 0.0 for none. A figure the ``question`` states
    itself is no answer to it (``without_asked_figures``)."""
    if kind == "number":
        undated = _DATES.sub(" ", without_asked_figures(text, question))  # a date's digits are no count
        return 1.0 if _NUMBER.search(undated) else 0.5 if _SOME.search(undated) else 0.0
    if kind == "person" and not _has(text, kind):  # 'Who chairs the board?' 'The lead member.'
        return 0.5 if _ROLE_HOLDER.search(text) else 0.0
    if kind == "duration":
        return _duration(text)
    if kind in ("rate", "money"):  # 'within 12 months' is no rate for '... re-referred within 12 months?'
        text = without_asked_figures(text, question)
    return 1.0 if _has(text, kind) else 0.0


# The class: a count asked with a figure of its own ('How many children waited more than 12
# months?', 'How many of the 60 approved families ...?', 'in the last 12 weeks'). The sentence
# that repeats the question's '12 months' holds no count by that: only a figure the question
# does not state answers it. A figure is a number with the word after it ('12 months'), so
# '12 children' still counts where the question says '12 months'.
_FIGURE = re.compile(rf"\b(\d+(?:[.,]\d+)*%?|(?:{NUMBER_WORD})\b)(?:\s+([a-z]+))?", re.I)


def without_asked_figures(text: str, question: str) -> str:
    """``text`` with the figures ``question`` states blanked ('12 months' of 'more than 12 months?')."""
    # a year the question names ('2011', '2019/20') says when, and is no figure of it
    asked = _FIGURE.findall(_DATES.sub(" ", re.sub(r"\b(19|20)\d\d\s*[/-]\s*\d\d\b", " ", question.lower())))
    if not asked:
        return text

    def blank(m: re.Match) -> str:
        n, unit = m.group(1).lower(), (m.group(2) or "").lower()
        for a, a_unit in asked:
            if same_number(n, a) and (not a_unit or not unit or _same_unit(unit, a_unit)):
                return " "
        return m.group(0)
    return _FIGURE.sub(blank, text)


def _same_unit(a: str, b: str) -> bool:
    return a.rstrip("s") == b.rstrip("s")


# A role holder named by the role ('chaired by the lead member', 'the Chair of the Council was
# recruited'): who did something, when the question names no role whose holder it wants.
_ROLE_HOLDER = re.compile(r"\b(the|its|their|a)\s+((deputy|assistant|interim|acting|independent|lead|senior|"
                          r"executive|cabinet)\s+)*(chair|director|member|leader|officer|manager|head|"
                          r"councillor|governor|inspector|commissioner)\b"
                          # whoever does it, by their profession: 'the virtual school headteacher', 'GPs',
                          # 'the children in care nurses', 'personal advisers'
                          r"|\b(headteachers?|head teachers?|nurses|GPs?|paediatricians?|health visitors|"
                          r"social workers|personal advisers|independent reviewing officers)\b", re.I)


# A span of time ('within 3 months', '20 working days', 'immediately'); and a report's
# judgement of timeliness, which answers 'how long' when no span is given (as 'the
# majority' answers 'how many': vaguely, so a span beats it).
_SPAN = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty)"
                   rf"(\s*-\s*\d+)?\s+(working\s+)?{TIME_UNITS}\b|\bimmediate(ly)?\b", re.I)
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
    if kind not in ("name", "person"):
        return True
    named = any(a not in _NOT_NAME and b not in _NOT_NAME for a, b in _NAME.findall(text))
    if kind == "name":
        return named
    return named or bool(_BODY.search(text))  # 'who': a person, or a body ('Borough of Poole')


def read(text: str, library: list[ReportMeta]) -> Question:
    known = {m.place.lower() for m in library} | {m.authority.lower() for m in library}
    places = tuple(places_named(text))
    for meta in library:  # a council the library holds, however it is typed ('poole')
        if re.search(rf"\b{re.escape(meta.place)}\b", text, re.I) and meta.place not in places:
            places += (meta.place,)
    unknown = tuple(p for p in places if p.lower() not in known and not _part_of_known(p, known))
    years = years_named(text, frozenset(m.year for m in library if not places or m.place in places))
    recommendation = bool(_RECOMMENDATION_WORDS.search(text))
    grade = bool(_ASKS_GRADE.search(text)) and not recommendation and not _ASKS_WHEN.search(main_clause(text))
    intent = "recommendation" if recommendation else "grade" if grade else "text"
    grades = tuple(dict.fromkeys(normalise_grade(g) for g in GRADE_WORDS.findall(text)))
    skip = set(tokenize(" ".join(places) + " " + " ".join(grades))) | _FRAME | _VOICE_FRAME
    topic = tuple(t for t in tokenize(text) if t not in skip and not t.isdigit())
    voice = voice_named(text)
    # 'Which outcome did Ofsted judge only adequate?': every record with that grade.
    wants_list = (bool(_LIST_WORDS.search(text)) and not (recommendation and _FIGURE_ASKED.search(text))
                  or bool(grades and re.search(r"\bwhich\b", text, re.I)))
    return Question(text, places, unknown, years, intent, wants_list, topic, voice, grades,
                    polar=polar(text), rank=rank_asked(text))


# -- question classes: yes/no, and the best or worst of a report's judgements --------------
# A yes/no question opens with an auxiliary verb, perhaps after a framing clause ('In
# Dorset's 2020 self-evaluation, were all ... held on time?'); 'Was it good or adequate?'
# offers a choice instead ('or better' / 'or above' still asks yes or no).
POLAR_OPENER = re.compile(rf"^(?:[^,?]{{0,80}},\s*)?({_AUXILIARY})\b(?!\s+(?:you|we)\b)", re.I)
_CHOICE = re.compile(r"\bor\b(?!\s+(better|above|worse|below|higher|lower|not)\b)", re.I)


def polar(text: str) -> bool:
    """Does the question ask for a yes or a no ('Was the LSCB judged good?', 'Did the
    inspection find any cases where children were unsafe?')?"""
    return bool(POLAR_OPENER.search(text.strip())) and not _CHOICE.search(text)


# A superlative over judgements: its word next to what is ranked ('the best grade',
# 'the lowest grade any area received', 'the strongest outcome area') or after how it
# came out ('came out weakest', 'did Dorset do best'). 'best interests', 'best practice'
# are not rankings.
_BEST, _WORST = r"best|strongest|highest|top", r"worst|weakest|lowest|poorest"
_RANKED = r"grades?|judg(?:e)?ments?|ratings?|areas?|outcomes?|aspects?"
_RANK_WORD = (r"\b(?:{})\b\s+(?:\w+\s+)?(?:{})\b"
              r"|\b(?:came out|come out|comes out|judged?|rated?|graded?|do|did|does|fared?|perform\w*)\s+"
              r"(?:the\s+)?(?:{})\b")


def rank_asked(text: str) -> str:
    """'best' or 'worst' when the question asks for a report's best or worst judgement; ''."""
    for rank, words in (("best", _BEST), ("worst", _WORST)):
        if re.search(_RANK_WORD.format(words, _RANKED, words), text, re.I):
            return rank
    return ""


def voice_named(text: str) -> str | None:
    """The kind of report ``text`` names ('the 2020 self-evaluation'), as a Voice value."""
    return next((v for pattern, v in _VOICE_WORDS if pattern.search(text)), None)


def voice_words(text: str) -> tuple[int, int] | None:
    """Where ``text`` names a kind of report (``voice_named``): (start, end), or None."""
    found = [m.span() for pattern, _ in _VOICE_WORDS if (m := pattern.search(text))]
    return min(found) if found else None


# 'and' joining a second ask: its own wh-word, perhaps after a preposition ('..., and on what terms?').
_NEXT_ASK = re.compile(r",?\s+and\s+(?=(?:(?:on|in|for|by|with|from|to|at|under|of)\s+)?"
                       r"(?:what|when|who|whom|which|how|where|why)\b)", re.I)


# The class: a second ask of the size alone ('Did the number rise between 2008 and 2011, and by
# how much?'): the size of the change the first asks about, told by the same sentence; no thing
# of its own to look for.
_HOW_MUCH = re.compile(r"^\s*(?:by\s+)?how\s+(?:much|many|far)\b(?:\s+(?:more|less|fewer))?\s*\??\s*$", re.I)


def clauses(text: str) -> list[str]:
    """A question's asks: 'When was it inspected and when was the report published?' -> its
    two questions; 'When did the director start, and on what terms?' -> two; 'Did the number
    rise between 2008 and 2011, and by how much?' -> one."""
    out: list[str] = []
    for part in (c for c in _NEXT_ASK.split(text) if c.strip()):
        if out and _HOW_MUCH.match(part):
            out[-1] = f"{out[-1].rstrip(' ,?')}, and {part.strip()}"
        else:
            out.append(part)
    return out


def _part_of_known(place: str, known: set[str]) -> bool:
    # 'Bournemouth, Christchurch and Poole' is not Poole, but 'Dorset' is in 'Dorset Council'.
    return any(place.lower() == k.split(" ")[0] for k in known)


def filters_for(question: Question, given: Filters, library: list[ReportMeta]) -> Filters:
    """Explicit filters win; otherwise a council or year the question names narrows the search."""
    if given.doc_id is not None:  # one report chosen: nothing the question names narrows it more
        return given
    out = given
    known_places = [p for p in question.places if p not in question.unknown_places]
    if out.authority is None and len(known_places) == 1:
        out = replace(out, authority=known_places[0])
    elif out.authority is None and len(known_places) > 1:
        out = replace(out, places=tuple(known_places))
    if out.year is None and len(question.years) == 1:
        out = replace(out, year=question.years[0])
    elif out.year is None and len(question.years) > 1:
        out = replace(out, years=question.years)
    comparing = len(question.years) > 1 or len(known_places) > 1  # the kind named is one side's only
    if out.voice is None and question.voice and not comparing:
        out = replace(out, voice=question.voice)
    return out
