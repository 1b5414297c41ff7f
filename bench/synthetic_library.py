"""The synthetic libraries of bench/scale.py: Nx the corpus, as hard distractors.

    stats = build_library(10, Path("/tmp/library-10x"))  # ten copies' reports and manifest.csv
    paragraph_uniqueness(Path("/tmp/library-10x"))          # how distinct their paragraphs are

1x is the corpus itself: the five files byte for byte and ``corpus/manifest.csv``
as it is, so its evaluation is the product's. Nx adds N-1 *copies* of the corpus.
Copy i is a mirror world of three made-up councils: Dorset, Poole and Darlington
each become a generated English-sounding place ('Ashcombe', 'Redhurst', 'East
Millleigh': a first part and an ending from the lists below, Darlington's stand-in
sometimes with North/South/East/West), unique across the library and never a place
``rag.authorities`` knows, so no question in the set can name one; Dorset's three
reports stay one council in each copy. In each report of the copy, deterministically
(seeded by copy, file and position):

- places: every council, town and area name of the real reports (Dorset, Poole,
  Darlington, Bournemouth, Christchurch, Weymouth, Portland, Dorchester, Durham...)
  becomes the copy's own (towns from the same generator, the rivers of the Tees, Esk
  and Wear trust from a list of rivers), in upper case and inside e-mail and web
  addresses too, and the councils' acronyms follow (DSCB, DCC, DBC, BCP);
- people: the named inspectors, officers and councillors get generated names;
- years: every year moves by the copy's offset (-3..+4, never 0; years of Acts
  stay), '2019/20', '2019/2020' and '28/08/20' included, so dates, periods, file
  name and manifest agree;
- figures: every count, percentage and amount in the prose is scaled by 0.7-1.35
  (numbers under 10 move by 1 or 2; percentages stay at most 100); numbering at the
  start of a line, days of a month, grades, Key Stages, sections, regulations,
  phone numbers and table cells are left alone;
- wording, first pass (``transform_text``): in prose (not headings, grade lines,
  contents lines or judgement rows) report phrases are swapped for equivalents per
  occurrence ('senior managers'/'senior leaders', 'a range of'/'a variety of',
  'However,'/'Nevertheless,', 'robust'/'rigorous' ...); a paragraph the library
  already has gets other swaps, then an opener before one of its sentences
  ('Notably, ', 'In practice, ', 'It is clear that '...; never before a sentence that
  states a grade) or, for list items, table cells and recommendations, a closing
  phrase (' as a priority', ' within agreed timescales'...). A varied line must keep
  what the parser reads off a line besides its words (length against its thresholds,
  sentence end, first-letter case), or it keeps its old wording;
- wording, second pass (``make_distinct``), with the parser as judge: each parsed
  prose paragraph, list item or non-judgement table row of 40+ characters whose text
  the library already has is retouched the same way, in rounds, keeping only changes
  under which the report parses into the same paragraph kinds, judgements and
  recommendations.

The copy is written as ``<place>-<year>-<rest of the file name>.txt`` with a
manifest.csv row (authority, year, publisher, report_type, title, period) made from
the real row by the same substitutions. Each copy is checked to parse into as many
judgements and recommendations as its source, and the same paragraphs give or take
two (a warning otherwise). At 10x, 95% of the prose paragraphs, list items and table
rows of 60+ characters occur once in the library (78% of all searchable paragraphs):
the repeats are headings, grade lines, judgement rows ('Equality and diversity |
Good'), lead-ins and short labels, which real Ofsted reports also share word for
word. Copies are harder distractors than another council's real report would be:
apart from names, figures and wording they say what the real report says.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import random
import re
import shutil
from collections import Counter
from pathlib import Path

from core.dates import MONTHS
from core.grades import GRADE_WORDS
from ingest.parser import TOC_LINE

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# Place names: a first part and an ending ('Ash' + 'combe'); primaries may take a
# compass prefix. Names that rag.authorities.PLACES holds (or holds a word of) are dropped.
_FIRST = ("Ash", "Bram", "Thorn", "Oak", "Elm", "Hazel", "Alder", "Brack", "Cold", "Fern", "Holm", "Kings",
          "Lang", "Mill", "Nor", "Red", "Stan", "Wester", "Whit", "Wood", "Brook", "Har", "Mar", "Sel", "Ather",
          "Bur", "Char", "Dun", "Fair", "Glen", "High", "Lox", "Moor", "Pen", "Rush", "Saxe", "Tarn", "Wil",
          "Ald", "Bex", "Crans", "Hamble", "Kel", "Ludg", "Ottery", "Quen", "Rother", "Sand", "Tad", "Wend")
_ENDING = ("ford", "ley", "ton", "field", "wick", "stead", "ham", "worth", "combe", "mere", "dale", "by",
           "minster", "hurst", "leigh", "cote")
_COMPASS = ("", "", "", "North ", "South ", "East ", "West ")
_RIVERS = ("Avon", "Exe", "Frome", "Stour", "Lune", "Ouse", "Nene", "Wey", "Kennet", "Cherwell", "Swale",
           "Ure", "Aire", "Trent", "Dove", "Wharfe", "Ribble", "Eden", "Tamar", "Wensum")
_FIRST_NAMES = ("Alison", "Andrew", "Anna", "Beth", "Carol", "Chris", "Claire", "David", "Deborah", "Emma",
                "Fiona", "Gareth", "Helen", "Ian", "James", "Jane", "Karen", "Kate", "Laura", "Mark", "Martin",
                "Mary", "Michael", "Nadia", "Neil", "Paul", "Priya", "Rachel", "Richard", "Ruth", "Sally",
                "Simon", "Sophie", "Stephen", "Susan", "Tom")
_SURNAMES = ("Ainsworth", "Barker", "Bell", "Carter", "Chandler", "Dawson", "Ellis", "Fletcher", "Foster",
             "Gibson", "Hale", "Harding", "Holt", "Hughes", "Irving", "Jennings", "Kaur", "Lawson", "Lloyd",
             "Marsh", "Morgan", "Nash", "Owen", "Patel", "Pearce", "Quinn", "Reeves", "Rowe", "Shaw", "Slater",
             "Thorpe", "Turner", "Vaughan", "Walsh", "Webb", "Young")

# The corpus's council, town and area names: (name, role). A role names what the copy
# maps it to: the three councils, towns (from the place generator) and rivers.
_PLACE_ROLES = (
    ("Dorset", "A"), ("Poole", "P"), ("Darlington", "C"),
    ("Bournemouth", "town"), ("Christchurch", "town"), ("Weymouth", "town"), ("Portland", "town"),
    ("Dorchester", "town"), ("Sherborne", "town"), ("Gillingham", "town"), ("Purbeck", "town"),
    ("Durham", "town"),
    ("Tees", "river"), ("Esk", "river"), ("Wear", "river"),
)
# The corpus's people (Professor Harry Ferguson, an academic other councils cite too, stays).
_PEOPLE = ("Lynne Staines", "Sara Tough", "Rebecca Knox", "Sandra Conroy", "Murray Rose", "Lisa Summers",
           "Joy Howick", "Linda Steele", "Nicola Bennett", "John Roughton", "Lolly Rascagneres", "Peter Green",
           "Rachel Griffiths", "Tania Corbin", "John Mitchell")
_YEAR_OFFSETS = (-3, -2, -1, 1, 2, 3, 4)
# Words before a number that make it a label, not a figure.
_LABEL_BEFORE = re.compile(
    r"(?i)\b(grades?|stages?|sections?|regulations?|levels?|tiers?|years?|appendix|appendices|figures?|tables?|"
    r"paragraphs?|paras?|pages?|recommendations?|phases?|parts?|chapters?|articles?|schedules?|rules?|no\.?|"
    r"number|aged|ages?|items?|priority|priorities|rows?|questions?|rounds?|waves?|versions?|options?|lines?|"
    r"boxes?|extension|tel|telephone|act|covid|page)\s*[-:]?\s*$")
_LAW_BEFORE = re.compile(r"\b(Act|Regulations|Order|Rules|Act\))\s*(\(\w+\)\s*)?[,]?\s*$")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_/.,\-£$])(£?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                     r"(?![A-Za-z0-9_/]|[.,]\d|-\d)")
_FIN_YEAR = re.compile(r"\b((?:19|20)\d\d)([/-])((?:19|20)?\d\d)\b(?![/-]\d)")
_SHORT_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d\d)\b")
# Report phrases and their equivalents, swapped per occurrence in prose lines (each
# alternative fits wherever the phrase does, article included).
_PHRASES = (
    ("senior managers", ("senior managers", "senior leaders", "senior managers")),
    ("social workers", ("social workers", "social work staff", "practitioners")),
    ("a range of", ("a range of", "a variety of", "a wide range of")),
    ("a number of", ("a number of", "several")),
    ("However,", ("However,", "Nevertheless,", "That said,")),
    ("In addition,", ("In addition,", "Additionally,", "Furthermore,")),
    ("Although", ("Although", "While", "Although")),
    ("robust", ("robust", "rigorous", "strong")),
    ("timely", ("timely", "prompt")),
    ("consistently", ("consistently", "reliably")),
    ("for example", ("for example", "for instance")),
    ("appropriate", ("appropriate", "suitable")),
    ("appropriately", ("appropriately", "suitably")),
    ("promptly", ("promptly", "swiftly")),
    ("significant", ("significant", "considerable")),
    ("demonstrate", ("demonstrate", "show")),
    ("quickly", ("quickly", "swiftly")),
    ("regular", ("regular", "frequent")),
    ("the local authority", ("the local authority", "the council")),
    ("partner agencies", ("partner agencies", "partners")),
    ("partnership working", ("partnership working", "joint working")),
    ("children in care", ("children in care", "looked after children")),
    ("well established", ("well established", "firmly established")),
    ("effectively", ("effectively", "well")),
    ("to ensure", ("to ensure", "to make sure")),
    ("ensuring", ("ensuring", "making sure")),
    ("ensures", ("ensures", "makes sure")),
    ("families", ("families", "households", "families")),
    ("children and families", ("children and families", "families and children")),
    ("meetings", ("meetings", "meetings", "sessions")),
    ("improve", ("improve", "strengthen", "improve")),
    ("effective", ("effective", "effective", "successful")),
    ("support", ("support", "support", "help")),
    ("identified", ("identified", "recognised")),
    ("monitor", ("monitor", "track")),
    ("oversight", ("oversight", "scrutiny")),
    ("currently", ("currently", "at present")),
    ("in relation to", ("in relation to", "regarding", "in respect of")),
    ("throughout", ("throughout", "across")),
    ("impact", ("impact", "effect")),
    ("developed", ("developed", "established")),
    ("understand", ("understand", "grasp")),
)
# When swapping is not enough to make a line new: an opener before one of its
# sentences (never before a sentence that states a grade), or for a list item or a
# table cell a closing phrase. Voice-neutral: they fit Ofsted and council papers alike.
_OPENERS = ("Notably, ", "In practice, ", "Importantly, ", "Overall, ", "In most cases, ", "Currently, ",
            "Increasingly, ", "Similarly, ", "Generally, ", "On balance, ", "In the main, ",
            "Across the partnership, ", "It is clear that ", "Evidence shows that ", "At present, ")
_SUFFIXES = (" as a priority", " without delay", " across the partnership", " in all cases", " at all times",
             " consistently", " in every case", " throughout the service", " within agreed timescales",
             " for all children", " in each locality", " as a matter of routine", " over the coming year",
             " in line with agreed procedures", " with partners", " in most cases")
# Sentence-initial words an opener may put in lower case (any other word may be a name):
# ones that can follow 'It is clear that', and adverbials that only follow a comma opener.
_SUBJECTS = frozenset("""The This These That Those There They Their It Its We Our Staff Children Young Parents
Managers Inspectors Partners Social Senior Leaders Most Some Many All Each Every Both A An Few Almost Work
Services""".split())
_ADVERBIALS = frozenset("""However Although While When Where As Despite Consequently Additionally Moreover Since
During Through Following For At In Of On By With Only""".split())
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(p) for p, _ in _PHRASES) + r")\b")
_PHRASE_ALTS = dict(_PHRASES)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _place_pool() -> list[str]:
    from rag.authorities import PLACES

    known = {p.lower() for p in PLACES} | {w.lower() for p in PLACES for w in re.split(r"[ ,-]+", p)}
    real = {name.lower() for name, _ in _PLACE_ROLES}
    stems = [f + e for f in _FIRST for e in _ENDING]
    return [s for s in stems if s.lower() not in known and s.lower() not in real
            and not any(r in s.lower() for r in real)]


@dataclasses.dataclass
class Copy:
    """One mirror copy of the corpus: its councils, towns, people and year offset."""

    index: int
    offset: int
    places: dict[str, str]  # real place -> the copy's
    people: dict[str, str]  # real full name -> the copy's
    acronyms: dict[str, str]  # DSCB -> ASCB ...

    def year(self, y: int) -> int:
        return y + self.offset


def make_copies(n: int) -> list[Copy]:
    """Copies 1..n-1 (copy 0 is the corpus itself): unique council places across all."""
    rng = random.Random("bench-scale-places")
    stems = _place_pool()
    rng.shuffle(stems)
    needed = 3 * (n - 1)
    if needed > len(stems):
        raise SystemExit(f"--scale {n}: the name lists give {len(stems)} council names, {needed} needed")
    # Only Darlington's stand-in may take a compass word: the reports also say 'West
    # Dorset', and Poole's hard-wrapped lines should not grow much (the parser reads
    # their typical width).
    primaries = [(rng.choice(_COMPASS) if j % 3 == 2 else "") + s for j, s in enumerate(stems[:needed])]
    towns = stems[needed:] or stems  # towns may repeat across copies (never within one)
    copies = []
    for i in range(1, n):
        r = random.Random(f"bench-scale-copy-{i}")
        a, p, c = primaries[3 * (i - 1): 3 * i]
        picked = r.sample([t for t in towns if t not in (a, p, c)], 9)
        rivers = r.sample(_RIVERS, 3)
        places, t_i, r_i = {}, iter(picked), iter(rivers)
        for name, role in _PLACE_ROLES:
            places[name] = {"A": a, "P": p, "C": c}.get(role) or next(r_i if role == "river" else t_i)
        firsts, lasts = r.sample(_FIRST_NAMES, len(_PEOPLE)), r.sample(_SURNAMES, len(_PEOPLE))
        people = {real: f"{f} {s}" for real, f, s in zip(_PEOPLE, firsts, lasts)}
        ini = lambda name: places[name].split()[-1][0]  # noqa: E731
        acronyms = {"DSCB": ini("Dorset") + "SCB", "DCC": ini("Dorset") + "CC", "DBC": ini("Darlington") + "BC",
                    "BCP": ini("Bournemouth") + ini("Christchurch") + ini("Poole"),
                    "Darlo": places["Darlington"].split()[-1][:4] + "o"}
        copies.append(Copy(i, _YEAR_OFFSETS[r.randrange(len(_YEAR_OFFSETS))], places, people, acronyms))
    return copies


_ADDRESS = re.compile(r"\S+@\S+|\bwww\.\S+|\b\S+\.(?:gov|org|co|nhs)\.uk\S*")


def _sub_names(text: str, mapping: dict[str, str], lower: str = "") -> str:
    """Whole-word replacement (one pass, longest name first), in upper case too for
    names of five letters or more. ``lower``: 'place' or 'person', how a name is written
    in lower case inside web and e-mail addresses ('dorsetcc.gov.uk', 's.l.conroy@'):
    the new place run together, or the new surname."""
    table = dict(mapping)
    table.update({old.upper(): new.upper() for old, new in mapping.items() if len(old) > 4})
    names = sorted(table, key=len, reverse=True)
    text = re.sub(r"\b(" + "|".join(map(re.escape, names)) + r")\b", lambda m: table[m[1]], text)
    if lower:
        low = {old.lower().split()[-1]: (_slug(new).replace("-", "") if lower == "place" else new.split()[-1].lower())
               for old, new in mapping.items()}
        pattern = re.compile("|".join(map(re.escape, sorted(low, key=len, reverse=True))))
        text = _ADDRESS.sub(lambda m: pattern.sub(lambda n: low[n[0]], m[0]), text)
    return text


def _shift_years(text: str, copy: Copy) -> str:
    def fin(m):
        y = copy.year(int(m[1]))
        second = copy.year(int(m[3])) if len(m[3]) == 4 else f"{(int(m[3]) + copy.offset) % 100:02d}"
        return f"{y}{m[2]}{second}"

    def short(m):
        return f"{m[1]}/{m[2]}/{(int(m[3]) + copy.offset) % 100:02d}"

    text = _FIN_YEAR.sub(fin, text)
    return _SHORT_DATE.sub(short, text)


def _figure(value: str, pct: bool, rng: random.Random) -> str:
    """A count, percentage or amount, moved deterministically (never to itself)."""
    plain = value.replace(",", "")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    x = float(plain)
    if x == 0:
        return value
    if x < 10 and not decimals:
        y = max(1.0, x + rng.choice((-2, -1, 1, 2)))
        y = x + 1 if y == x else y
    else:
        y = round(x * rng.choice((rng.uniform(0.7, 0.95), rng.uniform(1.05, 1.35))), decimals)
        if y == x:
            y = x + (10 ** -decimals if decimals else 1)
    if pct and y > 100:
        y = round(min(100.0, x) * rng.uniform(0.85, 0.97), decimals)
    out = f"{y:,.{decimals}f}" if "," in value else f"{y:.{decimals}f}"
    return out


def _numbers(line: str, copy: Copy, rng: random.Random, in_table: bool) -> str:
    """Years shifted (not an Act's), figures moved; labels, numbering and days kept."""
    prefix = re.match(r"^[\s>*\-\u2022#|(]*(?:\d{1,3}(?:\.\d{1,3})?[.)]?\s+|[a-z][.)]\s+|\(\w{1,6}\)\s+)?", line)
    start = prefix.end() if prefix else 0

    def one(m: re.Match) -> str:
        pound, value = m[1], m[2]
        before = line[max(0, m.start() - 40):m.start()]
        after = line[m.end():m.end() + 30]
        if re.fullmatch(r"(19[9]\d|20[0-3]\d)", value):  # a year
            if _LAW_BEFORE.search(before):
                return m[0]
            return pound + str(copy.year(int(value)))
        if m.start() < start or in_table or _LABEL_BEFORE.search(before):
            return m[0]
        if value.startswith("0") and len(value) > 1 and not value.startswith("0."):
            return m[0]  # phone numbers, codes
        if re.match(rf"\s*(?:st|nd|rd|th)?\s*(?:[-\u2013]\s*\d{{1,2}}\s*)?(?:of\s+)?(?:{MONTHS})\b", after):
            return m[0]  # a day of a month
        if re.search(rf"\b(?:{MONTHS})\s*$", before) or re.search(r"\d\s*[-\u2013]\s*$", before):
            return m[0]  # 'September 12', the end of a range of days
        if re.match(r"\s*(?:am|pm|a\.m\.|p\.m\.)\b|:\d", after):
            return m[0]  # a time
        return pound + _figure(value, after.lstrip().startswith("%") or after.startswith("per cent"), rng)

    return _NUMBER.sub(one, line)


def _vary(text: str, rng: random.Random) -> str:
    return _PHRASE.sub(lambda m: rng.choice(_PHRASE_ALTS[m[1]]), text)


def _prose_line(line: str, headings: set[str]) -> bool:
    s = line.strip()
    if len(s) < 40 or "\t" in s or re.search(r"(?i)\bgrade\b|^\*\*|^#", s):
        return False
    if re.sub(r"^[\d.]+\s+", "", s).strip(" *") in headings:
        return False
    return len(re.findall(r"\b[a-z]{2,}\b", s)) >= 5


_LEAD = re.compile(r"^\s*(?:[-\u2022*]\s+)?(?:\d{1,3}(?:\.\d{1,3})?[.)]?\s+|[a-z][.)]\s+|\(\w{1,6}\)\s+)?")
_STARTS_ITEM = re.compile(r"^(?:\s|[-\u2022*]\s+|\d{1,3}(?:\.\d{1,3})?[.)]?\s+|[a-z][.)]\s+|\(\w{1,6}\)\s+)")
_SENTENCE_END = re.compile(r"[.!?]['\"\u2019)]?(?:\s|$)")


def _opener(text: str, tail: str, rng: random.Random, starts_sentence: bool, common: frozenset = frozenset()) -> str:
    """``text`` (a line; ``tail``: the rest of its paragraph) with an opener before one of
    its sentences that starts with a common word; unchanged if none does. Never before a
    sentence that states a grade (the parser reads those)."""
    lead = _LEAD.match(text).end()
    spots = [m.end() for m in re.finditer(r"[.!?]['\"\u2019)]?\s+(?=[A-Z])", text) if m.end() > lead]
    if starts_sentence:
        spots.insert(0, lead)
    options = []
    for i in spots:
        word = re.match(r"[A-Za-z]+", text[i:])
        if not word or (word[0] not in _SUBJECTS | _ADVERBIALS and word[0].lower() not in common):
            continue
        if text[:i].rstrip().endswith(",") or any(text[i:].startswith(o) for o in _OPENERS):
            continue  # an opener there already
        sentence = _SENTENCE_END.split(text[i:] + " " + tail, maxsplit=1)[0]
        if not GRADE_WORDS.search(sentence):
            options.append((i, word[0]))
    if not options:
        return text
    i, word = rng.choice(options)
    openers = [o for o in _OPENERS if (o.endswith(", ") or word in _SUBJECTS)
               and o.split()[0].strip(",").lower() != word.lower()]
    return text[:i] + rng.choice(openers) + text[i].lower() + text[i + 1:]


def _suffix(text: str, rng: random.Random, item: bool) -> str:
    """A closing phrase before the final full stop of ``text`` (a paragraph's last line),
    or at the end of a list item or table cell; unchanged if its last sentence states a
    grade or the line ends mid-sentence."""
    end = re.search(r"[.;]?(?:\s*</[a-z]+>)*\s*$", text).start()  # before a closing full stop or HTML tag
    last = re.split(r"(?<=[.!?])\s+", text[:end].strip())[-1]
    if GRADE_WORDS.search(last) or not (item or text[end:].strip()[:1] in (".", ";")):
        return text
    had = next((x for x in _SUFFIXES if text[:end].endswith(x)), "")  # one closing phrase, never two
    return text[:end - len(had)] + rng.choice([x for x in _SUFFIXES if x != had]) + text[end:]


def _key(text: str) -> str:
    return " ".join(text.split())


def _prose_cell(cell: str) -> bool:
    return len(re.findall(r"\b[a-z]{2,}\b", cell)) >= 5 and not GRADE_WORDS.search(cell)


def _units(lines: list[str], headings: set[str]) -> list[tuple[int, int, int | None]]:
    """The parts of a report that are varied as one: (first line, end line, None) for a
    run of prose lines that read as one paragraph (a numbered paragraph, a list item, a
    hard-wrapped paragraph), (line, line + 1, cell index) for the prose cell of a table
    row. Headings, grade lines and other cells are not units."""
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line:
            if TOC_LINE.search(line):  # a contents entry: the parser matches it to its heading
                i += 1
                continue
            cells = line.split("\t")
            if any(GRADE_WORDS.fullmatch(c.strip()) for c in cells):
                i += 1  # a judgement row: its area names the judgement
                continue
            prose = [c for c in range(len(cells)) if _prose_cell(cells[c])]
            if prose:
                out.append((i, i + 1, max(prose, key=lambda c: len(cells[c]))))
            i += 1
            continue
        if not _prose_line(line, headings):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and _continues(lines[j], lines[j - 1], headings):
            j += 1
        out.append((i, j, None))
        i = j
    return out


def _continues(line: str, before: str, headings: set[str]) -> bool:
    s = line.strip()
    if not s or "\t" in line or _STARTS_ITEM.match(line) or s.strip(" *") in headings:
        return False
    if re.search(r"(?i)\bgrade\b", s):
        return False
    return not before.rstrip().endswith((".", "!", "?", ":")) or _prose_line(line, headings)


def transform_text(text: str, copy: Copy, stem: str, headings: set[str], seen: set[str]) -> str:
    """One copy of a report's text: names, years and figures changed, then its wording
    varied (the first pass at distinct paragraphs; ``make_distinct`` is the second).
    ``seen``: the keys of the library's paragraphs so far (the real reports' included);
    updated."""
    from core.textnorm import normalise
    from ingest.parser import detect_layout

    shape = line_shape(detect_layout(normalise(text).split("\n")).wrap)
    text = _sub_names(text, copy.places, lower="place")
    text = _sub_names(text, copy.people, lower="person")
    text = _sub_names(text, copy.acronyms)
    text = _shift_years(text, copy)
    lines = text.split("\n")
    for n, line in enumerate(lines):
        lines[n] = _numbers(line, copy, random.Random(f"{copy.index}:{stem}:{n}"), in_table="\t" in line)
    for start, end, cell in _units(lines, headings):
        rng = random.Random(f"{copy.index}:{stem}:unit{start}")
        if cell is not None:
            cells = lines[start].split("\t")
            (cells[cell],) = _distinct([cells[cell]], rng, seen, starts=True, item=True)  # no shape: a cell
            lines[start] = "\t".join(cells)
        else:
            before = lines[start - 1].strip() if start else ""
            starts = not before or before.endswith((".", "!", "?", ":", ";"))
            item = bool(re.match(r"^\s*[-\u2022*]\s+|^\s|^\(\w{1,6}\)\s", lines[start]))
            lines[start:end] = _distinct(lines[start:end], rng, seen, starts=starts, item=item, shape=shape)
    return "\n".join(lines)


def line_shape(wrap: int):
    """What the parser reads off a line besides its words (ingest/parser.py: HEADING_MAX,
    lead-ins up to 60 characters, 0.6 and 0.75 of the wrap width in hard-wrapped text,
    140 for long lines; the end of a sentence; a last word that cuts a sentence): a
    varied line must keep it, or a paragraph could turn into a heading or merge."""
    from ingest.parser import _FUNCTION_WORDS, HEADING_MAX

    cuts = sorted({40, 60, 61, HEADING_MAX, HEADING_MAX + 1, 140, int(0.6 * wrap), int(0.75 * wrap)})

    def shape(line: str) -> tuple:
        t = line.strip()
        last = t.rsplit(" ", 1)[-1].lower() if t else ""
        return (sum(len(t) >= c for c in cuts), t[-1:] in ".!?:;,", last in _FUNCTION_WORDS, t[:1].isupper())

    return shape


def _distinct(unit: list[str], rng: random.Random, seen: set[str], starts: bool, item: bool,
              shape=None) -> list[str]:
    """Phrases swapped; if the paragraph is one the library has already, other swaps and
    then an opener before one of its sentences or a closing phrase, until it is new (at
    most ten tries). Lead-ins (': ') and paragraphs under 60 characters keep their
    length: the parser tells headings, lead-ins and paragraphs apart partly by it."""
    def keep_shape(lines: list[str]) -> list[str]:
        return [new if shape is None or shape(new) == shape(old) else old for old, new in zip(unit, lines)]

    out = keep_shape([_vary(line, rng) for line in unit])
    short = unit[-1].rstrip().endswith(":") or len(_key(" ".join(unit))) < 60
    for attempt in range(10):
        if _key(" ".join(out)) not in seen:
            break
        out = [_vary(line, rng) for line in unit]
        if attempt >= 1 and not short:
            before = out[:]
            if not item and rng.random() < 0.7:
                k = rng.randrange(len(out))
                first = starts if k == 0 else out[k - 1].rstrip().endswith((".", "!", "?", ":"))
                out[k] = _opener(out[k], " ".join(out[k + 1:]), rng, first)
            if out == before:
                out[-1] = _suffix(out[-1], rng, item)
        out = keep_shape(out)
    seen.add(_key(" ".join(out)))
    return out


def source_keys(texts: list[tuple[str, set[str]]]) -> set[str]:
    """The keys of the real reports' units ((text, headings) each), as ``_distinct`` keys them."""
    out = set()
    for text, headings in texts:
        lines = text.split("\n")
        for start, end, cell in _units(lines, headings):
            out.add(_key(lines[start].split("\t")[cell]) if cell is not None else _key(" ".join(lines[start:end])))
    return out


def transform_row(row: dict[str, str], copy: Copy) -> dict[str, str]:
    """The manifest row of a copy: names and years as in its text (figures untouched)."""
    out = {}
    for key, value in row.items():
        if key == "file":
            continue
        value = _sub_names(value, copy.places)
        value = re.sub(r"(?<!\d)(19[9]\d|20[0-3]\d)(?!\d)", lambda m: str(copy.year(int(m[1]))), value)
        out[key] = value
    return out


def _headings(text: str, meta) -> set[str]:
    from core.model import Kind
    from ingest.parser import parse

    report = parse(text, meta)
    out = {h for p in report.paragraphs for h in p.heading_path}
    out |= {p.text for p in report.paragraphs if p.kind is Kind.HEADING}
    return out


def _para_key(p) -> str:
    return _key(p.text)


def _targets(report) -> list:
    """Paragraphs that should be unique in the library: prose, list items and table
    rows of 40 characters or more that state no judgement (headings, grade lines and
    judgement rows are shared by real reports too)."""
    from core.model import Kind
    from rag.retriever import _searchable

    return [p for p in report.paragraphs if _searchable(p) and len(p.text) >= 40
            and p.kind in (Kind.PARAGRAPH, Kind.LIST_ITEM, Kind.TABLE_ROW)
            and not (p.kind is Kind.TABLE_ROW and GRADE_WORDS.search(p.text))]


def _norm_line(line: str) -> str:
    from core.textnorm import normalise

    line = normalise(line)
    if "\t" in line:
        return " | ".join(c.strip() for c in line.split("\t") if c.strip())
    return _key(line[_LEAD.match(line).end():])


def _retouch(lines: list[str], norms: list[str], target: str, rng: random.Random, common: frozenset) -> list[str]:
    """``lines`` with the paragraph whose text is ``target`` changed: an opener before
    one of its sentences, else a closing phrase, else other phrase swaps. ``norms``:
    ``_norm_line`` of each line."""
    found = [i for i, n in enumerate(norms) if len(n) >= 12 and n in target]
    if not found:
        return lines
    if len(target) < 60:  # a label-like item ('Performance management and quality assurance')
        out = lines[:]
        for i in range(found[0], found[-1] + 1):
            out[i] = _vary(lines[i], rng)
        return out
    first, last = found[0], found[-1]
    out = lines[:]
    if "\t" in lines[first]:
        cells = lines[first].split("\t")
        i = max(range(len(cells)), key=lambda c: len(cells[c]))
        cells[i] = _suffix(cells[i], rng, item=True)
        out[first] = "\t".join(cells)
        return out
    item = bool(re.match(r"^\s*[-\u2022*]\s+|^\s|^\(\w{1,6}\)\s", lines[first]))
    if not item:
        before = lines[first - 1].strip() if first else ""
        starts = not before or before.endswith((".", "!", "?", ":", ";"))
        out[first] = _opener(lines[first], " ".join(lines[first + 1:last + 1]), rng, starts, common)
    if out[first] == lines[first]:
        out[last] = _suffix(lines[last], rng, item)
    if out == lines:
        for i in range(first, last + 1):
            out[i] = _vary(lines[i], rng)
    return out


def _structure(report) -> tuple:
    return tuple(p.kind for p in report.paragraphs), len(report.judgements), len(report.recommendations)


def make_distinct(text: str, meta, seen: set[str], seed: str) -> tuple[str, object]:
    """Second pass, with the parser as judge: every target paragraph (``_targets``) whose
    text the library already has is retouched (``_retouch``), in rounds, keeping only
    changes under which the report still parses into the same structure (paragraph
    kinds, judgements, recommendations). Returns the text and its parse; adds its
    paragraphs to ``seen``."""
    from ingest.parser import parse

    structure = _structure
    report = parse(text, meta)
    # Words the report writes in lower case: an opener may lower-case them ('Contingency').
    common = frozenset(re.findall(r"(?<![\w.])([a-z][a-z-]+)\b", text))
    norms_of: dict[str, list[str]] = {}
    want = structure(report)
    rng = random.Random(seed)
    for _ in range(4):
        dups = [p.text for p in _targets(report) if _para_key(p) in seen]
        if not dups:
            break
        # Try all retouches at once; when the structure changes, each half on its own.
        pending, changed = [dups], False
        while pending:
            batch = pending.pop()
            lines = text.split("\n")
            norms = norms_of.get(text) or [_norm_line(line) for line in lines]
            norms_of = {text: norms}
            for target in batch:
                new = _retouch(lines, norms, _key(target), rng, common)
                norms = [n if a == b else _norm_line(b) for n, a, b in zip(norms, lines, new)]
                lines = new
            candidate = "\n".join(lines)
            if candidate == text:
                continue
            got = parse(candidate, meta)
            if structure(got) == want:
                text, report, changed = candidate, got, True
            elif len(batch) > 2:  # (a pair that fails together waits for the next round)
                pending += [batch[: len(batch) // 2], batch[len(batch) // 2:]]
        if not changed:
            break
    seen.update(_para_key(p) for p in report.paragraphs)
    return text, report


def build_library(n: int, folder: Path) -> dict:
    """Write the Nx library into ``folder`` (created; must not exist). Returns stats."""
    from ingest.manifest import MANIFEST_COLUMNS, load_manifest, meta_for
    from ingest.parser import parse

    folder.mkdir(parents=True)
    manifest = load_manifest(CORPUS)
    sources = sorted(p for p in CORPUS.glob("*.txt") if p.name in manifest)
    for p in sources:
        shutil.copyfile(p, folder / p.name)
    shutil.copyfile(CORPUS / "manifest.csv", folder / "manifest.csv")
    real = {}
    for p in sources:
        text = p.read_text(encoding="utf-8")
        meta = meta_for(p, text, manifest)
        real[p.name] = (text, meta, parse(text, meta), _headings(text, meta))
    rows, warnings = [], []
    seen = source_keys([(v[0], v[3]) for v in real.values()])  # first pass: units of lines
    seen_paragraphs = {_para_key(q) for v in real.values() for q in v[2].paragraphs}  # second: parsed
    for copy in make_copies(n):
        for p in sources:
            text, meta, report, headings = real[p.name]
            varied = transform_text(text, copy, p.stem, headings, seen)
            row = transform_row(manifest[p.name], copy)
            rest = re.sub(r"^[a-z]+-(19|20)\d\d-", "", p.name)
            name = f"{_slug(_place_of(row['authority']))}-{row['year']}-{rest}"
            new_meta = meta_for(folder / name, varied, {name: {"file": name, **row}})
            new_text, got = make_distinct(varied, new_meta, seen_paragraphs, f"{copy.index}:{p.stem}")
            (folder / name).write_text(new_text, encoding="utf-8")
            rows.append({"file": name, **row})
            # Wording can move a page-break join in hard-wrapped text (a paragraph more or
            # less); the judgements and recommendations must all be there.
            shape = lambda r: (len(r.paragraphs), len(r.judgements), len(r.recommendations))  # noqa: E731
            if shape(got)[1:] != shape(report)[1:] or abs(shape(got)[0] - shape(report)[0]) > 2:
                warnings.append(f"{name}: paragraphs/judgements/recommendations {shape(got)}, "
                                f"source {shape(report)}")
    if rows:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(MANIFEST_COLUMNS), lineterminator="\n")
        writer.writerows(rows)
        with (folder / "manifest.csv").open("a", encoding="utf-8") as fh:
            fh.write(buf.getvalue())
    return {"reports": len(sources) * n, "warnings": warnings}


def _place_of(authority: str) -> str:
    from core.model import _place

    return _place(authority)


def paragraph_uniqueness(folder: Path) -> dict:
    """How distinct the library's paragraphs are: searchable paragraphs, and the targets
    of ``make_distinct`` (prose, list items, non-judgement rows of 40+ characters),
    with the share of each whose text occurs once; the commonest repeats."""
    from ingest.manifest import load_manifest, meta_for
    from ingest.parser import parse
    from rag.retriever import _searchable

    manifest = load_manifest(folder)
    every: Counter[str] = Counter()
    targets: Counter[str] = Counter()
    for p in sorted(folder.glob("*.txt")):
        t = p.read_text(encoding="utf-8")
        report = parse(t, meta_for(p, t, manifest))
        every.update(_para_key(q) for q in report.paragraphs if _searchable(q))
        targets.update(_para_key(q) for q in _targets(report))
    long = Counter({k: n for k, n in targets.items() if len(k) >= 60})
    share = lambda c: sum(1 for n in c.values() if n == 1) / max(1, sum(c.values()))  # noqa: E731
    return {"searchable": sum(every.values()), "searchable_unique": round(share(every), 4),
            "targets": sum(targets.values()), "targets_unique": round(share(targets), 4),
            "prose60": sum(long.values()), "prose60_unique": round(share(long), 4),
            "commonest": every.most_common(5)}
