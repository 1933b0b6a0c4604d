"""Pilot tests of the suggested merges (y, n, undo) and of promoting a note pattern to a tag."""

from __future__ import annotations

from pathlib import Path

from note_flow_support import seeded_app
from textual.widgets import DataTable, Footer, Static

from tracereader.app.screens.help import HelpScreen
from tracereader.app.screens.merge_suggestions import MergeSuggestionsScreen
from tracereader.app.screens.patterns import PatternsScreen
from tracereader.app.widgets.trace_panel import TracePanel
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns import taxonomy

SIZE = (120, 34)


async def _settle(pilot, app) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _merges(pilot, app) -> MergeSuggestionsScreen:
    await pilot.press("p")
    assert isinstance(app.screen, PatternsScreen)
    await pilot.press("g")
    screen = app.screen
    assert isinstance(screen, MergeSuggestionsScreen)
    await _settle(pilot, app)
    return screen


async def _patterns_on(pilot, app, key: str) -> PatternsScreen:
    """Open the patterns screen and move the cursor down to the pattern `key`."""
    await pilot.press("p")
    patterns = app.screen
    assert isinstance(patterns, PatternsScreen) and patterns.report is not None
    keys = [p.key for p in patterns.report.patterns]
    for _ in range(keys.index(key)):
        await pilot.press("down")
    return patterns


def _pairs(screen: MergeSuggestionsScreen) -> list[frozenset[str]]:
    return [frozenset((p.source, p.target)) for p in screen.proposals]


def _last_edit(app) -> tuple[str, str | None, str | None]:
    edit = pattern_edits.load(app.store)[-1]
    return edit.kind, edit.key, edit.target


