"""A one-line question in a box: Enter answers with the text, Escape cancels.

The pattern rename box and the fixed-in-release box are this, with their own words, ids and
cancel binding (the note box, which also lists suggestions, is `note.NoteModal`).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static


def follow_cursor_blink(screen: Screen[Any]) -> None:
    """Blink the screen's text cursors as the app's options say (off in snapshot tests)."""
    blink = getattr(getattr(screen.app, "options", None), "cursor_blink", True)
    for field in screen.query(Input):
        field.cursor_blink = blink


class LineModal(ModalScreen[str | None]):
    """Dismisses with the line typed (see `answer`), or None when cancelled."""

    DEFAULT_CSS = """
    LineModal { align: center middle; }
    LineModal > Vertical {
        width: 76; max-width: 95%; height: auto; border: round $accent; padding: 0 1;
        background: $surface;
    }
    """

    def __init__(
        self,
        *,
        id: str,
        title: str,
        value: str,
        hint: str,
        placeholder: str = "",
        input_id: str | None = None,
        box_id: str | None = None,
        hint_id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._title, self._value, self._hint = title, value, hint
        self._placeholder, self._input_id, self._box_id = placeholder, input_id, box_id
        self._hint_id = hint_id

    def compose(self) -> ComposeResult:
        with Vertical(id=self._box_id):
            yield Static(self._title, markup=False)
            yield Input(self._value, placeholder=self._placeholder, id=self._input_id)
            yield Static(self._hint, markup=False, id=self._hint_id)

    def on_mount(self) -> None:
        follow_cursor_blink(self)

    def answer(self, text: str) -> str | None:
        """What Enter dismisses with; the text as typed unless a subclass says otherwise."""
        return text

    def submit(self, text: str) -> None:
        """Enter was pressed: dismiss with the answer (a subclass may ask again first)."""
        self.dismiss(self.answer(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)
