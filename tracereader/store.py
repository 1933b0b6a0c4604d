"""The SQLite store: opening it privately and safely, and reading and writing traces.

Review, pattern and action-item tables are written by their own domain modules
(`review/`, `patterns/`, `actions.py`) through `Store.db`; this module owns traces.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracereader import locations, stored
from tracereader.migrations import migrate, pending

if TYPE_CHECKING:
    import sqlite_utils
from tracereader.model import Event, Feedback, Message, ToolCall, Trace
from tracereader.timeutil import to_iso, utcnow

BUSY_TIMEOUT_MS = 30_000
TEXT_FACTORY = functools.partial(str, encoding="utf-8", errors="replace")
"""Stored text that is not UTF-8 (written by another tool) reads as U+FFFD, not an error."""
_SAVEPOINTS = itertools.count(1)


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
    conn.text_factory = TEXT_FACTORY
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA recursive_triggers=ON")  # what sqlite-utils sets on its connections
    # WAL with synchronous=NORMAL: a commit survives the process being killed at any moment
    # (the WAL is in the OS's hands); only a power cut or OS crash can lose the last commits.
    # It saves an fsync per review action, about a third of the time of the `g` key.
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _import_sqlite_utils() -> None:
    """Import sqlite-utils with numpy and pandas hidden, unless either is already loaded.

    sqlite-utils imports them, when installed, only to map their scalar types to column
    types; tracereader never writes numpy or pandas values (numpy is here for scipy), and
    hiding them saves about 0.3 s. They import normally afterwards.
    """
    hidden = ("numpy", "pandas")
    if "sqlite_utils" in sys.modules or any(name in sys.modules for name in hidden):
        return
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


class Store:
    """A migrated tracereader database. Use `Store.open(path)`.

    The review path reads and writes through `execute` and `atomic` on the bare connection;
    `db`, the sqlite-utils wrapper used for schema work and bulk inserts, is made on first
    use, so opening the review app does not pay for importing sqlite-utils (0.1 s).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils wrapper of the same connection (made, and imported, on first use)."""
        if self._db is None:
            _import_sqlite_utils()
            import sqlite_utils

            self._db = sqlite_utils.Database(
                self.conn, recursive_triggers=False, execute_plugins=False
            )
        return self._db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement; outside a transaction a write commits at once (as in sqlite-utils)."""
        conn = self.conn
        outside = not conn.in_transaction
        try:
            cursor = conn.execute(sql, params)
        except Exception:
            if outside and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if outside and conn.in_transaction and cursor.description is None:
            conn.execute("COMMIT")
        return cursor

    @contextmanager
    def atomic(self, *, immediate: bool = False) -> Iterator[None]:
        """One transaction around the block; nested blocks are savepoints (as `db.atomic()`).

        `immediate` takes the write lock up front (BEGIN IMMEDIATE): a deferred transaction
        that reads and then writes fails at once with "database is locked" when another
        process committed in between; an immediate one waits its busy timeout instead.
        A failed COMMIT (disk full, I/O error) is rolled back, so no transaction stays open
        for later writes to nest in and be lost.
        """
        conn = self.conn
        if conn.in_transaction:
            savepoint = f"tracereader_{next(_SAVEPOINTS)}"
            conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            return
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

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
            conn: sqlite3.Connection | None = None
            try:
                conn = connect(db_file)
                store = cls(conn, db_file)
                # sqlite-utils only when there is schema work: an up-to-date database opens
                # with two reads on the bare connection.
                journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(journal).lower() != "wal":
                    store.db.enable_wal()
                if pending(conn):
                    migrate(store.db)
            except sqlite3.DatabaseError as exc:
                if conn is not None:
                    conn.close()
                raise StoreError(f"{db_file}: not a tracereader database ({exc})") from None
        return store

    @classmethod
    def memory(cls) -> Store:
        """A migrated in-memory store, for tests."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.text_factory = TEXT_FACTORY
        conn.execute("PRAGMA foreign_keys=ON")
        store = cls(conn, None)
        migrate(store.db)
        return store

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # -- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A value from the key-value meta table."""
        row = self.execute("select value from meta where key = ?", [key]).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the key-value meta table (committed)."""
        with self.atomic():
            self.execute(
                "insert into meta (key, value) values (?, ?)"
                " on conflict(key) do update set value = excluded.value",
                [key, value],
            )

    # -- traces -----------------------------------------------------------------------------
    def has_trace(self, trace_id: str) -> bool:
        """Whether a trace with this id is stored."""
        sql = "select 1 from traces where id = ?"
        return self.execute(sql, [trace_id]).fetchone() is not None

    def existing_ids(self, trace_ids: Iterable[str]) -> set[str]:
        """The subset of `trace_ids` already stored."""
        ids = list(trace_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"select id from traces where id in ({marks})"
            found.update(row[0] for row in self.execute(sql, chunk))
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
        rows = _dicts(self.execute("select * from traces where id = ?", [trace_id]))
        if not rows:
            return None
        row = rows[0]
        # Read leniently (`stored`): a row written by another tool must not break the app.
        messages = [
            Message(
                role=stored.text(m["role"]) or "?",
                content=stored.text(m["content"]),
                tool_calls=[
                    ToolCall(
                        name=stored.text(c.get("name")) or "?",
                        arguments=c.get("arguments"),
                        id=stored.text(c.get("id")),
                    )
                    for c in stored.tool_calls(m["tool_calls"])
                ],
                tool_call_id=stored.text(m["tool_call_id"]),
                name=stored.text(m["name"]),
            )
            for m in _dicts(
                self.execute("select * from messages where trace_id = ? order by idx", [trace_id])
            )
        ]
        feedback: Feedback | None = None
        events: list[Event] = []
        signals = self.execute("select * from signals where trace_id = ? order by id", [trace_id])
        for s in _dicts(signals):
            if s["explicit"]:
                feedback = Feedback(
                    score=stored.number(s["score"]), comment=stored.text(s["comment"])
                )
            else:
                events.append(
                    Event(
                        type=stored.text(s["kind"]) or "?",
                        at=stored.moment(s["at"]),
                        message_index=stored.integer(s["message_index"]),
                    )
                )
        trace = Trace(
            messages=messages,
            id=row["id"],
            timestamp=stored.moment(row["timestamp"]),
            user_id=stored.text(row["user_hash"]),
            session_id=stored.text(row["session_hash"]),
            model=stored.text(row["model"]),
            release=stored.text(row["release"]),
            feedback=feedback,
            events=events,
            metadata=stored.from_json(row["metadata"], dict) or {},
            error=stored.text(row["error"]),
            latency_ms=stored.number(row["latency_ms"]),
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
        return int(self.execute(f"select count(*) from [{table}]").fetchone()[0])


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """The cursor's rows as dicts keyed by column name."""
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


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
