"""The volume advisor: which row of the brief's table the traffic puts the user in, and since when.

Under 100 conversations/day reading by hand beats any pipeline; 100-500 a hosted platform
(LangSmith, Braintrust, Langfuse) pays for capture; 500+ over several topics a full feedback
pipeline is justified; a high-stakes domain adds a human review queue with escalation. The row
is read from the trailing 7-day mean of conversations per day, so one busy day does not move it.

"Several topics" is measured from trace metadata (`topic`, `intent` or `category`): the
distinct values seen on at least 5% of the last 7 days' traces; 3 or more are several. Without
such metadata topics are unknown and volume alone decides (the advice says so).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from tracereader import stored
from tracereader.config import Settings
from tracereader.status.volume import DailyVolume, daily_conversations
from tracereader.store import Store
from tracereader.timeutil import day_bounds, local_day, utcnow

PLATFORM_AT = 100
PIPELINE_AT = 500
SEVERAL_TOPICS = 3
TOPIC_MIN_SHARE = 0.05
TOPIC_KEYS = ("topic", "intent", "category")
THIN_DATA_DAYS = 14
TREND_CHANGE = 0.15
ROW_TEXT = {
    "manual": "keep reading traces by hand (under 100 conversations/day)",
    "platform": "adopt a hosted platform (LangSmith, Braintrust or Langfuse) for capture; "
    "keep this tool for reading (100-500/day)",
    "pipeline": "a full feedback pipeline is justified (500+/day over several topics)",
    "human_review": "high-stakes domain: add a human review queue with escalation",
}


def per_day_text(mean: float) -> str:
    """The one way a conversations/day figure is written: the app, patterns, status, exports."""
    return f"{mean:.1f} conversations/day"


def volume_row(mean: float, several_topics: bool = True) -> str:
    """`manual` under 100/day, `platform` from 100, `pipeline` from 500 with several topics."""
    if mean >= PIPELINE_AT and several_topics:
        return "pipeline"
    if mean >= PLATFORM_AT:
        return "platform"
    return "manual"


@dataclass(frozen=True)
class Capacity:
    """How much of the daily traffic the reviewer's pace and budget cover."""

    median_seconds_per_trace: float
    traces_per_budget: int
    coverage: float | None
    """Share of daily conversations the budget covers (1.0 = all); None without traffic."""
    sample_percent: int | None
    """Suggested `--sample` percentage for the queue (100 = read everything)."""
    timed_reviews: int

    def sentence(self, daily_minutes: float, daily: float) -> str:
        """`at your pace 30 minutes covers about 45 of your 63 daily conversations: sample 70%`."""
        budget = f"{daily_minutes:g} minutes"
        if self.coverage is None or self.sample_percent is None:
            pace = f"{self.median_seconds_per_trace:.0f} s a trace"
            return f"at your pace ({pace}) {budget} covers about {self.traces_per_budget} traces"
        if self.coverage >= 1:
            return f"at your pace {budget} covers all of your {daily:.1f} daily conversations"
        return (
            f"at your pace {budget} covers about {self.traces_per_budget} of your {daily:.1f}"
            f" daily conversations: sample {self.sample_percent}%"
        )


