"""``python -m rag``: ask the indexed reports a question.

    python -m rag ask "QUESTION" [--authority A] [--year Y] [--doc DOC_ID] [--json]
    python -m rag ask --in QUESTIONS.jsonl --out ANSWERS.jsonl
    python -m rag export --in ANSWERS.jsonl --format docx|md|csv --out FILE [--title TITLE]

Exit status: 0 answered (an abstention is an answer) or exported, 1 an error (one
``error:`` line), 2 a question we cannot take (empty, too long) or bad usage. In batch
mode a line that cannot be asked, or that meets an unexpected error, gets an ``error``
field and the other lines are still answered; the status is then 2, or 1 if a line met
an error (its traceback goes to ``RAG_DATA_DIR/logs/errors.log``, not the terminal).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.entry import guarded, offline
from core.errors import QuestionError, RagError
from core.settings import Settings

from . import errorlog
from .briefing import FORMATS, parse_answers, write
from .model import Answer, Filters


def main(argv: list[str] | None = None) -> int:
    offline()
    args = _parser().parse_args(argv)
    if args.command == "export":
        return guarded(lambda: _export(args))  # reads answers only: no settings, no model
    return guarded(lambda: _ask(args, Settings.from_env()))


def _ask(args, settings: Settings) -> int:
    if args.inp or args.out:
        return _batch(args, settings)
    if args.question is None:
        raise QuestionError("give a question, or --in QUESTIONS.jsonl --out ANSWERS.jsonl")
    answer = _chain(settings).ask(args.question, Filters(args.authority, args.year, args.doc))
    print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if args.json else render(answer))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m rag", description="Answer questions from the indexed reports, "
                                "with paragraph-numbered citations.")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("ask", help="ask a question (or a file of questions)")
    a.add_argument("question", nargs="?", help="the question, in quotes")
    a.add_argument("--authority", help="only this council (name or place, e.g. Dorset)")
    a.add_argument("--year", type=int, help="only reports of this year")
    a.add_argument("--doc", help="only this report (see `python -m ingest list`)")
    a.add_argument("--json", action="store_true", help="print the answer as JSON")
    a.add_argument("--in", dest="inp", type=Path, help="JSONL of questions: id, question[, authority, year]")
    a.add_argument("--out", type=Path, help="where to write the JSONL answers")
    e = sub.add_parser("export", help="turn answers (JSONL from `ask --in ... --out ...`) into a briefing note")
    e.add_argument("--in", dest="inp", type=Path, required=True, metavar="ANSWERS.jsonl",
                   help="the JSONL answers `ask --out` wrote")
    e.add_argument("--format", required=True, choices=FORMATS, help="docx (Word), md (Markdown) or csv")
    e.add_argument("--out", type=Path, required=True, metavar="FILE",
                   help="the note to write (replaced if it exists)")
    e.add_argument("--title", default="Briefing note", help="the note's title (docx and md)")
    return p


def _chain(settings: Settings):
    from .chain import AnswerChain

    chain = AnswerChain(settings)
    chain.warm_up()
    return chain


def _batch(args, settings: Settings) -> int:
    if not (args.inp and args.out):
        raise QuestionError("batch mode needs both --in QUESTIONS.jsonl and --out ANSWERS.jsonl")
    rows = _read_jsonl(args.inp)
    chain = _chain(settings)  # the model loads once for the whole file
    bad = failed = 0

    def say(n: int, message: str) -> None:
        lead = "\n" if n > 1 else ""  # a line of its own, not after the progress count
        print(f"{lead}error: {args.inp}:{n}: {message}", file=sys.stderr)

    with open(args.out, "w", encoding="utf-8") as out:
        for n, row in enumerate(rows, 1):
            qid = str(row.get("id", n))
            try:
                filters = Filters(_text(row, "authority"), _year(row.get("year"), args.inp, n), _text(row, "doc_id"))
                record = chain.ask(row.get("question", ""), filters).to_dict(id=qid)
            except QuestionError as exc:
                bad += 1
                record = {"id": qid, "question": row.get("question"), "error": str(exc)}
                say(n, str(exc))
            except RagError:
                raise  # the index or the model cannot be used: no later line would fare better
            except Exception as exc:  # a bug met by this question: the others are still answered
                failed += 1
                message = errorlog.record(settings, exc, f"{args.inp}:{n} id {qid}: {row.get('question')!r}")
                record = {"id": qid, "question": row.get("question"), "error": message}
                say(n, message)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            print(f"\r{n}/{len(rows)} answered", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    # 1 when a line met an error (as for a single question), else 2 when a line could not be asked
    return 1 if failed else 2 if bad else 0


def _export(args) -> int:
    if args.out.resolve() == args.inp.resolve():
        raise RagError(f"{args.out}: that is the answers file; give --out another file")
    try:
        text = args.inp.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RagError(f"{args.inp}: no such file; give the JSONL that `python -m rag ask --in ... --out ...` "
                       "wrote") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"{args.inp}: cannot read it ({exc.__class__.__name__}); give a UTF-8 JSONL file") from None
    loaded = parse_answers(text, str(args.inp))
    if not loaded.entries:
        raise RagError(f"{args.inp}: holds no answers; run `python -m rag ask --in QUESTIONS.jsonl --out "
                       f"{args.inp}` first")
    write(loaded.entries, args.format, args.out, args.title)
    answers, cites = len(loaded.entries), sum(len(e.citations) for e in loaded.entries)
    line = f"wrote {_count(answers, 'answer')}, {_count(cites, 'citation')} to {args.out}"
    if loaded.skipped:  # questions the batch could not take: say so, the note is still useful
        where = ("line " if len(loaded.skipped) == 1 else "lines ") + ", ".join(map(str, loaded.skipped))
        line += f" (skipped {_count(len(loaded.skipped), 'unanswered question')}, {where})"
    print(line)
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _read_jsonl(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"{path}: cannot read it ({exc.__class__.__name__}); give a UTF-8 JSONL file") from None
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise QuestionError(f"{path}:{n}: not a JSON object; each line needs {{\"id\": ..., \"question\": ...}}")
        if not isinstance(row, dict):
            raise QuestionError(f"{path}:{n}: not a JSON object; each line needs {{\"id\": ..., \"question\": ...}}")
        rows.append(row)
    return rows


def _text(row: dict, key: str) -> str | None:
    value = row.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise QuestionError(f"{key} {value!r} is not text; give it in quotes")
    return value


def _year(value, path: Path, n: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise QuestionError(f"{path}:{n}: year {value!r} is not a year") from None


def render(answer: Answer) -> str:
    """The answer as a person reads it in a terminal: text, then each citation."""
    lines = [answer.text, ""]
    if answer.searched:
        lines.append("Searched: " + "; ".join(answer.searched))
    if answer.unsupported_sentences:
        lines.append(f"Dropped {answer.unsupported_sentences} sentence(s) the cited paragraphs do not support.")
    for c in answer.citations or answer.suggestions:
        mark = f"[{c.n}]" if answer.citations else "-"
        lines += ["", f"{mark} {c.label} ({c.voice.description})"]
        lines += ["    " + " > ".join(c.heading_path)] if c.heading_path else []  # none read: no empty line
        lines += ["    " + c.text]
    return "\n".join(lines)


def run() -> None:
    """``python -m rag`` and the ``report-ask`` console script."""
    raise SystemExit(main())
