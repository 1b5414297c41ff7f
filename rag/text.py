"""Sentences of a paragraph: the unit an answer quotes and a citation supports.

The rule lives in ``ingest/sentences.py``, where ingest embeds each sentence once."""
from __future__ import annotations

from ingest.sentences import sentences

__all__ = ["sentences"]
