"""Pilot tests of the patterns screen: open, drill down, merge, rename, split, open a trace.

The screen runs inside a minimal host app that offers `open_trace` like the review app does;
assertions are on the store and on the widgets' contents, not on pixels.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from app_helpers import settle
from patterns_support import BASE, add_traces, make_trace, review
from rich.text import Text
from textual.app import App
from textual.widgets import DataTable, Static

from tracereader.app.screens.pattern_rename import RenameModal
from tracereader.app.screens.patterns import PatternsScreen
from tracereader.config import Settings, TagSpec
from tracereader.patterns import edits as pattern_edits
from tracereader.store import Store

SETTINGS = Settings(
    tags=(
        TagSpec("wrong_tool", "2", "called the wrong tool, or the right tool with wrong arguments"),
        TagSpec("tone", "7", "rude, curt or overly verbose reply"),
    ),
    reviewer="tester",
)
REFUND = ["refund promised but never issued", "Refund never issued, though promised"]
HOSTILE = "[/foo] [@click=app.quit]rude[/]"


class Host(App[None]):
    """A stand-in for the review app: shows the patterns screen and records opened traces."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.opened: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(PatternsScreen(self.store, SETTINGS))

    def open_trace(self, trace_id: str) -> None:
        self.opened.append(trace_id)


@pytest.fixture
def seeded(store: Store) -> Store:
    ids = [f"w{i}" for i in range(6)] + ["t1", "t2", "r1", "r2", "x1"]
    add_traces(store, [make_trace(tid, BASE + timedelta(hours=i)) for i, tid in enumerate(ids)])
    for i in range(6):
        review(store, f"w{i}", tags=["wrong_tool"], note="Wrong tool!!" if i == 0 else None)
    review(store, "t1", tags=["tone"])
    review(store, "t2", tags=["tone"])
    review(store, "r1", note=REFUND[0], reviewed_at=BASE)
    review(store, "r2", note=REFUND[1], reviewed_at=BASE + timedelta(minutes=1))
    review(store, "x1", note=HOSTILE)
    pattern_edits.file_note(store, "w0", "tag:wrong_tool")  # as the note box files it
    return store


def _edits_made(store: Store) -> list[pattern_edits.PatternEdit]:
    """The pattern edits after the fixture's own filing of w0's note."""
    return pattern_edits.load(store)[1:]


def _labels(screen: PatternsScreen) -> list[str]:
    table = screen.query_one("#patterns-table", DataTable)
    return [str(table.get_row_at(i)[1]).strip("▶✚ ") for i in range(table.row_count)]


async def test_open_shows_ranked_patterns_with_bars(seeded: Store) -> None:
    app = Host(seeded)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatternsScreen)
        # Refund (2/11, merged automatically, named by its first note) and tone (2/11) tie on
        # the interval and on age; the label breaks the tie.
        assert _labels(screen) == ["wrong_tool", REFUND[0], "tone", HOSTILE]
        table = screen.query_one("#patterns-table", DataTable)
        headers = [str(column.label) for column in table.columns.values()]
        assert headers[:5] == ["#", "pattern", "k/n", "rate", "95% CI"]
        assert headers[5].startswith("0%") and headers[5].endswith("80%")  # the bars' axis
        assert headers[6:] == ["trend", "status", "fix"]
        first = table.get_row_at(0)
        assert all(isinstance(cell, Text) for cell in first)
        assert str(first[1]).startswith("▶ ") and str(first[7]) == "ACTIONABLE"
        assert str(table.get_row_at(2)[7]) == "2 of 5 needed"
        assert str(table.get_row_at(2)[1]).startswith("  ")
        assert "●" in str(first[5]) and "├" in str(first[5])
        summary = str(screen.query_one("#patterns-summary", Static).render())
        assert "pass rate" in summary and "n = 11" in summary
        detail = str(screen.query_one("#patterns-detail", Static).render())
        assert detail.startswith("wrong_tool by release: v1 55% (28–79%, 6/11)")
        assert "open: no fix recorded" in detail


async def test_hostile_note_is_shown_as_text_not_markup(seeded: Store) -> None:
    app = Host(seeded)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert HOSTILE in _labels(app.screen)
        assert app.is_running


async def test_drill_down_and_open_a_trace(seeded: Store) -> None:
    app = Host(seeded)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PatternsScreen) and screen.opened == "tag:wrong_tool"
        traces = screen.query_one("#patterns-traces", DataTable)
        # newest first, local times, the first user line, the note
        assert list(traces.rows) == [f"w{i}" for i in reversed(range(6))]
        assert str(traces.get_row_at(5)[0]) == "2026-11-02 12:00"
        assert str(traces.get_row_at(5)[2]) == "question w0"
        assert str(traces.get_row_at(5)[3]) == "Wrong tool!!"
        heading = str(screen.query_one("#patterns-heading", Static).render())
        assert heading.startswith("wrong_tool · 6 of 11 reviewed traces (55%, 95% CI 28–79%)")
        assert "newest first" in heading
        await pilot.press("escape")
        assert screen.opened is None
        await pilot.press("enter", "down", "enter")
        assert app.opened == ["w4"]
        assert not isinstance(app.screen, PatternsScreen)


async def test_merge_marked_into_another(seeded: Store) -> None:
    app = Host(seeded)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "m")  # mark the refund notes
        screen = app.screen
        assert isinstance(screen, PatternsScreen) and screen.marked == "note:r1"
        await pilot.press("down", "M")  # merge into tone
        edits = _edits_made(seeded)
        assert [(e.kind, e.key, e.target) for e in edits] == [("merge", "note:r1", "tag:tone")]
        assert _labels(screen) == ["wrong_tool", "tone", HOSTILE]
        table = screen.query_one("#patterns-table", DataTable)
        assert str(table.get_row_at(1)[2]) == "4/11"


async def test_rename_through_the_modal(seeded: Store) -> None:
    app = Host(seeded)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "r")
        assert isinstance(app.screen, RenameModal)
        app.screen.query_one("Input").value = ""
        await pilot.press(*"Curt replies", "enter")
        await pilot.pause()
        edits = _edits_made(seeded)
        assert [(e.kind, e.key, e.label) for e in edits] == [("rename", "tag:tone", "Curt replies")]
        assert "Curt replies" in _labels(app.screen)


async def test_split_a_note_out_and_undo(seeded: Store) -> None:
    app = Host(seeded)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter", "s")  # r2, the newest of the refund notes
        edits = _edits_made(seeded)
        assert [(e.kind, e.trace_id) for e in edits] == [("split", "r2")]
        screen = app.screen
        assert isinstance(screen, PatternsScreen)
        assert REFUND[0] in _labels(screen) and REFUND[1] in _labels(screen)
        await pilot.press("u")
        assert _edits_made(seeded) == []
