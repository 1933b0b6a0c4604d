"""Measure note similarity and automatic merges on notes nobody here wrote.

Run: `python benchmarks/note_grouping.py [--data benchmarks/data/notes_blind] [--json FILE]`.

The data is the independent note set in `benchmarks/data/notes_blind/` (498 notes, 36
recurring failure modes in near-neighbour groups plus 50 one-off notes, split by mode into a
`tune` and a `test` half; see its README and PROVENANCE). Every choice is made on `tune`;
`test` is scored with the same choice, in the same run, next to the old scorer.

Measured for each similarity (the old rapidfuzz scorer, char n-gram TF-IDF, each embedder of
the `embeddings` extra alone and with TF-IDF, and all together, which is
`tracereader.similarity` with the extra):
- **note hit@k**: for every note of a recurring mode, is a note of the same mode among the k
  notes `most_similar` ranks first among the other notes of its half?
- **suggestion hit@k**: the note box's job. Notes are written in the set's (shuffled) order;
  the patterns on offer are the earlier notes, grouped by their true mode (a reviewer who
  files correctly); for every note whose mode already has a pattern, is that pattern among
  the first k suggestions? Ranked by centroid (`similarity.GroupIndex`, as the note box
  does) and, for comparison, by the closest single note of each pattern.
- **automatic merges**: pairwise precision and recall of `grouping.group_notes` at each
  threshold, with TF-IDF (what ships) and, for comparison, all views; the threshold shipped
  is the lowest whose precision is >= 0.9 on `tune` there and at every higher threshold
  that merges anything.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process, utils
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from tracereader import grouping
from tracereader.embeddings import Embedder, default_embedders
from tracereader.similarity import GroupIndex, SimilarityIndex

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "benchmarks" / "data" / "notes_blind"
KS = (1, 3, 5)
PRECISION_FLOOR = 0.9
THRESHOLDS = tuple(range(40, 100, 5))
OLD_STOPWORDS = frozenset(
    {
        *("a", "an", "the", "to", "for", "of", "is", "was", "it", "its", "in", "on", "and"),
        *("or", "but", "that", "this", "be", "with", "as", "at", "by", "from", "i", "we"),
        *("you", "he", "she", "they", "there", "here", "user", "bot"),
    }
)


@dataclass(frozen=True)
class NoteSet:
    """One half of the set: texts, true modes, and which notes are one-offs."""

    name: str
    texts: list[str]
    modes: list[str]
    one_off: list[bool]


def load(data: Path, split: str | None) -> NoteSet:
    """The notes of one split (None: both), in the file's order."""
    notes = [json.loads(line) for line in (data / "notes.jsonl").open(encoding="utf-8")]
    truth = {
        row["id"]: row
        for row in (json.loads(line) for line in (data / "truth.jsonl").open(encoding="utf-8"))
    }
    rows = [n for n in notes if split is None or truth[n["id"]]["split"] == split]
    return NoteSet(
        name=split or "all",
        texts=[n["text"] for n in rows],
        modes=[truth[n["id"]]["mode"] for n in rows],
        one_off=[bool(truth[n["id"]].get("singleton")) for n in rows],
    )


# -- the old scorer, as shipped before (rapidfuzz ratio of sorted word sets) ----------------
def _old_key(text: str) -> str:
    words = str(utils.default_process(text)).split()
    kept = sorted({w for w in words if w not in OLD_STOPWORDS}) or sorted(set(words))
    return " ".join(kept)


def old_matrix(texts: Sequence[str]) -> np.ndarray[Any, Any]:
    """The old `sorted_token_set_ratio` of every pair, 0-1."""
    keys = [_old_key(t) for t in texts]
    return np.asarray(process.cdist(keys, keys, scorer=fuzz.ratio, dtype=np.float32)) / 100.0


def old_group_notes(texts: Sequence[str]) -> list[list[int]]:
    """The old `group_notes` at its shipped defaults: components >= 60, average linkage >= 55."""
    keys = [_old_key(t) for t in texts]
    unique = sorted({k for k in keys if k})
    sims = np.asarray(process.cdist(unique, unique, scorer=fuzz.ratio, dtype=np.uint8))
    _, comp = connected_components(csr_matrix(sims >= 60), directed=False)
    clusters: list[list[int]] = []
    for c in sorted(set(comp.tolist())):
        members = [i for i in range(len(unique)) if comp[i] == c]
        if len(members) <= 2:
            clusters.append(members)
            continue
        sub = sims[np.ix_(members, members)]
        upper = np.concatenate([sub[i, i + 1 :] for i in range(len(members) - 1)])
        labels = fcluster(linkage(100.0 - upper.astype(float), "average"), 45.0, "distance")
        for label in sorted(set(labels.tolist())):
            clusters.append([members[j] for j in range(len(members)) if labels[j] == label])
    by_key = {unique[u]: n for n, cluster in enumerate(clusters) for u in cluster}
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(by_key[k] if k else -1 - i, []).append(i)
    return list(groups.values())


