"""Notes into patterns: the one ranking every suggestion uses, and the few merges made unasked.

The machine suggests and the reviewer confirms. `most_similar` ranks candidates for a note
(the note box's suggestions and the proposed merges both rank with it); `group_notes` merges
notes on its own only above a threshold measured to keep pairwise precision at 0.9 or more
on notes nobody here wrote (the independent set in `benchmarks/data/notes_blind/`, measured
by `benchmarks/note_grouping.py`); such merges are marked automatic until confirmed.

Suggestions rank with the whole of `tracereader.similarity` (TF-IDF, plus the embeddings of
the `embeddings` extra); automatic merges use its TF-IDF view alone, so the patterns
counted are the same whether or not the extra is installed.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process, utils

if TYPE_CHECKING:
    import numpy as np

    from tracereader.similarity import SimilarityIndex

# numpy, scipy and the similarity index (0.2 s to import) are imported inside the functions
# that compute, so that importing this module, and a patterns run whose clusters are cached
# (`grouping_cache`), stay free of them.

PairScores = Callable[[Sequence[str]], "np.ndarray[Any, Any]"]
"""All-pairs similarity of distinct normalised notes as a uint8 matrix of percentages."""

# MEASURED (python benchmarks/note_grouping.py): the lowest threshold (percent of the TF-IDF
# cosine) whose automatic merges keep pairwise precision >= 0.9 on the tuning half of the
# independent note set, there and at every higher threshold. Complete linkage.
AUTO_MERGE_THRESHOLD = 60.0
INDEX_CACHE = 4


def _index(candidates: tuple[str, ...]) -> SimilarityIndex:
    """A vectorised index of the candidates, kept for repeated queries (the note box's keys)."""
    from tracereader.similarity import SimilarityIndex

    cached = _INDEXES.get(candidates)
    if cached is None:
        cached = SimilarityIndex(candidates)
        _INDEXES[candidates] = cached
        while len(_INDEXES) > INDEX_CACHE:
            _INDEXES.popitem(last=False)
    else:
        _INDEXES.move_to_end(candidates)
    return cached


_INDEXES: OrderedDict[tuple[str, ...], SimilarityIndex] = OrderedDict()


def most_similar(query: str, candidates: Sequence[str], k: int = 5) -> list[int]:
    """Indices into `candidates` of the `k` most similar to `query`, best first.

    The index of a candidate list is built once and reused while the same list is asked
    again, so typing against 2,000 notes costs one sparse product per key.
    """
    if k <= 0 or not candidates:
        return []
    return _index(tuple(candidates)).top(query, k)


def similarity_percent(texts: Sequence[str]) -> np.ndarray[Any, Any]:
    """All-pairs TF-IDF cosines of `texts` as uint8 percentages (the automatic merges' view)."""
    import numpy as np

    from tracereader.similarity import SimilarityIndex

    index = SimilarityIndex(texts, embedders=False)
    out = np.zeros((len(texts), len(texts)), dtype=np.uint8)
    block = 512
    for start in range(0, len(texts), block):
        rows = list(range(start, min(start + block, len(texts))))
        scores = np.clip(100.0 * index.pairwise(rows), 0.0, 100.0)
        out[start : start + len(rows)] = np.rint(scores).astype(np.uint8)
    return out


@dataclass(frozen=True)
class NoteGroup:
    """Indices (into the input list) of notes that say the same thing, and the most central one."""

    members: list[int]
    central: int


def _split_by_complete_linkage(
    sims: np.ndarray[Any, Any], threshold: float
) -> list[np.ndarray[Any, Any]]:
    """Cut one component so that every pair inside each cluster scores at least `threshold`."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    size = sims.shape[0]
    if size <= 2:
        return [np.arange(size)]
    upper = np.concatenate([sims[i, i + 1 :] for i in range(size - 1)])
    condensed = 100.0 - upper.astype(np.float64)
    # The unique strings are sorted, so the linkage input (and its tie-breaking) is deterministic.
    tree = linkage(condensed, method="complete")
    labels = fcluster(tree, t=100.0 - threshold, criterion="distance")
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    return list(np.split(order, bounds))


def group_notes(
    notes: Sequence[str],
    *,
    threshold: float | None = None,
    pair_scores: PairScores = similarity_percent,
) -> list[NoteGroup]:
    """Group notes that say the same thing; deterministic whatever the input order.

    Pairs scoring at least `threshold` percent (default: the measured
    `AUTO_MERGE_THRESHOLD`) form connected components, each split by complete linkage so
    that every two notes in a group score at least `threshold` (one loose bridge cannot chain
    two failures together). Notes with no words each stay alone. Groups come back ordered by
    their smallest compared form, members in input order.
    """
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    from tracereader.similarity import comparable

    cut = AUTO_MERGE_THRESHOLD if threshold is None else threshold
    normal = [comparable(n) for n in notes]
    counts = Counter(k for k in normal if k)
    unique = sorted(counts)
    groups: list[NoteGroup] = []
    if unique:
        weights = np.array([counts[u] for u in unique], dtype=np.float64)
        sims = pair_scores(unique)
        adjacency = csr_matrix(sims >= max(cut, 1))
        _, comp_of = connected_components(adjacency, directed=False)
        by_comp: dict[int, list[int]] = {}
        for idx, comp in enumerate(comp_of.tolist()):
            by_comp.setdefault(comp, []).append(idx)
        members_of: dict[str, list[int]] = {u: [] for u in unique}
        for i, k in enumerate(normal):
            if k:
                members_of[k].append(i)
        clusters: list[list[int]] = []
        for comp_members in by_comp.values():
            if len(comp_members) > 2:
                sub = sims[np.ix_(comp_members, comp_members)]
                parts = _split_by_complete_linkage(sub, cut)
                clusters.extend([comp_members[j] for j in part.tolist()] for part in parts)
            else:
                clusters.append(comp_members)
        for cluster in sorted(clusters, key=min):
            central_unique = _most_central(cluster, unique, weights, sims)
            members = sorted(i for u in cluster for i in members_of[unique[u]])
            central = _representative(members_of[unique[central_unique]], notes)
            groups.append(NoteGroup(members=members, central=central))
    for i, k in enumerate(normal):
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
    import numpy as np

    if len(cluster) == 1:
        return cluster[0]
    sub = sims[np.ix_(cluster, cluster)].astype(np.float64)
    w = weights[cluster]
    centrality = sub @ w
    # Highest centrality, then most frequent, then alphabetical: fully deterministic.
    best = min(range(len(cluster)), key=lambda j: (-centrality[j], -w[j], unique[cluster[j]]))
    return cluster[best]


def _representative(indices: list[int], notes: Sequence[str]) -> int:
    """Of notes sharing a normal form, the most common spelling (then not all capitals, then
    the first alphabetically)."""
    spelled = Counter(notes[i].strip() for i in indices)
    best_text = min(spelled, key=lambda t: (-spelled[t], t.isupper(), t))  # SHOUTING loses ties
    return next(i for i in indices if notes[i].strip() == best_text)


def closest_name(typed: str, names: Sequence[str], cutoff: float = 75.0) -> int | None:
    """The index of the name `typed` most likely misspells (rapidfuzz ratio), if any is close.

    For a "did you mean" when a tag or pattern name is typed on the command line: a typo
    ("wrong_tol") is one edit away, which character n-grams of whole notes do not need.
    """
    found = process.extractOne(
        typed, list(names), scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=cutoff
    )
    return None if found is None else int(found[2])


def tag_texts_for(name: str, description: str = "") -> list[str]:
    """What a note is compared with to join a tag: the name with spaces, and its description."""
    texts = [name.replace("_", " ").replace("-", " ")]
    if description:
        texts.append(description)
    return texts
