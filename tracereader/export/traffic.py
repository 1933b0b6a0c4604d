"""Conversations per day for export priorities: the advisor's figure, as the app shows it.

The advisor (`tracereader.status.advisor`, counting with `tracereader.status.volume`) is the
one source of the figure: the trailing 7-day mean up to the last complete day that had
traffic, the same number the app header, the patterns screen and `status --json` show. It
only moves when a day with traffic ends, so the same database gives the same export until
then. Traces whose timestamp is the ingest time do not count.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tracereader.status import advise
from tracereader.store import Store

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


def current_traffic(store: Store, settings: Settings, today: date | None = None) -> Traffic:
    """The advisor's trailing 7-day mean, as of `today` (the clock's by default)."""
    advice = advise(store, settings, today=today)
    if advice.trailing_mean_7d is None:
        return Traffic(0.0, "no traces with a timestamp of their own", None)
    return Traffic(advice.trailing_mean_7d, "advisor: trailing 7-day mean", advice.as_of)
