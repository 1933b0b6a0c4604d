"""The patterns screen: ranked patterns with interval bars, drill-down, merge, rename and split.

Every edit is committed to SQLite the moment it is made (`tracereader.pattern_edits`) and the
patterns are regrouped at once. Labels and notes are reviewer text: shown as `Text`, never
markup. Other areas add keys by appending to `PATTERNS_BINDINGS` (each binding has an id, so
users can rebind it through `keymap:`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static

from tracereader import pattern_edits
from tracereader.advisor import advise
from tracereader.app.screens.pattern_rename import RenameModal
from tracereader.app.widgets.saturation import SaturationLine
from tracereader.calibration import proportion_sentence
from tracereader.config import Settings
from tracereader.health import check_health
from tracereader.pattern_report import (
    PatternReport,
    build_report,
    common_scale,
    interval_bar,
    interval_text,
    status_text,
)
from tracereader.patterns import Pattern
from tracereader.sanitize import one_line
from tracereader.store import Store

SPARKLINE_DAYS = 28
BAR_WIDTH = 24

PATTERNS_BINDINGS: list[BindingType] = [
    Binding("escape", "back", "Back", id="patterns-back"),
    Binding("m", "mark", "Mark to merge", id="patterns-mark"),
    Binding("M", "merge", "Merge marked here", id="patterns-merge", key_display="M"),
    Binding("r", "rename", "Rename", id="patterns-rename"),
    Binding("s", "split", "Split note out", id="patterns-split"),
    Binding("u", "undo_edit", "Undo edit", id="patterns-undo"),
]
"""The screen's keys; append a `Binding` (with an id) here to add one."""

CellFunction = Callable[["PatternsScreen", Pattern], Text]
EXTRA_COLUMNS: list[tuple[str, CellFunction]] = []
"""Columns other areas add to the pattern table: (header, cell for one pattern)."""
EXTRA_ACTIONS: dict[str, Callable[[PatternsScreen], object]] = {}
"""Keys other areas add: bind `extra('<name>')` in PATTERNS_BINDINGS and register it here."""


def _register_action_keys() -> None:
    """The export and fixed-in-release keys and the fix column (F's `action_keys`), if present."""
    try:
        from tracereader.app.screens import action_keys
    except ImportError:
        return

    def fixed(screen: PatternsScreen) -> None:
        pattern = screen.current_pattern()
        if pattern is not None:
            action_keys.ask_fixed_release(screen, pattern.key, pattern.label)

    EXTRA_COLUMNS.append(("fix", action_keys.fix_state))
    EXTRA_ACTIONS["export"] = action_keys.export_action_items
    EXTRA_ACTIONS["fixed"] = fixed
    PATTERNS_BINDINGS.extend(
        [
            Binding("x", "extra('export')", "Export", id="patterns-export"),
            Binding("f", "extra('fixed')", "Fixed in release", id="patterns-fixed"),
        ]
    )


_register_action_keys()


def _register_pattern_keys() -> None:
    """The suggested-merges and make-it-a-tag keys (`pattern_keys`)."""
    from tracereader.app.screens import pattern_keys

    pattern_keys.register(PATTERNS_BINDINGS, EXTRA_ACTIONS)


_register_pattern_keys()


