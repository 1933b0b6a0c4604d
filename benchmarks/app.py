"""Benchmark of the review app on a generated database of 100,000 traces.

Run: `python benchmarks/app.py [--traces 100000] [--presses 200] [--launches 9] [--no-compile]`

Method, everything measured in the same run on the same machine:

1. A database of N traces (4 messages each, a third with a tool call, some with feedback and
   implicit events) is written straight into SQLite with bulk inserts after `Store.open` has
   created and migrated the schema (no anonymizer involved).
2. Launch: a fresh Python process runs the real app headless (`App.run(headless=True)`,
   100x30) on that database, built through `build_app` as the CLI does; the clock runs from
   just before the process is spawned until the process prints a marker from the app's
   `Ready` event, which Textual posts once the first frame has been composited (the review
   screen is the app's default screen, so that frame holds the first trace; the script
   checks the conversation is non-empty). The baseline is a bare Textual app whose only
   widget is one static line, launched and timed the same way. Each is launched several
   times alternately; medians are compared (goal: ratio <= 1.5). The package is
   byte-compiled first, as pip does when it installs a wheel and as Textual was when it was
   installed: with an editable install and PYTHONDONTWRITEBYTECODE set (as on CI machines)
   every launch would otherwise recompile tracereader's modules but not Textual's. Pass
   `--no-compile` to measure that case too.
3. Keys: inside one headless `run_test()` session on the same database, each key press is
   timed from just before the key event is posted until the end of the first compositor
   refresh of the screen that follows it (recorded by wrapping `Screen._compositor_refresh`),
   i.e. the action ran, widgets updated and the new frame was rendered. Pilot's own idle
   waiting after that frame is not counted. Measured for `g` (verdict and next trace:
   store write, next trace read and drawn), `1` (tag toggle: write and redraw the panel)
   and `j` (next trace). Goal for `g`: median <= 16 ms, p99 <= 50 ms. As a baseline in the
   same run, a bare Textual app swapping the 25-line text of one Static on a key press is
   timed the same way (on a loaded machine both grow together).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import dataclasses
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tracereader.store import Store  # noqa: E402
from tracereader.timeutil import to_iso  # noqa: E402

LAUNCH_REAL = """
import sys, time
from tracereader.app import AppOptions, build_app
from tracereader.app.app import TraceReaderApp
from tracereader.config import load_settings

def on_ready(self):
    text = self.screen.query_one("#conversation").text
    print("READY", len(str(text)), flush=True)
    self.exit()

TraceReaderApp.on_ready = on_ready
app = build_app(sys.argv[1], load_settings(create=False), AppOptions(refresh_seconds=0))
app.run(headless=True, size=(100, 30))
"""

LAUNCH_BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("one static line")

    def on_ready(self):
        print("READY", 1, flush=True)
        self.exit()

Bare().run(headless=True, size=(100, 30))
"""


def generate(path: Path, count: int) -> None:
    """Write `count` varied traces straight into SQLite (schema from Store.open)."""
    store = Store.open(path)
    rng = random.Random(7)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    conn = store.db.conn
    traces, messages, signals = [], [], []
    system = "You are the support assistant for Acme. " * 12
    for i in range(count):
        tid = f"bench-{i:07d}"
        stamp = to_iso(base + timedelta(seconds=37 * i))
        score = -1.0 if i % 17 == 0 else (1.0 if i % 11 == 0 else None)
        events = ["regenerate"] if i % 13 == 0 else (["copy", "abandon"] if i % 29 == 0 else [])
        user = f"Where is my order {i}? I'm <PERSON_1>, reach me at <EMAIL_ADDRESS_1>."
        traces.append(
            (
                tid,
                stamp,
                0,
                f"u{i % 900:04d}",
                f"s{i:07d}",
                rng.choice(["gpt-4o-mini", "x-1"]),
                f"v{1 + i * 5 // count}",
                None,
                900.0 + i % 2000,
                score,
                len(events) + (score is not None),
                user,
                "{}",
                "tracereader",
                1,
                None,
                stamp,
            )
        )
        rows = [("system", system, None, None), ("user", user, None, None)]
        if i % 3 == 0:
            call = json.dumps([{"id": f"c{i}", "name": "lookup_order", "arguments": {"n": i}}])
            rows += [
                ("assistant", None, call, None),
                ("tool", '{"status": "shipped"}', None, f"c{i}"),
            ]
        rows.append(("assistant", f"Order {i} shipped yesterday, <PERSON_1>. " * 3, None, None))
        messages.extend((tid, idx, *row, None) for idx, row in enumerate(rows))
        if score is not None:
            signals.append((tid, "feedback", 1, score, "meh" if score < 0 else None, None, None))
        signals.extend((tid, kind, 0, None, None, None, 3) for kind in events)
    with store.db.atomic():
        conn.executemany("insert into traces values (" + ",".join("?" * 17) + ")", traces)
        conn.executemany("insert into messages values (?,?,?,?,?,?,?)", messages)
        conn.executemany(
            "insert into signals (trace_id, kind, explicit, score, comment, at, message_index)"
            " values (?,?,?,?,?,?,?)",
            signals,
        )
    conn.execute("analyze")
    store.close()


