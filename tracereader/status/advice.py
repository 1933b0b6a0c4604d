"""The advisor's and pipeline health's part of `tracereader status`: JSON keys, readable lines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tracereader.config import Settings
from tracereader.status.advisor import advise
from tracereader.status.health import check_health
from tracereader.store import Store
from tracereader.timeutil import local_day, utcnow

# The keys this module adds to the status document (the status table shows them its own way).
STATUS_KEYS = (
    "conversations_per_day",
    "conversations_on_as_of",
    "trailing_mean_7d",
    "recommendation",
    "crossed_on",
    "daily",
    "alerts",
    "capacity",
    "advisor",
)
_BARS = "▁▂▃▄▅▆▇█"


def status_keys(store: Store, settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """`conversations_per_day` (the trailing 7-day mean: the figure the app and exports show),
    `conversations_on_as_of`, `trailing_mean_7d`, `recommendation`, `crossed_on`, `daily`,
    `alerts`, `capacity` and the rest of the advice under `advisor`."""
    moment = now or utcnow()
    advice = advise(store, settings, today=local_day(moment, settings.timezone))
    capacity = advice.capacity
    rest = advice.as_dict()
    for key in ("daily", "capacity", *STATUS_KEYS):
        rest.pop(key, None)
    return {
        "conversations_per_day": advice.trailing_mean_7d,
        "conversations_on_as_of": advice.conversations_on_as_of,
        "trailing_mean_7d": advice.trailing_mean_7d,
        "recommendation": advice.recommendation,
        "crossed_on": advice.crossed_on,
        "daily": advice.daily,
        "alerts": [a.as_dict() for a in check_health(store, settings, now=moment)],
        "capacity": None
        if capacity is None
        else {
            "median_seconds_per_trace": capacity.median_seconds_per_trace,
            "traces_per_budget": capacity.traces_per_budget,
            "coverage": capacity.coverage,
            "sample_percent": capacity.sample_percent,
            "timed_reviews": capacity.timed_reviews,
        },
        "advisor": rest,
    }


def sparkline(values: list[int]) -> str:
    """Counts as one line of block characters, scaled to the largest."""
    top = max(values, default=0)
    if top <= 0:
        return "▁" * len(values)
    return "".join(_BARS[min(len(_BARS) - 1, round(v / top * (len(_BARS) - 1)))] for v in values)


def status_lines(document: dict[str, Any], last_days: int = 28) -> list[tuple[str, str]]:
    """Readable `(label, value)` rows for the status table."""
    advisor = document.get("advisor") or {}
    rows: list[tuple[str, str]] = []
    for alert in document.get("alerts") or []:
        rows.append((f"ALERT {alert['kind']}", f"{alert['message']} (since {alert['since']})"))
    daily = document.get("daily") or {}
    if daily:
        days = sorted(daily)[-last_days:]
        counts = [int(daily[d]) for d in days]
        rows.append(("conversations/day", f"{sparkline(counts)}  {days[0]} → {days[-1]}"))
    rows.append(("advisor", str(advisor.get("message") or "-")))
    rows.append(("recommendation", str(document.get("recommendation"))))
    if advisor.get("trend"):
        change = advisor.get("trend_change")
        extra = "" if change is None else f" ({100 * change:+.0f}% on the week before)"
        rows.append(("trend", f"{advisor['trend']}{extra}"))
    rows.extend(("note", str(note)) for note in advisor.get("notes") or [])
    rows.append(("reading capacity", str(advisor.get("capacity_text") or "no timed reviews yet")))
    if advisor.get("thin_data"):
        rows.append(("thin data", str(advisor["thin_data"])))
    return rows
