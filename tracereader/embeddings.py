"""WordLlama static embeddings of notes, from the model its wheel ships, never downloaded.

The `embeddings` extra (`pip install 'tracereader[embeddings]'`) brings `wordllama`, whose
wheel carries a 256-dimensional model (16 MB) and its tokenizer. `WordLlama.load()` would
fetch the tokenizer from the Hugging Face hub; pointed at its own package folder with
downloads disabled it loads offline, in about 0.1 s. Without the extra, or with
`TRACEREADER_EMBEDDINGS=off`, there is no embedder and similarity uses its other views.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

ENV_SWITCH = "TRACEREADER_EMBEDDINGS"
OFF_VALUES = frozenset({"0", "off", "no", "false", "none"})


class Embedder(Protocol):
    """Turns texts into unit vectors whose dot product is their cosine similarity."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """One L2-normalised float32 row per text."""
        ...


class WordLlamaEmbedder:
    """WordLlama's mean-pooled token vectors, normalised."""

    name = "wordllama"

    def __init__(self, model: Any) -> None:
        self._model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """Embed in batches; an empty list gives a (0, dim) array."""
        if not texts:
            return np.zeros((0, int(self._model.embedding.shape[1])), dtype=np.float32)
        vectors = self._model.embed(list(texts), norm=True, batch_size=256)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def enabled() -> bool:
    """Whether the environment allows embeddings (`TRACEREADER_EMBEDDINGS=off` turns them off)."""
    return os.environ.get(ENV_SWITCH, "").strip().lower() not in OFF_VALUES


@lru_cache(maxsize=1)
def _load_wordllama() -> WordLlamaEmbedder | None:
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        return None
    package_dir = Path(wordllama.__file__).resolve().parent
    try:
        model = WordLlama.load(cache_dir=package_dir, disable_download=True)
    except (FileNotFoundError, OSError, ValueError):
        return None  # a build of the extra without its bundled model: run without it
    return WordLlamaEmbedder(model)


def default_embedder() -> Embedder | None:
    """The embedder similarity uses by default: WordLlama when installed and allowed, else None."""
    if not enabled():
        return None
    return _load_wordllama()
