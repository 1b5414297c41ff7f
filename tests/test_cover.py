"""ingest.cover: an Ofsted report's own cover, read whatever the reader did to its lines.

Each cover below is the printed label form of one kind of report (no report text beyond
the labels); the library test (test_cover_library.py) runs the same reading over every
report of the real library.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.dates import MONTHS, month_number, read_dates, read_periods
from core.grades import FRAMEWORKS
from ingest.cover import NOT_A_COVER, Cover, fold, place, read_cover

# --- each printed form of cover -----------------------------------------------------------

ILACS = ("Inspection of Dorset local authority\nchildren’s services\n"
         "Inspection dates: 27 September to 8 October 2021\n"
         "Lead inspector: Steve Lowe, Her Majesty’s Inspector\n"
         "Judgement\tGrade\nOverall effectiveness\tGood\n")
ILACS_2018 = ("1\nPortsmouth City Council\nInspection of local authority children’s services\n"
              "Inspection dates: 3 September 2018 to 14 September 2018\n"
              "Lead inspector:  Linda Steele\nHer Majesty’s Inspector\n")
ILACS_2018_SOCIAL_CARE = ("1\nSt Helens Metropolitan Borough\nCouncil\nInspection of children’s social care services\n"
                          "Inspection dates: 4 March 2019 to 8 March 2019\n"
                          "Lead inspector: Paula Thomson-Jones\nHMI\n")
SIF = ("1\nMetropolitan Borough of Barnsley\nCouncil\n"
       "Inspection of services for children in need of help and\n"
       "protection, children looked after and care leavers\nand\n"
       "Review of the effectiveness of the local safeguarding children\nboard1\n"
       "Inspection date: 14 September 2015 – 8 October 2015\n"
       "Report published: 30 November 2015\n"
       "The overall judgement is requires improvement\n")
SIF_REINSPECTION = ("1\nDoncaster Metropolitan Borough Council\n"
                    "Re-inspection of services for children in need of help and protection, "
                    "children looked after and care leavers\n"
                    "Inspection dates: 9–24 November 2017\nReport published: 19 January 2018\n")
LSCB_REVIEW = ("1\nSurrey Safeguarding Children Board\n"
               "Review of the effectiveness of the Local Safeguarding Children\nBoard\n"
               "Inspection date: 15 June 2015 – 17 June 2015\nReport published: 3 August 2015\n")
LAC = ("Inspection of looked after children\nservices\nMedway Council\n"
       "Inspection dates: 15-19 July 2013\nReporting inspector Sarah Urding HMI\n"
       "Age group: All\nPublished: 23 August 2013\n\n© Crown copyright 2013\n")
SAFEGUARDING_LAC = ("\n\nInspection of safeguarding and looked after children services\n\nDorset\n\n"
                    "Inspection dates: 12 - 23 September 2011\n\nReporting inspector Lynne Staines HMI\n\n"
                    "Age group: All\n\nPublished: 28 October 2011\n")
TRUST = ("Inspection of Bradford Children and\nFamilies Trust\n"
         "Inspection dates: 12 to 23 January 2026\n"
         "Lead inspector: Catherine Heron, His Majesty’s Inspector\n")
# A running header of a later page read before the cover's own title.
HEADER_FIRST = ("Inspection of Plymouth City Council children’s services\n22 January to 2 February 2024 1\n"
                "Inspection of Plymouth City Council\nlocal authority children’s services\n"
                "Inspection dates: 22 January to 2 February 2024\n"
                "Lead inspector: Tracey Ledder, His Majesty’s Inspector\n")
# Some reports print no lead inspector at all.
NO_INSPECTOR = ("Inspection of Warwickshire local\nauthority children’s services\n"
                "Inspection dates: 2 to 6 June 2025\n\nJudgement Grade\n")


@pytest.mark.parametrize("text, expected", [
    (ILACS, Cover(True, "Dorset", "Inspection of Dorset local authority children’s services", True,
                  "2021-09-27", "2021-10-08", "", "Steve Lowe", "ilacs", "standard")),
    (ILACS_2018, Cover(True, "Portsmouth", "Inspection of local authority children’s services", False,
                       "2018-09-03", "2018-09-14", "", "Linda Steele", "ilacs", "standard")),
    (ILACS_2018_SOCIAL_CARE, Cover(True, "St Helens", "Inspection of children’s social care services", False,
                                   "2019-03-04", "2019-03-08", "", "Paula Thomson-Jones", "ilacs", "short")),
    (SIF, Cover(True, "Barnsley", "Inspection of services for children in need of help and protection, "
                "children looked after and care leavers and Review of the effectiveness of the local "
                "safeguarding children board", False, "2015-09-14", "2015-10-08", "2015-11-30", "", "sif", "")),
    (SIF_REINSPECTION, Cover(True, "Doncaster", "Re-inspection of services for children in need of help and "
                             "protection, children looked after and care leavers", False,
                             "2017-11-09", "2017-11-24", "2018-01-19", "", "sif", "")),
    (LSCB_REVIEW, Cover(True, "Surrey", "Review of the effectiveness of the Local Safeguarding Children Board",
                        False, "2015-06-15", "2015-06-17", "2015-08-03", "", "sif", "")),
    (LAC, Cover(True, "Medway", "Inspection of looked after children services", False,
                "2013-07-15", "2013-07-19", "2013-08-23", "Sarah Urding", "lac", "")),
    (SAFEGUARDING_LAC, Cover(True, "Dorset", "Inspection of safeguarding and looked after children services",
                             False, "2011-09-12", "2011-09-23", "2011-10-28", "Lynne Staines",
                             "safeguarding_lac", "")),
    (TRUST, Cover(True, "Bradford", "Inspection of Bradford Children and Families Trust", True,
                  "2026-01-12", "2026-01-23", "", "Catherine Heron", "ilacs", "standard")),
    (HEADER_FIRST, Cover(True, "Plymouth", "Inspection of Plymouth City Council local authority children’s services",
                         True, "2024-01-22", "2024-02-02", "", "Tracey Ledder", "ilacs", "standard")),
    (NO_INSPECTOR, Cover(True, "Warwickshire", "Inspection of Warwickshire local authority children’s services",
                         True, "2025-06-02", "2025-06-06", "", "", "ilacs", "short")),
], ids=["ilacs", "ilacs-2018", "ilacs-2018-social-care", "sif", "sif-reinspection", "lscb-review", "lac",
        "safeguarding-lac", "trust", "header-first", "no-inspector"])
def test_each_printed_form(text: str, expected: Cover):
    assert read_cover(text) == expected
    assert expected.framework in FRAMEWORKS


def test_the_year_is_when_the_inspection_ended_else_when_published():
    assert read_cover(SIF).year == 2015
    assert read_cover(ILACS).year == 2021
    assert NOT_A_COVER.year is None


# The catalogue disagrees with these printed forms; the PDF is right (see the library test).
@pytest.mark.parametrize("dates, start, end, kind", [
    # paused and resumed under Ofsted's deferring policy: it ended with the second visit,
    # and its kind is the first (planned) visit's: two weeks, standard
    ("30 September to 11 October 2024 and 13 to 16 January 2025", "2024-09-30", "2025-01-16", "standard"),
    # a one-week (short) inspection completed by a two-day return in the new year
    ("5 to 9 December 2022 and 14 to 15 February 2023", "2022-12-05", "2023-02-15", "short"),
    ("2 March 2020 to 6 March 2020", "2020-03-02", "2020-03-06", "short"),
    ("11 to 13 July 2023", "2023-07-11", "2023-07-13", "short"),  # a small council's short week
    ("3 June 2019 to 19 June 2019", "2019-06-03", "2019-06-19", "standard"),  # longer than two weeks
])
def test_ilacs_kind_is_the_length_of_the_planned_visit(dates, start, end, kind):
    text = f"Inspection of Devon local authority children’s services\nInspection dates: {dates}\n"
    cover = read_cover(text)
    assert (cover.inspection_start, cover.inspection_end, cover.inspection_kind) == (start, end, kind)


def test_a_sif_reinspection_has_no_ilacs_kind():
    # The catalogue calls it 'standard' (its guess from the length); it is a SIF re-inspection.
    assert (read_cover(SIF_REINSPECTION).framework, read_cover(SIF_REINSPECTION).inspection_kind) == ("sif", "")


@pytest.mark.parametrize("label, start, end", [
    ("Inspection date: 14 September 2015 – 8 October 2015", "2015-09-14", "2015-10-08"),
    ("Inspection dates: 15-19 July 2013", "2013-07-15", "2013-07-19"),
    ("Inspection dates: 8 – 12 July 2013", "2013-07-08", "2013-07-12"),
    ("Inspection date: 18 November – 10 December 2014", "2014-11-18", "2014-12-10"),
    ("Inspection date: 18 Feb 2014 – 12 March 2014", "2014-02-18", "2014-03-12"),
    ("Inspection date: 9 June 2014 ─ 1 July 2014", "2014-06-09", "2014-07-01"),  # a box-drawing dash
    ("Inspection date: 28 January–5 February 2014", "2014-01-28", "2014-02-05"),
    ("Inspection date: 12/05/2014 to 23/05/2014", "2014-05-12", "2014-05-23"),
    ("Inspection date: 28 July 2016", "2016-07-28", "2016-07-28"),  # a one-day review
    ("Inspection dates: 19 November-11 December 2013 and 28 – 30 January 2014", "2013-11-19", "2014-01-30"),
    ("Inspection dates:        7 March 2022 to 18 March 2022", "2022-03-07", "2022-03-18"),
])
def test_printed_inspection_dates(label: str, start: str, end: str):
    cover = read_cover(f"Barnsley\nInspection of services for children in need of help and protection, "
                       f"children looked after and care leavers\n{label}\n")
    assert (cover.inspection_start, cover.inspection_end) == (start, end)


@pytest.mark.parametrize("label, published", [
    ("Report published: 30 November 2015", "2015-11-30"),
    ("Report Published: 9 August 2016", "2016-08-09"),
    ("Published: 23 August 2013", "2013-08-23"),
    ("Report published: 30/06/2014", "2014-06-30"),
    ("The overall judgement is good", ""),  # the early SIF reports print no publication date
])
def test_printed_publication_date(label: str, published: str):
    assert read_cover(f"Leeds City Council\nInspection of services for children in need of help and protection, "
                      f"children looked after and care leavers\nInspection date: 1 – 5 June 2014\n{label}\n"
                      ).published == published


@pytest.mark.parametrize("label, name", [
    ("Lead inspector: Steve Lowe, Her Majesty's Inspector", "Steve Lowe"),
    ("Lead inspector: Anna Gravelle, His Majesty’s Inspector", "Anna Gravelle"),
    ("Lead inspector: Jan Edwards\nHer Majesty’s Inspector", "Jan Edwards"),
    ("Lead inspector: Paula Thomson-Jones HMI", "Paula Thomson-Jones"),
    ("Lead inspector: Andy Whippey, HMI", "Andy Whippey"),
    ("Lead inspector: Máire Atherton, His Majesty’s Inspector", "Máire Atherton"),
    ("Lead inspector: Jenny-ellen Scotland, His Majesty’s Inspector", "Jenny-ellen Scotland"),
    ("Lead inspector: Brenda McInerney Her Majesty’s Inspector", "Brenda McInerney"),
    ("Reporting inspector Sarah Urding HMI", "Sarah Urding"),
    ("Lead inspector: Linda Steele\nJudgement\tGrade", "Linda Steele"),
])
def test_lead_inspector_name_only(label: str, name: str):
    text = f"Inspection of Leeds local authority children’s services\nInspection dates: 1 to 5 June 2020\n{label}\n"
    assert read_cover(text).lead_inspector == name


def test_a_sif_names_its_lead_inspector_inside_the_report_not_its_deputy():
    text = (SIF + "\n\nInformation about this inspection\n\nThe inspection team consisted of five of Her "
            "Majesty’s Inspectors.\nDeputy Lead inspector: Lynn Radley\nLead inspector: Jansy Kelly\n"
            "Team inspectors: Sarah Urding, Rob Hackeson\n")
    assert read_cover(text).lead_inspector == "Jansy Kelly"


@pytest.mark.parametrize("printed, expected", [
    ("Metropolitan Borough of Barnsley Council", "Barnsley"),
    ("Medway Council", "Medway"),
    ("Bournemouth, Christchurch and Poole", "Bournemouth, Christchurch and Poole"),
    ("the Royal Borough of Windsor and Maidenhead", "Windsor and Maidenhead"),
    ("London Borough of Hammersmith & Fulham", "Hammersmith and Fulham"),
    ("Telford and Wrekin Council", "Telford and Wrekin"),
    ("Bristol City of", "Bristol"),
    ("City of York Council", "York"),
    ("City of Bradford Metropolitan District Council", "Bradford"),
    ("City of London", "City of London"),  # the authority's own name; the catalogue says 'london corporation'
    ("Leeds City", "Leeds"),
    ("Southend-on-Sea city council", "Southend-on-Sea"),
    ("Council of the Isles of Scilly", "Isles of Scilly"),
    ("Cheshire East Unitary Authority", "Cheshire East"),
    ("Tameside metropolitan borough", "Tameside"),
    ("Wakefield District Metropolitan Council", "Wakefield"),
    ("St. Helens Metropolitan Borough Council", "St Helens"),
    ("Kingston Upon Hull City Council", "Kingston upon Hull"),
    ("Hull", "Kingston upon Hull"),  # the 2023 report's short name for the council
    ("Newcastle", "Newcastle upon Tyne"),
    ("Royal Borough of Kingston upon Thames Council", "Kingston upon Thames"),
    ("Medway Children’s Services", "Medway"),
    ("Surrey Safeguarding Children Board", "Surrey"),
    ("Poole Borough", "Poole"),
])
def test_council_names_become_their_place(printed: str, expected: str):
    assert place(printed) == expected


def test_city_of_london_is_read_from_both_cover_forms():
    old = "1\nCity of London\nInspection of children’s social care services\nInspection dates: 2 March 2020 to 6 March 2020\n"
    new = "Inspection of City of London local\nauthority children’s services\nInspection dates: 23 to 27 September 2024\n"
    assert read_cover(old).authority == read_cover(new).authority == "City of London"


def test_a_place_printed_after_the_title():
    text = ("Inspection of local authority children's services: Stoke-on-Trent\n\n"
            "Inspection dates: 1 to 12 July 2019\n\nLead inspector: B Jones, Her Majesty's Inspector\n")
    cover = read_cover(text)
    assert (cover.authority, cover.title, cover.names_place) == (
        "Stoke-on-Trent", "Inspection of local authority children's services", False)


# --- not Ofsted's voice --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # a cabinet paper that summarises the inspection and quotes its cover
    "Report to Cabinet\n7 September 2016\nInspection of Dorset local authority children’s services\n"
    "Inspection dates: 27 September to 8 October 2021\nLead inspector: Steve Lowe\n",
    "Cabinet\nDorset County Council\nDate of Meeting 7 September 2016\nSubject of Report Post Ofsted Progress\n"
    "The Single Inspection Framework report was published on 23 May 2016.\n",
    # a self-evaluation titled after the inspection it prepares for
    "SELF-EVALUATION FOR INSPECTION OF SERVICES FOR CHILDREN IN NEED OF HELP AND PROTECTION, "
    "CHILDREN LOOKED AFTER AND CARE LEAVERS\nSeptember 2020\nInspection dates: 1 - 12 March 2021\n",
    # the council's action plan after the report
    "Ofsted action plan\nInspection of Dorset local authority children’s services\n"
    "Inspection dates: 27 September to 8 October 2021\n",
    # a summary for members, with the inspection named in prose
    "ANNOUNCED INSPECTION OF SAFEGUARDING AND\nLOOKED AFTER SERVICES\nSUMMARY REPORT\nPurpose of the Report\n"
    "1. To inform Members of the outcome of the Ofsted inspection.\n",
    # a title with no dates label, and a dates label with no report title
    "Inspection of Dorset local authority children’s services\nThe inspection took place in 2021.\n",
    "Borough of Thurrock\n\nReport published: 3 May 2013\n\nInspection date: 1 March 2013\n",
    # the cover's label far down the first pages is not a cover
    "Inspection of Dorset local authority children’s services\n" + "Some prose. " * 200
    + "Inspection dates: 27 September to 8 October 2021\n",
    "",
])
def test_not_an_ofsted_cover(text: str):
    assert read_cover(text) == NOT_A_COVER
    assert not read_cover(text).is_ofsted


# --- properties ----------------------------------------------------------------------------

_BREAKS = st.sampled_from([" ", "\n", "\r\n", "\n\n", "  ", " \n", "\n\f\n"])


@given(st.sampled_from([ILACS, ILACS_2018, SIF, LSCB_REVIEW, LAC, SAFEGUARDING_LAC, TRUST, HEADER_FIRST]),
       st.data())
def test_line_breaks_do_not_change_the_cover(text: str, data):
    """Joined into one line per paragraph, or wrapped anywhere: the same cover."""
    words = text.split()
    rewrapped = "".join(w + data.draw(_BREAKS) for w in words)
    assert read_cover(rewrapped) == read_cover(" ".join(words)) == read_cover(text)


_PLACES = st.sampled_from(["Dorset", "Barnsley", "Windsor and Maidenhead", "Stockton-on-Tees",
                           "Bournemouth, Christchurch and Poole", "North East Lincolnshire", "York"])
_KIND_BEFORE = st.sampled_from(["", "The ", "London Borough of ", "Royal Borough of ", "Metropolitan Borough of "])
_KIND_AFTER = st.sampled_from(["", " Council", " City Council", " County Council", " Metropolitan Borough Council",
                               " Borough", " City", " Metropolitan District Council"])


@given(_PLACES, _KIND_BEFORE, _KIND_AFTER)
def test_the_words_for_a_kind_of_council_are_dropped(name: str, before: str, after: str):
    assert place(before + name + after) == name
    assert place(place(before + name + after)) == name  # idempotent


_DAYS = st.dates(min_value=date(2009, 1, 1), max_value=date(2030, 12, 31))


def _printed(d: date, form: int) -> str:
    month = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"][d.month - 1]
    return [f"{d.day} {month} {d.year}", f"{d.day} {month[:3]} {d.year}", f"{d.day:02d}/{d.month:02d}/{d.year}"][form]


@given(_DAYS, st.integers(0, 40), st.integers(0, 2), st.sampled_from([" to ", " – ", "-", " ─ "]))
def test_a_printed_range_reads_back(start: date, days: int, form: int, dash: str):
    end = start + timedelta(days=days)
    whole = f"{_printed(start, form)}{dash}{_printed(end, form)}"
    assert read_dates(whole + " Lead inspector") == (start, end)
    if form == 0 and (start.year, start.month) == (end.year, end.month):
        assert read_dates(f"{start.day}{dash}{_printed(end, 0)}") == (start, end)  # '15-19 July 2013'
    if form == 0 and start.year == end.year:
        shared = _printed(start, 0).rsplit(" ", 1)[0]  # '30 September to 11 October 2024'
        assert read_dates(f"{shared}{dash}{_printed(end, 0)}") == (start, end)


@given(_DAYS, st.integers(0, 20))
def test_ilacs_kind_follows_the_days_on_site(start: date, days: int):
    end = start + timedelta(days=days)
    text = (f"Inspection of Leeds local authority children’s services\n"
            f"Inspection dates: {_printed(start, 0)} to {_printed(end, 0)}\n")
    cover = read_cover(text)
    assert cover.inspection_kind == ("short" if days <= 7 else "standard")
    assert (cover.inspection_start, cover.inspection_end) == (start.isoformat(), end.isoformat())


def test_dates_that_are_not_whole_or_not_real_are_not_read():
    assert read_dates("15 to 19") == ()
    assert read_dates("31 June 2014") == ()
    assert read_dates("in 2014") == ()
    assert read_periods("5 to 9 December 2022 and 14 to 15 February 2023") == (
        (date(2022, 12, 5), date(2022, 12, 9)), (date(2023, 2, 14), date(2023, 2, 15)))
    assert read_dates("30 December to 3 January 2020") == (date(2019, 12, 30), date(2020, 1, 3))


def test_one_list_of_month_names():
    assert [month_number(m) for m in ("January", "Sept", "sep", "Dec")] == [1, 9, 9, 12]
    assert re.fullmatch(MONTHS, "September") and re.fullmatch(MONTHS, "Sept")


def test_fold():
    assert fold(" a\r\n b\f\tc  ") == "a b c"
