"""Everything the patterns screen shows, computed in one call (the app runs it off the UI thread).

The report (patterns with their rates per release, signals, satisfaction), the advisor's
reading of the traffic with its daily counts, the pipeline-health alerts and the action items'
states. `load_view_at` opens its own connection, so a worker thread can call it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from tracereader import actions
from tracereader.config import Settings
from tracereader.fix_loop import fix_line
from tracereader.patterns.calibration import proportion_sentence
from tracereader.patterns.finding import Pattern
from tracereader.patterns.release_rates import rates_text, trend_bars
from tracereader.patterns.report import PatternReport, build_report
from tracereader.sanitize import one_line
from tracereader.status import Advice, Alert, advise, check_health
from tracereader.store import Store
from tracereader.timeutil import local_day, utcnow


@dataclass(frozen=True)
class PatternsView:
    """The patterns report with the traffic, health and fix states beside it."""

    report: PatternReport
    advice: Advice
    alerts: list[Alert]
    items: dict[str, actions.ActionItem]

    def item_for(self, pattern: object) -> actions.ActionItem | None:
        """The action item of a pattern (through any key it holds), None when it is open."""
        return actions.item_for(self.items, actions.held_keys(pattern))

    def is_validated(self, pattern: object) -> bool:
        """Whether the pattern's fix was validated (it leaves the open list)."""
        return actions.is_validated(self.items, pattern)

    # -- the screen's words: every number says what it is -----------------------------------
    def banner_lines(self, *, capacity: bool = True) -> list[str]:
        """The first health alert, the advisor's line and (with room) reading capacity."""
        lines = [f"⚠ {a.message}" for a in self.alerts[:1]]
        lines.append(f"Volume: {self.advice.message}")
        if capacity and self.advice.capacity_text:
            lines.append(f"Reading capacity: {self.advice.capacity_text}")
        return lines

    def summary_lines(self, *, signals: bool) -> list[str]:
        """Counts by kind, thumbs-up share and pass rate, and (when shown) signal calibration."""
        r = self.report
        validated = sum(self.is_validated(p) for p in r.patterns)
        actionable = sum(p.actionable and not self.is_validated(p) for p in r.patterns)
        candidates = len(r.patterns) - actionable - validated
        lines = [
            f"{r.reviewed} reviewed · {actionable} actionable ({r.threshold}+ traces), "
            f"{validated} validated, {candidates} candidates",
            proportion_sentence("Thumbs up", r.satisfaction.rate)
            + f" · {proportion_sentence('pass rate', r.pass_rate)}"
            + ("" if signals else " · i: signals"),
        ]
        if signals and r.signals:
            lines.append("Signals, judged bad by the reviewer (evidence to read, not verdicts):")
            lines += [f"  {one_line(s.sentence)}" for s in r.signals]
        return lines

    def detail_text(self, pattern: Pattern) -> str:
        """A pattern's rate per release (with a trend), then where its fix stands."""
        by_release = rates_text(pattern.by_release) or "no release recorded"
        trend = trend_bars(pattern.by_release)
        return (
            f"{one_line(pattern.label, 50)} by release: {by_release}"
            + (f"  trend {trend}" if len(pattern.by_release) > 1 else "")
            + f"\n{fix_line(pattern, self.item_for(pattern))}"
        )


def load_view(store: Store, settings: Settings, now: datetime | None = None) -> PatternsView:
    """Compute the whole view from the store."""
    moment = now or utcnow()
    return PatternsView(
        report=build_report(store, settings),
        advice=advise(store, settings, today=local_day(moment, settings.timezone)),
        alerts=check_health(store, settings, now=moment),
        items=actions.states(store),
    )


def load_view_at(
    path: str | os.PathLike[str], settings: Settings, now: datetime | None = None
) -> PatternsView:
    """`load_view` through a connection of its own (safe on a worker thread)."""
    store = Store.open(path, create=False)
    try:
        return load_view(store, settings, now)
    finally:
        store.close()
