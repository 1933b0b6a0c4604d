"""Fuzzy grouping of free-text notes, vectorised: one rapidfuzz matrix, then a clustering.

Reviewers write the same failure many ways ("wrong tool called", "called the wrong tool",
"Wrong tool!!"). Notes are normalised with `rapidfuzz.utils.default_process` (lower case,
punctuation dropped), identical normal forms are counted once, every pair is scored with
`process.cdist(..., workers=-1)` on all cores, and the matrix is cut into groups:
connected components of the pairs scoring at least the threshold, each then split by
average linkage so that one loose bridge ("wrong") cannot chain two failures together.

Defaults were chosen by measuring on `sample_traces/reviews.csv` with
`python benchmarks/note_grouping.py` (pairwise precision/recall against the ground-truth tags);
the figures and the reasoning are in the comment above `DEFAULT_SCORER`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process, utils

if TYPE_CHECKING:
    import numpy as np

# numpy and scipy (0.2 s to import) are imported inside the functions that compute, so that
# importing this module, and a patterns run whose clusters are cached (`grouping_cache`), stay
# free of them.

Scorer = Callable[..., float]

# Words that carry no failure: dropped before comparing, so "asked for the order number again"
# and "asked for order number again" are the same note.
STOPWORDS = frozenset(
    {
        *("a", "an", "the", "to", "for", "of", "is", "was", "it", "its", "in", "on", "and"),
        *("or", "but", "that", "this", "be", "with", "as", "at", "by", "from", "i", "we"),
        *("you", "he", "she", "they", "there", "here", "user", "bot"),
    }
)


def token_set_key(normal: str) -> str:
    """A note as its sorted set of words without stop words (order and repeats stop counting)."""
    words = normal.split()
    kept = sorted({w for w in words if w not in STOPWORDS}) or sorted(set(words))
    return " ".join(kept)


def sorted_token_set_ratio(a: str, b: str, **kwargs: Any) -> float:
    """`fuzz.ratio` of two notes' sorted word sets: blind to order, repeats and case; typo-tolerant.

    Unlike `fuzz.token_set_ratio` it is a plain Indel ratio once the keys are built, so
    `process.cdist` runs it on its fast path (about 5x faster on 10,000 notes, see the docs).
    """
    return float(fuzz.ratio(token_set_key(normalise(a)), token_set_key(normalise(b)), **kwargs))


# The defaults below were MEASURED (python benchmarks/note_grouping.py, 2026-11-28): pairwise
# precision/recall of note grouping against the ground truth of sample_traces/reviews.csv
# (120 notes, 21 classes) for 6 scorers x thresholds 50-80 x tag thresholds x linkage split, plus
# a chaining check on 3,000 generated notes of 20 known themes (benchmarks/patterns.py).
# - Without the average-linkage split every scorer chains at scale: 1-3 groups for 3,000 notes,
#   precision 0.05. The split is what keeps precision, so it is always on.
# - `sorted_token_set_ratio` 60, split at average >= 55 (slack 5), tags by token_set_ratio >= 70:
#   sample P 0.980 R 0.405, no note in a wrong tag, the out-of-taxonomy "asked for the order
#   number again" notes 100% together; synthetic P 0.839 R 0.412. Slack 10 scores best on the
#   sample alone (P 0.982 R 0.463) but chains on the synthetic set (P 0.682); slack 0 splits the
#   order-number notes (71% together). token_set_ratio 70 has similar quality (sample P 0.976
#   R 0.33 with the split) but is about 5x slower in cdist (no fast path): 10,000 notes took
#   12.6 s CPU against 1.9 s. Plain `ratio` and `token_sort_ratio` fail the word-order case
#   ("wrong tool called" vs "called the wrong tool") or, for token_sort, split the order-number
#   notes; WRatio and partial_ratio put notes in the wrong tag (6-9 notes).
# Precision comes first: a wrong merge misleads; a missed pair costs the reviewer one merge key.
DEFAULT_SCORER: Scorer = sorted_token_set_ratio
DEFAULT_THRESHOLD = 60.0
# A note joins a tag when it scores at least this against the tag's name or description.
DEFAULT_TAG_SCORER: Scorer = fuzz.token_set_ratio
DEFAULT_TAG_THRESHOLD = 70.0
# A cluster of notes joins a tag when at least this share of its notes match the tag.
TAG_MAJORITY = 0.5
# The linkage split keeps clusters whose average similarity is at least threshold - slack.
DEFAULT_LINKAGE_SLACK = 5.0
SCORERS: dict[str, Scorer] = {
    "sorted_token_set_ratio": sorted_token_set_ratio,
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
    import numpy as np

    return np.asarray(
        process.cdist(a, b, scorer=scorer, dtype=np.uint8, workers=-1, score_cutoff=cutoff)
    )


def _split_by_average_linkage(
    sims: np.ndarray[Any, Any], threshold: float
) -> list[np.ndarray[Any, Any]]:
    """Cut one component so every cluster's average similarity is at least `threshold`."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    size = sims.shape[0]
    if size <= 2:
        return [np.arange(size)]
    # The scorers are symmetric, so the upper triangle is the condensed distance matrix.
    upper = np.concatenate([sims[i, i + 1 :] for i in range(size - 1)])
    condensed = 100.0 - upper.astype(np.float64)
    # The unique strings are sorted, so the linkage input (and its tie-breaking) is deterministic.
    tree = linkage(condensed, method="average")
    labels = fcluster(tree, t=100.0 - threshold, criterion="distance")
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    return list(np.split(order, bounds))


