"""The run's journal: each answer written down as soon as it is given, so that a long run
that stops (through an LLM here, hours) goes on where it stopped with ``--resume``.

    journal = Journal.open(out_dir, "system", settings, resume=True)
    result = journal.result(k)             # None: not asked yet under this run's key
    journal.add(k, result)                 # one JSON line, flushed

Each system has its file, ``<out>/<system>.journal.jsonl``; its first line is the run's
key: the settings that change answers (every one that is not a secret) and a digest of
the product's code (``core/``, ``ingest/``, ``rag/``). A journal whose key differs, or a run
without ``resume``, starts afresh, so answers of other code or settings are never mixed
in. An entry is reused only for the same question, council and year. The LLM judge's
verdicts are journalled the same way (``verdict``/``add_verdict``).
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import fields
from pathlib import Path

from core.errors import RagError
from core.settings import Settings
from ingest.serialize import paragraph_from_dict

from .gold import KnownAnswer
from .metrics import Item, Result

_ROOT = Path(__file__).resolve().parent.parent
PRODUCT_CODE = ("core", "ingest", "rag")  # what answers a question; evals/ only scores it


@functools.cache  # one run opens a journal per system: the files are read once
def code_digest(root: Path = _ROOT) -> str:
    """sha256 over the product's Python files (path and bytes), in path order."""
    h = hashlib.sha256()
    for package in PRODUCT_CODE:
        for path in sorted((root / package).rglob("*.py")):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


class Journal:
    def __init__(self, path: Path, entries: dict[str, dict]):
        self.path, self._entries = path, entries

    @classmethod
    def open(cls, out_dir: Path, system: str, settings: Settings, *, resume: bool) -> "Journal":
        path = Path(out_dir) / f"{system}.journal.jsonl"
        # as JSON gives it back (tuples as lists), to compare with a journal's first line
        key = json.loads(json.dumps({"system": system, "settings": settings.public(), "code": code_digest()}))
        entries = _read(path, key) if resume else {}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8") as f:  # rewritten: the key, then what is kept
                for line in [key, *entries.values()]:
                    f.write(json.dumps(line) + "\n")
        except OSError as exc:
            raise RagError(f"{path}: cannot write the run's journal ({exc.strerror}); give another --out") from None
        return cls(path, entries)

    def __len__(self) -> int:
        return sum(1 for e in self._entries.values() if "result" in e)

    def result(self, k: KnownAnswer) -> Result | None:
        entry = self._entry(k)
        return result_from_json(entry["result"]) if "result" in entry else None

    def verdict(self, k: KnownAnswer) -> tuple[bool, float | None]:
        """(judged already, the judge's faithfulness)."""
        entry = self._entry(k)
        return ("verdict" in entry), entry.get("verdict")

    def _entry(self, k: KnownAnswer) -> dict:
        """What the journal holds for this very question ({} for none, or another wording)."""
        entry = self._entries.get(k.id, {})
        return entry if entry.get("asked") == _asked(k) else {}

    def add(self, k: KnownAnswer, result: Result) -> None:
        self._write({"id": k.id, "asked": _asked(k), "result": result_to_json(result)})

    def add_verdict(self, k: KnownAnswer, verdict: float | None) -> None:
        entry = self._entry(k) or {"id": k.id, "asked": _asked(k)}
        self._write({**entry, "verdict": verdict})

    def _write(self, entry: dict) -> None:
        self._entries[entry["id"]] = entry  # a later line for an id replaces an earlier one
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")


def _asked(k: KnownAnswer) -> list:
    return [k.question, k.authority, k.year]


def _read(path: Path, key: dict) -> dict[str, dict]:
    """The entries of a journal written under ``key`` (later lines win); {} otherwise."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"{path}: cannot read the run's journal ({exc}); run without --resume") from None
    entries: dict[str, dict] = {}
    for n, line in enumerate(lines):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:  # a line cut short when the run was killed
            continue
        if n == 0:
            if value != key:
                return {}
            continue
        if isinstance(value, dict) and "id" in value and "asked" in value:
            entries[value["id"]] = value
    return entries


def result_to_json(r: Result) -> dict:
    d = {f.name: getattr(r, f.name) for f in fields(r)}
    d["cited"], d["ranked"] = [_item(i) for i in r.cited], [_item(i) for i in r.ranked]
    return d


def result_from_json(d: dict) -> Result:
    return Result(**{**d, "cited": tuple(map(_item_from, d["cited"])), "ranked": tuple(map(_item_from, d["ranked"])),
                     "claims": tuple((s, tuple(src)) for s, src in d["claims"])})


def _item(i: Item) -> dict:
    return {"doc_id": i.doc_id, "ref": i.ref, "text": i.text, "label": i.label,
            "paragraph": i.paragraph.to_dict() if i.paragraph is not None else None}


def _item_from(d: dict) -> Item:
    p = d["paragraph"]
    return Item(d["doc_id"], d["ref"], d["text"], d["label"], paragraph_from_dict(p) if p is not None else None)
