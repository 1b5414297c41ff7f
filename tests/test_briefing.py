"""Briefing-note export: answers (objects or the JSONL `ask` writes) to Markdown, CSV, Word."""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import subprocess
import sys

import docx
import pytest
from conftest import ROOT
from markdown_it import MarkdownIt

from core.errors import ConfigError, RagError, ReadError
from rag import briefing
from rag.briefing import NoteCitation, NoteEntry, entry_from_answer, entry_from_dict, parse_answers
from rag.cli import main

HEALTH = ("75. Health assessments for looked after children are timely. <script>alert('x')</script> "
          "See [the portal](http://evil.example) and **this** | or `that`.")
HEALTH_SUPPORT = "Health assessments for looked after children are timely."
HEALTH_SOURCE = "Ofsted (2011) Inspection of safeguarding and looked after children services: Dorset, paragraph 75"
SAFE = '=HYPERLINK("http://evil.example","click") Children in care say they feel safe with their carers.'
SAFE_SOURCE = "Dorset County Council (2020) Self-evaluation, paragraph 4.2"


def answers() -> list[dict]:
    """Two answers as `python -m rag ask --out` writes them: one citing two paragraphs,
    one abstained."""
    return [
        {"id": "q1", "question": "What did Ofsted find about <em>health</em> checks?",
         "answer": "Ofsted found: Health assessments for looked after children are timely. [1]\n"
                   "The council's own self-evaluation says: Children in care say they feel safe. [2]",
         "abstained": False, "latency_ms": 12.5, "unsupported_sentences": 0,
         "citations": [
             {"doc_id": "dorset-2011", "label": "Ofsted, Dorset 2011, para 75", "source": HEALTH_SOURCE,
              "text": HEALTH, "support": [HEALTH_SUPPORT], "heading_path": ["Being healthy"]},
             {"doc_id": "dorset-2020", "label": "@Dorset 2020, para 4.2", "source": SAFE_SOURCE,
              "text": SAFE, "support": ["Children in care say they feel safe with their carers."]},
         ]},
        {"id": "q2", "question": "=1+1 is the capital of France?",
         "answer": "The reports in the library do not answer this.", "abstained": True, "citations": []},
    ]


def entries() -> list[NoteEntry]:
    return [entry_from_dict(d, f"answers.jsonl line {n}") for n, d in enumerate(answers(), 1)]


def flat(text: str) -> str:
    return " ".join(text.split())


# -- reading -----------------------------------------------------------------------------------------


def test_entry_from_dict_numbers_citations_by_position():
    first, second = entries()
    assert [c.n for c in first.citations] == [1, 2] and not first.abstained
    assert first.citations[0] == NoteCitation(1, "Ofsted, Dorset 2011, para 75", HEALTH_SOURCE, HEALTH,
                                              (HEALTH_SUPPORT,))
    assert second.abstained and second.citations == ()


def test_entry_from_answer_matches_the_json_it_writes(make_report):
    from rag.citations import citation
    from rag.model import Answer

    report = make_report()
    cites = tuple(citation(n, report.meta, p, (p.text,)) for n, p in enumerate(report.paragraphs[1:], 1))
    answer = Answer(question="How are health and safety?", text="Timely. [1]\nSafe. [2]", sentences=(),
                    citations=cites, abstained=False, searched=("Ofsted, Dorset 2011",))
    entry = entry_from_answer(answer)
    assert entry == entry_from_dict(json.loads(json.dumps(answer.to_dict())))
    assert entry.citations[1].source == ("Ofsted (2011) Inspection of safeguarding and looked after children "
                                         "services: Dorset, paragraph 3")