def comparison_form(normal: str, scorer: Scorer) -> tuple[str, Scorer]:
    """Build the key once per note so cdist runs plain `fuzz.ratio` on its fast path."""
    if scorer is sorted_token_set_ratio:
        return token_set_key(normal), fuzz.ratio
    if scorer is fuzz.token_sort_ratio:
        return " ".join(sorted(normal.split())), fuzz.ratio
    return normal, scorer


def group_notes(
    notes: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    scorer: Scorer = DEFAULT_SCORER,
    linkage_split: bool = True,
    linkage_slack: float = DEFAULT_LINKAGE_SLACK,
) -> list[NoteGroup]:
    """Group notes by fuzzy similarity; deterministic whatever the input order.

    Notes that normalise to nothing (e.g. "!!!") each stay alone. Groups come back ordered
    by their smallest normal form, members in input order. The similarity matrix is computed
    once and reused for the components, the linkage split and the choice of label.
    """
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    normal = [normalise(n) for n in notes]
    keys = [comparison_form(s, scorer)[0] if s else "" for s in normal]
    compare = comparison_form("", scorer)[1]
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
                parts = _split_by_average_linkage(sub, threshold - linkage_slack)
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
    unique = sorted({s for s in normal if s})
    best_tag: dict[str, str | None] = {}
    if unique:
        sims = _similarity(unique, candidates, scorer)
        for text, row in zip(unique, sims, strict=True):
            b = int(row.argmax())
            best_tag[text] = owner[b] if row[b] >= threshold else None
    return [best_tag.get(s) if s else None for s in normal]


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
    linkage_slack: float = DEFAULT_LINKAGE_SLACK


def assign(
    notes: Sequence[str], tag_texts: dict[str, list[str]], params: GroupingParams | None = None
) -> list[tuple[NoteGroup, str | None]]:
    """Cluster the notes, then let each cluster join the tag most of its notes closely match."""
    p = params or GroupingParams()
    matched = match_tags(notes, tag_texts, threshold=p.tag_threshold, scorer=p.tag_scorer)
    result: list[tuple[NoteGroup, str | None]] = []
    for cluster in group_notes(
        notes,
        threshold=p.threshold,
        scorer=p.scorer,
        linkage_split=p.linkage_split,
        linkage_slack=p.linkage_slack,
    ):
        votes = Counter(m for m in (matched[i] for i in cluster.members) if m is not None)
        tag = min(votes, key=lambda t: (-votes[t], t)) if votes else None
        if tag is not None and votes[tag] < TAG_MAJORITY * len(cluster.members):
            tag = None
        result.append((cluster, tag))
    return result
