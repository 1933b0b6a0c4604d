"""The independent note set is used as its writer left it: files unchanged, halves split by mode."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "notes_blind"


def test_files_match_the_hashes_recorded_at_copy_time() -> None:
    recorded = dict(
        re.findall(r"\| `([A-Za-z.]+)` \| ([0-9a-f]{32}) \|", (DATA / "PROVENANCE.md").read_text())
    )
    assert set(recorded) == {"README.md", "modes.json", "notes.jsonl", "truth.jsonl"}
    for name, digest in recorded.items():
        assert hashlib.md5((DATA / name).read_bytes()).hexdigest() == digest, name


def test_halves_are_split_by_mode_and_big_enough() -> None:
    truth = [json.loads(line) for line in (DATA / "truth.jsonl").open(encoding="utf-8")]
    notes = [json.loads(line) for line in (DATA / "notes.jsonl").open(encoding="utf-8")]
    assert [n["id"] for n in notes] == [t["id"] for t in truth] and len(notes) >= 400
    split_of: dict[str, set[str]] = {}
    for row in truth:
        split_of.setdefault(row["mode"], set()).add(row["split"])
    assert all(len(s) == 1 for s in split_of.values())
    recurring = {
        m for m in split_of if not any(t["mode"] == m and t.get("singleton") for t in truth)
    }
    assert len(recurring) >= 25
