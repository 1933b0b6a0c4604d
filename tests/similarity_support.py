"""A stand-in embedder for tests: deterministic, and marked too slow for a key press."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class SlowWords:
    """A deterministic stand-in for a slow sentence encoder: hashed bag of words."""

    name = "slow-words"
    instant = False

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        rows = np.zeros((len(texts), 16), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for word in text.split():
                row[sum(map(ord, word)) % 16] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms > 0, norms, 1.0)