# -- similarities measured ------------------------------------------------------------------
Method = Callable[[Sequence[str]], SimilarityIndex]


def methods(embedders: list[Embedder]) -> dict[str, Method | None]:
    """Name -> index builder; None marks the old scorer, measured apart."""
    found: dict[str, Method | None] = {
        "old rapidfuzz": None,
        "tfidf": lambda texts: SimilarityIndex(texts, embedders=False),
    }
    for e in embedders:
        found[e.name] = lambda texts, e=e: SimilarityIndex(texts, embedders=[e], with_tfidf=False)
        found[f"tfidf+{e.name}"] = lambda texts, e=e: SimilarityIndex(texts, embedders=[e])
    if len(embedders) > 1:
        names = "+".join(e.name for e in embedders)
        found[f"tfidf+{names}"] = lambda texts: SimilarityIndex(texts, embedders=embedders)
    return found


def kernel(method: Method | None, texts: Sequence[str]) -> np.ndarray[Any, Any]:
    """All-pairs similarity of a half under one method."""
    return old_matrix(texts) if method is None else method(texts).pairwise()


# -- measures -------------------------------------------------------------------------------
def note_hits(sims: np.ndarray[Any, Any], notes: NoteSet) -> dict[int, float]:
    """Share of recurring-mode notes with a same-mode note among their k most similar others."""
    sims = sims.copy()
    np.fill_diagonal(sims, -np.inf)
    modes = np.array(notes.modes)
    order = np.argsort(-sims, axis=1, kind="stable")
    hits: dict[int, list[bool]] = {k: [] for k in KS}
    for i, one_off in enumerate(notes.one_off):
        if one_off:
            continue
        same = modes[order[i]] == modes[i]
        for k in KS:
            hits[k].append(bool(same[:k].any()))
    return {k: float(np.mean(v)) for k, v in hits.items()}


def suggestion_hits(
    method: Method | None, notes: NoteSet, sims: np.ndarray[Any, Any]
) -> dict[str, dict[int, float]]:
    """The note box, replayed: by centroid (real `GroupIndex`) and by closest note."""
    centroid: dict[int, list[bool]] = {k: [] for k in KS}
    closest: dict[int, list[bool]] = {k: [] for k in KS}
    for i in range(1, len(notes.texts)):
        earlier: dict[str, list[int]] = {}
        for j in range(i):
            earlier.setdefault(notes.modes[j], []).append(j)
        if notes.modes[i] not in earlier:
            continue
        names = list(earlier)
        target = names.index(notes.modes[i])
        best_note = np.array([sims[i, earlier[m]].max() for m in names])
        ranked = list(np.argsort(-best_note, kind="stable"))
        if method is not None:
            texts = [notes.texts[j] for m in names for j in earlier[m]]
            owners = [g for g, m in enumerate(names) for _ in earlier[m]]
            groups = GroupIndex(method(texts), owners, len(names))
            by_centroid = groups.top(notes.texts[i], max(KS))
        else:
            by_centroid = ranked[: max(KS)]
        for k in KS:
            centroid[k].append(target in by_centroid[:k])
            closest[k].append(target in ranked[:k])
    return {
        "centroid": {k: float(np.mean(v)) for k, v in centroid.items()},
        "closest_note": {k: float(np.mean(v)) for k, v in closest.items()},
        "asked": {k: float(len(centroid[k])) for k in KS},
    }


def pairwise(groups: Sequence[Sequence[int]], modes: Sequence[str]) -> dict[str, float]:
    """Pairwise precision and recall of a grouping against the true modes."""
    label = np.zeros(len(modes), dtype=np.int64)
    for g, members in enumerate(groups):
        label[list(members)] = g
    truth = np.array(modes)
    upper = np.triu_indices(len(modes), 1)
    together = (label[:, None] == label[None, :])[upper]
    same = (truth[:, None] == truth[None, :])[upper]
    tp = int((together & same).sum())
    merged = int(together.sum())
    return {
        "precision": tp / merged if merged else 1.0,
        "recall": tp / int(same.sum()) if same.any() else 1.0,
        "pairs": float(merged),
        "right_pairs": float(tp),
    }


