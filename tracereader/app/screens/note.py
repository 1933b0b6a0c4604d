"""The note editor: one line of open coding; Enter saves, Escape cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NoteModal(ModalScreen[str | None]):
    """Edit the free-text note of the trace on screen; dismisses with the text or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note-cancel")
    ]

    def __init__(self, note: str = "") -> None:
        super().__init__(id="note-modal")
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Static("Note on this trace (what went wrong, in your words)", markup=False)
            yield Input(self._note, placeholder="e.g. quoted a refund window we do not have")
            yield Static("Enter saves · Escape cancels · an empty note clears it", markup=False)

    def on_mount(self) -> None:
        blink = getattr(getattr(self.app, "options", None), "cursor_blink", True)
        for field in self.query(Input):
            field.cursor_blink = blink

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
