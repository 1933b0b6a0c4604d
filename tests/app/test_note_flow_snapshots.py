"""Snapshots of the note box with its suggestions and of the suggested merges (fixed data)."""

from __future__ import annotations

from pathlib import Path

from note_flow_support import seeded_app

SIZE = (100, 30)


async def _settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_note_box_with_suggestions(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("n")
        await _settled(pilot)
        await pilot.press(*"invented a price match policy", "down")
        await _settled(pilot)

    assert snap_compare(seeded_app(tmp_path), run_before=run_before, terminal_size=SIZE)


def test_suggested_merges(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("p")
        await _settled(pilot)  # the patterns load on a worker; g asks about what they hold
        await pilot.press("g")
        await _settled(pilot)

    assert snap_compare(seeded_app(tmp_path), run_before=run_before, terminal_size=SIZE)
