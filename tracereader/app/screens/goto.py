"""Go to a trace by its id: a one-line box (Enter goes, Escape cancels)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from tracereader.app.screens.line_modal import LineModal


class GotoModal(LineModal):
    """Ask for a trace id or its start; dismisses with the text, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="goto-cancel")
    ]

    def __init__(self) -> None:
        super().__init__(
            id="goto-modal",
            title="Go to which trace? (its id, or the start of it)",
            value="",
            placeholder="e.g. acme-t20826",
            hint="Enter opens it outside the queue (Esc comes back) · Escape cancels",
            input_id="goto-input",
        )

    def answer(self, text: str) -> str | None:
        return text.strip() or None
