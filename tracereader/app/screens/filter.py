"""The queue filter: content text, tag, release, model and a date range; Enter applies."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

from tracereader.app.screens.line_modal import follow_cursor_blink
from tracereader.queue import QueueFilter

FIELDS = (
    ("text", "Text in the conversation"),
    ("tag", "Tag (includes reviewed traces)"),
    ("release", "Release"),
    ("model", "Model"),
    ("since", "Since (YYYY-MM-DD)"),
    ("until", "Until (YYYY-MM-DD, inclusive)"),
)


class FilterModal(ModalScreen[QueueFilter | None]):
    """Edit the queue filter; dismisses with the new filter, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="filter-cancel"),
        Binding("ctrl+r", "clear", "Clear all", id="filter-clear"),
    ]

    def __init__(self, current: QueueFilter) -> None:
        super().__init__(id="filter-modal")
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-box"):
            yield Static("Filter the queue (empty fields do not filter)", markup=False)
            for name, label in FIELDS:
                value = getattr(self._current, name)
                text = value.isoformat() if isinstance(value, date) else (value or "")
                yield Label(label, markup=False)
                yield Input(text, id=f"filter-{name}", compact=True)
            yield Checkbox(
                "Include reviewed traces",
                self._current.include_reviewed,
                id="filter-include-reviewed",
            )
            yield Static("Enter applies · Escape cancels · ctrl+r clears", markup=False)

    def _value(self, name: str) -> str | None:
        return self.query_one(f"#filter-{name}", Input).value.strip() or None

    def on_mount(self) -> None:
        follow_cursor_blink(self)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        dates: dict[str, date | None] = {}
        for name in ("since", "until"):
            raw = self._value(name)
            try:
                dates[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                self.notify(f"{name}: write the date as YYYY-MM-DD", severity="error")
                return
        self.dismiss(
            QueueFilter(
                text=self._value("text"),
                tag=self._value("tag"),
                release=self._value("release"),
                model=self._value("model"),
                since=dates["since"],
                until=dates["until"],
                include_reviewed=self.query_one("#filter-include-reviewed", Checkbox).value,
            )
        )

    def action_clear(self) -> None:
        """Empty every field."""
        for name, _label in FIELDS:
            self.query_one(f"#filter-{name}", Input).value = ""
        self.query_one("#filter-include-reviewed", Checkbox).value = False

    def action_cancel(self) -> None:
        """Close without changing the filter."""
        self.dismiss(None)
