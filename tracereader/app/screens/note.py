"""The note editor: one line of open coding; Enter saves, Escape cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from tracereader.app.screens.line_modal import LineModal


class NoteModal(LineModal):
    """Edit the free-text note of the trace on screen; dismisses with the text or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note-cancel")
    ]

    def __init__(self, note: str = "") -> None:
        super().__init__(
            id="note-modal",
            title="Note on this trace (what went wrong, in your words)",
            value=note,
            placeholder="e.g. quoted a refund window we do not have",
            hint="Enter saves · Escape cancels · an empty note clears it",
            box_id="note-box",
        )
