"""The patterns screen: ranked patterns that explain themselves, the fix loop, drill-down, edits.

Every number says what it is: the volume chart has a title, dates and scale; the interval bars
have an axis; each pattern's rate per release and its fix's before → after sit under the
table. The report is computed in a worker (a loading indicator shows meanwhile); edits are
committed to SQLite the moment they are made (`tracereader.patterns.edits`) and redrawn at
once. Labels and notes are reviewer text: shown as `Text`, never markup. Other areas add keys
by appending to `PATTERNS_BINDINGS` (each binding has an id, so users can rebind it through
`keymap:`), columns to `EXTRA_COLUMNS` and actions to `EXTRA_ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tracereader.app.screens import action_keys, pattern_edit_keys, pattern_keys, pattern_traces
from tracereader.app.screens.pattern_table import (
    DIVIDER_KEY,
    Layout,
    divider_cells,
    fit,
    pattern_cells,
)
from tracereader.app.widgets.saturation import SaturationLine
from tracereader.config import Settings
from tracereader.fix_loop import check_fix
from tracereader.patterns import (
    Pattern,
    PatternReport,
    PatternsView,
    day_chart,
    load_view,
    load_view_at,
)
from tracereader.review import QueueRow, Walk
from tracereader.sanitize import one_line
from tracereader.store import Store
from tracereader.timeutil import local_day, utcnow

SPARKLINE_DAYS = 28
SIGNALS_FROM_HEIGHT_MIN = 30
"""The signal calibration shows without `i` only on a screen this tall with room to spare."""
FIXED_LINES = 13
"""Lines besides the table's: banner, chart, detail, summary, footer."""
CHART_FROM_HEIGHT = 22
CAPACITY_FROM_HEIGHT = 30

PATTERNS_BINDINGS: list[BindingType] = [
    Binding("escape", "back", "Back", id="patterns-back"),
    Binding("c", "compare", "Compare", id="patterns-compare"),
    Binding("f", "fixed", "Fixed in", id="patterns-fixed"),
    Binding("x", "export", "Export", id="patterns-export"),
    Binding("m", "mark", "Merge", id="patterns-mark"),
    Binding("M", "merge", "Merge here", id="patterns-merge", key_display="M", show=False),
    Binding("r", "rename", "Rename", id="patterns-rename", show=False),
    Binding("s", "split", "Split note out", id="patterns-split", show=False),
    Binding("u", "undo_edit", "Undo edit", id="patterns-undo", show=False),
    Binding("i", "signals", "Signals", id="patterns-signals", show=False),
    Binding("j", "cursor(1)", "Down", id="patterns-down", show=False),
    Binding("k", "cursor(-1)", "Up", id="patterns-up", show=False),
    # priority: a row-cursor DataTable would take Home/End for sideways scrolling
    Binding("home", "cursor_edge(0)", "First row", id="patterns-first", show=False, priority=True),
    Binding("end", "cursor_edge(1)", "Last row", id="patterns-last", show=False, priority=True),
    Binding("question_mark", "help", "Keys", id="patterns-help", key_display="?"),
]
"""The screen's keys; append a `Binding` (with an id) here to add one."""

HELP_NOTES = (
    "Enter: on a pattern, list its traces (newest first); on a trace, open it in the review",
    "screen, where j/k step through the pattern's traces one by one and Esc comes back here.",
    "Rates are k/n over reviewed traces with a 95% Wilson interval; patterns are ranked by the",
    "interval's lower bound. A fix validated by c leaves the list for the validated section.",
)

CellFunction = Callable[["PatternsScreen", Pattern], Text]
EXTRA_COLUMNS: list[tuple[str, CellFunction]] = []
"""Columns other areas add to the pattern table: (header, cell for one pattern)."""
EXTRA_ACTIONS: dict[str, Callable[[PatternsScreen], object]] = {}
"""Keys other areas add: bind `extra('<name>')` in PATTERNS_BINDINGS and register it here."""


pattern_keys.register(PATTERNS_BINDINGS, EXTRA_ACTIONS)


