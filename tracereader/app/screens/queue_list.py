"""The queue as a table: filter, sort, mark several traces and tag them at once, open one."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from tracereader.app.bindings import add_tag_bindings
from tracereader.app.render_panel import feedback_label
from tracereader.app.widgets.row_table import RowTable
from tracereader.review import QueueRow, queue_rows
from tracereader.sanitize import one_line

if TYPE_CHECKING:
    from tracereader.app.app import TraceReaderApp
    from tracereader.config import Settings

MAX_ROWS = 5000
COLUMNS = (
    ("mark", "✓"),
    ("time", "time (UTC)"),
    ("release", "release"),
    ("feedback", "feedback"),
    ("signals", "signals"),
    ("tags", "tags"),
    ("first", "first user line"),
)


def _sort_value(row: QueueRow, column: str) -> str | float:
    if column == "time":
        return row.timestamp
    if column == "release":
        return row.release or ""
    if column == "feedback":
        return row.feedback_score if row.feedback_score is not None else 2.0
    if column == "signals":
        return -len(row.signals)
    if column == "tags":
        return ",".join(row.tags)
    return row.first_user_line.lower()


class QueueListScreen(Screen[str | None]):
    """The queue as a list; dismisses with the trace to open, or None."""

    AUTO_FOCUS = "#list-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="list-back"),
        Binding("m,space", "mark", "Mark", id="list-mark", key_display="m"),
        Binding("slash", "find", "Filter", id="list-filter", key_display="/"),
        Binding("o", "sort_next", "Sort", id="list-sort"),
    ]

    def __init__(self, settings: Settings) -> None:
        super().__init__(id="queue-list")
        add_tag_bindings(self._bindings, settings, "bulk_tag")
        self.marked: set[str] = set()
        self._rows: list[QueueRow] = []
        self._sort = "queue"
        self._reverse = False
        self._shown = 0

    @property
    def tr_app(self) -> TraceReaderApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("", id="list-title", markup=False)
        yield Input(placeholder="type to filter rows (Enter returns to the table)", id="list-find")
        yield RowTable(id="list-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        self.load()
        table.focus()

    def load(self) -> None:
        """Read the queue's rows from the store and show them."""
        session = self.tr_app.session
        ids = session.ids[:MAX_ROWS]
        self._rows = queue_rows(session.store, ids)
        self._fill()

    def _visible_rows(self) -> list[QueueRow]:
        needle = self.query_one("#list-find", Input).value.strip().lower()
        rows = self._rows
        if needle:
            rows = [
                r
                for r in rows
                if needle in r.first_user_line.lower()
                or needle in " ".join(r.tags).lower()
                or needle in (r.release or "").lower()
                or needle in " ".join(r.signals).lower()
            ]
        if self._sort != "queue":
            rows = sorted(rows, key=lambda r: _sort_value(r, self._sort), reverse=self._reverse)
        return rows

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        cursor_key = self._cursor_trace()
        table.clear()
        rows = self._visible_rows()
        for row in rows:
            table.add_row(*self._cells(row), key=row.trace_id)
        if cursor_key is not None and cursor_key in {r.trace_id for r in rows}:
            table.move_cursor(row=table.get_row_index(cursor_key))
        self._shown = len(rows)
        self._update_title()

    def _update_title(self) -> None:
        total = len(self.tr_app.session.ids)
        shown = f"{self._shown} shown of {total}" + (
            f" (first {MAX_ROWS} loaded)" if total > MAX_ROWS else ""
        )
        title = (
            f"Queue — {shown} · {len(self.marked)} marked · sorted by {self._sort}"
            f"{' (reversed)' if self._reverse else ''} · m marks · digits tag the marked "
            "traces · Enter opens · Escape returns"
        )
        self.query_one("#list-title", Static).update(title)

    def _cells(self, row: QueueRow) -> list[Text]:
        mark = "✓" if row.trace_id in self.marked else " "
        status = {"pass": " (pass)", "fail": " (fail)"}.get(row.verdict or "", "")
        return [
            Text(mark),
            Text(row.timestamp.replace("T", " ").rstrip("Z")[5:16]),
            Text(one_line(row.release, 10) or "—"),
            Text(feedback_label(row.feedback_score)),
            Text(one_line(", ".join(row.signals), 14) or "—"),
            Text(one_line(", ".join(row.tags), 18) + status or "—"),
            Text(one_line(row.first_user_line, 80)),
        ]

    def _cursor_trace(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value) if row_key.value is not None else None

    def _refresh_row(self, trace_id: str) -> None:
        table = self.query_one(DataTable)
        row = next((r for r in self._rows if r.trace_id == trace_id), None)
        if row is None or trace_id not in table.rows:
            return
        for (key, _label), cell in zip(COLUMNS, self._cells(row), strict=True):
            table.update_cell(trace_id, key, cell)

    # -- actions ----------------------------------------------------------------------------
    def action_mark(self) -> None:
        """Mark or unmark the row under the cursor, then move down."""
        trace_id = self._cursor_trace()
        if trace_id is None:
            return
        self.marked ^= {trace_id}
        self._refresh_row(trace_id)
        self.query_one(DataTable).action_cursor_down()
        self._update_title()

    def action_bulk_tag(self, index: int) -> None:
        """Put a tag on every marked trace (or the one under the cursor) as one undoable action."""
        tags = self.tr_app.settings.tags
        if not 0 <= index < len(tags):
            return
        targets = [r.trace_id for r in self._rows if r.trace_id in self.marked]
        if not targets:
            cursor = self._cursor_trace()
            targets = [cursor] if cursor else []
        if not targets:
            return
        changed = self.tr_app.session.log.add_tag_to_many(targets, tags[index].name)
        fresh = {r.trace_id: r for r in queue_rows(self.tr_app.session.store, targets)}
        self._rows = [fresh.get(r.trace_id, r) for r in self._rows]
        self.marked.clear()
        self._fill()
        self.notify(
            f"Tagged {changed} trace(s) {tags[index].name} (u undoes it on the review screen).",
            markup=False,
        )

    def action_find(self) -> None:
        """Focus the row filter."""
        self.query_one("#list-find", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_sort_next(self) -> None:
        """Sort by the next column."""
        order = ["queue"] + [key for key, _ in COLUMNS if key != "mark"]
        position = order.index(self._sort) if self._sort in order else -1
        self._sort = order[(position + 1) % len(order)]
        self._reverse = False
        self._fill()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == "mark":
            return
        self._reverse = not self._reverse if key == self._sort else False
        self._sort = key
        self._fill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(str(event.row_key.value))

    def action_close(self) -> None:
        """Back to the review screen."""
        if self.query_one("#list-find", Input).has_focus:
            self.query_one(DataTable).focus()
            return
        self.dismiss(None)
