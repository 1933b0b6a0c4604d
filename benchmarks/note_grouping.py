"""Measure note grouping on the sample reviews: which rapidfuzz scorer and threshold, and why.

Run: `python benchmarks/note_grouping.py [--csv sample_traces/reviews.csv]`.

Ground truth: `sample_traces/reviews.csv` records, for every reviewed trace, the tags a careful
reviewer chose and the note they typed. A note's true class is its trace's tag (notes on
traces with two tags may join either); a note on an untagged failing trace is the recurring
failure outside the taxonomy ("asked for the order number again"); notes on passing traces
and one-off remarks (detected as matching none of the above) are each their own class.
Every note is assigned as `tracereader.patterns` assigns it (cluster, then join a tag), and
scored pairwise: precision = share of note pairs put together that truly belong together,
recall = share of true pairs put together, F1 their harmonic mean. Also shown: how many notes
landed in the right tag's pattern, and how many landed in a wrong tag's pattern.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracereader.config import load_settings
from tracereader.grouping import SCORERS, GroupingParams, assign, group_notes, tag_texts_for

REPO = Path(__file__).resolve().parent.parent
PRECISION_FLOOR = 0.95
ONE_OFF_MARKERS = (
    "testing the bot", "latency", "gift card", "don't sell", "dpd", "long conversation",
    "weird characters", "same customer",
)  # fmt: skip


def load_notes(path: Path) -> tuple[list[str], list[frozenset[str]]]:
    """Notes and their true classes (a set: a note on a two-tag trace may join either tag)."""
    notes: list[str] = []
    truth: list[frozenset[str]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            note = (row.get("note") or "").strip()
            if not note:
                continue
            tags = frozenset(t for t in (row.get("tags") or "").split(";") if t)
            lowered = note.lower()
            if any(marker in lowered for marker in ONE_OFF_MARKERS) or row["verdict"] == "pass":
                truth.append(frozenset({f"alone:{len(notes)}"}))
            elif tags:
                truth.append(tags)
            else:
                truth.append(frozenset({"order_again"}))
            notes.append(note)
    return notes, truth


def evaluate(
    notes: list[str],
    truth: list[frozenset[str]],
    tag_texts: dict[str, list[str]],
    params: GroupingParams,
) -> dict[str, float]:
    """Pairwise precision/recall/F1 and tag placement of one parameter setting."""
    predicted: list[str] = [""] * len(notes)
    for cluster, tag in assign(notes, tag_texts, params):
        name = f"tag:{tag}" if tag else f"cluster:{cluster.central}"
        for i in cluster.members:
            predicted[i] = name
    precision, recall, f1 = _pairwise(predicted, truth)
    tagged = [i for i, t in enumerate(truth) if any(x in tag_texts for x in t)]
    right_tag = sum(predicted[i].removeprefix("tag:") in truth[i] for i in tagged)
    wrong_tag = sum(
        predicted[i].startswith("tag:") and predicted[i].removeprefix("tag:") not in truth[i]
        for i in range(len(notes))
    )
    again = [predicted[i] for i, t in enumerate(truth) if "order_again" in t]
    biggest = max((again.count(g) for g in set(again)), default=0)
    return {
        "order_again": biggest / len(again) if again else 1.0,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "right_tag": right_tag / len(tagged) if tagged else 1.0,
        "wrong_tag": wrong_tag,
    }


def synthetic_check(count: int = 3000) -> None:
    """Pairwise P/R on generated notes of 20 known themes: shows chaining at scale."""
    from patterns import make_labelled_notes

    labelled = make_labelled_notes(count, seed=11)
    notes = [t for t, _ in labelled]
    print(f"\nsynthetic check: {count} generated notes of 20 themes (benchmarks/patterns.py)")
    for name in ("sorted_token_set_ratio", "token_set_ratio", "token_sort_ratio"):
        for threshold, slack in ((60, None), (60, 0.0), (60, 5.0), (60, 10.0)):
            groups = group_notes(
                notes, threshold=threshold, scorer=SCORERS[name],
                linkage_split=slack is not None, linkage_slack=slack or 0.0,
            )  # fmt: skip
            predicted = np.zeros(count, dtype=np.int64)
            for index, group in enumerate(groups):
                predicted[group.members] = index
            p, r, f1 = _pairwise_labels(predicted, np.array([theme for _, theme in labelled]))
            print(
                f"  {name:<23}{threshold:>4} split {_split(slack):>4}: {len(groups):>4} groups, "
                f"P {p:.3f} R {r:.3f} F1 {f1:.3f}"
            )


def _pairwise_labels(
    predicted: np.ndarray[Any, Any], truth: np.ndarray[Any, Any]
) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 for single labels, vectorised."""
    upper = np.triu_indices(len(truth), 1)
    same_pred = (predicted[:, None] == predicted[None, :])[upper]
    same_true = (truth[:, None] == truth[None, :])[upper]
    tp = int((same_pred & same_true).sum())
    precision = tp / max(int(same_pred.sum()), 1)
    recall = tp / max(int(same_true.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _pairwise(predicted: list[str], truth: list[frozenset[str]]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(predicted)), 2):
        same_pred = predicted[i] == predicted[j]
        same_true = bool(truth[i] & truth[j])
        tp += same_pred and same_true
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _split(slack: float | None) -> str:
    return "off" if slack is None else f"-{slack:g}"


def main() -> None:
    """Grid over scorer x threshold (and the tag threshold) and print the best settings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=REPO / "sample_traces" / "reviews.csv")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--synthetic", type=int, default=3000, help="0 skips the chaining check")
    args = parser.parse_args()
    notes, truth = load_notes(args.csv)
    settings = load_settings(REPO / "tracereader" / "default_config.yaml")
    tag_texts = {t.name: tag_texts_for(t.name, t.description) for t in settings.tags}
    print(f"{len(notes)} notes, {len({c for t in truth for c in t})} true classes")
    results = []
    started = time.perf_counter()
    for (name, scorer), threshold, tag_threshold, split in itertools.product(
        SCORERS.items(), range(50, 85, 5), (60, 70, 80, 101), (None, 0.0, 5.0, 10.0)
    ):
        params = GroupingParams(
            scorer, threshold, SCORERS["token_set_ratio"], tag_threshold, split is not None,
            split or 0.0,
        )  # fmt: skip
        results.append(
            (name, threshold, tag_threshold, split, evaluate(notes, truth, tag_texts, params))
        )
    print(f"{len(results)} settings in {time.perf_counter() - started:.1f} s\n")
    header = (
        f"{'scorer':<23}{'thr':>4}{'tag':>5}{'split':>6}  {'P':>5}  {'R':>5}  {'F1':>5}"
        f"  {'right tag':>9}  {'wrong tag':>9}  {'order again':>11}"
    )
    print(header)
    print("-" * len(header))
    ranked = sorted(results, key=lambda r: -r[4]["f1"])
    best_per_scorer = {}
    for row in ranked:
        best_per_scorer.setdefault(row[0], row)
    rows = ranked[: args.top] + list(best_per_scorer.values())
    for k, (name, threshold, tag_threshold, split, m) in enumerate(rows):
        if k == args.top:
            print("best per scorer:")
        tag = "off" if tag_threshold > 100 else str(tag_threshold)
        print(
            f"{name:<23}{threshold:>4}{tag:>5}{_split(split):>6}  {m['precision']:.3f}  "
            f"{m['recall']:.3f}  {m['f1']:.3f}  {100 * m['right_tag']:>8.0f}%  "
            f"{m['wrong_tag']:>9}  {100 * m['order_again']:>10.0f}%"
        )
    # Precision first: a wrong merge misleads, a missed pair costs the reviewer one merge key.
    safe = [r for r in ranked if r[4]["precision"] >= PRECISION_FLOOR and r[4]["wrong_tag"] == 0]
    if safe:
        name, threshold, tag_threshold, split, m = safe[0]
        print(
            f"\nrecommended (best F1 with precision >= {PRECISION_FLOOR} and no note in a wrong "
            f"tag): {name} {threshold}, tag threshold {tag_threshold}, average-linkage split "
            f"{_split(split)}: P {m['precision']:.3f} R {m['recall']:.3f} "
            f"F1 {m['f1']:.3f}"
        )
    default = GroupingParams()
    m = evaluate(notes, truth, tag_texts, default)
    print(
        f"\ndefault ({default.scorer.__name__} {default.threshold:g}, split "
        f"-{default.linkage_slack:g}, tags "
        f"{default.tag_scorer.__name__} {default.tag_threshold:g}): P {m['precision']:.3f} "
        f"R {m['recall']:.3f} F1 {m['f1']:.3f}, right tag {100 * m['right_tag']:.0f}%, "
        f"wrong tag {m['wrong_tag']:.0f}, order-again notes together {100 * m['order_again']:.0f}%"
    )
    if args.synthetic:
        synthetic_check(args.synthetic)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
