"""The patterns table's columns fitted to the terminal, and its cells (reviewer text as `Text`).

Columns adapt instead of running off the screen: the numbers (k/n, rate, 95% CI, status, fix)
always show in full; the interval bar (with its axis in the header) and the per-release trend
join when there is room, and the label takes what is left, cut with `…`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from tracereader.app.screens.action_keys import fix_cell
from tracereader.patterns import (
    Pattern,
    common_scale,
    interval_axis,
    interval_bar,
    interval_text,
    trend_bars,
)
from tracereader.sanitize import one_line
from tracereader.stats import percent

if TYPE_CHECKING:
    from tracereader.patterns import PatternsView

PADDING = 1
"""DataTable cell padding on each side of a column."""
MIN_LABEL = 22
MIN_LABEL_WITH_TREND = 28
BAR_WIDTHS = (24, 12)
TREND_RELEASES = 6
DIVIDER_KEY = "__validated__"
"""Row key of the line that starts the validated section (no pattern behind it)."""
ExtraColumn = tuple[str, Callable[[Pattern], Text]]


@dataclass(frozen=True)
class Layout:
    """Which columns the table shows and how wide the flexible ones are."""

    label: int
    bar: int
    trend: bool
    scale: float

    def headers(self, extra: list[ExtraColumn]) -> list[tuple[str, int | None]]:
        """(header, width or None for natural) per column, in order."""
        columns: list[tuple[str, int | None]] = [("#", None), ("pattern", self.label)]
        columns += [("k/n", None), ("rate", None), ("95% CI", None)]
        if self.bar:
            columns.append((interval_axis(self.scale, self.bar), self.bar))
        if self.trend:
            columns.append(("trend", None))
        columns += [("status", None), ("fix", None)]
        columns += [(header, None) for header, _ in extra]
        return columns


def status_cell(pattern: Pattern, validated: bool) -> Text:
    """`ACTIONABLE` (bold), `3 of 5 needed` (dim), or `validated` in the validated section."""
    if validated:
        return Text("validated", style="bold")
    if pattern.actionable:
        return Text("ACTIONABLE", style="bold")
    return Text(f"{pattern.count} of {pattern.threshold} needed", style="dim")


def _natural(view: PatternsView, extra: list[ExtraColumn]) -> int:
    """Width taken by the fixed columns (numbers, status, fix, extras) with their padding."""
    patterns = view.report.patterns
    rank = max(1, len(str(len(patterns))))
    counts = max([3, *(len(f"{p.count}/{p.reviewed}") for p in patterns)])
    interval = max([6, *(len(interval_text(p)) for p in patterns)])
    status = max([6, *(len(status_cell(p, view.is_validated(p))) for p in patterns)])
    fix = max([3, *(len(fix_cell(view.item_for(p))) for p in patterns)])
    extras = sum(
        max([len(header), *(len(cell(p)) for p in patterns)]) + 2 * PADDING
        for header, cell in extra
    )
    return rank + counts + 4 + interval + status + fix + 6 * 2 * PADDING + extras


def fit(width: int, view: PatternsView, extra: list[ExtraColumn]) -> Layout:
    """The layout for a table `width` cells wide (its scrollbar included)."""
    scale = common_scale(view.report.patterns)
    room = width - 2 - _natural(view, extra) - 2 * PADDING  # scrollbar, label's padding
    trend_width = max(5, min(TREND_RELEASES, _releases(view))) + 2 * PADDING
    for bar in BAR_WIDTHS:
        left = room - (bar + 2 * PADDING) - trend_width
        if left >= MIN_LABEL:
            return Layout(label=min(60, left), bar=bar, trend=True, scale=scale)
    if room - trend_width >= MIN_LABEL_WITH_TREND:
        return Layout(label=min(60, room - trend_width), bar=0, trend=True, scale=scale)
    return Layout(label=max(8, min(60, room)), bar=0, trend=False, scale=scale)


def _releases(view: PatternsView) -> int:
    return max((len(p.by_release) for p in view.report.patterns), default=0)


def pattern_cells(
    rank: int,
    pattern: Pattern,
    view: PatternsView,
    layout: Layout,
    *,
    marked: bool,
    extra: list[ExtraColumn],
) -> list[Text]:
    """One row; actionable rows are marked ▶ and bold, candidates dimmed (never colour alone)."""
    validated = view.is_validated(pattern)
    style = "bold" if pattern.actionable and not validated else "dim" if not validated else ""
    mark = "✚ " if marked else "▶ " if pattern.actionable and not validated else "  "
    label = one_line(pattern.label, max(1, layout.label - len(mark)))
    cells = [
        Text(str(rank), style=style),
        Text(mark + label, style=style),
        Text(f"{pattern.count}/{pattern.reviewed}", style=style),
        Text(percent(pattern.rate), style=style),
        Text(interval_text(pattern), style=style),
    ]
    if layout.bar:
        bar = interval_bar(pattern.ci_low, pattern.rate, pattern.ci_high, layout.scale, layout.bar)
        cells.append(Text(bar, style=style))
    if layout.trend:
        cells.append(Text(trend_bars(pattern.by_release[-TREND_RELEASES:]), style=style))
    cells += [status_cell(pattern, validated), fix_cell(view.item_for(pattern))]
    cells += [cell(pattern) for _, cell in extra]
    return cells


def divider_cells(count: int, columns: int) -> list[Text]:
    """The row that opens the validated section."""
    title = Text(f"── validated fixes: {count}", "bold")  # proven by c; kept for the record
    return [Text(""), title, *(Text("") for _ in range(columns - 2))]
