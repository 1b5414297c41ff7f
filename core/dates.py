"""Dates as reports print them: the one list of month names, and the reading of a printed
date or range ('27 September to 8 October 2021', '15-19 July 2013', '30/11/2015')."""
from __future__ import annotations

import re
from datetime import date

# Full names before their abbreviations, 'Sept' before 'Sep', so the longest name wins.
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
          "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
MONTH_NAMES = "|".join(MONTHS.split("|")[:12])  # the full names only, January to December
_MONTH_NUMBER = {name[:3].lower(): i for i, name in enumerate(MONTH_NAMES.split("|"), start=1)}
# The units a span of time is counted in ('3 months', '20 working days', 'aged 17 years').
TIME_UNITS = r"(?:hours?|days?|weeks?|months?|years?)"

_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = rf"\s*(?P<m>(?i:{MONTHS}))\b\.?"
_YEAR = r",?\s*(?P<y>(?:19|20)\d\d)"
_NUMERIC = r"(?P<nd>\d{1,2})[/.](?P<nm>\d{1,2})[/.](?P<ny>(?:19|20)\d\d)"
# One printed date, the month and year of which may be left to the next one ('15' in '15-19 July').
DATE = re.compile(rf"(?:{_NUMERIC}|{_DAY}(?:{_MONTH}(?:{_YEAR})?)?)(?![\d/])")
# Dates joined into ranges, and ranges joined by 'and' (an inspection split over two visits).
_SEP = re.compile(r"\s*(?:to|until|and|[-\u2010\u2011\u2012\u2013\u2014\u2500])\s*")


def month_number(name: str) -> int:
    """'September', 'Sept', 'sep' -> 9."""
    return _MONTH_NUMBER[name[:3].lower()]


def read_dates(text: str) -> tuple[date, ...]:
    """The dates printed at the start of ``text``, each completed from the dates after it
    ('15-19 July 2013' -> 15 and 19 July 2013); () unless the last one is a whole date and
    every one is a real day. Trailing text is ignored."""
    return tuple(d for period in read_periods(text) for d in period)


def read_periods(text: str) -> tuple[tuple[date, ...], ...]:
    """``read_dates`` grouped into the periods that 'and' joins: '5 to 9 December 2022 and
    14 to 15 February 2023' -> ((5 Dec, 9 Dec), (14 Feb, 15 Feb))."""
    items: list[tuple[int, int | None, int | None, bool]] = []  # day, month, year, year printed
    starts: set[int] = {0}  # indexes of the items that begin a period
    for m, new_period in _iter_dates(text):
        if new_period:
            starts.add(len(items))
        if m.group("nd"):
            items.append((int(m.group("nd")), int(m.group("nm")), int(m.group("ny")), True))
        else:
            month = month_number(m.group("m")) if m.group("m") else None
            year = int(m.group("y")) if m.group("y") else None
            items.append((int(m.group("d")), month, year, year is not None))
    if not items or items[-1][1] is None or items[-1][2] is None:
        return ()
    out: list[date] = []
    month, year = items[-1][1], items[-1][2]
    for day, m, y, printed in reversed(items):
        month = m or month
        year = y or year
        try:
            d = date(year, month, day)
        except ValueError:
            return ()
        if out and d > out[-1] and not printed and _real(year - 1, month, day):
            d = date(year - 1, month, day)  # '30 December to 3 January 2020'
        out.append(d)
        year = d.year
    out.reverse()
    bounds = sorted(starts) + [len(out)]
    return tuple(tuple(out[a:b]) for a, b in zip(bounds, bounds[1:]))


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _iter_dates(text: str):
    """(DATE match, does it begin a new period) for the run of dates that starts ``text``."""
    pos, new_period = 0, False
    while True:
        m = DATE.match(text, pos)
        if not m or not m.group(0).strip():
            return
        yield m, new_period
        sep = _SEP.match(text, m.end())
        if not sep or not DATE.match(text, sep.end()):
            return
        pos, new_period = sep.end(), sep.group(0).strip() == "and"


def _real(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
        return True
    except ValueError:
        return False
