"""The screens fit: 80×24 shows at least 8 patterns with their numbers, footers are never cut,
every chart names its dates and scale, and `?` gives each screen its own keys."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from app_helpers import frozen_options, settle
from pattern_data import many_patterns_db
from review_traces import review_settings
from textual.widgets import DataTable, Footer, Static
from textual.widgets._footer import FooterKey

from tracereader.app import build_app
from tracereader.app.app import TraceReaderApp
from tracereader.app.screens import patterns as patterns_screen
from tracereader.app.screens.help import HelpScreen
from tracereader.app.screens.patterns import PatternsScreen


@pytest.fixture
def app(tmp_path: Path) -> TraceReaderApp:
    many_patterns_db(tmp_path / "db.sqlite")
    return build_app(tmp_path / "db.sqlite", review_settings(), frozen_options())


def _fits(footer: Footer) -> bool:
    """The footer's keys all show: nothing runs past its right edge."""
    return footer.virtual_size.width <= footer.size.width


async def _patterns(pilot: Any, app: TraceReaderApp) -> tuple[PatternsScreen, DataTable[Any]]:
    """Open the patterns screen and wait for its table."""
    await pilot.press("p")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, PatternsScreen)
    return screen, screen.query_one("#patterns-table", DataTable)


async def test_80x24_shows_eight_patterns_with_rate_and_interval(app: TraceReaderApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await _patterns(pilot, app)
        assert table.row_count >= 10
        assert table.size.height - 1 >= 8  # rows on screen besides the header
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert widths <= table.size.width  # every column on screen: no horizontal scroll
        labels = [str(c.label) for c in table.columns.values()]
        assert {"k/n", "rate", "95% CI", "status", "fix"} <= set(labels)
        for index in range(8):
            row = dict(zip(labels, table.get_row_at(index), strict=True))
            assert str(row["rate"]).endswith("%") and "–" in str(row["95% CI"])
        assert "ACTIONABLE" in {str(table.get_row_at(i)[labels.index("status")]) for i in range(3)}
        assert _fits(screen.query_one(Footer))
        shown = {(k.key_display, k.description) for k in screen.query(FooterKey)}
        assert ("t", "Make tag") in shown and ("g", "Merges?") in shown  # promote has its hint


async def test_chart_and_bars_say_their_dates_and_scale(app: TraceReaderApp) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatternsScreen)
        title, bars, axis = str(screen.query_one("#patterns-chart", Static).render()).split("\n")
        assert title.startswith("Conversations per day, ") and "→" in title
        assert "█ = " in title and "/day on " in title and "· = none" in title
        assert "·" in bars  # days without traffic drawn, not left blank
        assert axis.split()[0] == title.split(", ")[1].split(" ")[0][5:]  # first day, MM-DD
        labels = [
            str(c.label) for c in screen.query_one("#patterns-table", DataTable).columns.values()
        ]
        axis_header = next(label for label in labels if label.startswith("0%"))
        assert axis_header.rstrip().endswith("%")


@pytest.mark.parametrize("size", [(120, 40), (200, 50)])
async def test_no_footer_is_cut_wide(app: TraceReaderApp, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        assert _fits(app.screen.query_one(Footer))
        await pilot.press("p")
        await settle(pilot)
        assert _fits(app.screen.query_one(Footer))


async def test_no_footer_is_cut_at_80_columns(app: TraceReaderApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        assert _fits(app.screen.query_one(Footer))
        await pilot.press("p")
        await settle(pilot)
        assert _fits(app.screen.query_one(Footer))
        await pilot.press("enter")  # a pattern's traces
        assert _fits(app.screen.query_one(Footer))
        await pilot.press("enter")  # reading them: the review screen walks
        await pilot.pause()
        assert app.session.walk is not None and _fits(app.screen.query_one(Footer))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape", "escape", "N")  # the notes list
        await pilot.pause()
        assert _fits(app.screen.query_one(Footer))
        await pilot.press("escape", "l")  # the queue list
        await pilot.pause()
        assert _fits(app.screen.query_one(Footer))


async def test_question_mark_gives_each_screen_its_own_keys(app: TraceReaderApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        assert "REVIEW SCREEN — KEYS" in text and "tag-wrong_tool" in text
        await pilot.press("escape", "p")
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        assert "PATTERNS SCREEN — KEYS" in text
        assert "patterns-compare" in text and "patterns-export" in text
        assert "mark-good" not in text
        await pilot.press("escape", "escape", "N", "question_mark")
        text = str(app.screen.query_one("#help-text", Static).render())
        assert "YOUR NOTES — KEYS" in text


async def test_the_first_p_shows_a_loading_indicator_while_it_computes(
    app: TraceReaderApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = patterns_screen.load_view_at

    def slow(*args: object, **kwargs: object) -> object:
        release.wait(10)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(patterns_screen, "load_view_at", slow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PatternsScreen)
        assert screen.query_one("#patterns-table", DataTable).loading
        assert "Computing patterns" in str(screen.query_one("#patterns-banner", Static).render())
        release.set()
        await settle(pilot)
        assert not screen.query_one("#patterns-table", DataTable).loading
        assert screen.query_one("#patterns-table", DataTable).row_count > 0


async def test_home_and_end_go_to_the_first_and_last_row(app: TraceReaderApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await _patterns(pilot, app)
        assert table.row_count > table.size.height  # the last row starts off screen
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        assert screen.current_key() == list(table.rows)[-1].value and table.scroll_y > 0
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("enter")  # the first pattern's traces: Home/End there too
        traces = screen.query_one("#patterns-traces", DataTable)
        assert traces.row_count > 2
        await pilot.press("end")
        assert traces.cursor_row == traces.row_count - 1 and table.cursor_row == 0
        await pilot.press("home")
        assert traces.cursor_row == 0
