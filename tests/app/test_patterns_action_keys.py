"""Pilot tests of the patterns screen's export (`x`) and fixed-in-release (`f`) keys.

Assertions are on the file written and on the store, as the style guide asks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import settle
from exportcmp_data import build, two_release_rows
from textual.app import App
from textual.widgets import DataTable, Input, Static

from tracereader import actions
from tracereader.app.screens.action_keys import ExportModal, ReleaseModal
from tracereader.app.screens.patterns import PatternsScreen
from tracereader.config import Settings, load_settings
from tracereader.export import render
from tracereader.store import Store


class Host(App[None]):
    """A minimal host showing the patterns screen, as the review app does."""

    def __init__(self, store: Store, settings: Settings) -> None:
        super().__init__()
        self.store = store
        self.settings = settings

    def on_mount(self) -> None:
        self.push_screen(PatternsScreen(self.store, self.settings))


@pytest.fixture
def seeded(tmp_path: Path) -> Store:
    store = build(tmp_path / "db.sqlite", two_release_rows((12, 40), (1, 40)))
    yield store
    store.close()


def _fix_cell(screen: PatternsScreen, key: str) -> str:
    table = screen.query_one("#patterns-table", DataTable)
    return str(table.get_row(key)[-1])


async def test_x_asks_where_and_never_replaces_a_file_silently(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cwd"
    out.mkdir()
    monkeypatch.chdir(out)
    settings = load_settings(create=False)
    app = Host(seeded, settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PatternsScreen)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        written = out / "tracereader-actions.md"
        assert app.screen.query_one("#export-path", Input).value == str(written)
        await pilot.press("enter")
        await pilot.pause()
        assert written.read_text(encoding="utf-8") == render(seeded, settings, "md")
        messages = [n.message for n in app._notifications]
        assert any(str(written.resolve()) in m and "action item" in m for m in messages)
        # A second export to the same file asks before replacing it.
        written.write_text("my own notes", encoding="utf-8")
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        hint = str(app.screen.query_one("#export-hint", Static).render())
        assert "exists: Enter again replaces it" in hint
        assert written.read_text(encoding="utf-8") == "my own notes"
        await pilot.press("enter")
        await pilot.pause()
        assert written.read_text(encoding="utf-8") == render(seeded, settings, "md")
        # Another name, another format: JSON by its extension.
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(out / "items.json")
        await pilot.press("enter")
        await pilot.pause()
        assert (out / "items.json").read_text(encoding="utf-8") == render(seeded, settings, "json")


async def test_f_marks_the_highlighted_pattern_fixed(seeded: Store) -> None:
    settings = load_settings(create=False)
    app = Host(seeded, settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatternsScreen)
        assert _fix_cell(screen, "tag:wrong_tool") == "open"
        # Escape cancels: nothing is stored.
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ReleaseModal)
        await pilot.press("escape")
        await pilot.pause()
        assert actions.states(seeded) == {}
        # Enter accepts the suggested release (the newest one).
        await pilot.press("f")
        await pilot.pause()
        assert app.screen.query_one("#release-input", Input).value == "v2"
        await pilot.press("enter")
        await pilot.pause()
        item = actions.states(seeded)["tag:wrong_tool"]
        assert (item.state, item.release) == ("fixed", "v2")
        assert isinstance(app.screen, PatternsScreen)
        assert _fix_cell(app.screen, "tag:wrong_tool") == "fixed v2"
