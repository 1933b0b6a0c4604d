"""The patterns screen's edit keys: mark and merge, rename, split a note out, undo an edit.

Each edit is committed to SQLite at once (`tracereader.patterns.edits`), the screen regroups,
and a notice says what the edit made (a merge: both patterns' counts and the result's rate).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tracereader.app.screens.pattern_rename import RenameModal
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns import interval_text, pattern_by_key
from tracereader.sanitize import one_line
from tracereader.stats import percent

if TYPE_CHECKING:
    from tracereader.app.screens.patterns import PatternsScreen


def _say(screen: PatternsScreen, message: str, timeout: float = 3) -> None:
    screen.notify(message, timeout=timeout, markup=False)


def edit(screen: PatternsScreen, write: Callable[[], object], keep: str | None) -> bool:
    """Store one edit and regroup; an edit that cannot be stored says why."""
    try:
        write()
    except pattern_edits.PatternEditError as exc:
        screen.notify(str(exc), severity="error", markup=False)
        return False
    screen.reload(keep)
    return True


def mark(screen: PatternsScreen) -> None:
    """Mark the pattern under the cursor to merge it into another one (M), or unmark it."""
    key = screen.current_key()
    if key is None:
        return
    screen.marked = None if screen.marked == key else key
    if screen.opened is None:
        screen.redraw(key)
    pattern = screen.pattern(key)
    shown = one_line(pattern.label if pattern is not None else key, 60)
    message = (
        f"Marked {shown}: move to another pattern and press M" if screen.marked else "Unmarked"
    )
    _say(screen, message)


def merge(screen: PatternsScreen) -> None:
    """Merge the marked pattern into the one under the cursor, and say what that made."""
    target = screen.current_key()
    if screen.marked is None or target is None:
        _say(screen, "Mark a pattern with m first.")
        return
    if target == screen.marked:
        _say(screen, "Move to the pattern to merge into.")
        return
    source, screen.marked = screen.marked, None
    before_source, before_target = screen.pattern(source), screen.pattern(target)
    who = screen.settings.reviewer_name
    if not edit(
        screen, lambda: pattern_edits.merge(screen.store, source, target, reviewer=who), target
    ):
        return
    merged = pattern_by_key(screen.view.report.patterns, target) if screen.view else None
    if before_source is None or before_target is None or merged is None:
        _say(screen, "Merged.")
        return
    _say(
        screen,
        f"Merged “{one_line(before_source.label, 40)}” ({before_source.count} traces) into "
        f"“{one_line(before_target.label, 40)}” ({before_target.count}): now "
        f"{merged.count} traces, {percent(merged.rate)} (95% CI {interval_text(merged)})."
        " u undoes it.",
        timeout=6,
    )


def rename(screen: PatternsScreen) -> None:
    """Ask for a new label for the pattern under the cursor."""
    key = screen.current_key()
    pattern = screen.pattern(key)
    if key is None or pattern is None:
        return
    who = screen.settings.reviewer_name

    def done(label: str | None) -> None:
        if label is None:
            return
        if edit(screen, lambda: pattern_edits.rename(screen.store, key, label, reviewer=who), key):
            shown = f"“{one_line(label, 40)}”" if label.strip() else "its default label"
            _say(screen, f"Renamed “{one_line(pattern.label, 40)}” to {shown}.")

    screen.app.push_screen(RenameModal(pattern.label), done)


def split(screen: PatternsScreen) -> None:
    """Move the note of the trace under the cursor out of the listed pattern."""
    trace_id = screen.current_trace()
    pattern = screen.pattern(screen.opened)
    if trace_id is None or pattern is None:
        screen.notify("Open a pattern (Enter) and pick a note to split out.", markup=False)
        return
    if trace_id not in pattern.note_ids:
        _say(screen, "This trace is here by its tag, not a note.")
        return
    who = screen.settings.reviewer_name
    if edit(screen, lambda: pattern_edits.split(screen.store, trace_id, reviewer=who), None):
        _say(
            screen,
            f"Moved the note of {trace_id} out of “{one_line(pattern.label, 40)}” into a "
            f"pattern of its own ({pattern.count - 1} traces left).",
            timeout=4,
        )


def undo(screen: PatternsScreen) -> None:
    """Undo the most recent pattern edit, and say which."""
    undone = pattern_edits.undo_last(screen.store, reviewer=screen.settings.reviewer_name)
    if undone is not None and undone.kind == "promote":
        changed = getattr(screen.app, "taxonomy_changed", None)
        if changed is not None:
            changed()  # the promoted tag leaves the review screen's tag list
    what = f"Undid the {undone.kind} of {undone.key}." if undone else "No edit to undo."
    screen.notify(what, markup=False)
    screen.reload(screen.current_key())
