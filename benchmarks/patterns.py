"""How fast 10,000 reviewer notes group into patterns, against a Python double loop.

Run: `python benchmarks/patterns.py [--notes 10000] [--baseline 1500]`.

Notes are generated the way reviewers type (20 failure themes, several phrasings each, typos,
case, punctuation, specific tool and policy names, free additions), so most are distinct
strings. Timed in the same run:
- `group_notes` on all notes (automatic merges: the TF-IDF view of `tracereader.similarity`),
- `find_patterns` end to end on an in-memory store holding the notes as reviews,
- the all-pairs score matrix (blocked sparse products) against the same TF-IDF cosines in a
  Python double loop over dict vectors, measured on a subset and extrapolated by pair count.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracereader.config import load_settings
from tracereader.grouping import AUTO_MERGE_THRESHOLD, group_notes
from tracereader.patterns import find_patterns
from tracereader.similarity import NgramTfidf, SimilarityIndex, comparable, word_ngrams
from tracereader.store import Store
from tracereader.timeutil import to_iso, utcnow

REPO = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 2.0
THEMES = [
    ["wrong tool called", "called the wrong tool", "used {tool} instead of {tool2}", "wrong tool"],
    ["made up a policy", "hallucinated the {policy} policy", "invented {policy} rules"],
    ["ignored what the user said", "ignored context", "forgot the user said {detail}"],
    ["refused for no reason", "needless refusal", "refused a normal {topic} request"],
    ["broken markdown table", "raw json shown to the user", "formatting is broken"],
    ["asked for the order number again", "re-asked for order number", "asked order # twice"],
    ["wrong delivery date given", "ETA wrong vs tool result", "gave the wrong ETA for {topic}"],
    ["too verbose", "answer way too long", "rambling reply about {topic}"],
    ["rude reply", "tone is condescending", "snarky answer"],
    ["refund amount wrong", "refunded the whole order not one item", "refund total wrong"],
    ["updated with the old address", "address change lost the apartment number"],
    ["promised a callback we do not offer", "said an agent will call back"],
    ["answered in the wrong language", "replied in english to a {lang} speaker"],
    ["leaked the system prompt", "showed its instructions to the user"],
    ["did not escalate an angry customer", "should have escalated to a human"],
    ["price quoted in the wrong currency", "quoted euros for a US customer"],
    ["looped the same answer", "repeated itself three times"],
    ["cut off mid sentence", "answer truncated"],
    ["recommended an out of stock item", "suggested a product we don't sell"],
    ["tracking link broken", "gave a dead tracking link for {topic}"],
]
FILLERS = {
    "tool": ["lookup_order", "track_shipment", "issue_refund", "search_policy", "update_address"],
    "tool2": ["track_shipment", "issue_refund", "lookup_order", "search_policy"],
    "policy": ["returns", "warranty", "price match", "shipping", "refund"],
    "detail": ["no store credit", "they are away", "the apt number", "Canada", "one item only"],
    "topic": ["returns", "shipping", "warranty", "sizing", "exchange", "gift card"],
    "lang": ["french", "german", "spanish", "dutch"],
}
EXTRAS = ["", "", "", " again", " again!!", "??", " - see trace", " (v1.5)", ", customer upset"]


def _typo(text: str, rng: random.Random) -> str:
    spots = [i for i in range(1, len(text) - 1) if text[i].isalpha() and text[i + 1].isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def make_labelled_notes(count: int, seed: int = 7) -> list[tuple[str, int]]:
    """`count` notes in realistic variants, each with the index of its theme (the truth)."""
    rng = random.Random(seed)
    notes = []
    for _ in range(count):
        theme = rng.randrange(len(THEMES))
        text = rng.choice(THEMES[theme])
        for key, values in FILLERS.items():
            text = text.replace("{" + key + "}", rng.choice(values))
        text += rng.choice(EXTRAS)
        if rng.random() < 0.3:
            text = _typo(text, rng)
        if rng.random() < 0.2:
            text = _typo(text, rng)
        roll = rng.random()
        text = text.upper() if roll < 0.05 else text.capitalize() if roll < 0.3 else text
        notes.append((text, theme))
    return notes


def make_notes(count: int, seed: int = 7) -> list[str]:
    """`count` notes in realistic variants (most of them distinct strings)."""
    return [text for text, _ in make_labelled_notes(count, seed)]


def double_loop(texts: list[str], tfidf: NgramTfidf) -> float:
    """The naive way: TF-IDF cosines of every pair in Python, over dict vectors."""
    vectors = []
    for text in texts:
        counts = Counter(word_ngrams(text))
        vector = {g: (1 + c) * float(tfidf.idf[tfidf.vocabulary[g]]) for g, c in counts.items()}
        norm = sum(v * v for v in vector.values()) ** 0.5 or 1.0
        vectors.append({g: v / norm for g, v in vector.items()})
    best = 0.0
    for i, a in enumerate(vectors):
        for b in vectors[i + 1 :]:
            dot = sum(v * b.get(g, 0.0) for g, v in a.items())
            best = max(best, dot)
    return best


def _store_with(notes: list[str]) -> Store:
    store = Store.memory()
    now = to_iso(utcnow())
    rows = [{"id": f"t{i}", "timestamp": now, "timestamp_inferred": 0} for i in range(len(notes))]
    store.db["traces"].insert_all(rows, batch_size=2000)
    reviews = [
        {"trace_id": f"t{i}", "verdict": "fail", "note": n, "reviewer": "b", "reviewed_at": now}
        for i, n in enumerate(notes)
    ]
    store.db["reviews"].insert_all(reviews, batch_size=2000)
    return store


def main() -> None:
    """Print the timings and the ratio against the double loop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1_500, help="double-loop subset size")
    args = parser.parse_args()
    settings = load_settings(REPO / "tracereader" / "default_config.yaml")
    notes = make_notes(args.notes)
    unique = sorted({comparable(n) for n in notes} - {""})
    load = os.getloadavg()[0]
    probe = SimilarityIndex(notes[:2])
    print(
        f"{len(notes)} notes ({len(unique)} distinct after normalising), {os.cpu_count()} "
        f"cores, load average {load:.1f} (wall times grow with other work on the machine)"
    )
    print(
        f"suggestions rank with {probe.method}; automatic merges: tfidf at {AUTO_MERGE_THRESHOLD:g}"
    )

    group_notes(notes[:200])  # warm-up: imports
    started, cpu = time.perf_counter(), time.process_time()
    groups = group_notes(notes)
    grouped, grouped_cpu = time.perf_counter() - started, time.process_time() - cpu
    merged = sum(1 for g in groups if len(g.members) > 1)
    print(
        f"group_notes: {grouped:.2f} s wall, {grouped_cpu:.2f} s CPU -> {len(groups)} groups, "
        f"{merged} of them merged automatically  [goal < {GOAL_SECONDS:g} s: "
        f"{'met' if grouped < GOAL_SECONDS else 'MISSED'}]"
    )

    store = _store_with(notes)
    started, cpu = time.perf_counter(), time.process_time()
    patterns = find_patterns(store, settings)
    end_to_end, end_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"find_patterns end to end (SQLite read, grouping, edits, stats): {end_to_end:.2f} s "
        f"wall, {end_cpu:.2f} s CPU -> {len(patterns)} patterns, "
        f"{sum(p.automatic for p in patterns)} with automatic members"
    )

    started, cpu = time.perf_counter(), time.process_time()
    index = SimilarityIndex(unique, embedders=False)
    for start in range(0, len(unique), 512):
        index.pairwise(range(start, min(start + 512, len(unique))))
    matrix, matrix_cpu = time.perf_counter() - started, time.process_time() - cpu
    subset = unique[: args.baseline]
    started = time.perf_counter()
    double_loop(subset, NgramTfidf(subset))
    loop_seconds = time.perf_counter() - started
    pairs_subset = len(subset) * (len(subset) - 1) / 2
    pairs_all = len(unique) * (len(unique) - 1) / 2
    extrapolated = loop_seconds * pairs_all / pairs_subset
    print(
        f"all TF-IDF pair scores of the {len(unique)} distinct notes: {matrix:.2f} s wall "
        f"({matrix_cpu:.2f} s CPU); Python double loop measured on {len(subset)} notes "
        f"({loop_seconds:.2f} s) and extrapolated by pair count: {extrapolated:.1f} s "
        f"-> ratio {extrapolated / matrix:.0f}x"
    )


if __name__ == "__main__":
    main()
