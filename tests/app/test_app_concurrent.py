"""The app keeps working while another process (an ingest) holds the database's write lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from app_helpers import make_app

SIZE = (100, 30)


def _hold_write_lock(path: Path, seconds: float, locked: threading.Event) -> None:
    """What a long ingest batch does: an open write transaction on another connection."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("insert into meta (key, value) values ('ingest-in-progress', '1')")
    locked.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


async def test_an_action_waits_for_a_concurrent_writer_instead_of_failing(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        trace_id = app.session.current
        locked = threading.Event()
        writer = threading.Thread(target=_hold_write_lock, args=(tmp_path / "app.db", 1.0, locked))
        writer.start()
        assert locked.wait(5)
        await pilot.press("2")  # waits for the lock (busy timeout), then commits
        writer.join()
        await pilot.pause()
        assert app.is_running
        rows = app.store.db.execute("select tag from tags where trace_id = ?", [trace_id])
        assert [r[0] for r in rows] == ["wrong_tool"]
        assert app.store.db.execute(
            "select value from meta where key = 'ingest-in-progress'"
        ).fetchone() == ("1",)
