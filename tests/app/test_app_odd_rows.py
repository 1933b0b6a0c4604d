"""The review app on a database of odd rows (see `odd_rows.py`): it reads and acts, no crash."""

from __future__ import annotations

from pathlib import Path

from app_helpers import frozen_options
from odd_rows import fill_odd_store
from review_traces import review_settings

from tracereader.app import build_app


async def test_the_app_reads_and_acts_on_odd_rows(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    odd_ids = fill_odd_store(db)
    ticks = iter(range(0, 10**6, 5))  # every look at the clock is 5 s later: each trace is read
    options = frozen_options(monotonic=lambda: float(next(ticks)))
    app = build_app(db, review_settings(), options)
    async with app.run_test(size=(100, 30)) as pilot:
        for key in ["u", "e", "e", "1", "u", "g", "space", "b", "space", "s", "k", "?", "escape"]:
            await pilot.press(key)
            await pilot.pause()
        for _ in range(30):  # walk the whole queue: every odd trace is drawn (j moves on at once)
            await pilot.press("j")
        await pilot.pause()
        for key in ["l", "escape", "p", "escape", "slash", "escape", "n", "x", "enter"]:
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running
        seen = {row[0] for row in app.store.execute("select trace_id from reviews")}
        assert set(odd_ids) <= seen  # every odd trace was shown (and, read, marked seen)
        await pilot.press("q")
