"""Pilot tests of the note box: suggestions while typing, one key files, Enter keeps a new code."""

from __future__ import annotations

from pathlib import Path

from note_flow_support import note_of, notes_filed, seeded_app
from similarity_support import SlowWords
from textual.widgets import Static

from tracereader.app.screens.note import NoteModal
from tracereader.patterns import find_patterns, pattern_by_key

SIZE = (110, 32)


async def _open_box(pilot, app) -> NoteModal:
    await pilot.press("n")
    box = app.screen
    assert isinstance(box, NoteModal)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return box


def _shown(box: NoteModal) -> list[str]:
    """The suggestion lines as drawn."""
    text = str(box.query_one("#note-suggestions", Static).render())
    return [line for line in text.splitlines() if line.strip()]


async def test_typing_shows_the_closest_patterns_with_their_counts(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        box = await _open_box(pilot, app)
        assert _shown(box) == []  # nothing typed yet
        await pilot.press(*"invented a price match policy")
        await pilot.pause()
        labels = [s.label for s in box.shown]
        assert len(box.shown) == 5
        assert labels[0] in {
            "made up a 30-day price match policy",
            "invented a price match rule that does not exist",
        }
        price = next(s for s in box.shown if s.key == "note:t-0002")
        assert price.count == 2  # t-0002 and its near-duplicate t-0006, merged automatically
        lines = _shown(box)
        assert lines[0].startswith(" 1 ") and "trace" in lines[0]
        box.query_one("Input").value = ""
        await pilot.press(*"called the wrong tool")
        await pilot.pause()
        assert box.shown[0].key == "tag:wrong_tool" and box.shown[0].count == 1
        assert _shown(box)[0] == " 1 wrong_tool  1 trace · tag"


async def test_one_key_files_the_note_under_a_suggestion(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        box = await _open_box(pilot, app)
        await pilot.press(*"asked again for the order number")
        await pilot.pause()
        first = box.shown[0]
        assert first.key in {"note:t-0000", "note:t-0001", "tag:ignored_context"}
        await pilot.press("alt+1")
        await pilot.pause()
        assert not isinstance(app.screen, NoteModal)
        assert note_of(app, "t-0011") == "asked again for the order number"
        assert notes_filed(app) == [("t-0011", first.key)]
        pattern = pattern_by_key(find_patterns(app.store, app.settings), first.key)
        assert pattern is not None and "t-0011" in pattern.trace_ids
        assert "t-0011" not in pattern.automatic_ids  # filed by the reviewer: confirmed


async def test_enter_alone_keeps_a_new_open_code(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        box = await _open_box(pilot, app)
        await pilot.press(*"latency over ten seconds", "enter")
        await pilot.pause()
        assert note_of(app, "t-0011") == "latency over ten seconds"
        assert notes_filed(app) == []
        own = pattern_by_key(find_patterns(app.store, app.settings), "note:t-0011")
        assert own is not None and own.trace_ids == ["t-0011"]
        assert box.shown  # suggestions were on screen; Enter ignored them


async def test_arrow_then_enter_files_under_the_highlighted_one(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        box = await _open_box(pilot, app)
        await pilot.press(*"rude reply", "down", "down")
        second = box.shown[1]
        assert box.highlighted == 1 and _shown(box)[1].startswith("▶2 ")
        await pilot.press("enter")
        await pilot.pause()
        assert notes_filed(app) == [("t-0011", second.key)]


async def test_f_keys_file_too_and_escape_saves_nothing(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        box = await _open_box(pilot, app)
        await pilot.press(*"curt answer", "escape")
        assert note_of(app, "t-0011") is None and notes_filed(app) == []
        box = await _open_box(pilot, app)
        await pilot.press(*"curt answer")
        await pilot.pause()
        third = box.shown[2]
        await pilot.press("f3")
        await pilot.pause()
        assert notes_filed(app) == [("t-0011", third.key)]


async def test_the_index_is_reused_until_the_notes_change(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_box(pilot, app)
        built = app.suggestions.ready()
        assert built is not None
        await pilot.press("escape")
        assert app.suggestions.ready() is built  # nothing changed: no rebuild on the next open
        await _open_box(pilot, app)
        await pilot.press(*"a brand new kind of failure", "enter")
        await app.workers.wait_for_complete()
        assert app.suggestions.ready() is not built


async def test_a_pause_ranks_again_with_the_slow_views(tmp_path: Path, monkeypatch) -> None:
    from tracereader import similarity

    monkeypatch.setattr(similarity, "default_embedders", lambda: [SlowWords()])
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        box = await _open_box(pilot, app)
        index = box._index
        assert index is not None and index.has_slow_views
        await pilot.press(*"made up a policy")
        typed = "made up a policy"
        assert box.shown == index.suggest(typed, 5, trace_id="t-0011", instant_only=True)
        await pilot.pause(0.4)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert box.shown == index.suggest(typed, 5, trace_id="t-0011")
