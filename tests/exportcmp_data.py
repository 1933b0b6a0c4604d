"""Known databases for the export, compare and action-item tests (helper module, not tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracereader.model import Message, ToolCall, Trace
from tracereader.store import Store
from tracereader.timeutil import to_iso

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass
class Row:
    """One trace and how it was reviewed."""

    id: str
    release: str
    day: int
    tags: list[str] = field(default_factory=list)
    verdict: str | None = "pass"
    note: str | None = None
    reviewed: bool = True
    session: str | None = None


def trace_for(row: Row) -> Trace:
    """A small conversation whose last assistant turn names the trace (for excerpt checks)."""
    return Trace(
        id=row.id,
        timestamp=START + timedelta(days=row.day, minutes=int(row.id.split("-")[-1]) % 600),
        release=row.release,
        session_id=row.session,
        model="gpt-4o-mini",
        messages=[
            Message(role="system", content="You are the support assistant."),
            Message(role="user", content=f"Where is my order? ({row.id})"),
            Message(
                role="assistant",
                tool_calls=[ToolCall(name="lookup_order", arguments={"order": "<ID_1>"}, id="c1")],
            ),
            Message(role="tool", tool_call_id="c1", content='{"status": "shipped"}'),
            Message(role="assistant", content=f"Answer for {row.id}:\x1b[31m shipped\x07 today."),
        ],
    )


def build(path: Path, rows: list[Row]) -> Store:
    """A store holding `rows`, with reviews and tags written directly (as the review app would)."""
    store = Store.open(path)
    store.add_traces([trace_for(r) for r in rows], format="native", ner=False)
    with store.db.atomic():
        for r in rows:
            reviewed_at = to_iso(START + timedelta(days=r.day, hours=5)) if r.reviewed else None
            verdict = r.verdict if r.reviewed else None
            store.db.execute(
                "insert into reviews (trace_id, verdict, note, reviewer, reviewed_at, seconds) "
                "values (?, ?, ?, 'tester', ?, 30.0)",
                [r.id, verdict, r.note, reviewed_at],
            )
            for tag in r.tags:
                store.db.execute(
                    "insert into tags (trace_id, tag, reviewer, created_at) values (?, ?, ?, ?)",
                    [r.id, tag, "tester", reviewed_at or to_iso(START)],
                )
    return store


def two_release_rows(
    before: tuple[int, int], after: tuple[int, int], tag: str = "wrong_tool"
) -> list[Row]:
    """k of n reviewed traces tagged `tag` in v1 (days 0-6), then k of n in v2 (days 10-16)."""
    rows: list[Row] = []
    serial = 0
    for release, (k, n), first_day in (("v1", before, 0), ("v2", after, 10)):
        for i in range(n):
            serial += 1
            tagged = i < k
            rows.append(
                Row(
                    id=f"t-{serial:04d}",
                    release=release,
                    day=first_day + i % 7,
                    tags=[tag] if tagged else [],
                    verdict="fail" if tagged else "pass",
                )
            )
    return rows
