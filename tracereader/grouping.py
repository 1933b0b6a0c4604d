"""Fuzzy grouping of free-text notes, vectorised: one rapidfuzz matrix, then a clustering.

Reviewers write the same failure many ways ("wrong tool called", "called the wrong tool",
"Wrong tool!!"). Notes are normalised with `rapidfuzz.utils.default_process` (lower case,
punctuation dropped), identical normal forms are counted once, every pair is scored with
`process.cdist(..., workers=-1)` on all cores, and the matrix is cut into groups:
connected components of the pairs scoring at least the threshold, each then split by
average linkage so that one loose bridge ("wrong") cannot chain two failures together.

Defaults were chosen by measuring on `sample_traces/reviews.csv` with
`python benchmarks/note_grouping.py` (pairwise precision/recall against the ground-truth tags);
see `DEFAULT_SCORER` below for the figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

Scorer = Callable[..., float]

# Measured on sample_traces/reviews.csv (see benchmarks/note_grouping.py and the docs).
DEFAULT_SCORER: Scorer = fuzz.token_set_ratio
DEFAULT_THRESHOLD = 70.0
# A note joins a tag when it scores at least this against the tag's name or description.
DEFAULT_TAG_SCORER: Scorer = fuzz.token_set_ratio
DEFAULT_TAG_THRESHOLD = 80.0
# A cluster of notes joins a tag when at least this share of its notes match the tag.
TAG_MAJORITY = 0.5
SCORERS: dict[str, Scorer] = {
    "token_set_ratio": fuzz.token_set_ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "WRatio": fuzz.WRatio,
    "ratio": fuzz.ratio,
    "partial_ratio": fuzz.partial_ratio,
}


def normalise(text: str) -> str:
    """The form notes are compared in: lower case, punctuation gone, spaces trimmed."""
    return str(utils.default_process(text))


@dataclass(frozen=True)
class NoteGroup:
    """Indices (into the input list) of notes that say the same thing, and the most central one."""

    members: list[int]
    central: int


def _similarity(
    a: Sequence[str], b: Sequence[str], scorer: Scorer, cutoff: float | None = None
) -> np.ndarray[Any, Any]:
    """All-pairs scores 0-100 as uint8, computed on every core."""
    return np.asarray(
        process.cdist(a, b, scorer=scorer, dtype=np.uint8, workers=-1, score_cutoff=cutoff)
    )


def _split_by_average_linkage(
    sims: np.ndarray[Any, Any], threshold: float
) -> list[np.ndarray[Any, Any]]:
    """Cut one component so every cluster's average similarity is at least `threshold`."""
    size = sims.shape[0]
    if size <= 2:
        return [np.arange(size)]
    distance = 100.0 - sims.astype(np.float64)
    np.fill_diagonal(distance, 0.0)
    distance = (distance + distance.T) / 2.0
    # The unique strings are sorted, so the linkage input (and its tie-breaking) is deterministic.
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=100.0 - threshold, criterion="distance")
    return [np.flatnonzero(labels == label) for label in sorted(set(labels.tolist()))]


def _comparable(normal: str, scorer: Scorer) -> tuple[str, Scorer]:
    """token_sort_ratio is ratio on sorted tokens: sort once, so cdist can use its fast path."""
    if scorer is fuzz.token_sort_ratio:
        return " ".join(sorted(normal.split())), fuzz.ratio
    return normal, scorer


def group_notes(
    notes: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    scorer: Scorer = DEFAULT_SCORER,
    linkage_split: bool = True,
) -> list[NoteGroup]:
    """Group notes by fuzzy similarity; deterministic whatever the input order.

    Notes that normalise to nothing (e.g. "!!!") each stay alone. Groups come back ordered
    by their smallest normal form, members in input order. The similarity matrix is computed
    once and reused for the components, the linkage split and the choice of label.
    """
    normal = [normalise(n) for n in notes]
    keys = [_comparable(s, scorer)[0] if s else "" for s in normal]
    compare = _comparable("", scorer)[1]
    counts = Counter(k for k in keys if k)
    unique = sorted(counts)
    groups: list[NoteGroup] = []
    if unique:
        weights = np.array([counts[u] for u in unique], dtype=np.float64)
        sims = _similarity(unique, unique, compare)
        adjacency = csr_matrix(sims >= max(threshold, 1))
        _, comp_of = connected_components(adjacency, directed=False)
        by_comp: dict[int, list[int]] = {}
        for idx, comp in enumerate(comp_of.tolist()):
            by_comp.setdefault(comp, []).append(idx)
        members_of: dict[str, list[int]] = {u: [] for u in unique}
        for i, k in enumerate(keys):
            if k:
                members_of[k].append(i)
        clusters: list[list[int]] = []
        for comp_members in by_comp.values():
            if linkage_split and len(comp_members) > 2:
                sub = sims[np.ix_(comp_members, comp_members)]
                parts = _split_by_average_linkage(sub, threshold)
                clusters.extend([comp_members[j] for j in part.tolist()] for part in parts)
            else:
                clusters.append(comp_members)
        for cluster in sorted(clusters, key=min):
            central_unique = _most_central(cluster, unique, weights, sims)
            members = sorted(i for u in cluster for i in members_of[unique[u]])
            central = _representative(members_of[unique[central_unique]], notes)
            groups.append(NoteGroup(members=members, central=central))
    for i, k in enumerate(keys):
        if not k:
            groups.append(NoteGroup(members=[i], central=i))
    return groups


