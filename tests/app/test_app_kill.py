"""A review process killed with SIGKILL right after an acknowledged action loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from review_traces import fill_store

from tracereader.review.queue import load_position
from tracereader.store import Store

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    sys.path[:0] = [sys.argv[2], sys.argv[3]]
    from app_helpers import frozen_options
    from review_traces import review_settings
    from tracereader.app import build_app

    async def main():
        app = build_app(sys.argv[1], review_settings(min_read_seconds=0), frozen_options())
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("g", "2", "n", *"lost", "enter")
            print("ACK", flush=True)
            await asyncio.sleep(60)

    asyncio.run(main())
    """
)


def test_sigkill_after_an_acknowledged_action_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    fill_store(db, 5)
    here = Path(__file__).resolve().parent
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(db), str(here), str(here.parent)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ACK", proc.stderr.read() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    store = Store.open(db)
    try:
        tags = store.db.execute("select trace_id, tag from tags").fetchall()
        assert tags == [("t-0003", "wrong_tool")]
        reviews = dict(store.db.execute("select trace_id, note from reviews").fetchall())
        assert reviews["t-0003"] == "lost"
        verdicts = dict(store.db.execute("select trace_id, verdict from reviews").fetchall())
        assert verdicts["t-0004"] == "pass"  # g saved its verdict before moving on
        assert load_position(store, "tester") == "t-0003"
    finally:
        store.close()
