"""Snapshots of the note box with its suggestions and of the suggested merges (fixed data)."""

from __future__ import annotations

from pathlib import Path

from app_helpers import settle, settle_until
from note_flow_support import seeded_app

from tracereader.app.screens.merge_suggestions import MergeSuggestionsScreen
from tracereader.app.screens.note import NoteModal
from tracereader.app.screens.patterns import PatternsScreen

SIZE = (100, 30)


def test_note_box_with_suggestions(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"invented a price match policy")
        # the suggestions rank against an index built on a worker
        await settle_until(
            pilot,
            lambda: isinstance(pilot.app.screen, NoteModal) and bool(pilot.app.screen.shown),
            "the note's suggestions",
        )
        await pilot.press("down")
        await settle_until(
            pilot,
            lambda: pilot.app.screen.highlighted is not None,
            "the first suggestion highlighted",
        )

    assert snap_compare(seeded_app(tmp_path), run_before=run_before, terminal_size=SIZE)


def test_suggested_merges(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("p")
        # the patterns load on a worker; g asks about what they hold
        await settle_until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, PatternsScreen) and pilot.app.screen.view is not None
            ),
            "the patterns",
        )
        await pilot.press("g")
        await settle_until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, MergeSuggestionsScreen)
                and bool(pilot.app.screen.proposals)
            ),
            "the suggested merges",
        )

    assert snap_compare(seeded_app(tmp_path), run_before=run_before, terminal_size=SIZE)
