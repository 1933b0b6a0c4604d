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
from tracereader.advisor import Advice, advise
from tracereader.config import Settings
from tracereader.health import Alert, check_health
from tracereader.pattern_report import PatternReport, build_report
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
        item = self.item_for(pattern)
        return item is not None and item.state == actions.VALIDATED


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
