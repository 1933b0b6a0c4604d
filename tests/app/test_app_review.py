"""Pilot tests of the review screen: real keys, asserted on the database and on the widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import frozen_options, make_app, settle
from review_traces import make_trace, review_settings
from textual.widgets import DataTable, Input

from tracereader.app import build_app
from tracereader.app.screens.help import HelpScreen
from tracereader.app.screens.note import NoteModal
from tracereader.app.screens.queue_list import QueueListScreen
from tracereader.app.widgets.conversation import ConversationView
from tracereader.app.widgets.review_header import ReviewHeader
from tracereader.app.widgets.trace_panel import TracePanel
from tracereader.config import ConfigError
from tracereader.review import QueueOptions
from tracereader.store import Store

SIZE = (100, 30)


def tags_of(app, trace_id: str) -> list[str]:
    rows = app.store.db.execute("select tag from tags where trace_id = ? order by tag", [trace_id])
    return [r[0] for r in rows]


def verdict_of(app, trace_id: str) -> str | None:
    row = app.store.db.execute("select verdict from reviews where trace_id = ?", [trace_id])
    found = row.fetchone()
    return found[0] if found else None


async def test_tag_and_untag(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.current == "t-0011"
        await pilot.press("1")
        assert tags_of(app, "t-0011") == ["hallucinated_policy"]
        panel = app.screen.query_one(TracePanel).text
        assert "1:hallucinated_policy" in panel and "☑ 1 hallucinated_policy" in panel
        assert "FAIL (bad), by tag" in panel
        await pilot.press("1")
        assert tags_of(app, "t-0011") == []
        assert "☐ 1 hallucinated_policy" in app.screen.query_one(TracePanel).text


async def test_good_moves_on_and_bad_stays(tmp_path: Path) -> None:
    app = make_app(tmp_path, min_read_seconds=0)  # the clock is frozen: no time on screen
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        assert verdict_of(app, "t-0011") == "pass"
        assert app.session.current == "t-0010"
        header = app.screen.query_one(ReviewHeader).text
        assert "2/12" in header and "reviewed today 1" in header
        assert "order 1010" in app.screen.query_one(ConversationView).text
        await pilot.press("b")
        assert verdict_of(app, "t-0010") == "fail"
        assert app.session.current == "t-0010"
        assert "FAIL (bad)" in app.screen.query_one(TracePanel).text


async def test_note_saves_on_enter_and_cancels_on_escape(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, NoteModal)
        await pilot.press(*"curt", "space", "enter")
        note = app.store.db.execute("select note from reviews where trace_id = 't-0011'")
        assert note.fetchone()[0] == "curt"
        assert "curt" in app.screen.query_one(TracePanel).text
        await pilot.press("n", "x", "y", "escape")
        note = app.store.db.execute("select note from reviews where trace_id = 't-0011'")
        assert note.fetchone()[0] == "curt"


async def test_undo_chain(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "2", "g")
        assert app.session.current == "t-0010"
        await pilot.press("u")
        assert app.session.current == "t-0011"
        assert verdict_of(app, "t-0011") == "fail"  # implied by the tags again
        await pilot.press("u")
        assert tags_of(app, "t-0011") == ["hallucinated_policy"]
        await pilot.press("u")
        assert tags_of(app, "t-0011") == []
        assert verdict_of(app, "t-0011") is None
        await pilot.press("u")  # nothing left: a notice, no crash
        assert app.is_running


async def test_skip_and_previous(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert app.session.current == "t-0010"
        assert app.session.ids[-1] == "t-0011"
        skipped = app.store.db.execute("select trace_id from queue_skips").fetchall()
        assert skipped == [("t-0011",)]
        await pilot.press("j", "right")
        assert app.session.current == "t-0008"
        await pilot.press("k")
        assert app.session.current == "t-0009"
        await pilot.press("left", "left", "left")  # the third one hits the start
        assert app.session.current == "t-0010"
        assert app.screen.query_one(ReviewHeader).text.strip().startswith("1/12")


async def test_filter(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        app.screen.query_one("#filter-text", Input).value = "order 1007"
        await pilot.press("enter")
        assert app.session.ids == ["t-0007"]
        assert "order 1007" in app.screen.query_one(ConversationView).text
        assert "text~'order 1007'" in app.screen.query_one(ReviewHeader).text
        await pilot.press("slash", "ctrl+r", "enter")
        assert len(app.session.ids) == 12


async def test_list_view_bulk_tagging_and_open(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        assert isinstance(app.screen, QueueListScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 12
        await pilot.press("m", "m", "3")
        assert tags_of(app, "t-0011") == ["ignored_context"]
        assert tags_of(app, "t-0010") == ["ignored_context"]
        assert tags_of(app, "t-0009") == []
        await pilot.press("down", "enter")
        assert not isinstance(app.screen, QueueListScreen)
        assert app.session.current == "t-0008"
        await pilot.press("u")  # one undo reverts the bulk tag on both
        assert tags_of(app, "t-0011") == [] and tags_of(app, "t-0010") == []


async def test_home_and_end_go_to_the_first_and_last_row_of_the_list(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        table = app.screen.query_one(DataTable)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 == 11
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_list_view_filters_and_sorts(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "slash", *"1003")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        await pilot.press("enter")
        assert app.focused is table
        app.screen.query_one(Input).value = ""
        await pilot.pause()
        await pilot.press("o", "o")  # queue order -> time -> release
        first = table.coordinate_to_cell_key((0, 0)).row_key.value
        assert first in {f"t-{i:04d}" for i in range(6)}  # v1 sorts before v2
        await pilot.press("escape")
        assert app.session.current == "t-0011"


async def test_sampling(tmp_path: Path) -> None:
    from review_traces import fill_store

    fill_store(tmp_path / "app.db", 12)
    options = frozen_options(queue=QueueOptions(sample="25%"))
    app = build_app(tmp_path / "app.db", review_settings(), options)
    async with app.run_test(size=SIZE):
        assert len(app.session.ids) == 3
        assert "1/3" in app.screen.query_one(ReviewHeader).text
        first = list(app.session.ids)
    again = build_app(tmp_path / "app.db", review_settings(), options)
    async with again.run_test(size=SIZE):
        assert again.session.ids == first


async def test_quit_and_resume_at_the_same_place(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k", "s", "j")
        assert app.session.current == "t-0009"
        await pilot.press("q")
        assert not app.is_running
    app.store.close()
    again = make_app(tmp_path)
    async with again.run_test(size=SIZE):
        assert again.session.current == "t-0009"
        assert "order 1009" in again.screen.query_one(ConversationView).text


async def test_rebinding_through_config(tmp_path: Path) -> None:
    keymap = {"mark-good": "y", "copy-id": "Y", "tag-tone": "t"}
    app = make_app(tmp_path, keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        assert verdict_of(app, "t-0011") is None
        await pilot.press("t")
        assert tags_of(app, "t-0011") == ["tone"]
        await pilot.press("Y")  # copy-id moved out of mark-good's way
        assert app._notifications and list(app._notifications)[-1].message.startswith(
            "Copied the trace id t-0011"
        )
        await pilot.press("y")
        assert verdict_of(app, "t-0011") == "pass"
        await pilot.press("1", "j")  # the keys the config does not name keep their defaults
        assert tags_of(app, "t-0010") == ["hallucinated_policy"]
        assert app.session.current == "t-0009"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-text").content)
        assert "mark-good" in help_text and "\ny " in help_text
        await pilot.press("escape", "p")
        await settle(pilot)
        await pilot.press("g")  # g is still the patterns screen's: suggested merges
        await settle(pilot)
        assert type(app.screen).__name__ == "MergeSuggestionsScreen"


def test_two_actions_on_one_key_stop_the_app_with_one_config_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("reviewer: ana\nkeymap:\n  mark-good: y\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        make_app(tmp_path, keymap={"mark-good": "y"}, path=config)
    assert str(caught.value) == (
        f"{config}:3: key 'y' is bound to both mark-good and copy-id on the review screen; "
        "give one of them another key in keymap:"
    )


async def test_help_lists_every_binding_and_tag(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help-text").content)
        for binding_id in ("next", "mark-good", "mark-bad", "note", "skip", "undo", "queue-list"):
            assert binding_id in text
        for tag in app.settings.tags:
            assert tag.name in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_expand_shows_the_system_prompt_and_long_results(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        app.screen.dismiss("t-0006")  # 6 % 3 == 0 and even: a 40-line tool result
        await pilot.pause()
        text = app.screen.query_one(ConversationView).text
        assert "collapsed" in text and "more lines folded" in text
        assert "lookup_order" in text and "← result" in text
        await pilot.press("e")
        text = app.screen.query_one(ConversationView).text
        assert "Be brief and polite." in text and '"line": 39' in text


async def test_refresh_picks_up_traces_from_another_process(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        other = Store.open(tmp_path / "app.db")
        other.add_traces([make_trace(40)], format="native", ner=False)
        other.close()
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.ids[-1] == "t-0040"
        assert "1/13" in app.screen.query_one(ReviewHeader).text


async def test_command_palette_offers_every_action(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Good", "Bad", "Note", "Undo", "Skip", "Theme"} <= titles
        assert "Tag wrong_tool" in titles
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Tag tone")
        command.callback()
        await pilot.pause()
        assert tags_of(app, "t-0011") == ["tone"]


async def test_seconds_on_a_trace_are_recorded(tmp_path: Path) -> None:
    ticks = iter(float(t) for t in range(0, 10_000, 7))
    from review_traces import fill_store

    fill_store(tmp_path / "app.db", 3)
    options = frozen_options(monotonic=lambda: next(ticks))
    app = build_app(tmp_path / "app.db", review_settings(), options)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
    row = app.store.db.execute("select seconds from reviews where trace_id = 't-0002'")
    assert row.fetchone()[0] > 0


async def test_empty_queue_is_explained(tmp_path: Path) -> None:
    app = make_app(tmp_path, count=0)
    async with app.run_test(size=SIZE) as pilot:
        assert "queue is empty" in app.screen.query_one(ConversationView).text
        await pilot.press("g", "j", "s", "1", "n")
        assert app.is_running
