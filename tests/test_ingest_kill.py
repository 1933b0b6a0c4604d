"""Kill -9 at random moments of an ingest, then ingest again: exactly the full count, once each.

The real `tracereader` executable ingests a JSONL file (half its records without an id, so
their ids come from the keyed content hash) and a JSON array; it is killed with SIGKILL at
seeded random moments after batches have started landing, and a last run completes it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

TRACES_PER_FILE = 500
ROUNDS = 3
SEED = 1414

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def record(i: int) -> dict[str, object]:
    value: dict[str, object] = {
        "timestamp": "2026-11-02T14:03:11Z",
        "messages": [
            {"role": "user", "content": f"Where is order {i}? I am Jane Doe, jane{i}@example.com"},
            {"role": "assistant", "content": f"Order {i} shipped."},
        ],
    }
    if i % 2:
        value["id"] = f"t-{i}"
    return value


def write_inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    jsonl = folder / "a.jsonl"
    jsonl.write_text("".join(json.dumps(record(i)) + "\n" for i in range(TRACES_PER_FILE)))
    array = folder / "b.json"
    others = [record(i) for i in range(TRACES_PER_FILE, 2 * TRACES_PER_FILE)]
    array.write_text("[\n" + ",\n".join(json.dumps(r) for r in others) + "\n]\n")
    return [jsonl, array]


def stored(db: Path) -> tuple[int, int, int]:
    """(traces, distinct trace ids, messages) as committed so far."""
    if not db.exists():
        return 0, 0, 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        sql = "select count(*), count(distinct id) from traces"
        traces, distinct = conn.execute(sql).fetchone()
        messages = conn.execute("select count(*) from messages").fetchone()[0]
    except sqlite3.OperationalError:  # not migrated yet
        return 0, 0, 0
    finally:
        conn.close()
    return int(traces), int(distinct), int(messages)


def ingest(db: Path, folder: Path, home: Path) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("tracereader")
    env = {**os.environ, "TRACEREADER_HOME": str(home)}
    command = [str(exe), "ingest", "--no-ner", "--db", str(db), str(folder)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def test_kill_9_at_random_moments_then_reingest_gives_exactly_the_full_count(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    write_inputs(folder)
    db, home = tmp_path / "t.db", tmp_path / "home"
    total = 2 * TRACES_PER_FILE
    rng = random.Random(SEED)
    partial_counts = []
    for _ in range(ROUNDS):
        before = stored(db)[0]
        if before >= total:
            break
        process = ingest(db, folder, home)
        target = before + rng.randint(1, 3)  # wait until this run has landed something
        deadline = time.monotonic() + 120
        while stored(db)[0] < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.4))  # then a random moment later
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        partial_counts.append(stored(db)[0])
    final = ingest(db, folder, home)
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode(errors="replace")
    traces, distinct, messages = stored(db)
    assert (traces, distinct, messages) == (total, total, 2 * total), partial_counts
    assert any(0 < n < total for n in partial_counts), partial_counts  # some kill hit mid-way
