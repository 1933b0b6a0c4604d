"""The rename box of the patterns screen: one line, Enter saves, Escape cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from tracereader.app.screens.line_modal import LineModal


class RenameModal(LineModal):
    """Ask for a pattern's new label; dismisses with the text, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="rename-cancel")
    ]

    def __init__(self, label: str) -> None:
        super().__init__(
            id="rename-modal",
            title="New label for this pattern",
            value=label,
            hint="Enter saves · Escape cancels · empty restores the default",
            input_id="rename-input",
        )
