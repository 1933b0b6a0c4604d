"""Current conversations per day for export priorities, anchored on the data so exports are stable.

The advisor (`tracereader.advisor`) is the authority on volume; it is asked as if today were
the day of the newest trace (so its mean runs to the last full day before it) rather than
about the clock's today, so the same database gives the same figure. When
the advisor is not installed, the figure is computed here from the store: distinct
conversations (a session when known, else a trace) over the last 7 calendar days that have
data up to the newest trace, divided by the days covered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tracereader.daily import day_bounds, local_day
from tracereader.store import Store
from tracereader.timeutil import parse_iso

if TYPE_CHECKING:
    from tracereader.config import Settings

WINDOW_DAYS = 7


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
    """The calendar day (configured time zone) of the newest trace, or None when there is none."""
    row = store.db.execute("select max(timestamp) from traces").fetchone()
    if not row or not row[0]:
        return None
    return local_day(parse_iso(row[0]), settings.timezone)


def current_traffic(store: Store, settings: Settings) -> Traffic:
    """Conversations per day up to the newest trace: the advisor's, else the store's own count."""
    last = newest_day(store, settings)
    if last is None:
        return Traffic(0.0, "no traces", None)
    from_advisor = _advisor_traffic(store, settings, last)
    if from_advisor is not None:
        return from_advisor
    return store_traffic(store, settings, last)


def _advisor_traffic(store: Store, settings: Settings, last: date) -> Traffic | None:
    """The advisor's trailing 7-day mean, asked as of the newest trace's day (not the clock's)."""
    try:
        from tracereader.advisor import advise
    except ImportError:
        return None
    advice = advise(store, settings, today=last).as_dict()
    value = advice.get("trailing_mean_7d")
    if not isinstance(value, int | float):
        return None
    through = advice.get("as_of") or last.isoformat()
    return Traffic(float(value), "advisor: trailing 7-day mean", str(through))


def store_traffic(store: Store, settings: Settings, last: date) -> Traffic:
    """Distinct conversations over the last 7 days with data up to `last`, per day covered."""
    first_row = store.db.execute("select min(timestamp) from traces").fetchone()
    first = local_day(parse_iso(first_row[0]), settings.timezone)
    start_day = max(first, last - timedelta(days=WINDOW_DAYS - 1))
    days = (last - start_day).days + 1
    start, _ = day_bounds(start_day, settings.timezone)
    _, end = day_bounds(last, settings.timezone)
    row = store.db.execute(
        "select count(distinct coalesce(session_hash, 'trace:' || id)) from traces "
        "where timestamp >= ? and timestamp < ?",
        [start, end],
    ).fetchone()
    per_day = int(row[0]) / days
    return Traffic(per_day, f"store: conversations over the last {days} day(s)", last.isoformat())