class PatternsScreen(Screen[None]):
    """Candidate patterns ranked by the lower bound of their Wilson interval."""

    DEFAULT_CSS = """
    PatternsScreen { layout: vertical; }
    PatternsScreen #patterns-banner { height: auto; padding: 0 1; }
    PatternsScreen #patterns-volume { height: 2; margin: 0 1; }
    PatternsScreen #patterns-table { height: 1fr; }
    PatternsScreen #patterns-traces { height: 1fr; display: none; }
    PatternsScreen.drilled #patterns-traces { display: block; }
    PatternsScreen.drilled #patterns-table { display: none; }
    PatternsScreen #patterns-summary { height: auto; max-height: 10; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = PATTERNS_BINDINGS
    AUTO_FOCUS = "#patterns-table"

    def __init__(self, store: Store, settings: Settings) -> None:
        super().__init__(id="patterns")
        self.store = store
        self.settings = settings
        self.report: PatternReport | None = None
        self.marked: str | None = None
        """Key of the pattern marked for merging."""
        self.opened: str | None = None
        """Key of the pattern whose traces are listed (None on the patterns list)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="patterns-banner", markup=False)
        yield Sparkline([], id="patterns-volume", summary_function=max)
        yield SaturationLine("", id="patterns-saturation")
        yield DataTable(id="patterns-table", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="patterns-traces", cursor_type="row", zebra_stripes=True)
        yield Static("", id="patterns-summary", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#patterns-table", DataTable)
        table.add_columns("#", "pattern", "k/n", "rate", "95% CI", "interval", "status")
        table.add_columns(*(header for header, _ in EXTRA_COLUMNS))
        traces = self.query_one("#patterns-traces", DataTable)
        traces.add_columns("trace", "seen", "release", "note")
        self._show_volume()
        self.reload()

    # -- data -------------------------------------------------------------------------------
    def reload(self, keep: str | None = None) -> None:
        """Regroup from the store and redraw, keeping the cursor on `keep` when it still exists."""
        self.report = build_report(self.store, self.settings)
        self.query_one(SaturationLine).show(self.report.saturation)
        self._fill_patterns(keep)
        self._fill_summary()
        if self.opened is not None:
            self._fill_traces(self.opened)

    def _show_volume(self) -> None:
        advice = advise(self.store, self.settings)
        alerts = check_health(self.store, self.settings)
        lines = [f"⚠ {a.message}" for a in alerts]
        lines.append(f"Volume: {advice.message}")
        if advice.capacity_text:
            lines.append(f"Reading capacity: {advice.capacity_text}")
        if advice.thin_data:
            lines.append(f"Thin data: {advice.thin_data}")
        self.query_one("#patterns-banner", Static).update(Text("\n".join(lines)))
        counts = list(advice.daily.values())[-SPARKLINE_DAYS:]
        self.query_one("#patterns-volume", Sparkline).data = [float(c) for c in counts] or [0.0]

    def _fill_patterns(self, keep: str | None) -> None:
        assert self.report is not None
        table = self.query_one("#patterns-table", DataTable)
        table.clear()
        scale = common_scale(self.report.patterns)
        for rank, p in enumerate(self.report.patterns, 1):
            table.add_row(*self._cells(rank, p, scale), key=p.key)
        if keep is not None:
            for index, p in enumerate(self.report.patterns):
                if p.key == keep:
                    table.move_cursor(row=index)
                    break

    def _cells(self, rank: int, p: Pattern, scale: float) -> list[Text]:
        """One row; actionable rows are marked ▶ and bold, candidates dimmed with what is needed."""
        style = "bold" if p.actionable else "dim"
        mark = "▶ " if p.actionable else "  "
        if p.key == self.marked:
            mark = "✚ "
        label = Text(mark + one_line(p.label, 60), style=style)
        return [
            Text(str(rank), style=style),
            label,
            Text(f"{p.count}/{p.reviewed}", style=style),
            Text(f"{100 * p.rate:.0f}%", style=style),
            Text(interval_text(p), style=style),
            Text(interval_bar(p.ci_low, p.rate, p.ci_high, scale, BAR_WIDTH), style=style),
            Text(status_text(p).upper() if p.actionable else status_text(p), style=style),
            *(cell(self, p) for _, cell in EXTRA_COLUMNS),
        ]

    def _fill_summary(self) -> None:
        assert self.report is not None
        r = self.report
        lines = [
            f"{r.reviewed} reviewed · actionable at {r.threshold}+ traces · "
            f"{sum(p.actionable for p in r.patterns)} actionable of {len(r.patterns)}",
            proportion_sentence("Satisfaction (thumbs up)", r.satisfaction.rate)
            + f" · {proportion_sentence('reviewer pass rate', r.pass_rate)}",
        ]
        if r.signals:
            lines.append("Signals, judged bad by the reviewer (evidence to read, not verdicts):")
            lines += [f"  {one_line(s.sentence)}" for s in r.signals]
        self.query_one("#patterns-summary", Static).update(Text("\n".join(lines)))

    def _fill_traces(self, key: str) -> None:
        pattern = self._pattern(key)
        table = self.query_one("#patterns-traces", DataTable)
        table.clear()
        if pattern is None:
            return
        notes = dict(zip(pattern.note_ids, pattern.notes, strict=True))
        rows = self.store.db.execute(
            "select id, timestamp, release from traces"
            " where id in (select value from json_each(?)) order by timestamp, id",
            [json.dumps(pattern.trace_ids)],
        ).fetchall()
        for trace_id, stamp, release in rows:
            table.add_row(
                Text(one_line(trace_id, 40)),
                Text(stamp or ""),
                Text(one_line(release or "", 20)),
                Text(one_line(notes.get(trace_id, ""), 80)),
                key=trace_id,
            )

    def _pattern(self, key: str | None) -> Pattern | None:
        if self.report is None or key is None:
            return None
        return next((p for p in self.report.patterns if p.key == key), None)

    def current_key(self) -> str | None:
        table = self.query_one("#patterns-table", DataTable)
        if self.opened is not None:
            return self.opened
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def current_pattern(self) -> Pattern | None:
        """The pattern under the cursor (or the one whose traces are listed)."""
        return self._pattern(self.current_key())

    def _current_trace(self) -> str | None:
        table = self.query_one("#patterns-traces", DataTable)
        if self.opened is None or not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # -- navigation -------------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = str(event.row_key.value)
        if event.data_table.id == "patterns-table":
            self.opened = key
            self._fill_traces(key)
            self.add_class("drilled")
            self.query_one("#patterns-traces", DataTable).focus()
        else:
            self.open_trace(key)

    def open_trace(self, trace_id: str) -> None:
        """Show the trace in the review screen: the app's `open_trace`, else its session."""
        opener = getattr(self.app, "open_trace", None)
        session = getattr(self.app, "session", None)
        review = getattr(self.app, "review_screen", None)
        if opener is None and (session is None or review is None):
            self.notify("This app cannot open traces from here.", markup=False)
            return
        self.dismiss()
        if opener is not None:
            opener(trace_id)
            return
        assert session is not None and review is not None
        session.goto(trace_id)  # the review app's queue: adds the trace after the current one
        review.show_current()

    def action_back(self) -> None:
        """From a pattern's traces back to the list; from the list back to reviewing."""
        if self.opened is not None:
            keep, self.opened = self.opened, None
            self.remove_class("drilled")
            table = self.query_one("#patterns-table", DataTable)
            table.focus()
            self._fill_patterns(keep)
            return
        self.dismiss()

    # -- edits (each committed at once) -----------------------------------------------------
    def action_mark(self) -> None:
        """Mark the pattern under the cursor to merge it into another one (M)."""
        key = self.current_key()
        if key is None:
            return
        self.marked = None if self.marked == key else key
        if self.opened is None:
            self._fill_patterns(key)
        pattern = self._pattern(key)
        shown = one_line(pattern.label if pattern is not None else key, 60)
        message = (
            f"Marked {shown}: move to another pattern and press M" if self.marked else "Unmarked"
        )
        self.notify(message, timeout=3, markup=False)

    def action_merge(self) -> None:
        """Merge the marked pattern into the one under the cursor."""
        target = self.current_key()
        if self.marked is None or target is None:
            self.notify("Mark a pattern with m first.", timeout=3, markup=False)
            return
        if target == self.marked:
            self.notify("Move to the pattern to merge into.", timeout=3, markup=False)
            return
        source, self.marked = self.marked, None
        self._edit(
            lambda: pattern_edits.merge(self.store, source, target, reviewer=self._who), target
        )
        self.notify("Merged.", timeout=2, markup=False)

    def action_rename(self) -> None:
        """Give the pattern under the cursor a new label."""
        key = self.current_key()
        pattern = self._pattern(key)
        if key is None or pattern is None:
            return

        def done(label: str | None) -> None:
            if label is None:
                return
            self._edit(
                lambda: pattern_edits.rename(self.store, key, label, reviewer=self._who), key
            )

        self.app.push_screen(RenameModal(pattern.label), done)

    def action_split(self) -> None:
        """Move the note of the trace under the cursor out of this pattern."""
        trace_id = self._current_trace()
        pattern = self._pattern(self.opened)
        if trace_id is None or pattern is None:
            self.notify("Open a pattern (Enter) and pick a note to split out.", markup=False)
            return
        if trace_id not in pattern.note_ids:
            self.notify("This trace is here by its tag, not a note.", timeout=3, markup=False)
            return
        self._edit(lambda: pattern_edits.split(self.store, trace_id, reviewer=self._who), None)
        self.notify("Note moved out into its own pattern.", timeout=2, markup=False)

    def action_undo_edit(self) -> None:
        """Undo the most recent pattern edit."""
        undone = pattern_edits.undo_last(self.store, reviewer=self._who)
        if undone is not None and undone.kind == "promote":
            changed = getattr(self.app, "taxonomy_changed", None)
            if changed is not None:
                changed()
        self.notify(f"Undid {undone.kind}." if undone else "No edit to undo.", markup=False)
        self.reload(self.current_key())

    def action_extra(self, name: str) -> None:
        """Run a key another area registered in `EXTRA_ACTIONS`."""
        action = EXTRA_ACTIONS.get(name)
        if action is not None:
            action(self)

    @property
    def _who(self) -> str:
        return self.settings.reviewer_name

    def _edit(self, write: Callable[[], object], keep: str | None) -> None:
        try:
            write()
        except pattern_edits.PatternEditError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.reload(keep)
