"""Current conversations per day for export priorities, anchored on the data so exports are stable.

The advisor (`tracereader.advisor`, counting with `tracereader.volume`) is the one source of
the figure. It is asked as if today were the day of the newest trace (so its mean runs to the
last full day before it) rather than about the clock's today, so the same database gives the
same figure. Traces whose timestamp is the ingest time do not move that day.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tracereader import stored
from tracereader.advisor import advise
from tracereader.store import Store
from tracereader.timeutil import local_day

if TYPE_CHECKING:
    from tracereader.config import Settings


@dataclass(frozen=True)
class Traffic:
    """Conversations per day, where the figure came from, and the day it is measured up to."""

    per_day: float
    source: str
    through: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: per_day, source, through."""
        return asdict(self)


def newest_day(store: Store, settings: Settings) -> date | None:
    """The local day of the newest trace with a source timestamp, or None when there is none."""
    newest = stored.newest_moment(
        store, "select timestamp from traces where timestamp_inferred = 0"
    )
    return None if newest is None else local_day(newest, settings.timezone)


def current_traffic(store: Store, settings: Settings) -> Traffic:
    """The advisor's trailing 7-day mean, asked as of the newest trace's day (not the clock's)."""
    last = newest_day(store, settings)
    advice = None if last is None else advise(store, settings, today=last)
    if advice is None or advice.trailing_mean_7d is None:
        return Traffic(0.0, "no traces with a timestamp of their own", None)
    return Traffic(advice.trailing_mean_7d, "advisor: trailing 7-day mean", advice.as_of)
