"""The fix loop inside the app and the drill-down, through the real review app and real keys.

wrong_tool is 12 of 40 reviewed traces in v1 and 1 of 40 in v2 (exportcmp_data); the patterns
screen shows that per release, `f` records the fix, `c` tests and records it, and a validated
fix leaves the open list for the validated section. Enter on a pattern lists its traces newest
first; Enter on one reads them one by one (j/k) without touching the queue; Esc comes back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import frozen_options, settle
from exportcmp_data import build, two_release_rows
from review_traces import review_settings
from textual.widgets import DataTable, Static

from tracereader import actions
from tracereader.app import build_app
from tracereader.app.app import TraceReaderApp
from tracereader.app.screens.pattern_table import DIVIDER_KEY
from tracereader.app.screens.patterns import PatternsScreen
from tracereader.app.widgets.review_header import ReviewHeader
from tracereader.review.queue import load_position

SIZE = (140, 40)


@pytest.fixture
def app(tmp_path: Path) -> TraceReaderApp:
    rows = two_release_rows((12, 40), (1, 40))
    for row in rows[-3:]:  # three traces nobody reviewed yet: the queue
        row.reviewed, row.tags = False, []
    build(tmp_path / "db.sqlite", rows).close()
    return build_app(tmp_path / "db.sqlite", review_settings(), frozen_options())


def _patterns(app: TraceReaderApp) -> PatternsScreen:
    screen = app.screen
    assert isinstance(screen, PatternsScreen)
    return screen


def _detail(screen: PatternsScreen) -> str:
    return str(screen.query_one("#patterns-detail", Static).render())


async def test_fix_compare_and_validated_leaves_the_open_list(app: TraceReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot)
        screen = _patterns(app)
        assert screen.current_key() == "tag:wrong_tool"
        assert _detail(screen).startswith(
            "wrong_tool by release: v1 30% (18–45%, 12/40) → v2 2.7% (0.5–14%, 1/37)  trend █▂"
        )
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("enter")  # the suggested release: v2, the newest
        await pilot.pause()
        assert actions.state_of(app.store, "tag:wrong_tool").state == actions.FIXED
        assert (
            "fixed in v2: v1 30% (18–45%, 12/40) → v2 2.7% (0.5–14%, 1/37); not tested yet"
            in _detail(screen)
        )
        await pilot.press("c")
        await settle(pilot)
        item = actions.state_of(app.store, "tag:wrong_tool")
        assert item.state == actions.VALIDATED and item.last_compare is not None
        messages = [n.message for n in app._notifications]
        assert any("Recorded: fix in v2 validated" in m for m in messages)
        table = screen.query_one("#patterns-table", DataTable)
        keys = [str(k.value) for k in table.rows]
        assert keys[-2:] == [DIVIDER_KEY, "tag:wrong_tool"]  # the validated section
        assert str(table.get_row("tag:wrong_tool")[-2]) == "validated"
        assert str(table.get_row("tag:wrong_tool")[-1]) == "✓ v2"
        table.move_cursor(row=table.get_row_index("tag:wrong_tool"))
        await pilot.pause()
        assert (
            "fixed in v2: v1 30% (18–45%, 12/40) → v2 2.7% (0.5–14%, 1/37); validated, p"
            in _detail(screen)
        )
        summary = str(screen.query_one("#patterns-summary", Static).render())
        assert "0 actionable (5+ traces), 1 validated" in summary


async def test_compare_without_a_fix_informs_and_records_nothing(app: TraceReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert actions.states(app.store) == {}
        messages = [n.message for n in app._notifications]
        assert any("evidence of a change" in m and "Not recorded" in m for m in messages)


async def test_drill_down_then_step_through_the_patterns_traces(app: TraceReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        queue, place = list(app.session.ids), load_position(app.store, "tester")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("enter")
        screen = _patterns(app)
        traces = screen.query_one("#patterns-traces", DataTable)
        ids = [str(k.value) for k in traces.rows]
        assert len(ids) == 13 and ids[0] == "t-0041"  # the v2 one, newest first
        heading = str(screen.query_one("#patterns-heading", Static).render())
        assert heading.startswith("wrong_tool · 13 of 77 reviewed traces (17%, 95% CI 10–27%)")
        await pilot.press("j", "enter")  # j moves down the list too; Enter reads that trace
        assert app.session.current == ids[1]
        header = app.screen.query_one(ReviewHeader)
        assert "wrong_tool 2/13" in header.text and "Esc: back" in header.text
        await pilot.press("j", "j")
        assert app.session.current == ids[3] and "wrong_tool 4/13" in header.text
        await pilot.press("k")
        assert app.session.current == ids[2]
        assert app.session.ids == queue and load_position(app.store, "tester") == place
        await pilot.press("escape")  # back to the pattern's list, on the trace just read
        await settle(pilot)
        screen = _patterns(app)
        assert screen.opened == "tag:wrong_tool"
        traces = screen.query_one("#patterns-traces", DataTable)
        assert traces.coordinate_to_cell_key(traces.cursor_coordinate).row_key.value == ids[2]
        await pilot.press("escape", "escape")
        assert app.session.walk is None and app.session.current == queue[0]