@pytest.mark.parametrize("break_it, field", [
    (lambda d: d.pop("question"), "'question' is missing"),
    (lambda d: d.update(abstained="no"), "'abstained' is not true or false"),
    (lambda d: d.update(citations={"a": 1}), "'citations' is not a list"),
    (lambda d: d["citations"][1].pop("source"), "citation 2 'source' is missing"),
    (lambda d: d["citations"][0].update(support="one sentence"), "citation 1 'support' is not a list"),
    (lambda d: d["citations"][0].update(text=None), "citation 1 'text' is not text"),
])
def test_a_missing_or_ill_typed_field_is_one_line_naming_it(break_it, field):
    d = answers()[0]
    break_it(d)
    with pytest.raises(ReadError) as exc:
        entry_from_dict(d, "answers.jsonl line 3")
    message = str(exc.value)
    assert message.startswith(f"answers.jsonl line 3: {field}; ") and "python -m rag ask" in message
    assert "\n" not in message and isinstance(exc.value, RagError)


def test_error_lines_are_skipped_and_reported():
    rows = answers()
    lines = [json.dumps(rows[0]), "", json.dumps({"id": "q9", "question": " ", "error": "the question is empty"}),
             json.dumps(rows[1])]
    loaded = parse_answers("\n".join(lines) + "\n", "answers.jsonl")
    assert [e.question for e in loaded.entries] == [rows[0]["question"], rows[1]["question"]]
    assert loaded.skipped == (3,)
    with pytest.raises(ReadError, match=r"^answers.jsonl line 3: holds an error"):
        entry_from_dict(json.loads(lines[2]), "answers.jsonl line 3")


def test_bad_json_names_its_line():
    with pytest.raises(ReadError, match=r"^a.jsonl line 2: not valid JSON; "):
        parse_answers(json.dumps(answers()[0]) + "\n{not json\n", "a.jsonl")


# -- Markdown ----------------------------------------------------------------------------------------


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def test_markdown_has_questions_answers_quotes_and_sources():
    md = briefing.to_markdown(entries(), title="Dorset briefing")
    assert md.startswith("# Dorset briefing\n")
    assert "\n1. > " in md and "\n2. > " in md
    assert HEALTH_SOURCE in md and SAFE_SOURCE in md
    page = rendered(md)
    assert page.count("<blockquote>") == 2 and page.count("<h2>") == 2
    assert f"<strong>{HEALTH_SUPPORT}</strong>" in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for said in (flat(HEALTH), flat(SAFE), answers()[0]["question"], answers()[1]["answer"], HEALTH_SOURCE):
        assert said in flat(text)  # escaping loses nothing: every character reads back as written


def test_markdown_cannot_be_given_structure_by_document_text():
    hostile = NoteEntry("# Heading? <img src=x onerror=alert(1)>", "- a list item\n1. numbered [x](http://e)",
                        False, (NoteCitation(1, "L", "+1 source", "<b>bold</b> *em* _u_ [3]: http://evil\n\n"
                                             "# not a heading\n> nor a quote\n| a | b |\n|---|---|\n`code`", ()),))
    page = rendered(briefing.to_markdown([hostile]))
    for tag in ("<img", "<b>", "<em>", "<a ", "<code>", "<table", "<ul>", "<h1>Heading"):
        assert tag not in page, tag
    assert page.count("<h1>") == 1 and page.count("<h2>") == 1 and page.count("<blockquote>") == 1
    assert page.count("<ol>") == 1  # the references list only: '1. numbered' stayed text
    assert "# not a heading &gt; nor a quote | a | b |" in page


# -- CSV ---------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_citation_and_neutralises_formulas():
    rows = list(csv.DictReader(io.StringIO(briefing.to_csv(entries()))))
    assert list(rows[0]) == ["question", "answer", "n", "label", "source", "quote", "support"]
    assert len(rows) == 3  # two citations, then the abstained answer
    first, second, abstained = rows
    assert first["n"] == "1" and first["quote"] == HEALTH and first["support"] == HEALTH_SUPPORT
    assert first["source"] == HEALTH_SOURCE and first["answer"] == answers()[0]["answer"]
    assert second["n"] == "2" and second["quote"] == "'" + SAFE and second["label"] == "'@Dorset 2020, para 4.2"
    assert abstained["question"] == "'=1+1 is the capital of France?"
    assert all(abstained[k] == "" for k in ("n", "label", "source", "quote", "support"))
    for row in rows:
        assert not any(v[:1] in "=+-@" for v in row.values() if v)


