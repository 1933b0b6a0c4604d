"""Pipeline health: notice when traces stop arriving or daily volume collapses.

If event volume drops to zero, the likeliest cause is on the capture side (a deploy that
disconnected trace export, an ingest job that stopped), not the users vanishing. Two alerts:
`stale` when the newest trace is older than `settings.stale_after_days` while earlier days had
traffic, and `collapse` when yesterday's conversations fell below 20% of the trailing 7-day
mean before it. A database that never had traffic raises nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from tracereader.config import Settings
from tracereader.status.volume import daily_conversations
from tracereader.store import Store
from tracereader.timeutil import local_day, to_iso, utcnow

COLLAPSE_SHARE = 0.20
# Below this trailing mean a quiet day is ordinary noise, not a collapse.
COLLAPSE_MIN_MEAN = 5.0


@dataclass(frozen=True)
class Alert:
    """One health problem: what kind, what it most likely means, and since when."""

    kind: str
    message: str
    since: str

    def as_dict(self) -> dict[str, Any]:
        """`{kind, message, since}` for JSON."""
        return asdict(self)


def check_health(store: Store, settings: Settings, now: datetime | None = None) -> list[Alert]:
    """Alerts about the capture pipeline, most important first (empty when all is well)."""
    moment = now or utcnow()
    today = local_day(moment, settings.timezone)
    volume = daily_conversations(store, settings.timezone, today)
    if not volume.had_traffic or volume.last_trace is None:
        return []
    alerts: list[Alert] = []
    age = moment - volume.last_trace
    if age > timedelta(days=settings.stale_after_days):
        days = age.total_seconds() / 86400
        alerts.append(
            Alert(
                kind="stale",
                message=(
                    f"No new traces for {days:.1f} days (last {to_iso(volume.last_trace)}): "
                    "a deploy may have disconnected trace export, or the ingest job stopped"
                ),
                since=to_iso(volume.last_trace),
            )
        )
        return alerts
    yesterday = today - timedelta(days=1)
    before = volume.trailing_mean(yesterday - timedelta(days=1))
    count = volume.count_on(yesterday)
    started = volume.days[0] < yesterday
    if started and before >= COLLAPSE_MIN_MEAN and count < COLLAPSE_SHARE * before:
        alerts.append(
            Alert(
                kind="collapse",
                message=(
                    f"Only {count} conversations on {yesterday.isoformat()} against a trailing "
                    f"mean of {before:.0f}/day: trace capture is probably partly broken "
                    "(a listener, sampling setting or export job)"
                ),
                since=yesterday.isoformat(),
            )
        )
    return alerts
