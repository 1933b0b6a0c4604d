"""The SQLite store: opening it privately and safely, and reading and writing traces.

Review, pattern and action-item tables are written by their own domain modules
(`review.py`, `patterns.py`, `actions.py`) through `Store.db`; this module owns traces.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from tracereader import locations
from tracereader.migrations import migrate
from tracereader.model import Event, Feedback, Message, ToolCall, Trace
from tracereader.timeutil import parse_iso, to_iso, utcnow

BUSY_TIMEOUT_MS = 30_000


class StoreError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class StoredTrace:
    """A trace as read back from the store, with its storage facts."""

    trace: Trace
    format: str | None
    ner: bool
    timestamp_inferred: bool
    ingested_at: str | None


@contextmanager
def _private_umask() -> Iterator[None]:
    """Make every file created inside (database, WAL, SHM, journal) mode 0600."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def connect(path: Path) -> sqlite3.Connection:
    """Open a connection usable from worker threads that waits for other writers."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class Store:
    """A migrated tracereader database. Use `Store.open(path)`."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
        """Open (creating if allowed) the database at `path`, mode 0600, WAL, migrated."""
        db_file = locations.db_path(path)
        if not db_file.exists() and not create:
            raise StoreError(f"{db_file}: no database here yet; run `tracereader ingest` first")
        with _private_umask():
            if not db_file.parent.exists():
                locations.ensure_private_dir(db_file.parent)
            if not db_file.exists():
                fd = os.open(db_file, os.O_CREAT | os.O_WRONLY, 0o600)
                os.close(fd)
            try:
                # No sqlite-utils plugins: tracereader uses none, and the scan slows app start.
                db = sqlite_utils.Database(connect(db_file), execute_plugins=False)
                db.enable_wal()
                migrate(db)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{db_file}: not a tracereader database ({exc})") from None
        return cls(db, db_file)

    @classmethod
    def memory(cls) -> Store:
        """A migrated in-memory store, for tests."""
        db = sqlite_utils.Database(memory=True, execute_plugins=False)
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db)
        return cls(db, None)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # -- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A value from the key-value meta table."""
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the key-value meta table (committed)."""
        with self.db.atomic():
            self.db.table("meta").upsert({"key": key, "value": value}, pk="key")

    # -- traces -----------------------------------------------------------------------------
    def has_trace(self, trace_id: str) -> bool:
        """Whether a trace with this id is stored."""
        sql = "select 1 from traces where id = ?"
        return self.db.execute(sql, [trace_id]).fetchone() is not None

    def existing_ids(self, trace_ids: Iterable[str]) -> set[str]:
        """The subset of `trace_ids` already stored."""
        ids = list(trace_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"select id from traces where id in ({marks})"
            found.update(row[0] for row in self.db.execute(sql, chunk))
        return found

    def add_traces(
        self,
        traces: Iterable[Trace],
        *,
        format: str,
        ner: bool,
        run_id: int | None = None,
        inferred_ids: Iterable[str] = (),
    ) -> tuple[int, int]:
        """Insert already-anonymized traces in one transaction; return (added, duplicates).

        Every trace must have an id and a timestamp by now (ingest fills them in);
        ids listed in `inferred_ids` are marked as having an inferred timestamp.
        Rows are written with one `insert_all` per table, so a batch costs three statements.
        """
        batch = list(traces)
        for trace in batch:
            if trace.id is None or trace.timestamp is None:
                raise ValueError("traces must have an id and a timestamp before storage")
        inferred = set(inferred_ids)
        now = to_iso(utcnow())
        seen = self.existing_ids(t.id for t in batch if t.id is not None)
        trace_rows: list[dict[str, Any]] = []
        message_rows: list[dict[str, Any]] = []
        signal_rows: list[dict[str, Any]] = []
        for trace in batch:
            assert trace.id is not None
            if trace.id in seen:
                continue
            seen.add(trace.id)
            signals = _signal_rows(trace)
            trace_rows.append(_trace_row(trace, format, ner, run_id, trace.id in inferred, now))
            trace_rows[-1]["signal_count"] = len(signals)
            message_rows.extend(_message_rows(trace))
            signal_rows.extend({"trace_id": trace.id, **row} for row in signals)
        with self.db.atomic():
            if trace_rows:
                self.db.table("traces").insert_all(trace_rows)
            if message_rows:
                self.db.table("messages").insert_all(message_rows)
            if signal_rows:
                self.db.table("signals").insert_all(signal_rows)
        return len(trace_rows), len(batch) - len(trace_rows)

    def get_trace(self, trace_id: str) -> StoredTrace | None:
        """Read one trace back, messages and signals included."""
        rows = list(self.db.query("select * from traces where id = ?", [trace_id]))
        if not rows:
            return None
        row = rows[0]
        messages = [
            Message(
                role=m["role"],
                content=m["content"],
                tool_calls=[
                    ToolCall(name=c["name"], arguments=c.get("arguments"), id=c.get("id"))
                    for c in json.loads(m["tool_calls"] or "[]")
                ],
                tool_call_id=m["tool_call_id"],
                name=m["name"],
            )
            for m in self.db.query(
                "select * from messages where trace_id = ? order by idx", [trace_id]
            )
        ]
        feedback: Feedback | None = None
        events: list[Event] = []
        for s in self.db.query("select * from signals where trace_id = ? order by id", [trace_id]):
            if s["explicit"]:
                feedback = Feedback(score=s["score"], comment=s["comment"])
            else:
                at = parse_iso(s["at"]) if s["at"] else None
                events.append(Event(type=s["kind"], at=at, message_index=s["message_index"]))
        trace = Trace(
            messages=messages,
            id=row["id"],
            timestamp=parse_iso(row["timestamp"]),
            user_id=row["user_hash"],
            session_id=row["session_hash"],
            model=row["model"],
            release=row["release"],
            feedback=feedback,
            events=events,
            metadata=json.loads(row["metadata"] or "{}"),
            error=row["error"],
            latency_ms=row["latency_ms"],
        )
        return StoredTrace(
            trace=trace,
            format=row["format"],
            ner=bool(row["ner"]),
            timestamp_inferred=bool(row["timestamp_inferred"]),
            ingested_at=row["ingested_at"],
        )

    def count(self, table: str) -> int:
        """Rows in a table."""
        return int(self.db.execute(f"select count(*) from [{table}]").fetchone()[0])


def _signal_rows(trace: Trace) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if trace.feedback and (trace.feedback.score is not None or trace.feedback.comment):
        rows.append(
            {
                "kind": "feedback",
                "explicit": 1,
                "score": trace.feedback.score,
                "comment": trace.feedback.comment,
                "at": None,
                "message_index": None,
            }
        )
    for event in trace.events:
        rows.append(
            {
                "kind": event.type,
                "explicit": 0,
                "score": None,
                "comment": None,
                "at": to_iso(event.at) if event.at else None,
                "message_index": event.message_index,
            }
        )
    return rows


def _first_user_line(trace: Trace) -> str:
    first = next((m.content for m in trace.messages if m.role == "user" and m.content), "")
    stripped = (first or "").strip()
    return stripped.splitlines()[0][:200] if stripped else ""


def _trace_row(
    trace: Trace, format: str, ner: bool, run_id: int | None, inferred: bool, now: str
) -> dict[str, Any]:
    assert trace.timestamp is not None
    return {
        "id": trace.id,
        "timestamp": to_iso(trace.timestamp),
        "timestamp_inferred": int(inferred),
        "user_hash": trace.user_id,
        "session_hash": trace.session_id,
        "model": trace.model,
        "release": trace.release,
        "error": trace.error,
        "latency_ms": trace.latency_ms,
        "feedback_score": trace.feedback.score if trace.feedback else None,
        "signal_count": 0,
        "first_user_line": _first_user_line(trace),
        "metadata": json.dumps(trace.metadata, ensure_ascii=False, sort_keys=True),
        "format": format,
        "ner": int(ner),
        "ingest_run_id": run_id,
        "ingested_at": now,
    }


def _message_rows(trace: Trace) -> list[dict[str, Any]]:
    return [
        {
            "trace_id": trace.id,
            "idx": idx,
            "role": m.role,
            "content": m.content,
            "tool_calls": json.dumps(
                [{"id": c.id, "name": c.name, "arguments": c.arguments} for c in m.tool_calls],
                ensure_ascii=False,
            )
            if m.tool_calls
            else None,
            "tool_call_id": m.tool_call_id,
            "name": m.name,
        }
        for idx, m in enumerate(trace.messages)
    ]