def launch(script: str, db: Path) -> float:
    """Seconds from spawning the process to its first frame."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait(timeout=60)
    if not line.startswith("READY") or int(line.split()[1]) == 0:
        raise SystemExit(f"launch failed: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return elapsed


@contextmanager
def compositor_refreshes() -> Iterator[list[float]]:
    """While inside, the end time of every compositor refresh (a frame drawn) is recorded."""
    from textual.screen import Screen

    refreshed: list[float] = []
    original = Screen._compositor_refresh

    def timed(self: Screen) -> None:
        original(self)
        refreshed.append(time.perf_counter())

    Screen._compositor_refresh = timed  # type: ignore[method-assign]
    try:
        yield refreshed
    finally:
        Screen._compositor_refresh = original  # type: ignore[method-assign]


async def press_latencies(app: Any, keys: str, presses: int) -> list[float]:
    """Per-press seconds from key event to the end of the next compositor refresh."""
    latencies: list[float] = []
    with compositor_refreshes() as refreshed:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            for i in range(presses):
                refreshed.clear()
                started = time.perf_counter()
                await pilot.press(keys[i % len(keys)])
                await pilot.pause()
                after = [t for t in refreshed if t >= started]
                if after:
                    latencies.append(after[0] - started)
    return latencies


async def key_latencies(db: Path, keys: str, presses: int) -> list[float]:
    """`press_latencies` of the real app on the generated database."""
    from tracereader.app import AppOptions, build_app
    from tracereader.config import load_settings

    options = AppOptions(refresh_seconds=0, tick_seconds=0, show_banner=False)
    # presses come faster than anyone reads: without the wait, every g judges and moves on
    settings = dataclasses.replace(load_settings(create=False), min_read_seconds=0)
    app = build_app(db, settings, options)
    try:
        return await press_latencies(app, keys, presses)
    finally:
        app.store.close()


async def bare_key_latencies(presses: int) -> list[float]:
    """The same measurement on a bare Textual app whose key press swaps one Static's text."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    texts = [f"line {n} of trace {i}: " + "lorem ipsum " * 6 for i in range(2) for n in range(25)]
    pages = ["\n".join(texts[:25]), "\n".join(texts[25:])]

    class Bare(App[None]):
        BINDINGS = [("g", "swap")]  # noqa: RUF012

        def compose(self) -> ComposeResult:
            yield Static(pages[0], id="page", markup=False)

        def action_swap(self) -> None:
            self.flip = not getattr(self, "flip", False)
            self.query_one("#page", Static).update(pages[self.flip])

    return await press_latencies(Bare(), "g", presses)


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    return f"median {median * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  (n={len(ordered)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--launches", type=int, default=9)
    parser.add_argument("--no-compile", action="store_true", help="launch without bytecode")
    args = parser.parse_args()
    if args.no_compile:
        for cache in (REPO / "tracereader").rglob("__pycache__"):
            shutil.rmtree(cache)
    else:
        compileall.compile_dir(REPO / "tracereader", quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        started = time.perf_counter()
        generate(db, args.traces)
        print(f"generated {args.traces:,} traces in {time.perf_counter() - started:.1f} s")
        launch(LAUNCH_BARE, db)  # warm the file cache for both
        launch(LAUNCH_REAL, db)
        bare, real = [], []
        for _ in range(args.launches):
            bare.append(launch(LAUNCH_BARE, db))
            real.append(launch(LAUNCH_REAL, db))
        b, r = statistics.median(bare), statistics.median(real)
        print(f"launch to first frame, bare Textual app: median {b:.3f} s")
        print(f"launch to first trace, tracereader:      median {r:.3f} s")
        print(f"ratio {r / b:.2f} (goal <= 1.5)")
        bare_keys = asyncio.run(bare_key_latencies(args.presses))
        print(f"key in a bare Textual app (swap one Static) {summary(bare_keys)}")
        for keys, label in (
            ("g", "g (pass, next trace)"),
            ("1", "1 (tag toggle)"),
            ("j", "j (next trace)"),
        ):
            values = asyncio.run(key_latencies(db, keys, args.presses))
            print(f"key {label:<22} {summary(values)}")


if __name__ == "__main__":
    main()
