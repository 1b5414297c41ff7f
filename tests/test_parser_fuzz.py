"""The parser on mangled copies of the five real reports (and on random text).

The real reports are read once at import. Hypothesis draws a report and a list of
mutations -- deleted, duplicated and swapped lines, stray numbering lines ("12.",
"4.9 b", "(iii)"), page furniture ("Page 3 of 40"), joined lines, truncation, and
characters replaced by unicode junk, control characters and tabs -- and the parser
(``ingest.parser.parse``, the entry point the property test in test_parser.py uses)
must keep the same properties as there, for any input:

- it raises nothing;
- locators are unique within the report, and every judgement and recommendation
  points at one of them;
- every paragraph has text, and its words come from the source in order: the
  ``words`` of the paragraph are a subsequence of the ``words`` of the
  ``normalise``d input (``core.textnorm``, exactly as ``_assert_properties`` in
  test_parser.py; only the subsequence search is faster, see ``_Source``).

A failure names the report, the mutations (which Hypothesis shrinks) and a short
repr of the mutated input around the offending paragraph.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.model import ReportMeta, Voice
from core.textnorm import is_subsequence, normalise, words
from ingest.manifest import load_manifest, meta_for
from ingest.parser import parse

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
_MANIFEST = load_manifest(CORPUS)
# name -> (text, the report's own metadata as ingest would give it)
REPORTS: dict[str, tuple[str, ReportMeta]] = {}
for _path in sorted(CORPUS.glob("*.txt")):
    _text = _path.read_text(encoding="utf-8")
    REPORTS[_path.stem] = (_text, meta_for(_path, _text, _MANIFEST))
NAMES = sorted(REPORTS)
assert len(NAMES) == 5, NAMES

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ONE_KIND = settings(FUZZ, max_examples=25)  # the per-kind tests: 9 kinds x 25


def _meta() -> ReportMeta:
    """The ReportMeta of test_parser.py's random-text property."""
    return ReportMeta("doc", "A report", "Dorset County Council", 2011, "Ofsted", "inspection report", Voice.OFSTED,
                      "doc.txt")


# -- the property (test_parser._assert_properties, with a faster subsequence search) ----------------


class _Source:
    """The words of the normalised input, indexed for subsequence checks.

    ``has(needle)`` is ``is_subsequence(needle, words)`` (greedy: each word matched at
    its first occurrence after the previous one) with a binary search over each
    word's positions instead of a scan: a report is ~25,000 words and ~450 paragraphs.
    """

    def __init__(self, text: str):
        self.words = words(normalise(text))
        self._at: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(self.words):
            self._at[w].append(i)

    def has(self, needle: list[str]) -> bool:
        return self.matched(needle) == len(needle)

    def matched(self, needle: list[str]) -> int:
        """How many of ``needle``'s leading words are found in order."""
        pos = -1
        for n, w in enumerate(needle):
            at = self._at.get(w)
            if not at:
                return n
            i = bisect.bisect_right(at, pos)
            if i == len(at):
                return n
            pos = at[i]
        return len(needle)


def _short(text: str, around: int | None = None, width: int = 160) -> str:
    """A short repr of (part of) the mutated input for a failure message."""
    if around is None or len(text) <= 2 * width:
        head = text[: 2 * width]
        return f"{head!r}{'...' if len(text) > len(head) else ''} ({len(text)} chars)"
    lo = max(0, around - width)
    return f"...{text[lo: around + width]!r}... ({len(text)} chars, from char {lo})"


def check(text: str, meta: ReportMeta, what: str = "") -> None:
    """Parse ``text`` and assert the properties; ``what`` says how the input was made."""
    try:
        report = parse(text, meta)
    except Exception as exc:  # noqa: BLE001 - any exception is the failure
        raise AssertionError(f"parse raised {type(exc).__name__}: {exc}\n{what}\ninput: {_short(text)}") from exc
    locs = [p.locator for p in report.paragraphs]
    dupes = sorted({loc for loc in locs if locs.count(loc) > 1})
    assert not dupes, f"locators not unique: {dupes[:5]}\n{what}\ninput: {_short(text)}"
    source = _Source(text)
    for p in report.paragraphs:
        assert p.text.strip(), f"{p.locator!r}: empty paragraph\n{what}\ninput: {_short(text)}"
        needle = words(p.text)
        if not source.has(needle):
            got = source.matched(needle)
            probe = " ".join(p.text.split()[:4])
            where = text.find(probe) if probe else -1
            raise AssertionError(
                f"{p.locator!r}: text not from the source: its words in order stop at word {got} "
                f"({needle[got]!r}) of {len(needle)}\nparagraph: {_short(p.text)}\n{what}\n"
                f"input: {_short(text, where if where >= 0 else None)}")
    known = set(locs)
    for rec in list(report.judgements) + list(report.recommendations):
        assert rec.locator in known, f"record points at no paragraph: {rec.locator!r}\n{what}\ninput: {_short(text)}"


# -- mutations -------------------------------------------------------------------------------------

NUMBERING = ["12.", "4.9 b", "(iii)", "1.", "119.", "3.4", "2.1.", "a)", "(a)", "b.", "ii.", "(12)", "999.",
             "12. ", "4.9 b ¶2", "Appendix 1", "APPENDIX 2", "1. 2. 3.", "0.", "- 12.", "\u2022 3.4"]