def test_csv_joins_several_supporting_sentences():
    entry = NoteEntry("Q", "A [1]", False, (NoteCitation(1, "L", "S", "One. Two. Three.", ("One.", "Three.")),))
    (row,) = csv.DictReader(io.StringIO(briefing.to_csv([entry])))
    assert row["support"] == "One. | Three."


# -- Word --------------------------------------------------------------------------------------------


def test_docx_holds_questions_quotes_sources_and_bold_support():
    document = docx.Document(io.BytesIO(briefing.to_docx(entries(), title="Dorset briefing")))
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    assert texts[0] == "Dorset briefing" and paragraphs[0].style.name == "Title"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == [d["question"] for d in answers()]
    refs = [p for p in paragraphs if p.style.name == "List Number"]
    assert len(refs) == 2
    assert flat(HEALTH) in refs[0].text and refs[0].text.endswith(HEALTH_SOURCE)
    assert flat(SAFE) in refs[1].text and refs[1].text.endswith(SAFE_SOURCE)
    assert [r.text for r in refs[0].runs if r.bold] == [HEALTH_SUPPORT]
    assert "The reports in the library do not answer this." in texts
    assert texts.count("References") == 1  # the abstained answer has none


def test_docx_numbers_each_answers_references_from_one():
    document = docx.Document(io.BytesIO(briefing.to_docx(entries() * 2)))
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    num_ids = [p._p.pPr.numPr.numId.val for p in document.paragraphs if p.style.name == "List Number"]
    assert len(num_ids) == 4 and num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    numbering = document.part.numbering_part.element
    for num_id in set(num_ids):
        start = numbering.num_having_numId(num_id).find(f"{ns}lvlOverride/{ns}startOverride")
        assert start is not None and start.get(f"{ns}val") == "1"


def test_docx_drops_characters_word_cannot_hold():
    entry = NoteEntry("Q\x01?", "A [1]", False, (NoteCitation(1, "L", "S\x00", "Text\x0c with a form feed.", ()),))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(briefing.to_docx([entry]))).paragraphs)
    assert "Text with a form feed." in text and "Q?" in text


# -- writing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", briefing.FORMATS)
def test_write_each_format(tmp_path, fmt):
    path = briefing.write(entries(), fmt, tmp_path / f"note.{fmt}")
    assert path.exists() and os.listdir(tmp_path) == [f"note.{fmt}"]
    if fmt == "csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbfquestion,answer")  # BOM: Excel reads UTF-8


