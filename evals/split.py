"""The fixed dev/test split of the known answers: tune on dev, report test beside it.

Settings and rules are tuned by looking at how questions fare; a gate on those same
questions then measures the tuning, not the assistant. So every question is either
``dev`` (look at it, tune on it: ``python -m evals run --split dev``) or ``test`` (reported,
never tuned on; the release gate moves to it with issue 13's fresh questions, evals/gate.py). A question's split is a fixed hash of its id (the first
byte of its SHA-256: even is dev, odd is test), so nobody chooses it, and it never
changes when the set grows or is reordered: a new question joins a split without
moving any other. Both sets (the seed set and the library set) have answerable and
unanswerable questions in each split (tests/test_eval_split.py holds that).
"""
from __future__ import annotations

import hashlib

SPLITS = ("dev", "test")


def split_of(question_id: str) -> str:
    """'dev' or 'test', from the id alone."""
    return "dev" if hashlib.sha256(question_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"