class PatternsScreen(Screen[None]):
    """Candidate patterns ranked by the lower bound of their Wilson interval."""

    DEFAULT_CSS = """
    PatternsScreen { layout: vertical; }
    PatternsScreen #patterns-banner { height: auto; max-height: 3; padding: 0 1;
                                      text-wrap: nowrap; text-overflow: ellipsis; }
    PatternsScreen #patterns-chart { height: 3; padding: 0 1; }
    PatternsScreen #patterns-table { height: 1fr; }
    PatternsScreen #patterns-detail { height: auto; max-height: 3; padding: 0 1;
                                      background: $boost; }
    PatternsScreen #patterns-heading { height: auto; padding: 0 1; display: none;
                                       background: $boost; }
    PatternsScreen #patterns-traces { height: 1fr; display: none; }
    PatternsScreen.drilled #patterns-traces, PatternsScreen.drilled #patterns-heading {
        display: block;
    }
    PatternsScreen.drilled #patterns-table, PatternsScreen.drilled #patterns-detail,
    PatternsScreen.drilled #patterns-chart { display: none; }
    PatternsScreen.short #patterns-chart { display: none; }
    PatternsScreen #patterns-summary { height: auto; max-height: 12; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = PATTERNS_BINDINGS
    AUTO_FOCUS = "#patterns-table"

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        reopen: str | None = None,
        at_trace: str | None = None,
    ) -> None:
        super().__init__(id="patterns")
        self.store = store
        self.settings = settings
        self.view: PatternsView | None = None
        self.marked: str | None = None
        """Key of the pattern marked for merging."""
        self.opened: str | None = None
        """Key of the pattern whose traces are listed (None on the patterns list)."""
        self._reopen, self._at_trace = reopen, at_trace
        self._layout: Layout | None = None
        self._signals_shown = False

    @property
    def report(self) -> PatternReport | None:
        """The patterns report on display (None while it is computed)."""
        return self.view.report if self.view is not None else None

    def compose(self) -> ComposeResult:
        yield Static(Text("Computing patterns…"), id="patterns-banner")
        yield Static("", id="patterns-chart", markup=False)
        yield SaturationLine("", id="patterns-saturation")
        yield DataTable(id="patterns-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="patterns-detail", markup=False)
        yield Static("", id="patterns-heading", markup=False)
        yield DataTable(id="patterns-traces", cursor_type="row", zebra_stripes=True)
        yield Static("", id="patterns-summary", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#patterns-table", DataTable).loading = True
        self._fit_height()
        if self.store.path is None:
            self._show_view(load_view(self.store, self.settings, self._now()))
        else:
            self._load_worker(self._now())

    def _now(self) -> datetime:
        """The app's clock (frozen in tests and snapshots), else the wall clock."""
        clock = getattr(getattr(self.app, "options", None), "now", None)
        return clock() if callable(clock) else utcnow()

    @work(thread=True, exclusive=True, group="patterns", exit_on_error=False)
    def _load_worker(self, now: datetime) -> None:
        assert self.store.path is not None
        view = load_view_at(self.store.path, self.settings, now)
        self.app.call_from_thread(self._show_view, view)

    # -- data -------------------------------------------------------------------------------
    def reload(self, keep: str | None = None) -> None:
        """Regroup from the store and redraw, keeping the cursor on `keep` when it still exists."""
        self._show_view(load_view(self.store, self.settings, self._now()), keep)

    def _show_view(self, view: PatternsView, keep: str | None = None) -> None:
        self.view = view
        self.query_one("#patterns-table", DataTable).loading = False
        self._show_banner()
        self.query_one(SaturationLine).show(view.report.saturation)
        self.redraw(keep or self._reopen)
        self._fill_summary()
        if self._reopen is not None:
            key, self._reopen = self._reopen, None
            if self.pattern(key) is not None:
                self._drill(key, self._at_trace)
        elif self.opened is not None:
            self._fill_traces(self.opened)

    def _show_banner(self) -> None:
        assert self.view is not None
        lines = self.view.banner_lines(capacity=self.size.height >= CAPACITY_FROM_HEIGHT)
        self.query_one("#patterns-banner", Static).update(Text("\n".join(lines)))
        self._draw_chart()

    def _draw_chart(self) -> None:
        if self.view is None:
            return
        today = local_day(self._now(), self.settings.timezone)
        width = max(20, self.size.width - 2)
        lines = day_chart(self.view.advice.daily, today, days=SPARKLINE_DAYS, width=width)
        self.query_one("#patterns-chart", Static).update(Text("\n".join(lines)))

    def _extra(self) -> list[tuple[str, Callable[[Pattern], Text]]]:
        return [(header, partial(cell, self)) for header, cell in EXTRA_COLUMNS]

    def redraw(self, keep: str | None) -> None:
        """Refill the table (columns fitted to the width), the cursor kept on `keep`."""
        view = self.view
        if view is None:
            return
        table = self.query_one("#patterns-table", DataTable)
        extra = self._extra()
        layout = fit(self.size.width or 80, view, extra)
        keep = keep or self.current_key()
        table.clear(columns=layout != self._layout)
        if layout != self._layout or not table.columns:
            for header, width in layout.headers(extra):
                table.add_column(header, width=width)
            self._layout = layout
        open_patterns = [p for p in view.report.patterns if not view.is_validated(p)]
        validated = [p for p in view.report.patterns if view.is_validated(p)]
        for rank, p in enumerate(open_patterns + validated, 1):
            if validated and p is validated[0]:
                table.add_row(*divider_cells(len(validated), len(table.columns)), key=DIVIDER_KEY)
            cells = pattern_cells(rank, p, view, layout, marked=p.key == self.marked, extra=extra)
            table.add_row(*cells, key=p.key)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        self._show_detail()

    def _fill_summary(self) -> None:
        view = self.view
        if view is None:
            return
        lines = view.summary_lines(signals=self._show_signals())
        self.query_one("#patterns-summary", Static).update(Text("\n".join(lines)))

    def _show_signals(self) -> bool:
        """Shown with `i`, or by themselves when the screen has room for them and every row."""
        if self._signals_shown:
            return True
        if self.view is None or not self.view.report.signals:
            return False
        rows = len(self.view.report.patterns) + 1  # the table's rows and its header
        needed = FIXED_LINES + rows + len(self.view.report.signals) + 1
        return self.size.height >= max(needed, SIGNALS_FROM_HEIGHT_MIN)

    def _show_detail(self) -> None:
        """Under the table: the highlighted pattern's rate per release and where its fix stands."""
        detail = self.query_one("#patterns-detail", Static)
        pattern = self.current_pattern()
        if pattern is None or self.view is None:
            detail.update(Text("Enter lists a pattern's traces · ? shows every key"))
            return
        detail.update(Text(self.view.detail_text(pattern)))

    def _fill_traces(self, key: str) -> None:
        pattern = self.pattern(key)
        table = self.query_one("#patterns-traces", DataTable)
        heading = self.query_one("#patterns-heading", Static)
        if pattern is None:
            table.clear()
            return
        width = self.size.width or 80
        pattern_traces.fill(
            table, heading, pattern, self._newest_first(pattern), width, self.settings.timezone
        )

    def _newest_first(self, pattern: Pattern) -> list[QueueRow]:
        return pattern_traces.newest_first(self.store, pattern)

    def pattern(self, key: str | None) -> Pattern | None:
        """The pattern with this key in the report on display."""
        if self.view is None or key is None:
            return None
        return next((p for p in self.view.report.patterns if p.key == key), None)

    def current_key(self) -> str | None:
        """The key of the pattern under the cursor (or of the one whose traces are listed)."""
        if self.opened is not None:
            return self.opened
        table = self.query_one("#patterns-table", DataTable)
        if not table.row_count:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        return None if key == DIVIDER_KEY else key

    def current_pattern(self) -> Pattern | None:
        """The pattern under the cursor (or the one whose traces are listed)."""
        return self.pattern(self.current_key())

    def current_trace(self) -> str | None:
        """The trace under the cursor in a pattern's list of traces."""
        table = self.query_one("#patterns-traces", DataTable)
        if self.opened is None or not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # -- layout -----------------------------------------------------------------------------
    def on_resize(self, event: Resize) -> None:
        self._fit_height()
        if self.view is not None:
            self.redraw(self.current_key())
            self._fill_summary()
            self._draw_chart()
            if self.opened is not None:
                at = self.current_trace()
                self._fill_traces(self.opened)
                traces = self.query_one("#patterns-traces", DataTable)
                if at is not None and at in traces.rows:
                    traces.move_cursor(row=traces.get_row_index(at))

    def _fit_height(self) -> None:
        self.set_class(self.size.height < CHART_FROM_HEIGHT, "short")

    # -- navigation -------------------------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "patterns-table":
            self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = str(event.row_key.value)
        if event.data_table.id == "patterns-table":
            if key != DIVIDER_KEY:
                self._drill(key)
        else:
            self.open_trace(key)

    def _drill(self, key: str, at_trace: str | None = None) -> None:
        self.opened = key
        self._fill_traces(key)
        self.add_class("drilled")
        traces = self.query_one("#patterns-traces", DataTable)
        traces.focus()
        if at_trace is not None and at_trace in traces.rows:
            traces.move_cursor(row=traces.get_row_index(at_trace))

    def action_cursor(self, step: int) -> None:
        """j/k move the cursor, in the pattern list and in a pattern's traces."""
        table_id = "#patterns-traces" if self.opened is not None else "#patterns-table"
        table = self.query_one(table_id, DataTable)
        (table.action_cursor_down if step > 0 else table.action_cursor_up)()

    def action_cursor_edge(self, last: int) -> None:
        """Home/End: the first or last row, in the pattern list and in a pattern's traces."""
        table_id = "#patterns-traces" if self.opened is not None else "#patterns-table"
        table = self.query_one(table_id, DataTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1 if last else 0)

    def open_trace(self, trace_id: str) -> None:
        """Read the pattern's traces in the review screen, from this one, without the queue."""
        opener = getattr(self.app, "open_walk", None)
        pattern = self.pattern(self.opened)
        if opener is not None and pattern is not None:
            ids = [row.trace_id for row in self._newest_first(pattern)]
            walk = Walk(one_line(pattern.label, 40), ids, ids.index(trace_id), pattern.key)
            self.dismiss()
            opener(walk)
            return
        fallback = getattr(self.app, "open_trace", None)
        if fallback is None:
            self.notify("This app cannot open traces from here.", markup=False)
            return
        self.dismiss()
        fallback(trace_id)

    def action_back(self) -> None:
        """From a pattern's traces back to the list; from the list back to reviewing."""
        if self.opened is not None:
            keep, self.opened = self.opened, None
            self.remove_class("drilled")
            self.query_one("#patterns-table", DataTable).focus()
            self.redraw(keep)
            return
        self.dismiss()

    def action_signals(self) -> None:
        """Show or hide the signal calibration under the table."""
        self._signals_shown = not self._signals_shown
        self._fill_summary()

    def action_help(self) -> None:
        """This screen's keys."""
        from tracereader.app.screens.help import screen_help

        self.app.push_screen(screen_help(self.app, "Patterns screen", self.BINDINGS, HELP_NOTES))

    # -- the fix loop -----------------------------------------------------------------------
    def action_export(self) -> None:
        """Write the action items to a file (asks where)."""
        action_keys.ask_export(self)

    def action_fixed(self) -> None:
        """Record the release that ships the highlighted pattern's fix."""
        pattern = self.current_pattern()
        if pattern is not None:
            action_keys.ask_fixed_release(self, pattern)

    def action_compare(self) -> None:
        """Test the highlighted pattern across its fix's release and record the verdict."""
        pattern = self.current_pattern()
        if pattern is None:
            return
        self.notify(f"Comparing {one_line(pattern.label, 40)}…", timeout=2, markup=False)
        self._compare_worker(pattern)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _compare_worker(self, pattern: Pattern) -> None:
        store = Store.open(self.store.path, create=False) if self.store.path else self.store
        try:
            result, item = check_fix(store, self.settings, pattern)
            message = action_keys.compare_message(pattern.label, result.verdict(), item)
            severity = "information"
        except Exception as exc:  # a CompareError says what to do; anything else is reported
            message, severity = action_keys.compare_failed(exc), "warning"
        finally:
            if store is not self.store:
                store.close()
        self.app.call_from_thread(self._compared, pattern.key, message, severity)

    def _compared(self, key: str, message: str, severity: str) -> None:
        self.notify(message, severity=severity, timeout=10, markup=False)  # type: ignore[arg-type]
        self.reload(key)

    # -- edits (each committed at once; see pattern_edit_keys) -------------------------------
    def action_mark(self) -> None:
        """Mark the pattern under the cursor to merge it into another one (M)."""
        pattern_edit_keys.mark(self)

    def action_merge(self) -> None:
        """Merge the marked pattern into the one under the cursor, and say what that made."""
        pattern_edit_keys.merge(self)

    def action_rename(self) -> None:
        """Give the pattern under the cursor a new label."""
        pattern_edit_keys.rename(self)

    def action_split(self) -> None:
        """Move the note of the trace under the cursor out of this pattern."""
        pattern_edit_keys.split(self)

    def action_undo_edit(self) -> None:
        """Undo the most recent pattern edit."""
        pattern_edit_keys.undo(self)

    def action_extra(self, name: str) -> None:
        """Run a key another area registered in `EXTRA_ACTIONS`."""
        action = EXTRA_ACTIONS.get(name)
        if action is not None:
            action(self)
