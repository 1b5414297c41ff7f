"""The optional LLM judge of faithfulness, RAGAS-style, only with an LLM backend.

For each answer sentence the chat model is shown the paragraphs the sentence cites and
asked whether they support it; an answer's score is the share called supported. It
complements the guard's own count (``faithfulness`` in ``metrics.py``: lexical +
embedding, no model); offline runs skip it.
"""
from __future__ import annotations

import dataclasses
from typing import Sequence

from rich.console import Console

from core.settings import Settings

from .journal import Journal
from .running import SystemRun, progress_bar

JUDGE_MAX_CLAIMS = 8  # sentences judged per answer: a 15-item list answer need not cost 15 calls
JUDGE_SOURCE_CHARS = 4000

JUDGE_INSTRUCTIONS = ("You check answers against their sources. Reply with one word: YES if the sources state "
          "everything the statement says (numbers and grades included), NO otherwise.")


def judge_prompt(sentence: str, sources: Sequence[str]) -> str:
    text = "\n\n".join(f"<source>\n{s}\n</source>" for s in sources)[:JUDGE_SOURCE_CHARS]
    return f"Sources:\n{text}\n\nStatement: {sentence}\n\nDo the sources support the statement? YES or NO."


def judge_says_yes(reply: str) -> bool:
    words = reply.strip().split()
    return bool(words) and words[0].strip(".,:;!*\"'").upper() == "YES"


def judge(chat_model, claims: Sequence[tuple[str, Sequence[str]]], settings: Settings) -> float | None:
    """Share of (sentence, cited texts) pairs the chat model calls supported; None if none."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from rag.llm import _as_llm_error, _endpoint, _message_text, _model_name, _strip_thinking

    judged = [(s, src) for s, src in claims if src][:JUDGE_MAX_CLAIMS]
    if not judged:
        return None
    yes = 0
    for sentence, sources in judged:
        try:
            reply = chat_model.invoke([SystemMessage(JUDGE_INSTRUCTIONS),
                                       HumanMessage(judge_prompt(sentence, sources))])
        except Exception as exc:  # noqa: BLE001 - provider errors become one-line LLMErrors, bugs re-raise
            # The answerer's own mapping, so an unreachable server reads the same.
            error = _as_llm_error(exc, settings, _endpoint(settings), _model_name(chat_model))
            if error is None:
                raise
            raise error from exc
        yes += judge_says_yes(_strip_thinking(_message_text(reply)))
    return yes / len(judged)


def judge_run(run: SystemRun, chat_model, settings: Settings, status: Console,
              journal: Journal | None = None) -> None:
    """LLM-as-judge faithfulness for each answer (only called with an LLM backend); with a
    ``journal``, each verdict is written down and one it holds is not asked again."""
    if chat_model is None:
        return
    with progress_bar(status) as progress:
        task = progress.add_task("judge", total=len(run.results))
        for i, (k, r) in enumerate(zip(run.items, run.results)):
            judged, verdict = journal.verdict(k) if journal is not None else (False, None)
            if not judged:
                verdict = None if r.abstained else judge(chat_model, r.claims, settings)
                if journal is not None:
                    journal.add_verdict(k, verdict)
            run.scores[i] = dataclasses.replace(run.scores[i], judge_faithfulness=verdict)
            progress.advance(task)
