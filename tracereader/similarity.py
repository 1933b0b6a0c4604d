"""How alike reviewer notes are: one kernel that ranks notes and the patterns they form.

A note is read in up to three ways, each a unit vector, and similarity is the mean of their
cosines (a dot product in the joined space, so a pattern's centroid is meaningful):
- **char n-gram TF-IDF** (numpy + scipy.sparse): the 2–5-grams of each word padded with
  spaces, so typos ("halucinated"), shared stems ("refused" / "refusal") and word order cost
  little, and rare n-grams weigh more than "the";
- with the `embeddings` extra (`tracereader.embeddings`), **WordLlama** static embeddings and
  the **Universal Sentence Encoder**: words and phrasings that mean the same without sharing
  letters ("rude" / "snarky", "asked again" / "re-requested").
Before any of them, the specifics that change from note to note and say nothing about the
failure become placeholders: a code span is `code`, an identifier such as `search_orders`
or `os.path` is `tool`, a number, amount or date is `num`.

A pattern (several notes) is ranked by the cosine of a note with the pattern's centroid,
which averages those specifics away. The choices were measured on the tuning half of the
independent note set (`benchmarks/note_grouping.py`, figures in the README).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from rapidfuzz import utils
from scipy.sparse import csr_matrix

from tracereader.embeddings import Embedder, default_embedders

NGRAM_SIZES = (2, 3, 4, 5)
BLOCK_ROWS = 512

_CODE = re.compile(r"`[^`]*`")
_IDENTIFIER = re.compile(r"\b\w+_\w+\b")
_NUMBER = re.compile(r"\b\d[\d.,:/%$€£-]*\b")


def normalise(text: str) -> str:
    """Lower case, punctuation gone, spaces trimmed (rapidfuzz's `default_process`)."""
    return str(utils.default_process(text))


def comparable(text: str) -> str:
    """The form notes are compared in: specifics as placeholders, then `normalise`d."""
    text = _CODE.sub(" code ", text)
    text = _IDENTIFIER.sub(" tool ", text)
    return " ".join(normalise(_NUMBER.sub(" num ", text)).split())


def word_ngrams(normal: str, sizes: Sequence[int] = NGRAM_SIZES) -> Iterator[str]:
    """Char n-grams of each word padded with spaces (a word shorter than n gives itself once)."""
    for word in normal.split():
        padded = f" {word} "
        length = len(padded)
        for n in sizes:
            if length <= n:
                yield padded
                continue
            for start in range(length - n + 1):
                yield padded[start : start + n]


def _unit_rows(matrix: csr_matrix) -> csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scale = csr_matrix(
        (1.0 / norms, (np.arange(len(norms)), np.arange(len(norms)))),
        shape=(len(norms), len(norms)),
    )
    return (scale @ matrix).astype(np.float32).tocsr()


class NgramTfidf:
    """Char n-gram TF-IDF vectors (sublinear tf, smoothed idf, unit length) of a fixed corpus."""

    def __init__(self, texts: Sequence[str]) -> None:
        documents = [Counter(word_ngrams(t)) for t in texts]
        df: Counter[str] = Counter()
        for counts in documents:
            df.update(counts.keys())
        self.vocabulary = {gram: column for column, gram in enumerate(sorted(df))}
        size = len(texts)
        self.idf = np.array(
            [math.log((1 + size) / (1 + df[g])) + 1.0 for g in self.vocabulary], dtype=np.float32
        )
        self.unseen_idf = math.log(1 + size) + 1.0
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for counts in documents:
            for gram, count in counts.items():
                column = self.vocabulary[gram]
                indices.append(column)
                values.append((1.0 + math.log(count)) * float(self.idf[column]))
            indptr.append(len(indices))
        raw = csr_matrix(
            (np.array(values, dtype=np.float32), np.array(indices, dtype=np.int64), indptr),
            shape=(size, len(self.vocabulary)),
        )
        self.matrix = _unit_rows(raw)
        self._columns = self.matrix.tocsc()

    def cosines(self, text: str) -> np.ndarray[Any, Any]:
        """Cosine of one new text with every corpus text: one sparse matrix-vector product."""
        weights: dict[int, float] = {}
        unseen = 0.0  # n-grams the corpus lacks still count in the query's length
        for gram, count in Counter(word_ngrams(text)).items():
            column = self.vocabulary.get(gram)
            if column is not None:
                weights[column] = (1.0 + math.log(count)) * float(self.idf[column])
            else:
                unseen += ((1.0 + math.log(count)) * self.unseen_idf) ** 2
        if not weights:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        columns = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
        values = np.fromiter(weights.values(), dtype=np.float32, count=len(weights))
        values /= np.float32(math.sqrt(float(values @ values) + unseen))
        return np.asarray(self._columns[:, columns] @ values, dtype=np.float32)


class SimilarityIndex:
    """Candidates vectorised once; `scores` rates a query against every one of them.

    `embedders=True` takes the defaults (those of the `embeddings` extra that are installed
    and allowed); `False` uses TF-IDF alone; a list chooses. Every view weighs the same;
    `with_tfidf=False` (for measuring an embedder alone) leaves TF-IDF out of the mean.
    """

    def __init__(
        self,
        candidates: Sequence[str],
        *,
        embedders: Sequence[Embedder] | bool = True,
        with_tfidf: bool = True,
    ) -> None:
        self.candidates = list(candidates)
        self.texts = [comparable(c) for c in self.candidates]
        self._present = np.array([bool(t) for t in self.texts], dtype=bool)
        if embedders is True:
            self.embedders = default_embedders()
        else:
            self.embedders = list(embedders) if embedders else []
        self._with_tfidf = with_tfidf or not self.embedders
        self._tfidf = NgramTfidf(self.texts)
        self._embedded: list[np.ndarray[Any, Any]] = []
        for embedder in self.embedders:
            vectors = embedder.embed(self.texts)
            vectors[~self._present] = 0.0  # an empty text is no direction at all
            self._embedded.append(vectors)

    @property
    def size(self) -> int:
        """How many candidates."""
        return len(self.candidates)

    @property
    def method(self) -> str:
        """What the scores are made of, for reports: `tfidf`, `tfidf+wordllama+use`, …"""
        names = ["tfidf"] if self._with_tfidf else []
        return "+".join([*names, *(e.name for e in self.embedders)])

    @property
    def has_slow_views(self) -> bool:
        """Whether some view is too slow for every key press (see `instant_only`)."""
        return any(not e.instant for e in self.embedders)

    def _views(self, instant_only: bool) -> tuple[float, list[int]]:
        """The weight of each view in the mean, and which embedders take part."""
        chosen = [n for n, e in enumerate(self.embedders) if e.instant or not instant_only]
        views = len(chosen) + (1 if self._with_tfidf else 0)
        return 1.0 / max(views, 1), chosen

    def scores(self, query: str, *, instant_only: bool = False) -> np.ndarray[Any, Any]:
        """Similarity of `query` to every candidate (0 for empty texts), float32.

        `instant_only` leaves out the views too slow for a key press (the mean of the rest).
        """
        text = comparable(query)
        if not self.size or not text:
            return np.zeros(self.size, dtype=np.float32)
        share, chosen = self._views(instant_only)
        total = np.zeros(self.size, dtype=np.float32)
        if self._with_tfidf:
            total += share * self._tfidf.cosines(text)
        for n in chosen:
            # einsum, not BLAS: a threaded matrix-vector product stalls for milliseconds on
            # a busy machine, einsum costs a steady fraction of one.
            vector = self.embedders[n].embed([text])[0]
            total += share * np.einsum("ij,j->i", self._embedded[n], vector)
        total[~self._present] = 0.0
        return total.astype(np.float32, copy=False)

    def top(self, query: str, k: int = 5) -> list[int]:
        """Indices of the `k` candidates most similar to `query`, best first (ties by index)."""
        if k <= 0 or not self.size:
            return []
        return [int(i) for i in np.argsort(-self.scores(query), kind="stable")[:k]]

    def summed_lengths(
        self, to_groups: csr_matrix, *, instant_only: bool = False
    ) -> np.ndarray[Any, Any]:
        """For each group (a column of the 0/1 `to_groups`), the length of its vectors' sum.

        In the joined space the kernel is a dot product, so this is `sqrt(sum_ij K(i, j))`
        over the group's members, computed from the vectors in O(non-zeros).
        """
        share, chosen = self._views(instant_only)
        squares = np.zeros(to_groups.shape[1], dtype=np.float64)
        if self._with_tfidf:
            summed = to_groups.T @ self._tfidf.matrix
            squares += share * np.asarray(summed.multiply(summed).sum(axis=1)).ravel()
        for n in chosen:
            dense = to_groups.T @ self._embedded[n]
            squares = squares + share * np.einsum("ij,ij->i", dense, dense)
        return np.sqrt(np.maximum(squares.astype(np.float64), 1e-12))

    def pairwise(self, rows: Sequence[int] | None = None) -> np.ndarray[Any, Any]:
        """Similarity of the candidates at `rows` (default all) to every candidate, float32."""
        picked = list(range(self.size)) if rows is None else list(rows)
        out = np.zeros((len(picked), self.size), dtype=np.float32)
        share, chosen = self._views(instant_only=False)
        for start in range(0, len(picked), BLOCK_ROWS):
            block = picked[start : start + BLOCK_ROWS]
            part = out[start : start + len(block)]
            tfidf = self._tfidf.matrix
            if self._with_tfidf:
                part += share * (tfidf[block] @ tfidf.T).toarray()
            for n in chosen:
                part += share * (self._embedded[n][block] @ self._embedded[n].T)
        if picked:
            out[:, ~self._present] = 0.0
            out[~self._present[picked], :] = 0.0
        return out


class GroupIndex:
    """Groups of candidates (patterns of notes) ranked by a query's cosine with their centroid.

    With unit vectors and a dot-product kernel K, the cosine with a group's centroid is
    `sum_i K(q, i) / sqrt(sum_ij K(i, j))`; the denominators are computed once here.
    """

    def __init__(self, index: SimilarityIndex, owners: Sequence[int], groups: int) -> None:
        self.index = index
        self.owners = np.asarray(owners, dtype=np.int64)
        self.groups = groups
        self._to_groups = csr_matrix(
            (np.ones(index.size), (np.arange(index.size), self.owners)),
            shape=(index.size, groups),
        )
        self._norms = index.summed_lengths(self._to_groups)
        self._instant_norms = (
            index.summed_lengths(self._to_groups, instant_only=True)
            if index.has_slow_views
            else self._norms
        )
        self._has_texts = np.bincount(self.owners, minlength=groups)[:groups] > 0

    def centroid_cosines(self, groups: Sequence[int]) -> np.ndarray[Any, Any]:
        """Cosine of each of `groups`' centroids with every group's centroid, (len, groups)."""
        picked = list(groups)
        wanted = set(picked)
        rows = [i for i, owner in enumerate(self.owners.tolist()) if owner in wanted]
        out = np.zeros((len(picked), self.groups), dtype=np.float64)
        if not rows:
            return out
        position = {g: n for n, g in enumerate(picked)}
        for start in range(0, len(rows), BLOCK_ROWS):
            block = rows[start : start + BLOCK_ROWS]
            by_group = np.asarray(self._to_groups.T @ self.index.pairwise(block).T).T
            np.add.at(out, [position[int(self.owners[i])] for i in block], by_group)
        out /= self._norms[picked][:, None] * self._norms[None, :]
        out[:, ~self._has_texts] = 0.0
        return out

    def scores(self, query: str, *, instant_only: bool = False) -> np.ndarray[Any, Any]:
        """The cosine of `query` with each group's centroid (0 for a group without texts)."""
        per_text = self.index.scores(query, instant_only=instant_only)
        sums = np.bincount(self.owners, weights=per_text, minlength=self.groups)
        norms = self._instant_norms if instant_only else self._norms
        result = np.where(self._has_texts, sums / norms, 0.0)
        return result.astype(np.float32)

    def top(
        self,
        query: str,
        k: int = 5,
        *,
        skip: frozenset[int] = frozenset(),
        instant_only: bool = False,
    ) -> list[int]:
        """The `k` groups most similar to `query`, best first (ties by group number)."""
        if not comparable(query):
            return []
        scores = self.scores(query, instant_only=instant_only)
        order = np.argsort(-scores, kind="stable")
        return [int(g) for g in order if self._has_texts[g] and int(g) not in skip][:k]
