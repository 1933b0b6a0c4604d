"""The patterns screen's export and fixed-in-release keys, and its column of fix states.

Kept apart from the patterns screen so that screen only binds the keys: `x` writes the
Markdown action items to a file and says where; `f` asks for a release and records that the
highlighted pattern's fix ships in it (committed at once).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from tracereader import actions, locations
from tracereader.app.screens.line_modal import LineModal
from tracereader.compare import known_releases
from tracereader.export import ExportError, export_to_file

if TYPE_CHECKING:
    from tracereader.app.screens.patterns import PatternsScreen

FIX_STYLES = {
    actions.OPEN: "dim",
    actions.FIXED: "yellow",
    actions.VALIDATED: "green",
    actions.NOT_VALIDATED: "red",
}


class ReleaseModal(LineModal):
    """Ask for the release that ships a pattern's fix; dismisses with it, or None."""

    DEFAULT_CSS = """
    ReleaseModal { align: center middle; }
    ReleaseModal > Vertical { width: 70; height: auto; border: round $accent; padding: 0 1;
                              background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="release-cancel")
    ]

    def __init__(self, label: str, suggestion: str = "") -> None:
        super().__init__(
            id="release-modal",
            title=f"Fixed in which release? ({label})",
            value=suggestion,
            placeholder="e.g. v1.5",
            hint="Enter saves · Escape cancels",
            input_id="release-input",
        )

    def answer(self, text: str) -> str | None:
        return text.strip() or None


def fix_cell(item: actions.ActionItem | None) -> Text:
    """The table cell for a pattern's action item: `open`, `fixed v1.5`, `✓ v1.5`, `✗ v1.5`."""
    if item is None or item.state == actions.OPEN:
        return Text("open", style=FIX_STYLES[actions.OPEN])
    mark = {actions.FIXED: "fixed", actions.VALIDATED: "✓", actions.NOT_VALIDATED: "✗"}
    return Text(f"{mark.get(item.state, item.state)} {item.release or ''}".strip(),
                style=FIX_STYLES.get(item.state, ""))  # fmt: skip


def fix_state(screen: PatternsScreen, pattern: Any) -> Text:
    """The fix-state cell for one row of the patterns table."""
    stored = actions.states(screen.store)
    return fix_cell(actions.item_for(stored, actions.held_keys(pattern)))


def export_folder() -> Path:
    """Where the app writes exports: the current folder, else the data folder."""
    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    folder = locations.data_dir()
    locations.ensure_private_dir(folder)
    return folder


def export_action_items(screen: PatternsScreen) -> Path | None:
    """Write the Markdown action items (replacing an earlier export) and say where."""
    try:
        path = export_to_file(screen.store, screen.settings, export_folder(), "md", force=True)
    except (ExportError, OSError) as exc:
        screen.notify(f"Export failed: {exc}", severity="error", markup=False)
        return None
    screen.notify(f"Action items exported to {path}", timeout=6, markup=False)
    return path


def ask_fixed_release(screen: PatternsScreen, key: str | None, label: str) -> None:
    """Ask for a release, then mark the pattern fixed in it and redraw."""
    if key is None:
        return
    releases = known_releases(screen.store)
    suggestion = releases[-1] if releases else ""

    def done(release: str | None) -> None:
        if not release:
            return
        try:
            item = actions.mark_fixed(screen.store, key, release, settings=screen.settings)
        except actions.ActionError as exc:
            screen.notify(str(exc), severity="error", markup=False)
            return
        command = (
            f"tracereader compare --pattern {shlex.quote(item.label)} "
            f"--release-after {shlex.quote(item.release or '')}"
        )
        screen.notify(
            f"{item.label}: fixed in {item.release}. Validate with: {command}",
            timeout=8,
            markup=False,
        )
        screen.reload(key)

    screen.app.push_screen(ReleaseModal(label, suggestion), done)
