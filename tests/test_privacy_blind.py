"""The blind generator in the suite: fresh planted values every run, every written byte searched.

The generator (tests/privacy_blind, see its PROVENANCE.md) was written by someone who never read
this code. Each run draws a new seed, printed on failure; set TRACEREADER_BLIND_SEED to replay
one. The bounds are the issue's goals with room for a small run's noise (40 traces, about 700
planted values): benchmarks/privacy.py measures the full 150-trace runs reported in the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from anonymize_planted import shared_analyzer
from privacy_blind_harness import fresh_seed, generate, goal_rates, run_tracereader, scored

import tracereader.privacy.analyzer

N_TRACES = 40
BOUNDS = {"secrets": 0.01, "structured": 0.03, "names": 0.10}
CANARIES_KEPT = 0.95


@pytest.fixture(autouse=True)
def shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracereader.privacy.analyzer, "TextAnalyzer", shared_analyzer)


def test_fresh_blind_set_meets_the_goals(tmp_path: Path) -> None:
    seed = fresh_seed()
    manifest, traces = generate(seed, N_TRACES, tmp_path)
    summary = scored(manifest, run_tracereader(traces, tmp_path / "out"))
    rates = goal_rates(summary)
    replay = f"seed {seed} (replay: TRACEREADER_BLIND_SEED={seed})"
    assert summary["attribution"].get("attributed", 0) > 0, replay
    for goal, bound in BOUNDS.items():
        leaked, n = rates[goal]
        assert n > 0 and leaked / n <= bound, (replay, goal, leaked, n, summary["by_type"])
    kept, n = rates["canaries"]
    assert kept / n >= CANARIES_KEPT, (replay, kept, n, summary["canaries_by_kind"])
