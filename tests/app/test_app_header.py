"""The header: name-detection warning, the advisor banner as plain text, the daily budget notice,
and the patterns screen one key away."""

from __future__ import annotations

from pathlib import Path

from app_helpers import frozen_options
from review_traces import fill_store, review_settings

from tracereader.app import build_app
from tracereader.app.widgets.review_header import ReviewHeader


async def test_traces_ingested_without_name_detection_are_flagged(tmp_path: Path) -> None:
    fill_store(tmp_path / "a.db", 2, ner=False)
    app = build_app(tmp_path / "a.db", review_settings(), frozen_options())
    async with app.run_test(size=(100, 30)):
        assert "NAMES NOT DETECTED" in app.screen.query_one(ReviewHeader).text


async def test_banner_is_plain_text(tmp_path: Path) -> None:
    fill_store(tmp_path / "a.db", 2)
    app = build_app(tmp_path / "a.db", review_settings(), frozen_options())
    async with app.run_test(size=(100, 30)) as pilot:
        assert "NAMES NOT DETECTED" not in app.screen.query_one(ReviewHeader).text
        app._set_banner("[@click=app.quit]stale[/] for 3 days")
        await pilot.pause()
        assert "[@click=app.quit]stale[/] for 3 days" in app.screen.query_one(ReviewHeader).text
        assert app.is_running


async def test_daily_budget_gives_a_gentle_notice_not_a_lock(tmp_path: Path) -> None:
    fill_store(tmp_path / "a.db", 3)
    clock = {"now": 0.0}
    options = frozen_options(monotonic=lambda: clock["now"])
    app = build_app(tmp_path / "a.db", review_settings(daily_minutes=1), options)
    async with app.run_test(size=(100, 30)) as pilot:
        for step in range(1, 8):  # 7 ticks of 10 s while active: 70 s > 60 s budget
            clock["now"] = step * 10.0
            app._last_activity = clock["now"]
            app._tick()
        await pilot.pause()
        header = app.screen.query_one(ReviewHeader).text
        assert "1:10 of 1:00" in header and "budget reached" in header
        assert any("minutes for today are up" in n.message for n in app._notifications)
        await pilot.press("g")
        assert app.session.current == "t-0001"  # still reviewing
        app.session.flush_time()
    seconds = app.store.db.execute("select seconds from app_time").fetchone()[0]
    assert seconds == 70


async def test_p_opens_the_patterns_screen(tmp_path: Path) -> None:
    fill_store(tmp_path / "a.db", 3)
    app = build_app(tmp_path / "a.db", review_settings(), frozen_options())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.id == "patterns"
