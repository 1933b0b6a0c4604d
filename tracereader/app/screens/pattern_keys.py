"""Two keys of the patterns screen: `g` opens the suggested merges, `t` makes a note pattern a tag.

They join the screen through its extension points (`PATTERNS_BINDINGS`, `EXTRA_ACTIONS`), so
the screen's own file only calls `register`. Promoting tags the pattern's confirmed traces,
adds the tag with the first free hotkey to the review screen's tag list (the app's
`taxonomy_changed`), and is undone by the screen's `u`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

from tracereader.app.bindings import review_keys
from tracereader.patterns import PromoteError, promote, promoted_text, with_promoted
from tracereader.sanitize import one_line

if TYPE_CHECKING:
    from tracereader.app.screens.patterns import PatternsScreen


def open_merges(screen: PatternsScreen) -> None:
    """Show the suggested merges; back on the patterns, regroup."""
    from tracereader.app.screens.merge_suggestions import MergeSuggestionsScreen

    keep = screen.current_key()
    screen.app.push_screen(
        MergeSuggestionsScreen(screen.store, screen.settings), lambda _: screen.reload(keep)
    )


def promote_current(screen: PatternsScreen) -> None:
    """Turn the note pattern under the cursor into a taxonomy tag with a free hotkey."""
    pattern = screen.current_pattern()
    if pattern is None:
        return
    settings = with_promoted(screen.settings, screen.store)
    try:
        tag = promote(
            screen.store,
            settings,
            pattern,
            reserved=review_keys(settings),
            reviewer=settings.reviewer_name,
        )
    except PromoteError as exc:
        screen.notify(str(exc), severity="warning", markup=False)
        return
    changed = getattr(screen.app, "taxonomy_changed", None)
    if changed is not None:
        changed()
    screen.settings = with_promoted(screen.settings, screen.store)
    screen.reload(f"tag:{tag.name}")
    said = promoted_text(screen.store, f"“{one_line(pattern.label, 50)}”", tag)
    screen.notify(f"{said} u undoes it.", timeout=6, markup=False)


def register(
    bindings: list[BindingType], actions: dict[str, Callable[[PatternsScreen], object]]
) -> None:
    """Add the two keys to the patterns screen's bindings and actions."""
    actions["merges"] = open_merges
    actions["promote"] = promote_current
    bindings.extend(
        [
            Binding("g", "extra('merges')", "Merges?", id="patterns-merges"),
            Binding("t", "extra('promote')", "Make tag", id="patterns-promote"),
        ]
    )
