"""The notes you wrote, newest first: Enter reads them one by one, outside the queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tracereader.app.widgets.row_table import RowTable
from tracereader.review import Walk, WrittenNote, written_notes
from tracereader.sanitize import one_line
from tracereader.timeutil import local_text

if TYPE_CHECKING:
    from tracereader.app.app import TraceReaderApp

NOTES_BINDINGS: list[BindingType] = [
    Binding("escape", "close", "Back", id="notes-back"),
    Binding("j", "cursor(1)", "Down", id="notes-down", show=False),
    Binding("k", "cursor(-1)", "Up", id="notes-up", show=False),
    Binding("question_mark", "help", "Keys", id="notes-help", key_display="?"),
]


class NotesScreen(Screen[None]):
    """Every note this reviewer left, with its trace, verdict and tags."""

    AUTO_FOCUS = "#notes-table"
    BINDINGS: ClassVar[list[BindingType]] = NOTES_BINDINGS
    DEFAULT_CSS = """
    NotesScreen #notes-title { height: auto; padding: 0 1; background: $boost; }
    NotesScreen #notes-table { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__(id="notes-list")
        self.notes: list[WrittenNote] = []

    @property
    def tr_app(self) -> TraceReaderApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("", id="notes-title", markup=False)
        yield RowTable(id="notes-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        app = self.tr_app
        self.notes = written_notes(app.store, app.session.reviewer)
        zone = app.settings.timezone
        table = self.query_one(DataTable)
        table.add_columns(f"reviewed ({zone})", "trace", "verdict, tags", "note")
        for note in self.notes:
            judged = ", ".join([note.verdict or "no verdict", *note.tags])
            table.add_row(
                Text(local_text(note.reviewed_at, zone)),
                Text(one_line(note.trace_id, 24)),
                Text(one_line(judged, 30)),
                Text(one_line(note.note, 80)),
                key=note.trace_id,
            )
        title = (
            f"Your notes: {len(self.notes)}, newest first · Enter reads them one by one "
            "(j/k step, Esc comes back) · Escape returns"
            if self.notes
            else "You have not written a note yet: n on a trace writes one."
        )
        self.query_one("#notes-title", Static).update(Text(title))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        ids = [note.trace_id for note in self.notes]
        trace_id = str(event.row_key.value)
        self.dismiss()
        self.tr_app.open_walk(Walk("your notes", ids, ids.index(trace_id), None))

    def action_cursor(self, step: int) -> None:
        """j/k move the cursor."""
        table = self.query_one(DataTable)
        (table.action_cursor_down if step > 0 else table.action_cursor_up)()

    def action_help(self) -> None:
        """This screen's keys."""
        from tracereader.app.screens.help import screen_help

        notes = ("Enter: read the notes' traces one by one in the review screen.",)
        self.app.push_screen(screen_help(self.app, "Your notes", NOTES_BINDINGS, notes))

    def action_close(self) -> None:
        """Back to reviewing."""
        self.dismiss()