def merges(method: Method, notes: NoteSet, threshold: float) -> dict[str, float]:
    """`group_notes` with this similarity at one threshold, scored pairwise."""

    def percent(texts: Sequence[str]) -> np.ndarray[Any, Any]:
        scores = np.clip(100.0 * method(texts).pairwise(), 0.0, 100.0)
        return np.rint(scores).astype(np.uint8)

    groups = grouping.group_notes(notes.texts, threshold=threshold, pair_scores=percent)
    return pairwise([g.members for g in groups], notes.modes)


def merged_with(embedders: list[Embedder]) -> list[str]:
    """The similarities whose automatic merges are measured: TF-IDF (what ships) and, for
    comparison, every view together."""
    full = "+".join(["tfidf", *(e.name for e in embedders)])
    return ["tfidf"] if full == "tfidf" else ["tfidf", full]


def choose_threshold(curve: dict[int, dict[str, float]]) -> int | None:
    """The lowest threshold with precision >= the floor there and at every higher one."""
    chosen: int | None = None
    for threshold in sorted(curve, reverse=True):
        row = curve[threshold]
        if row["pairs"] and row["precision"] < PRECISION_FLOOR:
            break
        if row["pairs"]:
            chosen = threshold
    return chosen


def _merge_text(row: dict[str, float]) -> str:
    """`P/R/pairs`, with `-` for the precision of a threshold that merges nothing."""
    precision = f"{row['precision']:.2f}" if row["pairs"] else "-"
    return f"{precision}/{row['recall']:.3f}/{row['pairs']:.0f}"


def fmt(hits: dict[int, float]) -> str:
    return " ".join(f"@{k} {hits[k]:.3f}" for k in KS)


def main() -> None:
    """Measure every similarity on both halves, choose on tune, print and optionally save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    embedders = default_embedders()  # they remember vectors: each text is embedded once
    halves = {name: load(args.data, name) for name in ("tune", "test")}
    halves["all"] = load(args.data, None)  # both halves at once: more patterns to choose from
    report: dict[str, Any] = {"halves": {}}
    started = time.perf_counter()
    for name, notes in halves.items():
        print(
            f"\n== {name}: {len(notes.texts)} notes, {len(set(notes.modes))} modes "
            f"({sum(notes.one_off)} one-off notes)"
        )
        half: dict[str, Any] = {}
        for label, method in methods(embedders).items():
            sims = kernel(method, notes.texts)
            row: dict[str, Any] = {"note": note_hits(sims, notes)}
            row["suggestion"] = suggestion_hits(method, notes, sims)
            if method is None:
                old = pairwise(old_group_notes(notes.texts), notes.modes)
                row["merges"] = {"old defaults": old}
            elif label in merged_with(embedders):
                row["merges"] = {t: merges(method, notes, t) for t in THRESHOLDS}
            half[label] = row
            print(
                f"{label:<20} note {fmt(row['note'])} | suggestion (centroid) "
                f"{fmt(row['suggestion']['centroid'])} | (closest note) "
                f"{fmt(row['suggestion']['closest_note'])}"
            )
        asked = int(half["tfidf"]["suggestion"]["asked"][1])
        print(f"  ({sum(not o for o in notes.one_off)} notes of recurring modes; {asked} asked)")
        report["halves"][name] = half
    tune = report["halves"]["tune"]
    ranked = [m for m in tune if m != "old rapidfuzz"]
    best = max(ranked, key=lambda m: tune[m]["suggestion"]["centroid"][3])
    report["chosen_similarity"] = best
    print(f"\nchosen on tune by suggestion hit@3: {best}")
    thresholds: dict[str, int | None] = {}
    for label in merged_with(embedders):
        thresholds[label] = choose_threshold(tune[label]["merges"])
    report["thresholds"] = thresholds
    print("\nautomatic merges (pairwise precision / recall, pairs merged):")
    for name in halves:
        old = report["halves"][name]["old rapidfuzz"]["merges"]["old defaults"]
        print(f"  {name:<5} old group_notes at its defaults: {_merge_text(old)}")
        for label in merged_with(embedders):
            chosen = thresholds[label]
            curve = report["halves"][name][label]["merges"]
            shown = " ".join(f"{t}:{_merge_text(curve[t])}" for t in THRESHOLDS if t >= 50)
            summary = (
                f"at {chosen}: {_merge_text(curve[chosen])}"
                if chosen is not None
                else "no threshold keeps precision"
            )
            print(f"  {name:<5} {label:<20} {summary:<24} curve (P/R/pairs) {shown}")
    if thresholds.get("tfidf") != grouping.AUTO_MERGE_THRESHOLD:
        print(f"NOTE: ships {grouping.AUTO_MERGE_THRESHOLD:g}, tune chooses {thresholds['tfidf']}")
    print(f"\n{time.perf_counter() - started:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