async def test_yes_confirms_no_rejects_and_undo_brings_it_back(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _merges(pilot, app)
        first = screen.proposals[0]
        assert first.automatic and (first.source, first.target) == ("note:t-0006", "note:t-0002")
        assert str(screen.query_one(DataTable).get_row_at(0)[0]) == "automatic"
        await pilot.press("y")
        assert _last_edit(app) == ("split", "note:t-0006", "note:t-0002")
        await _settle(pilot, app)
        assert not any(p.automatic for p in screen.proposals)
        question = screen.proposals[0]
        pair = frozenset((question.source, question.target))
        await pilot.press("n")
        assert _last_edit(app) == ("reject", question.source, question.target)
        await _settle(pilot, app)
        assert pair not in _pairs(screen)
        await pilot.press("u")
        await _settle(pilot, app)
        assert pair in _pairs(screen)
        assert _last_edit(app)[0] == "split"


async def test_capital_y_confirms_every_automatic_member(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _merges(pilot, app)
        assert any(p.automatic for p in screen.proposals)
        await pilot.press("Y")
        await _settle(pilot, app)
        assert not any(p.automatic for p in screen.proposals)
        assert _last_edit(app) == ("split", "note:t-0006", "note:t-0002")


async def test_a_rejected_pair_never_returns(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _merges(pilot, app)
        await pilot.press("down")  # the first similar pair, below the automatic member
        question = screen.proposals[1]
        pair = frozenset((question.source, question.target))
        await pilot.press("n", "escape", "escape")
        assert not isinstance(app.screen, (PatternsScreen, MergeSuggestionsScreen))
        await pilot.press("n", *"asked for the order number once more", "enter")  # a new note
        await _settle(pilot, app)
        screen = await _merges(pilot, app)
        assert pair not in _pairs(screen)
        assert screen.proposals  # the others are still asked


async def test_yes_on_a_pair_merges_them_for_the_patterns_screen(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _merges(pilot, app)
        await pilot.press("down")
        question = screen.proposals[1]
        await pilot.press("y")
        assert _last_edit(app) == ("merge", question.source, question.target)
        await pilot.press("escape")
        patterns = app.screen
        assert isinstance(patterns, PatternsScreen) and patterns.report is not None
        merged = next(p for p in patterns.report.patterns if p.key == question.target)
        source = question.source.removeprefix("note:")
        assert source in merged.trace_ids or question.source.startswith("tag:")


async def test_promote_makes_a_tag_with_a_free_key_the_review_screen_uses(tmp_path: Path) -> None:
    app = seeded_app(tmp_path, file_first=True)  # t-0001 is filed under t-0000's note
    async with app.run_test(size=SIZE) as pilot:
        patterns = await _patterns_on(pilot, app, "note:t-0000")
        await pilot.press("t")
        await pilot.pause()
        (tag,) = taxonomy.promoted_tags(app.store)
        assert tag.name == "asked_for_the_order_number_again" and tag.key == "8"
        carrying = app.store.execute("select trace_id from tags where tag = ?", [tag.name])
        assert sorted(r[0] for r in carrying) == ["t-0000", "t-0001"]
        assert patterns.current_key() == f"tag:{tag.name}"
        assert _notices(app)[-1] == (
            "“asked for the order number again” is now the tag asked_for_the_order_number_again "
            "(hotkey 8), on 2 traces. u undoes it."
        )
        await pilot.press("escape")
        panel = app.screen.query_one(TracePanel).text
        assert "8 asked_for_the_order_number_again" in panel  # in the review screen's tag list
        await pilot.press("8")
        carrying = app.store.execute("select trace_id from tags where tag = ?", [tag.name])
        assert "t-0011" in {r[0] for r in carrying}  # the new hotkey tags the trace on screen


async def test_undo_of_a_promotion_takes_the_tag_back_everywhere(tmp_path: Path) -> None:
    app = seeded_app(tmp_path, file_first=True)
    async with app.run_test(size=SIZE) as pilot:
        await _patterns_on(pilot, app, "note:t-0000")
        await pilot.press("t", "u")
        await pilot.pause()
        assert taxonomy.promoted_tags(app.store) == []
        left = app.store.execute("select count(*) from tags where tag like 'asked%'").fetchone()
        assert left[0] == 0
        await pilot.press("escape", "8")
        assert "asked_for_the_order_number_again" not in app.screen.query_one(TracePanel).text
        tags = app.store.execute("select tag from tags where trace_id = 't-0011'").fetchall()
        assert tags == []


def _notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_at_80x24_both_labels_show_and_every_answer_says_what_it_did(
    tmp_path: Path,
) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _merges(pilot, app)
        table = screen.query_one(DataTable)
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert widths <= table.size.width  # "belongs with" is on screen, not cut off
        footer = screen.query_one(Footer)
        assert footer.virtual_size.width <= footer.size.width
        await pilot.press("y")  # the automatic member: confirmed where it is
        await _settle(pilot, app)
        assert _notices(app)[-1] == (
            "Confirmed “Made up a 30-day price-match policy!” in “made up a 30-day price match "
            "policy”: 2 of its 2 traces confirmed."
        )
        question = screen.proposals[0]
        await pilot.press("y")  # two note patterns of one trace each: merged into two
        await _settle(pilot, app)
        assert _notices(app)[-1].startswith("Merged “") and _notices(app)[-1].endswith(
            f"({question.source_count} trace) into “{question.target_label}” "
            f"({question.target_count}): now 2 traces."
        )
        status = str(screen.query_one("#merges-status", Static).render())
        assert status.startswith("Merged “") and "questions left" in status
        question = screen.proposals[0]
        await pilot.press("n")
        await _settle(pilot, app)
        assert _notices(app)[-1].startswith("Kept apart: “")
        assert _notices(app)[-1].endswith("are different failures, never asked again.")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").content)
        assert "SUGGESTED MERGES — KEYS" in text and "merges-accept-automatic" in text


async def test_an_automatic_member_is_marked_in_its_patterns_traces(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        patterns = await _patterns_on(pilot, app, "note:t-0002")
        await pilot.press("enter")
        traces = patterns.query_one("#patterns-traces", DataTable)
        notes = {str(k.value): str(traces.get_row(k)[-1]) for k in traces.rows}
        assert notes["t-0006"].startswith("auto · Made up a 30-day")
        assert not notes["t-0002"].startswith("auto")  # the reviewer's own note
        heading = str(patterns.query_one("#patterns-heading", Static).render())
        assert "1 marked auto: joined by an automatic merge, not confirmed yet" in heading