FURNITURE = ["Page 3 of 40", "3", "42", "Page 12", "- 7 -", "\f", "\f12", "Ofsted", "\u00a9 Crown copyright 2011",
             "www.ofsted.gov.uk", "Inspection of safeguarding and looked after children services", "Contents",
             "OFFICIAL", "Reference no: 12345", "Dorset County Council", "Page 3 of 40\t\t", "   ",
             "Grade 2 (good)", "Requires improvement", "to be good", "Record of main findings"]
JUNK = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1c", "\x7f", "\x85", "\t", "\t\t", "\u00a0", "\u200b",
        "\ufeff", "\u2028", "\u2029", "\r", "\r\n", "\n", "\n\n", "\ufffd", "\u0301", "\U0001f600", "**", "<b>",
        "</p>", "&amp;", "&lt;", "&#", "|", "\u2022", "\u2013", "\u2019", "  ", ""]

_index = st.integers(0, 5000)  # taken modulo the number of lines or characters
_junk = st.one_of(st.sampled_from(JUNK), st.characters(blacklist_categories=("Cs",)),
                  st.text(st.characters(blacklist_categories=("Cs",)), max_size=4))
MUTATIONS = {
    "delete": st.tuples(st.just("delete"), _index, st.integers(1, 40)),
    "duplicate": st.tuples(st.just("duplicate"), _index, st.integers(1, 6)),
    "swap": st.tuples(st.just("swap"), _index, st.integers(1, 25)),
    "number": st.tuples(st.just("number"), _index, st.sampled_from(NUMBERING)),
    "furniture": st.tuples(st.just("furniture"), _index, st.sampled_from(FURNITURE)),
    "join": st.tuples(st.just("join"), _index, st.integers(1, 4)),
    "truncate": st.tuples(st.just("truncate"), st.floats(0, 1)),
    "junk": st.tuples(st.just("junk"), st.lists(st.integers(0, 10**6), min_size=1, max_size=30), _junk),
    "blank": st.tuples(st.just("blank"), _index, st.integers(0, 1)),  # drop or add the blank line between blocks
}
any_mutation = st.one_of(*MUTATIONS.values())


def mutate(text: str, op: tuple) -> str:
    kind = op[0]
    if kind == "truncate":
        return text[: int(len(text) * op[1])]
    if kind == "junk":
        if not text:
            return op[2]
        chars = list(text)
        for at in op[1]:
            chars[at % len(chars)] = op[2]
        return "".join(chars)
    lines = text.split("\n")
    i = op[1] % len(lines)
    if kind == "delete":
        del lines[i: i + op[2]]
    elif kind == "duplicate":
        lines[i: i + op[2]] = lines[i: i + op[2]] * 2
    elif kind == "swap":
        n = op[2]
        lines[i: i + 2 * n] = lines[i + n: i + 2 * n] + lines[i: i + n]
    elif kind in ("number", "furniture"):
        lines.insert(i, op[2])
    elif kind == "join":
        lines[i: i + op[2] + 1] = [" ".join(lines[i: i + op[2] + 1])]
    elif kind == "blank":
        if op[2] and not lines[i].strip():
            del lines[i]
        else:
            lines.insert(i, "")
    return "\n".join(lines)


def mangled(name: str, ops: list[tuple]) -> tuple[str, ReportMeta, str]:
    text, meta = REPORTS[name]
    for op in ops:
        text = mutate(text, op)
    return text, meta, f"report: {name}; mutations: {ops!r}"


# -- tests -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_real_reports_hold_the_properties_unmutated(name):
    text, meta = REPORTS[name]
    check(text, meta, f"report: {name}, unmutated")


@FUZZ
@given(st.sampled_from(NAMES), st.lists(any_mutation, min_size=1, max_size=10))
def test_mangled_reports_keep_the_parser_properties(name, ops):
    check(*mangled(name, ops))


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
@ONE_KIND
@given(data=st.data())
def test_each_kind_of_mutation_alone(kind, data):
    name = data.draw(st.sampled_from(NAMES), label="report")
    ops = data.draw(st.lists(MUTATIONS[kind], min_size=1, max_size=6), label="mutations")
    check(*mangled(name, ops))


@FUZZ
@given(st.sampled_from(NAMES), st.lists(any_mutation, max_size=6))
def test_mangled_reports_under_the_random_text_meta(name, ops):
    """The same, parsed with test_parser's generic ReportMeta (another title, year, voice)."""
    text, _, what = mangled(name, ops)
    check(text, _meta(), what)


_any_char = st.characters(blacklist_categories=("Cs",))
_random_line = st.one_of(
    st.text(_any_char, max_size=120),
    st.sampled_from(NUMBERING + FURNITURE + JUNK),
    st.text(st.sampled_from("0123456789.()ivx ab\t|-*\u2022:"), max_size=12),
)


@FUZZ
@given(st.one_of(st.text(_any_char, max_size=3000),
                 st.lists(_random_line, max_size=60).map("\n".join)))
def test_fully_random_text_keeps_the_parser_properties(text):
    check(text, _meta(), "fully random text")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from("abcde"), max_size=12), st.lists(st.sampled_from("abcdef"), max_size=30))
def test_the_fast_subsequence_check_is_textnorm_is_subsequence(needle, haystack):
    source = _Source(" ".join(haystack))
    assert source.has(needle) == is_subsequence(needle, haystack)
