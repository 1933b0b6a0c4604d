"""The queue filter: text, trace id, note, tag, release, model and dates; Enter applies.

Text search covers what the user and the assistant said (the system prompt repeats in every
trace and tool JSON is noise); both can be added with a switch. A value that names nothing
(an unknown tag, release or model) is answered with the known ones instead of an empty queue.
Every switch says yes or no in words, so it reads the same without colour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

from tracereader.app.screens.line_modal import follow_cursor_blink
from tracereader.review import QueueFilter

FIELDS = (
    ("text", "Text said"),
    ("trace_id", "Trace id"),
    ("note", "Your note"),
    ("tag", "Tag"),
    ("release", "Release"),
    ("model", "Model"),
    ("since", "Since"),
    ("until", "Until"),
)
PLACEHOLDERS = {
    "text": "words the user or the assistant said",
    "trace_id": "part of an id",
    "note": "words in a note you wrote (includes reviewed traces)",
    "tag": "a tag name (includes reviewed traces)",
    "since": "YYYY-MM-DD",
    "until": "YYYY-MM-DD, inclusive",
}
SWITCHES = (
    ("text_in_system", "Text search includes the system prompt"),
    ("text_in_tools", "Text search includes tool calls and results"),
    ("include_reviewed", "Include traces already reviewed"),
)


class Switch(Checkbox, inherit_bindings=False):
    """A checkbox that says `yes`/`no` in its label and toggles with space only.

    Enter belongs to the filter (it applies); Textual's checkbox toggled on Enter too, so
    pressing Enter on it undid the choice it was meant to confirm.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", "Toggle", show=False),
    ]

    def __init__(self, text: str, value: bool, *, id: str) -> None:
        self._text = text
        super().__init__(self._words(value), value, id=id, compact=True)

    def _words(self, value: bool) -> str:
        return f"{self._text}: {'YES' if value else 'no'}"

    def watch_value(self) -> None:
        super().watch_value()
        self.label = self._words(self.value)


class FilterModal(ModalScreen[QueueFilter | None]):
    """Edit the queue filter; dismisses with the new filter, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="filter-cancel"),
        Binding("enter", "apply", "Apply", id="filter-apply", priority=True),
        Binding("ctrl+r", "clear", "Clear all", id="filter-clear"),
    ]
    DEFAULT_CSS = """
    FilterModal #filter-box Horizontal { height: 1; }
    FilterModal #filter-box Label { width: 11; }
    FilterModal #filter-box Input { width: 1fr; }
    FilterModal #filter-error { color: $error; text-style: bold; height: auto; }
    """

    def __init__(
        self, current: QueueFilter, check: Callable[[QueueFilter], list[str]] | None = None
    ) -> None:
        super().__init__(id="filter-modal")
        self._current = current
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-box"):
            yield Static("Filter the queue (empty fields do not filter)", markup=False)
            for name, label in FIELDS:
                value = getattr(self._current, name)
                text = value.isoformat() if isinstance(value, date) else (value or "")
                with Horizontal():
                    yield Label(label, markup=False)
                    yield Input(
                        text,
                        id=f"filter-{name.replace('_', '-')}",
                        compact=True,
                        placeholder=PLACEHOLDERS.get(name, ""),
                    )
            for name, label in SWITCHES:
                yield Switch(
                    label, getattr(self._current, name), id=f"filter-{name.replace('_', '-')}"
                )
            yield Static("", id="filter-error", markup=False)
            yield Static(
                "Enter applies · Escape cancels · ctrl+r clears · tab moves · space toggles",
                markup=False,
            )

    def _value(self, name: str) -> str | None:
        return self.query_one(f"#filter-{name.replace('_', '-')}", Input).value.strip() or None

    def _switch(self, name: str) -> bool:
        return self.query_one(f"#filter-{name.replace('_', '-')}", Switch).value

    def on_mount(self) -> None:
        follow_cursor_blink(self)

    def _error(self, lines: list[str]) -> None:
        self.query_one("#filter-error", Static).update(Text("\n".join(lines)))

    def action_apply(self) -> None:
        """Check the values and apply the filter (unknown values are answered, not applied)."""
        dates: dict[str, date | None] = {}
        for name in ("since", "until"):
            raw = self._value(name)
            try:
                dates[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                self._error([f"{name}: write the date as YYYY-MM-DD"])
                return
        new = QueueFilter(
            text=self._value("text"),
            trace_id=self._value("trace_id"),
            note=self._value("note"),
            tag=self._value("tag"),
            release=self._value("release"),
            model=self._value("model"),
            since=dates["since"],
            until=dates["until"],
            include_reviewed=self._switch("include_reviewed"),
            text_in_system=self._switch("text_in_system"),
            text_in_tools=self._switch("text_in_tools"),
        )
        problems = self._check(new) if self._check is not None else []
        if problems:
            self._error(problems)
            return
        self.dismiss(new)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def action_clear(self) -> None:
        """Empty every field."""
        for name, _label in FIELDS:
            self.query_one(f"#filter-{name.replace('_', '-')}", Input).value = ""
        for name, _label in SWITCHES:
            self.query_one(f"#filter-{name.replace('_', '-')}", Switch).value = False
        self._error([])

    def action_cancel(self) -> None:
        """Close without changing the filter."""
        self.dismiss(None)
