"""One exception root for the whole assistant.

Every error a user can cause or fix is a ``RagError``: its message is one line that
names the file or setting and says what to do. The CLI and the page print that line;
anything else is a bug and may show a traceback.
"""


class RagError(Exception):
    """Root of every error the user should see as a one-line message."""


class ConfigError(RagError):
    """A setting (environment variable) has a value we cannot use."""


class ReadError(RagError):
    """A report file cannot be read as text (empty, binary, corrupt, no text layer...)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ParseError(RagError):
    """Text was read but holds nothing we can use as a report (e.g. no paragraphs)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class StoreError(RagError):
    """The index (Chroma, embedded or server) cannot be reached or used."""


class NotFoundError(RagError):
    """A report id that is not in the index."""


class BusyError(RagError):
    """Another ingest holds the index lock."""


class QuestionError(RagError):
    """A question we cannot take (empty, too long, not text): the CLI exits 2."""


class LLMError(RagError):
    """The language model (OpenAI-compatible endpoint or Ollama) cannot be used for this answer."""


def one_line(exc: BaseException) -> str:
    """``exc``'s message on one line (its type's name if it has none), for a RagError's message."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