def reading_capacity(store: Store, settings: Settings, daily: float) -> Capacity | None:
    """Median seconds per reviewed trace, traces per daily budget, share of traffic covered."""
    readable = (
        stored.number(s)
        for (s,) in store.db.execute(
            "select seconds from reviews where reviewed_at is not null and seconds > 0"
        )
    )
    seconds = [s for s in readable if s is not None and s > 0]
    if not seconds:
        return None
    median = statistics.median(seconds)
    per_budget = int(settings.daily_minutes * 60 // median)
    coverage = min(1.0, per_budget / daily) if daily > 0 else None
    sample = None if coverage is None else max(1, min(100, round(100 * coverage)))
    return Capacity(median, per_budget, coverage, sample, len(seconds))


@dataclass
class Advice:
    """The advisor's reading of the traffic; `as_dict()` feeds `status --json`."""

    today: str
    as_of: str | None
    """The day the figures are read to: yesterday, or the last day with traffic before it."""
    conversations_on_as_of: int | None
    """Conversations on `as_of`, the last day of the 7-day mean (not the figure: see below)."""
    trailing_mean_7d: float | None
    """Conversations per day: the one figure every screen, status and export shows."""
    volume_row: str
    recommendation: str
    crossed_on: str | None
    next_threshold: int | None
    distance_to_next: float | None
    trend: str | None
    trend_change: float | None
    topics: int | None
    daily: dict[str, int]
    inferred_timestamps: int
    capacity: Capacity | None
    thin_data: str | None
    message: str
    capacity_text: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def headline(self) -> str:
        """One short line for the app header."""
        if self.trailing_mean_7d is None:
            return "no traffic yet"
        parts = [self.per_day_text, self.recommendation]
        if self.distance_to_next is not None and self.next_threshold is not None:
            parts.append(f"{per_day_short(self.distance_to_next)}/day below {self.next_threshold}")
        return " · ".join(parts)

    @property
    def per_day_text(self) -> str:
        """`21.6 conversations/day (7-day mean to 2026-11-11)`, or that there is no traffic."""
        if self.trailing_mean_7d is None:
            return "no conversations recorded yet"
        return f"{per_day_text(self.trailing_mean_7d)} (7-day mean to {self.as_of})"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form; `capacity` has median_seconds_per_trace, traces_per_budget, coverage."""
        data = asdict(self)
        data["headline"] = self.headline
        return data


def per_day_short(distance: float) -> int:
    """Whole conversations/day still missing: 78.4 short of a threshold is 79 more to reach it."""
    return math.ceil(distance)


def count_topics(store: Store, tz_name: str, first: date, last: date) -> int | None:
    """Distinct metadata topics on at least 5% of traces on local days `first` to `last`.

    None without metadata. Traces whose timestamp is the ingest time are left out, as in the
    daily counts.
    """
    start, end = day_bounds(first, tz_name)[0], day_bounds(last, tz_name)[1]
    for key in TOPIC_KEYS:
        rows = store.db.execute(
            f"select json_extract(metadata, '$.{key}') as v, count(*) from traces"
            " where timestamp >= ? and timestamp < ? and timestamp_inferred = 0"
            " and json_valid(metadata) and v is not null group by v",
            [start, end],
        ).fetchall()
        if rows:
            total = sum(n for _, n in rows)
            return sum(1 for _, n in rows if n >= TOPIC_MIN_SHARE * total)
    return None


def _crossed_on(volume: DailyVolume, upto: int, row_of: Any) -> str | None:
    """The day the trailing mean entered its current row (None if it was always there)."""
    means = volume.trailing_means()[: upto + 1]
    current = row_of(means[-1])
    for i in range(len(means) - 1, -1, -1):
        if row_of(means[i]) != current:
            return volume.days[i + 1].isoformat()
    return None


def _some_tag_is_actionable(store: Store, threshold: int) -> bool:
    """Whether one tag alone already covers `threshold` reviewed traces."""
    row = store.db.execute(
        "select max(n) from (select count(distinct g.trace_id) as n from tags g"
        " join reviews r on r.trace_id = g.trace_id where r.reviewed_at is not null"
        " group by g.tag)"
    ).fetchone()
    return bool(row and row[0] is not None and row[0] >= threshold)


def _thin_data(store: Store, settings: Settings, today: date) -> str | None:
    """After 14 days of reviewing with no actionable pattern, say what that means."""
    first = stored.oldest_moment(
        store, "select reviewed_at from reviews where reviewed_at is not null"
    )
    if first is None:
        return None
    days = (today - local_day(first, settings.timezone)).days
    if days < THIN_DATA_DAYS:
        return None
    if _some_tag_is_actionable(store, settings.actionable_threshold):
        return None  # cheap answer first: grouping notes can only add to the tag patterns
    from tracereader.patterns import find_patterns

    if any(p.actionable for p in find_patterns(store, settings)):
        return None
    return (
        f"{days} days of reviewing and no pattern has reached {settings.actionable_threshold}"
        " traces: failures are spread thin. Keep reading; there is nothing here yet that"
        " a pipeline would find."
    )


def advise(store: Store, settings: Settings, today: date | None = None) -> Advice:
    """Read the traffic and say which row the user is in, since when, and what is next."""
    if today is None:
        today = local_day(utcnow(), settings.timezone)
    volume = daily_conversations(store, settings.timezone, today)
    capacity = None
    if not volume.had_traffic:
        base_row = "manual"
        return Advice(
            today=today.isoformat(), as_of=None, conversations_on_as_of=None,
            trailing_mean_7d=None, volume_row=base_row,
            recommendation="human_review" if settings.high_stakes else base_row,
            crossed_on=None, next_threshold=PLATFORM_AT, distance_to_next=None, trend=None,
            trend_change=None, topics=None, daily={}, inferred_timestamps=volume.inferred,
            capacity=reading_capacity(store, settings, 0.0),
            thin_data=_thin_data(store, settings, today),
            message="No traffic recorded yet: ingest traces to see conversations per day.",
        )  # fmt: skip
    last_traffic = max(d for d, c in zip(volume.days, volume.counts, strict=True) if c)
    as_of = min(today - timedelta(days=1), last_traffic)
    as_of = max(as_of, volume.days[0])
    index = (as_of - volume.days[0]).days
    mean = volume.trailing_mean(as_of)
    topics = count_topics(store, settings.timezone, as_of - timedelta(days=6), as_of)
    several = topics is None or topics >= SEVERAL_TOPICS
    row = volume_row(mean, several)
    crossed = _crossed_on(volume, index, lambda m: volume_row(m, several))
    next_at = {"manual": PLATFORM_AT, "platform": PIPELINE_AT}.get(row)
    distance = None if next_at is None else round(next_at - mean, 2)
    trend, change = _trend(volume, as_of)
    capacity = reading_capacity(store, settings, mean)
    notes = []
    if topics is None:
        notes.append("topics unknown (no metadata topic/intent/category): volume alone decides")
    elif mean >= PIPELINE_AT and not several:
        notes.append(f"500+/day but only {topics} topic(s): a platform still covers it")
    if volume.inferred:
        notes.append(f"{volume.inferred} traces had no timestamp and are not counted per day")
    recommendation = "human_review" if settings.high_stakes else row
    message = f"{per_day_text(round(mean, 2))} (7-day mean to {as_of.isoformat()}): {ROW_TEXT[row]}"
    if settings.high_stakes:
        message += f"; {ROW_TEXT['human_review']}"
    if crossed:
        message += f". In this row since {crossed}"
    if distance is not None:
        message += f"; {per_day_short(distance)}/day more reaches {next_at}"
    return Advice(
        today=today.isoformat(),
        as_of=as_of.isoformat(),
        conversations_on_as_of=volume.counts[index],
        trailing_mean_7d=round(mean, 2),
        volume_row=row,
        recommendation=recommendation,
        crossed_on=crossed,
        next_threshold=next_at,
        distance_to_next=distance,
        trend=trend,
        trend_change=change,
        topics=topics,
        daily=volume.as_dict(),
        inferred_timestamps=volume.inferred,
        capacity=capacity,
        thin_data=_thin_data(store, settings, today),
        message=message,
        capacity_text=capacity.sentence(settings.daily_minutes, mean) if capacity else None,
        notes=notes,
    )


def _trend(volume: DailyVolume, as_of: date) -> tuple[str | None, float | None]:
    """Rising, falling or steady: this week's mean against the previous week's."""
    before_day = as_of - timedelta(days=7)
    if (before_day - volume.days[0]).days < 6:
        return None, None
    now, before = volume.trailing_mean(as_of), volume.trailing_mean(before_day)
    if before == 0:
        return ("rising", None) if now > 0 else ("steady", 0.0)
    change = (now - before) / before
    label = "rising" if change > TREND_CHANGE else "falling" if change < -TREND_CHANGE else "steady"
    return label, round(change, 4)


def header_banner(store: Store, settings: Settings, now: datetime | None = None) -> str | None:
    """One line for the app header: the most important health alert, then the advisor's row."""
    from tracereader.status.health import check_health

    moment = now or utcnow()
    alerts = check_health(store, settings, now=moment)
    advice = advise(store, settings, today=local_day(moment, settings.timezone))
    if not alerts and advice.trailing_mean_7d is None:
        return None
    parts = [f"⚠ {alerts[0].message}"] if alerts else []
    parts.append(advice.headline)
    return " · ".join(parts)
