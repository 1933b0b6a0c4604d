"""A pattern's rate per release, so a fix's effect shows where the pattern is.

For each release, k is the number of the pattern's traces from that release and n the
number of reviewed traces from it; every rate carries its Wilson interval. Releases come in
the order they were first seen (`compare.known_releases`), traces without a release last
(`release` None), and only releases with reviewed traces are listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from tracereader.stats import percent, percent_range, wilson_interval

TREND_BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class ReleaseRate:
    """k of n reviewed traces of one release show the pattern, with the Wilson interval."""

    release: str | None
    k: int
    n: int
    rate: float
    ci_low: float
    ci_high: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: release, k, n, rate, ci_low, ci_high."""
        return asdict(self)

    @property
    def name(self) -> str:
        """The release as shown: its name, or `no release`."""
        return self.release if self.release is not None else "no release"


def reviewed_per_release(releases: Iterable[str | None]) -> Counter[str | None]:
    """How many reviewed traces each release has (the n of every per-release rate)."""
    return Counter(releases)


def rates_by_release(
    trace_ids: Iterable[str],
    release_of: Mapping[str, str | None],
    reviewed: Mapping[str | None, int],
    order: list[str],
) -> list[ReleaseRate]:
    """The pattern's k/n per release, for the reviewed traces in `release_of`."""
    counts = Counter(release_of[t] for t in trace_ids if t in release_of)
    known = [r for r in order if reviewed.get(r)]
    rest = sorted(r for r in reviewed if r is not None and r not in order and reviewed[r])
    names: list[str | None] = [*known, *rest]
    if reviewed.get(None):
        names.append(None)
    rates = []
    for release in names:
        n = reviewed[release]
        k = counts.get(release, 0)
        low, high = wilson_interval(k, n)
        rates.append(ReleaseRate(release, k, n, k / n, low, high))
    return rates


def trend_bars(rates: list[ReleaseRate]) -> str:
    """One bar per release, scaled to the highest rate (0 draws as `·`, so it is not blank)."""
    top = max((r.rate for r in rates), default=0.0)
    bars = []
    for r in rates:
        if r.k == 0 or top <= 0:
            bars.append("·")
        else:
            bars.append(TREND_BARS[min(7, max(0, round(r.rate / top * 7)))])
    return "".join(bars)


def rates_text(rates: list[ReleaseRate], limit: int = 4) -> str:
    """`v1.3 14% (9.1–20%, 17/120) → v1.4 18% … → v1.5 2.6%` for the last `limit` releases."""
    shown = rates[-limit:]
    parts = [
        f"{r.name} {percent(r.rate)} ({percent_range(r.ci_low, r.ci_high)}, {r.k}/{r.n})"
        for r in shown
    ]
    more = f"{len(rates) - len(shown)} earlier · " if len(rates) > len(shown) else ""
    return more + " → ".join(parts)
