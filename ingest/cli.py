"""``python -m ingest``: build and inspect the index.

    python -m ingest [PATH ...] [--authority A --year Y --title T]
    python -m ingest list [--json]
    python -m ingest show DOC_ID [--json]
    python -m ingest records DOC_ID [--json]
    python -m ingest remove DOC_ID

With no PATH the corpus folder (RAG_CORPUS_DIR, default ``corpus``) is ingested.
``--json`` prints one JSON object per line. Exit status: 0 ok, 1 a file failed or
an error (one ``error: ...`` line on stderr), 2 bad usage, 130 interrupted.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from core.entry import guarded, offline
from core.errors import RagError
from core.settings import Settings

SUBCOMMANDS = ("list", "show", "records", "remove")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    offline()
    if argv and argv[0] in SUBCOMMANDS:
        args = _subcommand_parser().parse_args(argv)
    else:
        args = _ingest_parser().parse_args(argv)
        if (args.authority or args.year or args.title) and (len(args.paths) != 1 or Path(args.paths[0]).is_dir()):
            _ingest_parser().error("--authority/--year/--title describe one file: give exactly one file")
    try:
        return guarded(lambda: args.func(args, Settings.from_env()))
    except BrokenPipeError:  # `python -m ingest show X | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


# -- parsers -----------------------------------------------------------------------------


def _ingest_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ingest",
        description=(
            "Ingest report files (.txt .pdf .docx .html) into the index. Folders are searched "
            "for reports; each folder's manifest.csv gives authority, year and title. "
            f"Other commands: {', '.join(SUBCOMMANDS)} (python -m ingest list --help)."
        ),
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: the corpus folder)")
    p.add_argument("--authority", help="council, for one file with no manifest row")
    p.add_argument("--year", type=int, help="report year, for one file with no manifest row")
    p.add_argument("--title", help="report title, for one file with no manifest row")
    p.set_defaults(func=_cmd_ingest)
    return p


def _subcommand_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ingest", description="Inspect or change the index.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("list", help="the reports in the index")
    s.add_argument("--json", action="store_true", help="one JSON object per line")
    s.set_defaults(func=_cmd_list)
    s = sub.add_parser("show", help="a report's paragraphs, as indexed")
    s.add_argument("doc_id", metavar="DOC_ID")
    s.add_argument("--json", action="store_true", help="one JSON object per paragraph per line")
    s.set_defaults(func=_cmd_show)
    s = sub.add_parser("records", help="a report's judgements and recommendations")
    s.add_argument("doc_id", metavar="DOC_ID")
    s.add_argument("--json", action="store_true", help="one JSON object per line")
    s.set_defaults(func=_cmd_records)
    s = sub.add_parser("remove", help="remove a report and its chunks from the index")
    s.add_argument("doc_id", metavar="DOC_ID")
    s.set_defaults(func=_cmd_remove)
    return p


# -- commands ----------------------------------------------------------------------------


def _cmd_ingest(args, settings: Settings) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .pipeline import Ingestor

    paths = args.paths or [settings.corpus_dir]
    err = Console(stderr=True)
    ingestor = Ingestor(settings)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("ingesting", total=None)

        def progress(done: int, total: int, path: Path, result) -> None:
            bar.update(task, total=total, completed=done, description=path.name if result is None else "ingesting")

        results = ingestor.ingest(
            paths, progress=progress, authority=args.authority, year=args.year, title=args.title
        )
    if not results:
        raise RagError(f"no report files in {', '.join(map(str, paths))}; supported: .txt .pdf .docx .html")
    _print_summary(results)
    failed = [r for r in results if r.failed]
    for r in failed:
        _error(f"{r.path}: {r.error}")
    return 1 if failed else 0


def _print_summary(results) -> None:
    from rich.table import Table

    table = Table(title="Ingest", title_justify="left")
    for name in ("report", "status", "paragraphs", "chunks", "judgements", "recommendations", "seconds"):
        table.add_column(name, justify="left" if name in ("report", "status") else "right")
    style = {"added": "green", "replaced": "cyan", "unchanged": "dim", "failed": "red"}
    for r in results:
        table.add_row(
            r.doc_id or str(r.path),
            f"[{style[r.status]}]{r.status}[/]",
            *("-" if r.failed else str(x) for x in (r.paragraphs, r.chunks, r.judgements, r.recommendations)),
            f"{r.seconds:.1f}",
        )
    _console().print(table)


def _console():
    """stdout console; when piped, wide enough that report ids are not cut."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)


