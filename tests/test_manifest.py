"""ingest.manifest: manifest.csv, doc ids, and metadata from user > manifest > text > file name."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ParseError, ReadError
from core.model import Voice
from ingest.manifest import doc_id_for, load_manifest, meta_for

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
HEADER = "file,authority,year,publisher,report_type,title,period\n"

# file -> (voice, short_title with the manifest, year, short_title inferred from the text alone)
EXPECTED = {
    "dorset-2011-ofsted-safeguarding-lac-inspection.txt":
        (Voice.OFSTED, "Ofsted, Dorset 2011", 2011, "Ofsted, Dorset 2011"),
    "dorset-2016-cabinet-post-ofsted-progress.txt":
        (Voice.COMMITTEE_PAPER, "Dorset Cabinet 2016", 2016, "Dorset Cabinet 2016"),
    "dorset-2020-self-evaluation.txt":
        (Voice.SELF_EVALUATION, "Dorset self-evaluation 2020", 2020, "Dorset self-evaluation 2020"),
    "poole-2017-ofsted-sif-inspection-and-lscb-review.txt":
        (Voice.OFSTED, "Ofsted, Poole 2017", 2017, "Ofsted, Poole 2017"),
    "darlington-2012-cabinet-inspection-summary.txt":
        (Voice.COMMITTEE_PAPER, "Darlington Council 2012", 2012, "Darlington Council 2012"),
}
PLACES = {"dorset-2011": "Dorset", "dorset-2016": "Dorset", "dorset-2020": "Dorset",
          "poole-2017": "Poole", "darlington-2012": "Darlington"}


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def write_manifest(folder: Path, body: str, header: str = HEADER) -> Path:
    path = folder / "manifest.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


# --- manifest.csv ---------------------------------------------------------------------

def test_corpus_manifest_loads():
    rows = load_manifest(CORPUS)
    assert set(rows) == set(EXPECTED)
    row = rows["dorset-2011-ofsted-safeguarding-lac-inspection.txt"]
    assert row["authority"] == "Dorset County Council"
    assert row["year"] == "2011"
    assert row["period"].startswith("inspection 12-23 September 2011")


def test_no_manifest_is_empty(tmp_path: Path):
    assert load_manifest(tmp_path) == {}


def test_manifest_with_bom_blank_lines_and_fewer_columns(tmp_path: Path):
    (tmp_path / "manifest.csv").write_text(
        "\ufefffile,year\n\na.txt,2014\n\n\"b, c.txt\",\n", encoding="utf-8")
    rows = load_manifest(tmp_path)
    assert rows["a.txt"]["year"] == "2014"
    assert rows["a.txt"]["authority"] == ""  # every column is present
    assert rows["b, c.txt"]["year"] == ""


@pytest.mark.parametrize("header, body, reason", [
    ("authority,year\n", "Dorset,2011\n", "no 'file' column"),
    ("file,year,year\n", "a.txt,2011,2012\n", "repeated column 'year'"),
    ("file,type,report_type\n", "a.txt,a,b\n", "both a 'type' and a 'report_type' column"),
    (HEADER, "a.txt,Dorset County Council,2011\n", "line 2 has 3 fields, not 7"),
    (HEADER, "a.txt,Dorset,20x1,Ofsted,inspection report,T,\n", "line 2: year '20x1' is not a year"),
    (HEADER, ",Dorset,2011,Ofsted,inspection report,T,\n", "line 2 has no file name"),
    (HEADER, "a.txt,D,2011,O,r,T,\na.txt,D,2012,O,r,T,\n", "line 3 repeats 'a.txt'"),
    ("", "", "no 'file' column"),
])
def test_malformed_manifest(tmp_path: Path, header: str, body: str, reason: str):
    path = write_manifest(tmp_path, body, header)
    with pytest.raises(ReadError) as info:
        load_manifest(tmp_path)
    assert str(path) in str(info.value)
    assert reason in info.value.reason


def test_an_unknown_column_is_ignored_with_one_warning(tmp_path: Path, caplog):
    path = write_manifest(tmp_path, "a.txt,Dorset,red,x\nb.txt,Poole,blue,y\n", "file,authority,colour,notes\n")
    with caplog.at_level("WARNING", logger="ingest.manifest"):
        rows = load_manifest(tmp_path)
    assert rows["a.txt"] == {"file": "a.txt", "authority": "Dorset", "year": "", "publisher": "",
                             "report_type": "", "title": "", "period": ""}
    assert rows["b.txt"]["authority"] == "Poole"
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 2  # one line per column, not per row
    assert warned[0].startswith(f"{path}: ignoring the unknown column 'colour'")
    assert warned[1].startswith(f"{path}: ignoring the unknown column 'notes'")


def test_a_type_column_is_read_as_report_type(tmp_path: Path, caplog):
    write_manifest(tmp_path, "a.txt,Dorset,self-evaluation\n", "file,authority,Type\n")
    with caplog.at_level("WARNING", logger="ingest.manifest"):
        rows = load_manifest(tmp_path)
    assert rows["a.txt"]["report_type"] == "self-evaluation" and "type" not in rows["a.txt"]
    assert not caplog.records


def test_manifest_not_utf8(tmp_path: Path):
    (tmp_path / "manifest.csv").write_bytes(HEADER.encode() + b"a.txt,K\xf6ln Council,2011,,,,\n")
    with pytest.raises(ReadError, match="not valid UTF-8"):
        load_manifest(tmp_path)


# --- doc ids --------------------------------------------------------------------------

@pytest.mark.parametrize("name, doc_id", [
    ("dorset-2011-ofsted-safeguarding-lac-inspection.txt", "dorset-2011-ofsted-safeguarding-lac-inspection"),
    ("Poole SIF Report (Final) 2017.PDF", "poole-sif-report-final-2017"),
    ("  Darlington__Cabinet--2012 .docx", "darlington-cabinet-2012"),
    ("Rhôndda Cynon Taf 2019.html", "rhondda-cynon-taf-2019"),
])
def test_doc_id_for(name: str, doc_id: str):
    assert doc_id_for(Path("some/folder") / name) == doc_id


def test_a_date_named_file_takes_its_council_folder():
    # The library files reports as pdf/<council>/<published>.pdf: two councils' reports of
    # one day must not share an id.
    assert doc_id_for(Path("pdf/dorset/2021-11-19.pdf")) == "dorset-2021-11-19"
    assert doc_id_for(Path("pdf/poole/2021-11-19.pdf")) == "poole-2021-11-19"
    assert doc_id_for(Path("2021-11-19.pdf")) == "2021-11-19"  # no folder: as before
    assert doc_id_for(Path("pdf/dorset/Dorset 2021.pdf")) == "dorset-2021"  # a name with letters: as before


@given(st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and "\x00" not in s))
def test_doc_id_is_always_a_slug(stem: str):
    doc_id = doc_id_for(Path(stem + ".txt"))
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", doc_id)
    assert doc_id == doc_id_for(Path(stem + ".txt"))  # stable


# --- metadata for the corpus ----------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_meta_with_manifest_equals_the_manifest(name: str):
    manifest = load_manifest(CORPUS)
    row = manifest[name]
    meta = meta_for(CORPUS / name, corpus_text(name), manifest)
    voice, short_title, _, _ = EXPECTED[name]
    assert (meta.authority, meta.year, meta.publisher, meta.report_type, meta.title, meta.period) == (
        row["authority"], int(row["year"]), row["publisher"], row["report_type"], row["title"], row["period"])
    assert meta.voice is voice
    assert meta.short_title == short_title
    assert meta.source_file == name
    assert meta.doc_id == name.removesuffix(".txt")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_meta_inferred_from_the_text_alone(name: str):
    # A neutral file name, so only the text can tell.
    meta = meta_for(Path("upload.txt"), corpus_text(name))
    voice, _, year, short_title = EXPECTED[name]
    place = PLACES[name[: name.index("-", name.index("-") + 1)]]
    assert meta.year == year
    assert meta.authority == place or meta.authority.startswith(place + " ")
    assert meta.voice is voice
    assert meta.short_title == short_title
    assert meta.title and meta.title != "upload"


# --- precedence: given > manifest > text > file name ----------------------------------

def test_given_values_override_the_manifest():
    name = "dorset-2011-ofsted-safeguarding-lac-inspection.txt"
    meta = meta_for(CORPUS / name, corpus_text(name), load_manifest(CORPUS),
                    authority="Poole Borough Council", year="2010", title="Uploaded", period=None)
    assert (meta.authority, meta.year, meta.title) == ("Poole Borough Council", 2010, "Uploaded")
    assert meta.period.startswith("inspection 12-23")  # None means 'not given'
    assert meta.voice is Voice.OFSTED


def test_blank_manifest_fields_fall_back_to_the_text(tmp_path: Path):
    write_manifest(tmp_path, "r.txt,,,,,,\n")
    text = ("Inspection of services for children\n\nLeeds City Council\n\n"
            "Inspection dates: 3 - 14 March 2014\n\nPublished: 9 May 2014\n\n"
            "Lead inspector: A Smith HMI\n\nOfsted inspected services under the Children Act 2004.")
    meta = meta_for(tmp_path / "r.txt", text, load_manifest(tmp_path))
    assert (meta.authority, meta.year, meta.publisher, meta.voice) == ("Leeds City Council", 2014, "Ofsted", Voice.OFSTED)
    assert meta.title == "Inspection of services for children"
    assert meta.short_title == "Ofsted, Leeds 2014"


def test_file_name_is_the_last_resort():
    meta = meta_for(Path("north-yorkshire-2019-notes.txt"), "Notes on the visit. Nothing else.")
    assert (meta.authority, meta.year, meta.title) == ("North Yorkshire", 2019, "north-yorkshire-2019-notes")
    assert meta.voice is Voice.COMMITTEE_PAPER


def test_no_year_anywhere_is_an_error():
    with pytest.raises(ParseError) as info:
        meta_for(Path("notes.txt"), "Report to Cabinet on Dorset County Council services.")
    assert "notes.txt" in str(info.value)
    assert "cannot tell the report's year; add it to manifest.csv or pass --year" in info.value.reason


def test_bad_given_year_is_an_error():
    with pytest.raises(ParseError, match="year 'soon' is not a year"):
        meta_for(Path("a.txt"), "Dorset County Council, 2011", year="soon")


def test_no_authority_anywhere_is_an_error():
    with pytest.raises(ParseError) as info:
        meta_for(Path("notes.txt"), "Published 4 May 2015. the service is good.")
    assert "add it to manifest.csv or pass --authority" in info.value.reason


def test_unknown_given_field_is_a_programming_error():
    with pytest.raises(TypeError):
        meta_for(Path("a.txt"), "text", year=2011, authority="Dorset", colour="red")


# --- inference from the text ----------------------------------------------------------

def test_year_prefers_publication_over_acts_and_later_plans():
    text = ("Borough of Thurrock\n\nUnder the Children Act 2004 and the Regulations 2013.\n\n"
            "The plan runs to 2016.\n\nReport published: 3 May 2013\n\nInspection date: 1 March 2013")
    meta = meta_for(Path("a.txt"), text)
    assert meta.year == 2013
    assert meta.authority == "Borough of Thurrock"


def test_latest_year_when_no_date_cue():
    meta = meta_for(Path("a.txt"), "Wigan Council\n\nFigures for 2018 and 2019 and 2017.")
    assert meta.year == 2019


def test_self_evaluation_voice_and_publisher():
    text = "Kent County Council\n\nSelf-evaluation of children's services\n\nSeptember 2019\n\nWe know ourselves well."
    meta = meta_for(Path("a.txt"), text)
    assert (meta.authority, meta.publisher, meta.report_type) == ("Kent County Council", "Kent County Council", "self-evaluation")
    assert meta.voice is Voice.SELF_EVALUATION
    assert meta.short_title == "Kent self-evaluation 2019"


def test_committee_paper_publisher_names_the_cabinet():
    text = ("Cabinet\n\nSomerset County Council\n\nDate of Meeting\t4 June 2018\n\n"
            "Ofsted Improvement Plan\n\n1. To inform Members of progress since the Ofsted inspection.")
    meta = meta_for(Path("a.txt"), text)
    assert (meta.publisher, meta.report_type, meta.title) == (
        "Somerset County Council Cabinet", "council report", "Ofsted Improvement Plan")
    assert meta.voice is Voice.COMMITTEE_PAPER
    assert meta.short_title == "Somerset Cabinet 2018"


def test_place_after_inspection_title_colon():
    text = ("Inspection of local authority children's services: Stoke-on-Trent\n\n"
            "Inspection dates: 1 to 12 July 2019\n\nLead inspector: B Jones, Her Majesty's Inspector\n\n"
            "Children in Stoke-on-Trent are safe. Ofsted found that services in Stoke-on-Trent improved.")
    meta = meta_for(Path("a.txt"), text)
    assert (meta.authority, meta.year, meta.voice) == ("Stoke-on-Trent", 2019, Voice.OFSTED)


def test_common_words_before_council_are_not_places():
    text = ("Report of the Children's Care Council and the Youth Council to Members.\n\n"
            "The Council agreed. Lancashire County Council leads care and youth work in Lancashire. "
            "Dated 2 February 2015.")
    assert meta_for(Path("a.txt"), text).authority == "Lancashire County Council"


# --- an Ofsted report's own cover -------------------------------------------------------

ILACS_COVER = ("Inspection of Bournemouth, Christchurch and Poole local authority children’s services\n\n"
               "Inspection dates: 27 September to 8 October 2021\n\n"
               "Lead inspector: Steve Lowe, Her Majesty’s Inspector\n\n"
               "Judgement\tGrade\nOverall effectiveness\tGood\n\n"
               "Since the last inspection in 2017 the council has improved its services. Plans to 2024 are set.")
SIF_COVER = ("Medway Council\n\nInspection of services for children in need of help and protection, children "
             "looked after and care leavers\n\nInspection date: 24 November 2015 – 17 December 2015\n\n"
             "Report published: 16 February 2016\n\nChildren’s services in Medway require improvement.")


def test_an_ofsted_cover_gives_voice_authority_year_title_and_its_facts():
    meta = meta_for(Path("pdf/bcp/2021-11-19.pdf"), ILACS_COVER)
    assert (meta.voice, meta.publisher, meta.report_type) == (Voice.OFSTED, "Ofsted", "inspection report")
    assert (meta.authority, meta.year, meta.doc_id) == ("Bournemouth, Christchurch and Poole", 2021, "bcp-2021-11-19")
    assert meta.title == "Inspection of Bournemouth, Christchurch and Poole local authority children’s services"
    assert (meta.inspection_start, meta.inspection_end, meta.published) == ("2021-09-27", "2021-10-08", "")
    assert (meta.lead_inspector, meta.framework, meta.inspection_kind) == ("Steve Lowe", "ilacs", "standard")


def test_the_year_is_when_the_inspection_ended_not_when_published():
    meta = meta_for(Path("upload.txt"), SIF_COVER)
    assert (meta.authority, meta.year, meta.published, meta.framework) == ("Medway", 2015, "2016-02-16", "sif")
    # the printed title does not name the council, so the title does
    assert meta.title.endswith("care leavers: Medway")
    assert meta.short_title == "Ofsted, Medway 2015"


def test_manifest_and_given_values_still_win_over_the_cover(tmp_path: Path):
    write_manifest(tmp_path, "r.txt,Medway Council,2016,,,Medway SIF,\n")
    meta = meta_for(tmp_path / "r.txt", SIF_COVER, load_manifest(tmp_path), publisher="Medway Council")
    assert (meta.authority, meta.year, meta.title, meta.publisher) == ("Medway Council", 2016, "Medway SIF", "Medway Council")
    assert meta.voice is Voice.COMMITTEE_PAPER
    assert meta.inspection_end == "2015-12-17"  # printed facts are kept


def test_a_cabinet_paper_quoting_the_cover_is_not_ofsted():
    text = "Report to Cabinet\n\nMedway Council\n\n" + SIF_COVER
    meta = meta_for(Path("upload.txt"), text)
    assert meta.voice is Voice.COMMITTEE_PAPER
    assert meta.inspection_start == meta.framework == ""
