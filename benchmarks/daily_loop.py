"""Benchmark of the daily loop's waits on the demo's data: patterns --json, the first p, the demo.

Run: `python benchmarks/daily_loop.py [--db DEMO_DB] [--runs 9]`

Method, everything measured in the same run on the same machine:

1. The database is the demo's (the bundled sample traces fed by `tracereader.demo_feed`: dates
   moved up to now, the older 80% pre-reviewed), built once in a temporary folder unless
   `--db` names one.
2. `patterns --json` against `status --json`: each a fresh `python -m tracereader` process,
   alternated, `--runs` times; medians and their ratio (goal: within 2x). The "cold" row
   first empties the cached note clusters, so the clustering (and its numpy/scipy imports)
   is paid as after a new note.
3. The first `p`: a fresh process runs the real app headless (100x30) on the database; once its
   first frame is up it waits (0.2 s, or 2 s so the background prewarm has run), posts the key
   `p` as the terminal would and is timed until the patterns table holds its rows (goal:
   under 0.3 s).
4. The demo: `python -m tracereader demo` in a pseudo-terminal, timed from spawn until the
   review screen's header is on screen (goal: within 3 s), then `q`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FIRST_P = """
import asyncio, sys, time
from textual import events
from tracereader.app import AppOptions, build_app
from tracereader.config import load_settings

async def main(path, wait, prewarm):
    app = build_app(path, load_settings(create=False),
                    AppOptions(refresh_seconds=0, prewarm_patterns=prewarm, keep_theme=False))
    async with app.run_test(size=(100, 30)) as pilot:
        await asyncio.sleep(wait)
        await pilot.pause()
        started = time.perf_counter()
        # The key is posted as the terminal would send it; pilot.press would also wait for
        # the screen to go idle, which the loading indicator's animation delays.
        app.post_message(events.Key("p", "p"))
        table = None
        while True:
            screen = app.screen
            if screen.id == "patterns":
                table = screen.query_one("#patterns-table")
                if table.row_count:
                    break
            await asyncio.sleep(0.002)
        print("FIRST_P", time.perf_counter() - started, table.row_count, flush=True)

asyncio.run(main(sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1"))
"""


def build_demo_db(folder: Path) -> Path:
    """The demo's database, fed in this process (takes most of a minute: anonymization)."""
    from tracereader.config import load_settings
    from tracereader.demo_feed import feed
    from tracereader.store import Store

    path = folder / "demo.db"
    store = Store.open(path)
    try:
        feed(store, load_settings(create=False), REPO / "sample_traces")
    finally:
        store.close()
    return path


def run_cli(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tracereader", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=REPO,
    )
    return time.perf_counter() - started


def clear_cluster_cache(db: Path) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("delete from note_clusters")


def first_p(db: Path, wait: float, prewarm: bool) -> float:
    out = subprocess.run(
        [sys.executable, "-c", FIRST_P, str(db), str(wait), "1" if prewarm else "0"],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("FIRST_P"))
    return float(line.split()[1])


def demo_on_screen(home: Path) -> float:
    """Seconds from spawning `tracereader demo` in a pty until the review header shows."""
    env = {**os.environ, "TRACEREADER_HOME": str(home), "TERM": "xterm-256color"}
    env.pop("TRACEREADER_DB", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the demo in a terminal of its own
        os.chdir(REPO)
        os.execvpe(sys.executable, [sys.executable, "-m", "tracereader", "demo"], env)
    started = time.perf_counter()
    seen = b""
    elapsed = float("nan")
    try:
        while time.perf_counter() - started < 30:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if b"reviewed today" in seen:
                    elapsed = time.perf_counter() - started
                    break
        os.write(fd, b"q")
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                with contextlib.suppress(OSError):
                    os.read(fd, 65536)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return elapsed


def med(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="an existing demo database")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracereader-bench-"))
    os.environ["TRACEREADER_HOME"] = str(work / "home")
    try:
        db = args.db or build_demo_db(work)
        print(f"database: {db}  (load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores)")
        run_cli("patterns", "--json", "--db", str(db))  # warm the disk cache and the clusters
        status, patterns = [], []
        for _ in range(args.runs):
            status.append(run_cli("status", "--json", "--db", str(db)))
            patterns.append(run_cli("patterns", "--json", "--db", str(db)))
        ratio = statistics.median(patterns) / statistics.median(status)
        print(f"status --json      {med(status)}")
        print(f"patterns --json    {med(patterns)}  ratio {ratio:.2f}  [goal <= 2]")
        cold = []
        for _ in range(3):
            clear_cluster_cache(db)
            cold.append(run_cli("patterns", "--json", "--db", str(db)))
        cold_ratio = statistics.median(cold) / statistics.median(status)
        print(f"patterns --json, clusters not cached (after a new note): {med(cold)}"
              f"  ratio {cold_ratio:.2f}")  # fmt: skip
        for wait, prewarm, what in ((0.2, False, "0.2 s after launch, no prewarm"),
                                    (2.0, True, "2 s after launch (prewarmed)")):  # fmt: skip
            times = [first_p(db, wait, prewarm) for _ in range(max(3, args.runs // 3))]
            print(f"first p, {what}: {med(times)}  [goal < 0.3 s]")
        shown = [demo_on_screen(work / f"demo-home-{i}") for i in range(3)]
        print(f"tracereader demo: review screen on screen after {med(shown)}  [goal <= 3 s]")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