def _most_central(
    cluster: list[int],
    unique: list[str],
    weights: np.ndarray[Any, Any],
    sims: np.ndarray[Any, Any],
) -> int:
    """The unique note with the highest weighted similarity to the rest of its cluster."""
    if len(cluster) == 1:
        return cluster[0]
    sub = sims[np.ix_(cluster, cluster)].astype(np.float64)
    w = weights[cluster]
    centrality = sub @ w
    # Highest centrality, then most frequent, then alphabetical: fully deterministic.
    best = min(range(len(cluster)), key=lambda j: (-centrality[j], -w[j], unique[cluster[j]]))
    return cluster[best]


def _representative(indices: list[int], notes: Sequence[str]) -> int:
    """Of notes sharing a normal form, the most common spelling (then the first alphabetically)."""
    spelled = Counter(notes[i].strip() for i in indices)
    best_text = min(spelled, key=lambda t: (-spelled[t], t))
    return next(i for i in indices if notes[i].strip() == best_text)


def match_tags(
    notes: Sequence[str],
    tag_texts: dict[str, list[str]],
    *,
    threshold: float = DEFAULT_TAG_THRESHOLD,
    scorer: Scorer = DEFAULT_SCORER,
) -> list[str | None]:
    """For each note, the tag whose name or description it closely matches, else None."""
    candidates: list[str] = []
    owner: list[str] = []
    for tag in sorted(tag_texts):
        for text in tag_texts[tag]:
            norm = normalise(text)
            if norm:
                candidates.append(norm)
                owner.append(tag)
    normal = [normalise(n) for n in notes]
    if not candidates or not notes:
        return [None] * len(notes)
    sims = _similarity(normal, candidates, scorer)
    best = sims.argmax(axis=1)
    return [
        owner[int(b)] if normal[i] and sims[i, int(b)] >= threshold else None
        for i, b in enumerate(best.tolist())
    ]


def tag_texts_for(name: str, description: str = "") -> list[str]:
    """What a note is compared with to join a tag: the name with spaces, and its description."""
    texts = [name.replace("_", " ").replace("-", " ")]
    if description:
        texts.append(description)
    return texts


@dataclass(frozen=True)
class GroupingParams:
    """The measured knobs of note grouping (see `benchmarks/note_grouping.py`)."""

    scorer: Scorer = DEFAULT_SCORER
    threshold: float = DEFAULT_THRESHOLD
    tag_scorer: Scorer = DEFAULT_TAG_SCORER
    tag_threshold: float = DEFAULT_TAG_THRESHOLD
    linkage_split: bool = True


def assign(
    notes: Sequence[str], tag_texts: dict[str, list[str]], params: GroupingParams | None = None
) -> list[tuple[NoteGroup, str | None]]:
    """Cluster the notes, then let each cluster join the tag most of its notes closely match."""
    p = params or GroupingParams()
    matched = match_tags(notes, tag_texts, threshold=p.tag_threshold, scorer=p.tag_scorer)
    result: list[tuple[NoteGroup, str | None]] = []
    for cluster in group_notes(
        notes, threshold=p.threshold, scorer=p.scorer, linkage_split=p.linkage_split
    ):
        votes = Counter(m for m in (matched[i] for i in cluster.members) if m is not None)
        tag = min(votes, key=lambda t: (-votes[t], t)) if votes else None
        if tag is not None and votes[tag] < TAG_MAJORITY * len(cluster.members):
            tag = None
        result.append((cluster, tag))
    return result
