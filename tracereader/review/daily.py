"""The reviewer's day: reviewed today and time in the app, kept so the budget survives restarts."""

from __future__ import annotations

from datetime import date, datetime

from tracereader.store import Store
from tracereader.timeutil import day_bounds, local_day

IDLE_AFTER_SECONDS = 120.0
"""Time without a key press after which the clock stops counting (the reviewer walked away)."""


def reviewed_on(store: Store, reviewer: str, day: date, tz_name: str) -> int:
    """How many traces this reviewer reviewed on `day` (uses the reviewed_at index)."""
    start, end = day_bounds(day, tz_name)
    row = store.execute(
        "select count(*) from reviews where reviewed_at >= ? and reviewed_at < ? and reviewer = ?",
        [start, end, reviewer],
    ).fetchone()
    return int(row[0])


class AppClock:
    """Seconds spent in the app per reviewer and day, counted while active and stored as it goes."""

    def __init__(self, store: Store, reviewer: str, tz_name: str) -> None:
        self.store = store
        self.reviewer = reviewer
        self.tz_name = tz_name
        self._unsaved = 0.0
        self._day: date | None = None
        self._saved = 0.0

    def seconds_today(self, now: datetime) -> float:
        """Time in the app today, stored plus not yet flushed."""
        self._roll(now)
        return self._saved + self._unsaved

    def tick(self, now: datetime, elapsed: float, idle: float) -> None:
        """Count `elapsed` seconds unless the reviewer has been idle longer than the threshold."""
        self._roll(now)
        if elapsed > 0 and idle <= IDLE_AFTER_SECONDS:
            self._unsaved += min(elapsed, IDLE_AFTER_SECONDS)

    def flush(self) -> None:
        """Commit the unsaved seconds (called every few seconds and on quit)."""
        if self._day is None or self._unsaved <= 0:
            return
        amount, self._unsaved = self._unsaved, 0.0
        with self.store.atomic():
            self.store.execute(
                "insert into app_time (day, reviewer, seconds) values (?, ?, ?)"
                " on conflict(day, reviewer) do update set seconds = seconds + excluded.seconds",
                [self._day.isoformat(), self.reviewer, amount],
            )
        self._saved += amount

    def _roll(self, now: datetime) -> None:
        day = local_day(now, self.tz_name)
        if day == self._day:
            return
        self.flush()
        self._day = day
        row = self.store.execute(
            "select seconds from app_time where day = ? and reviewer = ?",
            [day.isoformat(), self.reviewer],
        ).fetchone()
        self._saved = float(row[0]) if row else 0.0
        self._unsaved = 0.0