def _cmd_list(args, settings: Settings) -> int:
    from .store import Index

    reports = Index(settings).reports()
    if args.json:
        for r in reports:
            m = r.meta
            _print_json(
                {
                    "doc_id": m.doc_id,
                    "title": m.title,
                    "short_title": m.short_title,
                    "authority": m.authority,
                    "year": m.year,
                    "publisher": m.publisher,
                    "report_type": m.report_type,
                    "voice": m.voice.value,
                    "period": m.period,
                    "source_file": m.source_file,
                    "paragraphs": len(r.paragraphs),
                    "judgements": len(r.judgements),
                    "recommendations": len(r.recommendations),
                    "content_hash": r.content_hash,
                }
            )
        return 0
    if not reports:
        print(f"the index in {settings.data_dir} is empty; ingest reports with `python -m ingest [PATH]`",
              file=sys.stderr)
        return 0
    from rich.table import Table

    table = Table()
    for name in ("doc id", "report", "voice", "paragraphs", "judgements", "recommendations"):
        table.add_column(name, justify="right" if name in ("paragraphs", "judgements", "recommendations") else "left")
    for r in reports:
        table.add_row(
            r.doc_id, r.meta.short_title, r.meta.voice.value,
            str(len(r.paragraphs)), str(len(r.judgements)), str(len(r.recommendations)),
        )
    _console().print(table)
    return 0


def _cmd_show(args, settings: Settings) -> int:
    from .store import Index

    report = Index(settings).report(args.doc_id)
    for p in report.paragraphs:
        if args.json:
            _print_json(
                {
                    "doc_id": p.doc_id,
                    "locator": p.locator,
                    "heading_path": list(p.heading_path),
                    "kind": p.kind.value,
                    "text": p.text,
                }
            )
        else:
            lead = f"{p.lead_in} " if p.lead_in else ""
            print(f"[{p.locator}] {p.heading}".rstrip() + f"\n    {lead}{p.text}\n")
    return 0


def _cmd_records(args, settings: Settings) -> int:
    from .store import Index

    report = Index(settings).report(args.doc_id)
    if args.json:
        for j in report.judgements:
            _print_json({"type": "judgement", **j.to_dict()})
        for r in report.recommendations:
            _print_json({"type": "recommendation", **r.to_dict()})
        return 0
    from rich.table import Table

    console = _console()
    if report.judgements:
        t = Table(title=f"Judgements: {report.meta.short_title}", title_justify="left")
        for name in ("locator", "area", "grade", "as printed", "framework"):
            t.add_column(name)
        for j in report.judgements:
            t.add_row(j.locator, j.area, j.grade, j.grade_printed, j.framework)
        console.print(t)
    else:
        console.print(f"no judgements in {report.doc_id}")
    if report.recommendations:
        t = Table(title=f"Recommendations: {report.meta.short_title}", title_justify="left")
        for name in ("locator", "recommendation", "timescale", "responsible"):
            t.add_column(name)
        for r in report.recommendations:
            t.add_row(r.locator, r.text, r.timescale, r.responsible)
        console.print(t)
    else:
        console.print(f"no recommendations in {report.doc_id}")
    return 0


def _cmd_remove(args, settings: Settings) -> int:
    from .lock import ingest_lock
    from .store import Index

    index = Index(settings)
    with ingest_lock(settings):
        n = index.remove(args.doc_id)
    print(f"removed {args.doc_id} ({n} chunks)")
    return 0


# -- output ------------------------------------------------------------------------------


def _print_json(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _error(message: str) -> None:
    message = " ".join(str(message).split()) or "unknown error"
    print(f"error: {message}", file=sys.stderr)


def run() -> None:
    """``python -m ingest`` and the ``report-ingest`` console script."""
    code = main()
    if code == 130:
        # Interrupted: main() has rolled back, released the lock and printed 'interrupted'.
        # Exit at once: rarely (Ctrl-C while the model loads) CPython's finalisation
        # then re-kills the process with SIGINT (status -2, not 130), most likely because
        # the interrupt surfaced inside a library's nested PyRun_* call, which sets
        # CPython's "unhandled KeyboardInterrupt" flag even though main() handled it.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)
