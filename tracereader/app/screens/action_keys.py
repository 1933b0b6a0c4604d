"""The patterns screen's fix loop keys: `x` export, `f` fixed in a release, `c` compare.

`x` asks where to write (and asks again before replacing a file); `f` records the release
that ships the highlighted pattern's fix; `c` runs the proportions test across that release
in a worker (scipy.stats takes a second to import) and records the verdict, so a validated
fix leaves the open list where the pattern is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Static

from tracereader import actions, locations
from tracereader.app.screens.line_modal import LineModal
from tracereader.compare import CompareError, known_releases
from tracereader.export import ExportError, build_report, default_filename, export_to_file

if TYPE_CHECKING:
    from tracereader.app.screens.patterns import PatternsScreen
    from tracereader.patterns import Pattern

FIX_STYLES = {
    actions.OPEN: "dim",
    actions.FIXED: "yellow",
    actions.VALIDATED: "green",
    actions.NOT_VALIDATED: "red",
}
FORMATS = {".md": "md", ".json": "json", ".csv": "csv"}


class ReleaseModal(LineModal):
    """Ask for the release that ships a pattern's fix; dismisses with it, or None."""

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


class ExportModal(LineModal):
    """Ask for the file the action items go to; an existing file needs a second Enter."""

    DEFAULT_CSS = """
    ExportModal > Vertical { width: 90; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export-cancel")
    ]
    HINT = "Enter writes (.md, .json or .csv) · Escape cancels"

    def __init__(self, suggestion: str) -> None:
        super().__init__(
            id="export-modal",
            title="Write the action items to which file?",
            value=suggestion,
            placeholder="tracereader-actions.md",
            hint=self.HINT,
            input_id="export-path",
            hint_id="export-hint",
        )
        self._confirmed: str | None = None

    def submit(self, text: str) -> None:
        """Write where asked; an existing file is replaced only on a second Enter."""
        value = text.strip()
        if not value:
            return
        target = Path(value).expanduser()
        if target.is_dir():
            target = target / default_filename("md")
        if target.exists() and self._confirmed != str(target):
            self._confirmed = str(target)
            self.query_one("#export-hint", Static).update(
                Text(f"{target} exists: Enter again replaces it, or change the name.")
            )
            return
        self.dismiss(str(target))


def fix_cell(item: actions.ActionItem | None) -> Text:
    """The table cell for a pattern's action item: `open`, `fixed v1.5`, `✓ v1.5`, `✗ v1.5`."""
    if item is None or item.state == actions.OPEN:
        return Text("open", style=FIX_STYLES[actions.OPEN])
    mark = {actions.FIXED: "fixed", actions.VALIDATED: "✓", actions.NOT_VALIDATED: "✗"}
    return Text(f"{mark.get(item.state, item.state)} {item.release or ''}".strip(),
                style=FIX_STYLES.get(item.state, ""))  # fmt: skip


def export_folder() -> Path:
    """Where the app suggests writing exports: the current folder, else the data folder."""
    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    folder = locations.data_dir()
    locations.ensure_private_dir(folder)
    return folder


def ask_export(screen: PatternsScreen) -> None:
    """Ask where to write the action items, then write them and say what and where."""
    suggestion = str(export_folder() / default_filename("md"))

    def done(path: str | None) -> None:
        if path is None:
            return
        fmt = FORMATS.get(Path(path).suffix.lower(), "md")
        try:
            written = export_to_file(screen.store, screen.settings, path, fmt, force=True)
        except (ExportError, OSError) as exc:
            screen.notify(f"Export failed: {exc}", severity="error", markup=False)
            return
        report = build_report(screen.store, screen.settings)
        validated = sum(item.state.state == actions.VALIDATED for item in report.items)
        screen.notify(
            f"Wrote {len(report.items)} action item(s) ({len(report.items) - validated} open or "
            f"fixed, {validated} validated) as {fmt} to {written}",
            timeout=8,
            markup=False,
        )

    screen.app.push_screen(ExportModal(suggestion), done)


def ask_fixed_release(screen: PatternsScreen, pattern: Pattern) -> None:
    """Ask for a release, then mark the pattern fixed in it and redraw.

    The suggestion is the newest release with reviewed traces (so `c` can test it at once),
    else the newest release seen.
    """
    reviewed = [r.release for r in pattern.by_release if r.release is not None]
    releases = reviewed or known_releases(screen.store)
    suggestion = releases[-1] if releases else ""

    def done(release: str | None) -> None:
        if not release:
            return
        try:
            item = actions.mark_fixed(screen.store, pattern.key, release, settings=screen.settings)
        except actions.ActionError as exc:
            screen.notify(str(exc), severity="error", markup=False)
            return
        screen.notify(
            f"{item.label}: fixed in {item.release}. Once its traces are reviewed, c tests it.",
            timeout=8,
            markup=False,
        )
        screen.reload(pattern.key)

    screen.app.push_screen(ReleaseModal(pattern.label, suggestion), done)


def compare_message(label: str, verdict: str, item: actions.ActionItem | None) -> str:
    """What `c` says: the verdict, and what was recorded."""
    if item is None:
        return f"{label}: {verdict}. Not recorded: no fix is on record (f records one)."
    judged = "validated" if item.state == actions.VALIDATED else "not validated"
    return f"{label}: {verdict}. Recorded: fix in {item.release} {judged}."


def compare_failed(error: Exception) -> str:
    """The one line `c` shows when no comparison can be run."""
    if isinstance(error, CompareError):
        return f"Cannot compare: {error}"
    return f"Compare failed: {error}"
