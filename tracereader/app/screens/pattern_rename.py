"""The rename box of the patterns screen: one line, Enter saves, Escape cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class RenameModal(ModalScreen[str | None]):
    """Ask for a pattern's new label; dismisses with the text, or None when cancelled."""

    DEFAULT_CSS = """
    RenameModal { align: center middle; }
    RenameModal > Vertical { width: 70; height: auto; border: round $accent; padding: 0 1;
                             background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="rename-cancel")
    ]

    def __init__(self, label: str) -> None:
        super().__init__(id="rename-modal")
        self._label = label

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("New label for this pattern", markup=False)
            yield Input(self._label, id="rename-input")
            yield Static("Enter saves · Escape cancels · empty restores the default", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without renaming."""
        self.dismiss(None)
