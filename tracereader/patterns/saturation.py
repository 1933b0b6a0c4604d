"""Saturation: how many new patterns each 20 reviewed traces produced, so the reviewer sees
when the taxonomy has stopped growing and reading more mostly confirms what is known.

Reviewed traces are taken in the order they were reviewed and cut into windows of 20. A
pattern (as `find_patterns` groups them now, with the reviewer's merges) is new in the
window that holds its earliest-reviewed trace, so a note filed under a known pattern adds
nothing and a one-off note counts once. The last window may be partial; it is marked so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tracereader.patterns.finding import Pattern
from tracereader.store import Store

WINDOW = 20
QUIET_WINDOWS = 2
"""Full windows in a row that must add at most `QUIET_MAX` new patterns in all to call it."""
QUIET_MAX = 1


@dataclass(frozen=True)
class Window:
    """Traces `first`..`last` (1-based, in review order) and the patterns they started."""

    first: int
    last: int
    traces: int
    new_patterns: int


@dataclass(frozen=True)
class Saturation:
    """The series of new patterns per window, and what it says."""

    window: int
    reviewed: int
    patterns: int
    windows: list[Window] = field(default_factory=list)
    stopped_growing: bool = False
    message: str = ""

    @property
    def series(self) -> list[int]:
        """New patterns per window, oldest first (the last may be a partial window)."""
        return [w.new_patterns for w in self.windows]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: window, reviewed, patterns, series, windows, stopped_growing, message."""
        return {
            "window": self.window,
            "reviewed": self.reviewed,
            "patterns": self.patterns,
            "series": self.series,
            "windows": [asdict(w) for w in self.windows],
            "stopped_growing": self.stopped_growing,
            "message": self.message,
        }


def _review_order(store: Store) -> list[str]:
    rows = store.execute(
        "select trace_id from reviews where reviewed_at is not null order by reviewed_at, trace_id"
    ).fetchall()
    return [row[0] for row in rows]


def saturation(store: Store, patterns: list[Pattern], *, window: int = WINDOW) -> Saturation:
    """New patterns per `window` reviewed traces, and whether the last ones added any."""
    order = _review_order(store)
    position = {trace_id: n for n, trace_id in enumerate(order)}
    starts = [
        min(position[t] for t in p.trace_ids if t in position)
        for p in patterns
        if any(t in position for t in p.trace_ids)
    ]
    windows: list[Window] = []
    for begin in range(0, len(order), window):
        end = min(begin + window, len(order))
        started = sum(1 for s in starts if begin <= s < end)
        windows.append(Window(first=begin + 1, last=end, traces=end - begin, new_patterns=started))
    full = [w for w in windows if w.traces == window]
    recent = full[-QUIET_WINDOWS:]
    stopped = len(recent) == QUIET_WINDOWS and sum(w.new_patterns for w in recent) <= QUIET_MAX
    return Saturation(
        window=window,
        reviewed=len(order),
        patterns=len(starts),
        windows=windows,
        stopped_growing=stopped,
        message=_message(full, recent, stopped, window),
    )


def _message(full: list[Window], recent: list[Window], stopped: bool, window: int) -> str:
    if not full:
        return f"Fewer than {window} reviewed traces: too early to tell if patterns keep appearing."
    added = sum(w.new_patterns for w in recent)
    span = sum(w.traces for w in recent)
    found = f"The last {span} reviewed traces produced {added} new pattern{'s' * (added != 1)}"
    if stopped:
        return f"{found}: the taxonomy has stopped growing; reading more mostly confirms it."
    return f"{found}: the taxonomy is still growing."
