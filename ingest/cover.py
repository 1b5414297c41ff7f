"""What an Ofsted children's-services inspection report says about itself on its cover:
which council, when it was inspected and published, who led it, under which framework.

Read from the report's own text, never from a catalogue or the file name, so that a
report a user uploads is described as well as one from the library. The text may come
from any reader (paragraphs joined into one line, or the raw line-wrapped text), so the
cover is read from whitespace-folded text.

A cover is recognised by its shape, not by the word 'Ofsted' (which every council paper
about an inspection also uses): the report's printed title, then within a few lines the
'Inspection date(s):' label and a date, with nothing before the title but the council's
name. A cabinet paper or a self-evaluation that quotes a report has its own heading
first, so it is not taken for Ofsted's voice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.dates import iso, read_dates, read_periods

_HEAD = 6000  # raw characters: the cover and the first page, whatever the reader
_COVER = 1500  # folded characters before which the dates label must stand
_SHORT_DAYS = 7  # an ILACS short inspection is one week on site, a standard one two


@dataclass(frozen=True)
class Cover:
    """The facts an Ofsted inspection report prints on its cover; '' where not printed.

    ``authority`` is the place the council is named for, as printed, without the words
    for the kind of council: 'Dorset', 'Bournemouth, Christchurch and Poole', 'Medway'
    (from 'Medway Council'), 'Barnsley' (from 'Metropolitan Borough of Barnsley Council'),
    'Windsor and Maidenhead' (from 'the Royal Borough of Windsor and Maidenhead'), 'City of
    London' (its own name); '&' is written 'and', 'St.' 'St', the joining words ('and',
    'upon', 'of') are lower case, and a short name is given in full ('Hull' -> 'Kingston
    upon Hull'), so that one council has one name across its reports. Dates are
    ISO 'YYYY-MM-DD'. ``framework`` is a key of ``core.grades.FRAMEWORKS``;
    ``inspection_kind`` is 'short' or 'standard' for an ILACS inspection.
    """

    is_ofsted: bool = False
    authority: str = ""
    title: str = ""  # as printed, whitespace-folded, footnote marks dropped
    names_place: bool = False  # does the title name the council ('Inspection of Dorset local...')
    inspection_start: str = ""
    inspection_end: str = ""
    published: str = ""
    lead_inspector: str = ""
    framework: str = ""
    inspection_kind: str = ""

    @property
    def year(self) -> int | None:
        """The year the inspection ended, else the year it was published."""
        when = self.inspection_end or self.published
        return int(when[:4]) if when else None


NOT_A_COVER = Cover()


def read_cover(text: str) -> Cover:
    """The cover facts of an Ofsted inspection report; ``NOT_A_COVER`` for any other text."""
    head = fold(text[:_HEAD])
    label = _DATES_LABEL.search(head, 0, _COVER)
    periods = read_periods(head[label.end():]) if label else ()
    if not periods:
        return NOT_A_COVER
    block = head[:label.start()]
    titles = _titles(block)
    if not titles:
        return NOT_A_COVER
    first, (framework, last) = titles[0][1], titles[-1]
    prefix = fold(_PAGE_NUMBER.sub("", block[:first.start()]))
    if not _NAME_ONLY.fullmatch(prefix) or _NOT_OFSTED.search(block[:last.start()]):
        return NOT_A_COVER
    # An inspection paused and resumed prints two periods: it ended with the second, and
    # its kind is that of the first (the one planned).
    start, end = periods[0][0], periods[-1][-1]
    first_days = (periods[0][-1] - periods[0][0]).days
    return Cover(
        is_ofsted=True,
        authority=_authority(last, prefix, block[last.end():]),
        title=_FOOTNOTE.sub("", last.group(0)).strip(),
        names_place=bool(last.groupdict().get("name")),
        inspection_start=iso(start),
        inspection_end=iso(end),
        published=_published(head),
        lead_inspector=_lead_inspector(head) or _lead_inspector(fold(text)),
        framework=framework,
        inspection_kind=(("short" if first_days <= _SHORT_DAYS else "standard")
                         if framework == "ilacs" else ""),
    )


def fold(text: str) -> str:
    """Every run of whitespace (line breaks, tabs, page breaks) as one space."""
    return " ".join(text.split())


# --- title and framework -----------------------------------------------------------------

_S = r"(?:['\u2019]s)"  # "children's" or "children’s"
_NOTE = r"(?:\d\b)?"  # a footnote mark glued to the last word: 'board1'
_NAME = r"(?P<name>(?:(?!Inspection\b)[^:;]){1,100}?)"
# Each printed title with the framework it belongs to; in one report a named ILACS title
# must not be read as a generic one, so the generic forms come first.
_TITLE_FORMS = (
    ("ilacs", rf"Inspection of (?:local authority children{_S} (?:social care )?services"
              rf"|children{_S} social care services)"),
    ("ilacs", rf"Inspection of (?:the )?{_NAME} (?:local authority )?children{_S} services"),
    ("ilacs", rf"Inspection of (?:the )?{_NAME} (?:Children and Families Trust|Children{_S} (?:Services )?Trust)"),
    ("sif", rf"(?:Re-?inspection|Inspection) of services for children in need of help and protection,? "
            rf"children looked after and care leavers{_NOTE}"
            rf"(?: and Review of the effectiveness of the local safeguarding children board{_NOTE})?"),
    ("sif", rf"Review of the effectiveness of the local safeguarding children board{_NOTE}"),
    ("lac", rf"Inspection of looked after children{_S}? services"),
    ("safeguarding_lac", rf"Inspection of safeguarding and looked after children{_S}? services"),
)
_TITLES = tuple((fw, re.compile(p, re.I)) for fw, p in _TITLE_FORMS)
_FOOTNOTE = re.compile(r"(?<=[a-z])\d\b")
_PAGE_NUMBER = re.compile(r"(?<!\S)\d{1,3}(?!\S)")


def _titles(block: str) -> list[tuple[str, re.Match]]:
    """The report titles printed in ``block``, in order, none inside another (a running
    header may repeat the title before the cover's own)."""
    found = sorted(((m.start(), -m.end(), i, fw, m) for i, (fw, rx) in enumerate(_TITLES)
                    for m in rx.finditer(block)), key=lambda t: t[:3])
    out: list[tuple[str, re.Match]] = []
    for _, _, _, fw, m in found:
        if not out or m.start() >= out[-1][1].end():
            out.append((fw, m))
    return out


# --- whose voice -------------------------------------------------------------------------

# Before its title an Ofsted cover prints at most the council's name (and a page number).
_NAME_ONLY = re.compile(r"(?:[A-Za-z\u00c0-\u024f][\w'\u2019.,&-]*(?: |$)){0,10}")
# A council's own paper puts its heading before any title it quotes.
_NOT_OFSTED = re.compile(r"\b(?:Ofsted|cabinet|committee|agenda|meeting|members|report (?:to|of|by)|"
                         r"self[- ]?(?:evaluation|assessment)|appendix|briefing|summary|action plan|"
                         r"response|progress|update)\b", re.I)


# --- labels ------------------------------------------------------------------------------

_DATES_LABEL = re.compile(r"\bInspection dates?\s*:?\s*", re.I)
_PUBLISHED_LABEL = re.compile(r"\b(?:Report )?Published\s*:?\s*(?=\d)", re.I)


def _published(head: str) -> str:
    """'Report published: 30 November 2015', 'Published: 23 August 2013'; '' where not printed
    (ILACS reports, and the first SIF ones, do not print it)."""
    for m in _PUBLISHED_LABEL.finditer(head):
        if dates := read_dates(head[m.end():]):
            return iso(dates[0])
    return ""


# A name: capitalised words (with hyphens, apostrophes, accents) and the particles some
# names have; it ends at the first word of what follows ('Her Majesty's Inspector', 'HMI',
# 'Team inspectors', the judgement grid).
_PARTICLE = r"(?:de|da|di|du|van|von|der|le|la|al|bin|ul)"
_NAME_WORD = r"[A-Z\u00c0-\u00de][\w'\u2019.-]*"
_INSPECTOR = re.compile(
    rf"(?<!Deputy )(?<!Shadow )(?<!Assistant )\b(?:Lead|Reporting) inspector\s*:?\s*"
    rf"(?P<name>{_NAME_WORD}(?: (?:{_PARTICLE} )?{_NAME_WORD}){{0,4}})")
# A line that names the inspector with no colon ('Reporting inspector Sarah Urding HMI', a
# 2013 cover): a label and its value, not a heading (ingest/parser.py) and a labelled fact
# (rag/fields.py).
INSPECTOR_LINE = re.compile(r"^(?P<label>(?:(?:Deputy|Assistant) )?(?:[Ll]ead|[Rr]eporting) inspector)\s+"
                            rf"(?P<value>{_NAME_WORD}(?: (?:{_PARTICLE} )?{_NAME_WORD}){{1,4}})$")
_NOT_NAME = {"Her", "His", "HMI", "Team", "Deputy", "Shadow", "Judgement", "Age", "Senior", "Lead",
             "Inspection", "Report", "Published", "Ofsted", "Social", "Additional", "The", "Quality",
             "Children", "Inspector", "Inspectors", "Regulatory", "Assistant"}


def _lead_inspector(text: str) -> str:
    for m in _INSPECTOR.finditer(text):
        words: list[str] = []
        for word in m.group("name").split():
            if word.strip(".,") in _NOT_NAME:
                break
            words.append(word)
        name = " ".join(words).rstrip(",.")
        if len(words) >= 2 or (words and not name.isupper()):
            return name
    return ""


# --- authority ---------------------------------------------------------------------------

_KIND_BEFORE = re.compile(r"^(?:the |council of (?:the )?|(?:royal |london |metropolitan )?borough of )+", re.I)
_KIND_AFTER = re.compile(
    r"(?:[ ,]+(?:metropolitan|district|county|borough|city|council|unitary authority|city of"
    r"|safeguarding children board|children and families trust|children['\u2019]s (?:services )?trust"
    r"|children['\u2019]s services))+$", re.I)
# Councils Ofsted has printed by a short name on one report and by their full name on the
# others ('Inspection of Hull local authority...' in 2023): one name per council, so that
# all its reports are filed under the same place.
_SHORT_NAMES = {"hull": "Kingston upon Hull", "newcastle": "Newcastle upon Tyne"}
_JOINING = re.compile(r"(?<=\s)(?:And|Of|Upon|On|With|The)(?=\s)")


def _authority(title: re.Match, prefix: str, suffix: str) -> str:
    """The council's place: named in an ILACS title, else printed before the title, else
    after it ('Inspection of looked after children services Medway Council')."""
    if title.groupdict().get("name"):
        return place(title.group("name"))
    if re.search(r"[A-Za-z]", prefix):
        return place(prefix)
    return place(suffix.lstrip(" :"))


def place(name: str) -> str:
    """A council's name as printed -> its place: 'Metropolitan Borough of Barnsley Council'
    -> 'Barnsley', 'Bristol City of' -> 'Bristol', 'City of York Council' -> 'York',
    'City of London' -> 'City of London' (the authority's own name, no council word)."""
    name = fold(re.sub(r"\bSt\. ", "St ", name.replace("&", " and "))).strip(" ,.;:-")
    core = _KIND_AFTER.sub("", _KIND_BEFORE.sub("", name))
    if core != _KIND_BEFORE.sub("", name):  # a council word was dropped: 'City of York Council'
        core = re.sub(r"^city of ", "", core, flags=re.I)
    core = _JOINING.sub(lambda m: m.group(0).lower(), core).strip(" ,.")
    return _SHORT_NAMES.get(core.lower(), core)
