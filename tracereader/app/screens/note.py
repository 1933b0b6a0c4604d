"""The note box: one line of open coding, with the existing patterns most like it as you type.

Enter alone keeps the note as a new open code; alt+1…5 (or F1…F5) files it under one of the
five suggestions in one key, and ↓/↑ then Enter files it under the highlighted one. Filing is
a confirmed membership (`pattern_edits.file_note`). Escape cancels. Suggestions come from the
app's `SuggestionSource`, built on a worker the first time and after every change, so a key
press only ranks (about a millisecond for 2,000 notes, see `benchmarks/note_box.py`); with
the sentence encoder of the `embeddings` extra, too slow for every key, a key ranks without
it and a 0.15 s pause ranks again with it on a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from tracereader.app.screens.line_modal import follow_cursor_blink
from tracereader.app.suggestion_source import SuggestionSource
from tracereader.sanitize import one_line

if TYPE_CHECKING:
    from tracereader.patterns.suggestions import Suggestion, SuggestionIndex

SHOWN = 5
"""How many suggestions the box lists (alt+1 … alt+5)."""
REFINE_AFTER_SECONDS = 0.15
"""A pause in typing this long ranks again with every view (the sentence encoder too)."""

HINT = (
    "Enter keeps a new open code · F1…F5 (or alt+1…5) files it under a suggestion · "
    "↓↑ then Enter files under the highlighted one · Esc cancels · empty clears the note"
)


@dataclass(frozen=True)
class NoteAnswer:
    """What the note box closed with: the text, and the pattern to file it under (if any)."""

    text: str
    file_under: Suggestion | None = None


def _file_bindings() -> list[BindingType]:
    return [
        Binding(
            f"alt+{n},f{n}",
            f"file({n - 1})",
            f"File under suggestion {n}",
            show=False,
            priority=True,  # alt+1 is also a printable 1 the input would take
            id=f"note-file-{n}",
        )
        for n in range(1, SHOWN + 1)
    ]


class NoteModal(ModalScreen[NoteAnswer | None]):
    """Edit the note of the trace on screen; dismisses with a `NoteAnswer`, or None."""

    DEFAULT_CSS = """
    NoteModal #note-suggestions { height: 5; }
    NoteModal #note-suggestions-title { height: 1; color: $text-muted; margin-top: 1; }
    NoteModal #note-hint { color: $text-muted; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note-cancel"),
        Binding("down", "move(1)", "Next suggestion", show=False, id="note-suggestion-down"),
        Binding("up", "move(-1)", "Previous suggestion", show=False, id="note-suggestion-up"),
        *_file_bindings(),
    ]

    def __init__(
        self,
        note: str = "",
        *,
        trace_id: str | None = None,
        source: SuggestionSource | None = None,
    ) -> None:
        super().__init__(id="note-modal")
        self._note = note
        self._trace_id = trace_id
        self._source = source
        self._index: SuggestionIndex | None = None
        self.shown: list[Suggestion] = []
        """The suggestions on screen, in order (alt+1 is the first)."""
        self.highlighted: int | None = None
        """The suggestion ↓/↑ picked (Enter files under it), or None (Enter keeps a new code)."""
        self._titled: str | None = None
        self._pause: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Static("Note on this trace (what went wrong, in your words)", markup=False)
            yield Input(self._note, placeholder="e.g. quoted a refund window we do not have")
            yield Static("", id="note-suggestions-title", markup=False)
            yield Static("", id="note-suggestions", markup=False)
            yield Static(HINT, id="note-hint", markup=False)

    def on_mount(self) -> None:
        follow_cursor_blink(self)
        # Ranked in the same turn as the key (not on the Changed message a turn later), so
        # the typed letter and the suggestions for it reach the screen in one frame.
        self.watch(self.query_one(Input), "value", self._typed, init=False)
        if self._source is None:
            self._title("")
            return
        self._index = self._source.ready()
        if self._index is not None:
            self._show()
        elif self._source.in_thread:
            # Rank against the last index while a fresh one is built (a note or tag since).
            self._index = self._source.latest()
            if self._index is None:
                self._title("Finding similar patterns…")
            else:
                self._show()
            self._build()
        else:
            self._ready(self._source.build())

    @work(thread=True, exclusive=True, group="note-suggestions", exit_on_error=False)
    def _build(self) -> None:
        assert self._source is not None
        index = self._source.build()
        self.app.call_from_thread(self._ready, index)

    def _ready(self, index: SuggestionIndex) -> None:
        self._index = index
        if self.is_mounted:
            self.shown = []  # counts may have changed: redraw even the same five
            self._show()

    def _title(self, text: str) -> None:
        if text != self._titled:
            self._titled = text
            # Fixed sizes (one line here, five below): a key press repaints, never lays out.
            self.query_one("#note-suggestions-title", Static).update(text, layout=False)

    def _show(self) -> None:
        """Rank the patterns for the text in the input and list the best five.

        On a key press only the instant views rank; when the index has a slower one (the
        sentence encoder), the full ranking follows once typing pauses (`_refine`).
        """
        text = self.query_one(Input).value
        index = self._index
        slow = index is not None and index.has_slow_views
        shown = (
            index.suggest(text, SHOWN, trace_id=self._trace_id, instant_only=slow) if index else []
        )
        if shown != self.shown:
            self.shown = shown
            self.highlighted = None  # typing on: Enter keeps a new open code again
            self._list()
        if index is None:
            return
        if slow and text.strip():
            if self._pause is not None:
                self._pause.stop()
            self._pause = self.set_timer(REFINE_AFTER_SECONDS, lambda: self._refine(text))
        if not index.size:
            self._title("No patterns yet: this note starts the first one.")
        elif not text.strip():
            self._title("Type to see the patterns most like your note.")
        elif not self.shown:
            self._title("Nothing similar yet: Enter keeps it as a new open code.")
        else:
            self._title("Most like it (F1…F5 or alt+1…5 files the note there):")

    @work(thread=True, exclusive=True, group="note-refine", exit_on_error=False)
    def _refine(self, text: str) -> None:
        """The full ranking of `text` (all views), off the main thread."""
        index = self._index
        if index is None:
            return
        shown = index.suggest(text, SHOWN, trace_id=self._trace_id)
        self.app.call_from_thread(self._refined, text, shown)

    def _refined(self, text: str, shown: list[Suggestion]) -> None:
        if not self.is_mounted or self.query_one(Input).value != text or shown == self.shown:
            return
        kept = self.shown[self.highlighted].key if self.highlighted is not None else None
        self.shown = shown
        keys = [s.key for s in shown]
        self.highlighted = keys.index(kept) if kept in keys else None
        self._list()

    def _typed(self, _value: str) -> None:
        self._show()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # handled by `_typed`, as the value changes

    def _list(self) -> None:
        """Draw the suggestions, the highlighted one reversed (fixed height: no layout)."""
        lines = [
            _prompt(n, s, highlighted=n - 1 == self.highlighted)
            for n, s in enumerate(self.shown, start=1)
        ]
        self.query_one("#note-suggestions", Static).update(Text("\n").join(lines), layout=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        picked = self.highlighted
        chosen = self.shown[picked] if picked is not None and picked < len(self.shown) else None
        self.dismiss(NoteAnswer(event.value, chosen if event.value.strip() else None))

    def action_file(self, number: int) -> None:
        """File the note under suggestion `number` (0-based) and close."""
        text = self.query_one(Input).value
        if number >= len(self.shown):
            self.notify("No suggestion with that number.", timeout=2, markup=False)
            return
        if not text.strip():
            self.notify("Write the note first.", timeout=2, markup=False)
            return
        self.dismiss(NoteAnswer(text, self.shown[number]))

    def action_move(self, step: int) -> None:
        """Move the highlight through the suggestions (Enter then files under it)."""
        if not self.shown:
            return
        current = self.highlighted
        if current is None:
            self.highlighted = 0 if step > 0 else len(self.shown) - 1
        else:
            moved = current + step
            self.highlighted = moved if 0 <= moved < len(self.shown) else None
        self._list()

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


def _prompt(number: int, suggestion: Suggestion, *, highlighted: bool = False) -> Text:
    """One suggestion as plain text: its number, label, count and whether it is a tag."""
    kind = " · tag" if suggestion.tag else ""
    line = Text.assemble(
        (f"{'▶' if highlighted else ' '}{number} ", "bold"),
        Text(one_line(suggestion.label, 60)),
        (f"  {suggestion.count} trace{'s' * (suggestion.count != 1)}{kind}", "dim"),
    )
    if highlighted:
        line.stylize("reverse")
    return line
