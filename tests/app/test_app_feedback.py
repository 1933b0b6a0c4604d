"""Every action says what it did; the theme is kept; your notes are listed; quitting sums up the
day; and conversations/day is one figure in the header, the patterns screen, status and export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app_helpers import frozen_options, make_app, settle
from click.testing import CliRunner
from patterns_support import daily_traffic, days
from review_traces import review_settings
from textual.widgets import DataTable, Static

from tracereader.app import build_app
from tracereader.app.screens.notes_list import NotesScreen
from tracereader.app.screens.patterns import PatternsScreen
from tracereader.app.widgets.review_header import ReviewHeader
from tracereader.cli import cli
from tracereader.store import Store
from tracereader.ui_state import load_theme

SIZE = (100, 30)


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def test_skip_note_and_undo_say_which_trace_and_what(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert "Skipped t-0011: it waits at the back (u undoes)." in notices(app)
        await pilot.press("2", "g")
        await pilot.press("n", *"curt", "enter")
        assert "Note on t-0009 saved." in notices(app)
        await pilot.press("u", "u", "u", "u")
        said = [m for m in notices(app) if m.startswith("Undid")]
        assert said == [
            "Undid note on t-0009 (back to no note).",
            "Undid verdict pass on t-0010 (back to fail).",
            "Undid tag wrong_tool on t-0010.",
            "Undid skip of t-0011: it is back in its place.",
        ]


async def test_the_theme_is_kept_between_runs(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    first = make_app(tmp_path)
    first.options.keep_theme = True
    async with first.run_test(size=SIZE) as pilot:
        first.theme = "nord"
        await pilot.pause()
    assert load_theme() == "nord"
    second = build_app(db, review_settings(), frozen_options(keep_theme=True))
    async with second.run_test(size=SIZE):
        assert second.theme == "nord"


async def test_the_notes_you_wrote_are_listed_and_read_one_by_one(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"first note", "enter", "g")
        await pilot.press("n", *"second note", "enter")
        await pilot.press("N")
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        table = screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[3]) for i in range(table.row_count)] == [
            "second note",
            "first note",
        ]
        assert "Your notes: 2, newest first" in str(
            screen.query_one("#notes-title", Static).render()
        )
        await pilot.press("down", "enter")
        assert app.session.current == "t-0011"
        assert "your notes 2/2" in app.screen.query_one(ReviewHeader).text
        await pilot.press("k")
        assert app.session.current == "t-0010"


async def test_quitting_sums_up_today(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "space", "space", "q")  # tagged (a failure), then passed
    assert app.summary[0].startswith("Today (2026-11-03): reviewed 1 trace(s) in 0:00")
    assert "1 failure(s) (wrong_tool 1)" in app.summary[0]
    assert "passed 1 without reviewing (still in the queue)" in app.summary[0]
    assert app.summary[1].startswith("No actionable pattern yet")


async def test_merge_says_what_it_made(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "g", "2", "g", "2", "g", "p")
        await settle(pilot)
        await pilot.press("down", "m", "up", "M")  # hallucinated_policy into wrong_tool
        await pilot.pause()
        assert any(
            m.startswith(
                "Merged “hallucinated_policy” (1 traces) into “wrong_tool” (2): now 3 traces"
            )
            for m in notices(app)
        )


async def test_one_conversations_per_day_figure_everywhere(tmp_path: Path) -> None:
    db = tmp_path / "traffic.db"
    store = Store.open(db)
    counts = [18, 25, 22, 30, 17, 28, 21, 26, 19]  # a week and more, ending yesterday
    today = datetime.now(UTC).date()
    daily_traffic(store, days(today - timedelta(days=len(counts)), counts))
    store.close()
    settings = review_settings()
    mean = sum(counts[-7:]) / 7
    figure = f"{mean:.1f} conversations/day (7-day mean to {today - timedelta(days=1)})"

    status = CliRunner().invoke(cli, ["status", "--json", "--db", str(db)])
    document = json.loads(status.output)
    assert document["conversations_per_day"] == round(mean, 2)
    assert document["conversations_on_as_of"] == counts[-1]
    export = CliRunner().invoke(cli, ["export", "--all", "--db", str(db)])
    assert f"{mean:.1f} conversations/day (advisor: trailing 7-day mean" in export.output

    app = build_app(db, settings, frozen_options(show_banner=True, now=lambda: datetime.now(UTC)))
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert figure in app.screen.query_one(ReviewHeader).text
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatternsScreen)
        assert figure in str(screen.query_one("#patterns-banner", Static).render())
