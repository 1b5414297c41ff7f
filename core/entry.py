"""What every command-line entry point does first and last: work offline, and turn the
errors a user can fix into one line and an exit status."""
from __future__ import annotations

import os
import sys
from typing import Callable

from .errors import QuestionError, RagError


def offline() -> None:
    """Nothing may download at run time: the model and the tokenizer come in packages."""
    for name, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                        ("TOKENIZERS_PARALLELISM", "false"), ("ANONYMIZED_TELEMETRY", "False")):
        os.environ.setdefault(name, value)


def guarded(command: Callable[[], int]) -> int:
    """Run ``command``; a RagError is one ``error:`` line (exit 2 for a question that cannot
    be asked, 1 otherwise), Ctrl-C is 'interrupted' (130). Anything else is a bug."""
    try:
        return command()
    except QuestionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
