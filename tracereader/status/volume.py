"""Conversations per calendar day from trace timestamps, and their trailing 7-day mean.

A conversation is a session when the trace has a session id, else the trace itself; it is
counted on each local day (in the configured time zone) on which it has a trace. Traces whose
timestamp was inferred at ingest (the source had none) are left out: their "day" is the day
of the ingest, not of the traffic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from tracereader import stored
from tracereader.store import Store
from tracereader.timeutil import zone

WINDOW_DAYS = 7


@dataclass(frozen=True)
class DailyVolume:
    """Conversations per day from the first day with traffic through `today` (zeros included)."""

    days: list[date]
    counts: list[int]
    inferred: int
    """Traces left out because their timestamp was inferred at ingest."""
    last_trace: datetime | None
    """Newest (non-inferred) trace timestamp, UTC."""

    @property
    def had_traffic(self) -> bool:
        """Whether any conversation was ever recorded."""
        return any(self.counts)

    def count_on(self, day: date) -> int:
        """Conversations on `day` (0 outside the range)."""
        if not self.days or day < self.days[0] or day > self.days[-1]:
            return 0
        return self.counts[(day - self.days[0]).days]

    def trailing_means(self) -> list[float]:
        """For each day, the mean of the last 7 days up to it (fewer at the very start)."""
        sums = list(accumulate(self.counts, initial=0))
        return [
            (sums[i + 1] - sums[max(0, i + 1 - WINDOW_DAYS)]) / min(i + 1, WINDOW_DAYS)
            for i in range(len(self.counts))
        ]

    def trailing_mean(self, day: date) -> float:
        """Mean conversations per day over the 7 days ending on `day` (fewer at the start)."""
        if not self.days or day < self.days[0]:
            return 0.0
        start = max(self.days[0], day - timedelta(days=WINDOW_DAYS - 1))
        span = (day - start).days + 1
        return sum(self.count_on(start + timedelta(days=i)) for i in range(span)) / span

    def as_dict(self) -> dict[str, int]:
        """`{"2026-11-02": 63, ...}` for JSON."""
        return {d.isoformat(): c for d, c in zip(self.days, self.counts, strict=True)}


def daily_conversations(store: Store, tz_name: str, today: date) -> DailyVolume:
    """Count distinct conversations per local calendar day, through `today`."""
    tz = zone(tz_name)
    per_day: dict[date, set[str]] = {}
    last: datetime | None = None
    for stamp, conversation in store.db.execute(
        "select timestamp, coalesce(session_hash, 'trace:' || id) from traces"
        " where timestamp_inferred = 0 and timestamp is not null"
    ):
        moment = stored.moment(stamp)
        if moment is None:  # unreadable or out of range: not a day anyone had traffic
            continue
        per_day.setdefault(moment.astimezone(tz).date(), set()).add(str(conversation))
        if last is None or moment > last:
            last = moment
    inferred = int(
        store.db.execute("select count(*) from traces where timestamp_inferred = 1").fetchone()[0]
    )
    if not per_day:
        return DailyVolume(days=[], counts=[], inferred=inferred, last_trace=None)
    first = min(per_day)
    end = max(today, max(per_day))
    days = [first + timedelta(days=i) for i in range((end - first).days + 1)]
    counts = [len(per_day.get(d, ())) for d in days]
    return DailyVolume(days=days, counts=counts, inferred=inferred, last_trace=last)
