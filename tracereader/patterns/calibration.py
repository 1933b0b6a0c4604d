"""How far each signal can be trusted here: the reviewer's verdicts measure every signal.

Implicit signals are ambiguous (a regenerate may be exploration, a copy may copy an error
message), so they are never counted as failures. Instead, among reviewed traces that carry a
signal, we count how often the reviewer judged the trace bad, with a Wilson interval and n.
Also here: the satisfaction rate from explicit feedback and the reviewer's pass rate.

Feedback scores: 1 is a thumbs up, -1 a thumbs down and 0 neutral (left out), as the native
format defines them. A score strictly between 0 and 1 is a rating: 0.5 or more counts as up,
below 0.5 as down (an explicit 0 stays neutral because the format reserves 0 for neutral).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracereader import stored
from tracereader.model import SIGNAL_AMBIGUITY, THUMBS_DOWN
from tracereader.stats import Proportion, percent, percent_range
from tracereader.store import Store

# What each implicit signal may mean besides a failure (shown beside the figure).


def feedback_direction(score: float | None) -> int:
    """+1 for a thumbs up, -1 for a thumbs down, 0 for neutral or no score (or no number)."""
    score = stored.number(score)
    if score is None:
        return 0
    if score >= 1:
        return 1
    if score < 0:
        return -1
    if score == 0:
        return 0
    return 1 if score >= 0.5 else -1


@dataclass(frozen=True)
class SignalCalibration:
    """Of the judged traces carrying `signal`, how many the reviewer judged bad."""

    signal: str
    bad: Proportion
    traces: int
    """Traces carrying the signal in the whole store, reviewed or not."""

    @property
    def sentence(self) -> str:
        """One line such as `regenerate → judged bad in 34% (22–48%), n = 41`."""
        name = "thumbs-down" if self.signal == THUMBS_DOWN else self.signal
        if self.bad.n == 0:
            return f"{name} → no reviewed trace carries it yet ({self.traces} unreviewed)"
        rate = self.bad.rate or 0.0
        return (
            f"{name} → judged bad in {percent(rate)} "
            f"({percent_range(self.bad.ci_low, self.bad.ci_high)}), n = {self.bad.n}"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: signal, k, n, rate, ci_low, ci_high, traces, ambiguity, sentence."""
        return {
            "signal": self.signal,
            **self.bad.as_dict(),
            "traces": self.traces,
            "ambiguity": SIGNAL_AMBIGUITY.get(self.signal, "meaning unknown: read the traces"),
            "sentence": self.sentence,
        }


def _judged(store: Store) -> dict[str, bool]:
    """Reviewed traces with a verdict: trace id -> judged bad."""
    rows = store.db.execute(
        "select trace_id, verdict from reviews"
        " where reviewed_at is not null and verdict in ('pass', 'fail')"
    )
    return {tid: verdict == "fail" for tid, verdict in rows}


def _carriers(store: Store) -> dict[str, set[str]]:
    """Signal -> traces carrying it (implicit kinds, and thumbs-down from explicit feedback)."""
    carriers: dict[str, set[str]] = {}
    for trace_id, kind, explicit, score in store.db.execute(
        "select trace_id, kind, explicit, score from signals"
    ):
        if explicit:
            if feedback_direction(score) < 0:
                carriers.setdefault(THUMBS_DOWN, set()).add(trace_id)
        else:
            carriers.setdefault(str(kind), set()).add(trace_id)
    return carriers


def calibrate(store: Store) -> list[SignalCalibration]:
    """Per signal, the share of its judged traces that the reviewer called bad; most n first."""
    judged = _judged(store)
    result = []
    for signal, traces in _carriers(store).items():
        verdicts = [judged[t] for t in traces if t in judged]
        bad = Proportion.of(sum(verdicts), len(verdicts))
        result.append(SignalCalibration(signal=signal, bad=bad, traces=len(traces)))
    result.sort(key=lambda c: (-c.bad.n, c.signal))
    return result


def baseline_bad_rate(store: Store) -> Proportion:
    """Share of all judged traces that were bad: what a signal's rate should be compared with."""
    judged = _judged(store)
    return Proportion.of(sum(judged.values()), len(judged))


def pass_rate(store: Store) -> Proportion:
    """Reviewed traces the reviewer judged good, among those with a verdict."""
    judged = _judged(store)
    return Proportion.of(sum(not bad for bad in judged.values()), len(judged))


@dataclass(frozen=True)
class Satisfaction:
    """Thumbs up / (up + down) from explicit feedback, with neutral scores counted apart."""

    rate: Proportion
    up: int
    down: int
    neutral: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: k, n, rate, ci_low, ci_high, up, down, neutral."""
        return {**self.rate.as_dict(), "up": self.up, "down": self.down, "neutral": self.neutral}


def satisfaction(store: Store) -> Satisfaction:
    """The satisfaction rate over every trace with explicit feedback (reviewed or not)."""
    up = down = neutral = 0
    for (score,) in store.db.execute(
        "select score from signals where explicit = 1 and score is not null"
    ):
        direction = feedback_direction(score)
        up += direction > 0
        down += direction < 0
        neutral += direction == 0
    return Satisfaction(rate=Proportion.of(up, up + down), up=up, down=down, neutral=neutral)


def proportion_sentence(name: str, prop: Proportion) -> str:
    """`name 72% (61–81%), n = 64`, or `name: no data yet`."""
    if prop.n == 0 or prop.rate is None:
        return f"{name}: no data yet"
    return f"{name} {percent(prop.rate)} ({percent_range(prop.ci_low, prop.ci_high)}), n = {prop.n}"