def test_a_failing_renderer_leaves_no_file(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(briefing, "to_docx", boom)
    with pytest.raises(RuntimeError):
        briefing.write(entries(), "docx", tmp_path / "note.docx")
    assert os.listdir(tmp_path) == []


def test_a_failing_write_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "note.md"
    path.write_text("old note", encoding="utf-8")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(briefing.os, "replace", boom)
    with pytest.raises(RagError) as exc:
        briefing.write(entries(), "md", path)
    assert str(exc.value) == f"{path}: cannot write it (No space left on device); choose a folder you can write to"
    assert path.read_text(encoding="utf-8") == "old note" and os.listdir(tmp_path) == ["note.md"]


def test_an_unknown_format_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown export format 'pdf': use one of docx, md, csv"):
        briefing.write(entries(), "pdf", tmp_path / "note.pdf")
    assert os.listdir(tmp_path) == []


# -- the command -------------------------------------------------------------------------------------


def answers_file(tmp_path, lines=None):
    path = tmp_path / "answers.jsonl"
    lines = [json.dumps(d) for d in answers()] if lines is None else lines
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_export_writes_the_note(tmp_path, capsys):
    out = tmp_path / "note.docx"
    rc = main(["export", "--in", str(answers_file(tmp_path)), "--format", "docx", "--out", str(out),
               "--title", "Dorset briefing"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert captured.out == f"wrote 2 answers, 2 citations to {out}\n" and captured.err == ""
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts[0] == "Dorset briefing" and any(t.endswith(HEALTH_SOURCE) for t in texts)


def test_export_reports_skipped_error_lines(tmp_path, capsys):
    error = json.dumps({"id": "q3", "question": "", "error": "the question is empty"})
    inp = answers_file(tmp_path, [json.dumps(answers()[0]), error])
    rc = main(["export", "--in", str(inp), "--format", "csv", "--out", str(tmp_path / "note.csv")])
    out = capsys.readouterr().out
    assert rc == 0 and out.endswith("(skipped 1 unanswered question, line 2)\n")
    assert out.startswith("wrote 1 answer, 2 citations to ")


@pytest.mark.parametrize("lines, expected", [
    (None, "no such file"),
    ([json.dumps(answers()[0]), "{oops"], "answers.jsonl line 2: not valid JSON"),
    ([json.dumps({"question": "Q", "answer": "A", "abstained": False})],
     "answers.jsonl line 1: 'citations' is missing"),
    ([""], "holds no answers"),
])
def test_export_errors_are_one_line_and_write_nothing(tmp_path, capsys, lines, expected):
    inp = tmp_path / "answers.jsonl" if lines is None else answers_file(tmp_path, lines)
    out = tmp_path / "note.md"
    rc = main(["export", "--in", str(inp), "--format", "md", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 1 and not out.exists()
    assert err.startswith("error: ") and err.count("\n") == 1 and expected in err and str(inp) in err


def test_export_refuses_to_overwrite_its_input(tmp_path, capsys):
    inp = answers_file(tmp_path)
    before = inp.read_text(encoding="utf-8")
    assert main(["export", "--in", str(inp), "--format", "md", "--out", str(inp)]) == 1
    assert "that is the answers file" in capsys.readouterr().err and inp.read_text(encoding="utf-8") == before


def test_export_bad_format_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["export", "--in", str(answers_file(tmp_path)), "--format", "pdf", "--out", str(tmp_path / "n.pdf")])
    assert exc.value.code == 2 and "invalid choice: 'pdf'" in capsys.readouterr().err


def test_export_does_not_load_the_model(tmp_path):
    inp, out = answers_file(tmp_path), tmp_path / "note.md"
    code = ("import sys; from rag.cli import main; rc = main(sys.argv[1:]); "
            "heavy = [m for m in ('torch', 'sentence_transformers', 'chromadb', 'langchain_core') "
            "if m in sys.modules]; "
            "print(rc, heavy)")
    argv = ["export", "--in", str(inp), "--format", "md", "--out", str(out)]
    proc = subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "0 []" and out.exists()


# -- the real chain ----------------------------------------------------------------------------------


@pytest.mark.integration
def test_a_real_answer_exports_with_its_full_source(corpus_settings, embedder):
    from rag.chain import AnswerChain

    question = "What grade did Ofsted give Dorset for being healthy in 2011?"
    answer = AnswerChain(corpus_settings, embedder=embedder).ask(question)
    entry = entry_from_answer(answer)
    assert not entry.abstained and entry.citations
    document = docx.Document(io.BytesIO(briefing.to_docx([entry])))
    texts = [p.text for p in document.paragraphs]
    assert question in texts
    source = "Ofsted (2011) Inspection of safeguarding and looked after children services: Dorset, Being healthy grade"
    refs = [t for t in texts if t.endswith(source)]
    assert refs, texts
    cited = next(c for c in entry.citations if c.source == source)
    assert flat(cited.text) in refs[0]
