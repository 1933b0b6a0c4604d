"""Generated traces and reviews for the patterns, advisor and health tests (no anonymizer)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from tracereader.model import Event, Feedback, Message, Trace
from tracereader.store import Store
from tracereader.timeutil import to_iso

BASE = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def make_trace(
    trace_id: str,
    timestamp: datetime = BASE,
    *,
    session: str | None = None,
    release: str | None = "v1",
    score: float | None = None,
    events: Iterable[str] = (),
) -> Trace:
    """A two-turn trace with optional feedback and implicit events."""
    return Trace(
        messages=[Message("user", f"question {trace_id}"), Message("assistant", "answer")],
        id=trace_id,
        timestamp=timestamp,
        session_id=session,
        release=release,
        feedback=Feedback(score=score) if score is not None else None,
        events=[Event(type=e) for e in events],
    )


def add_traces(store: Store, traces: Iterable[Trace]) -> None:
    """Store traces as ingest would (already anonymized)."""
    store.add_traces(list(traces), format="native", ner=False)


def review(
    store: Store,
    trace_id: str,
    *,
    verdict: str | None = "fail",
    note: str | None = None,
    tags: Iterable[str] = (),
    seconds: float = 30.0,
    reviewed_at: datetime = BASE,
) -> None:
    """Write a review row and its tags the way the review app leaves them."""
    with store.db.atomic():
        store.db["reviews"].upsert(
            {
                "trace_id": trace_id,
                "verdict": verdict,
                "note": note,
                "reviewer": "tester",
                "reviewed_at": to_iso(reviewed_at),
                "seconds": seconds,
            },
            pk="trace_id",
        )
        for tag in tags:
            store.db["tags"].insert(
                {
                    "trace_id": trace_id,
                    "tag": tag,
                    "reviewer": "tester",
                    "created_at": to_iso(reviewed_at),
                },
                replace=True,
            )


def daily_traffic(
    store: Store, counts: dict[date, int], *, prefix: str = "d", hour: int = 12
) -> None:
    """Store `counts[day]` bare traces (each its own conversation) on each day, from `hour` UTC."""
    rows = []
    for day, count in sorted(counts.items()):
        start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        for i in range(count):
            stamp = to_iso(start + timedelta(seconds=i % 3600))
            rows.append({"id": f"{prefix}-{day.isoformat()}-{i}", "timestamp": stamp,
                         "timestamp_inferred": 0, "metadata": "{}"})  # fmt: skip
    with store.db.atomic():
        store.db["traces"].insert_all(rows, batch_size=1000)


def days(start: date, values: list[int]) -> dict[date, int]:
    """Consecutive days from `start` with the given counts."""
    return {start + timedelta(days=i): v for i, v in enumerate(values)}
