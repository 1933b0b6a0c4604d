"""Append-only schema migrations: ordered named functions, each applied once and recorded.

Never edit a migration that has shipped; add the next one. `MIGRATIONS` is the order.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from tracereader.timeutil import to_iso, utcnow

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS_TABLE = "_migrations"


def m001_initial(db: sqlite_utils.Database) -> None:
    """Traces, messages, signals, reviews, tags, ingest bookkeeping and a key-value meta table."""
    db["traces"].create(
        {
            "id": str,  # source id, or a hash of the content when the source had none
            "timestamp": str,  # ISO 8601 UTC; ingest time when the source had none
            "timestamp_inferred": int,  # 1 when the timestamp is the ingest time
            "user_hash": str,  # HMAC of the user id
            "session_hash": str,  # HMAC of the session id
            "model": str,
            "release": str,
            "error": str,
            "latency_ms": float,
            "feedback_score": float,  # denormalized from signals for queue ordering
            "signal_count": int,  # implicit events + explicit feedback
            "first_user_line": str,  # for the list view, already anonymized
            "metadata": str,  # JSON object, anonymized
            "format": str,  # the export format it was read from
            "ner": int,  # 1 when name detection was on at ingest
            "ingest_run_id": int,
            "ingested_at": str,
        },
        pk="id",
    )
    db["messages"].create(
        {
            "trace_id": str,
            "idx": int,
            "role": str,
            "content": str,
            "tool_calls": str,  # JSON list of {id, name, arguments}
            "tool_call_id": str,
            "name": str,
        },
        pk=("trace_id", "idx"),
        foreign_keys=[("trace_id", "traces", "id")],
    )
    db["signals"].create(
        {
            "id": int,
            "trace_id": str,
            "kind": str,  # "feedback" or an implicit event type (regenerate, copy, …)
            "explicit": int,  # 1 for feedback the user gave, 0 for implicit events
            "score": float,
            "comment": str,
            "at": str,
            "message_index": int,
        },
        pk="id",
        foreign_keys=[("trace_id", "traces", "id")],
    )
    db["reviews"].create(
        {
            "trace_id": str,
            "verdict": str,  # "pass", "fail" or NULL (seen, no verdict yet)
            "note": str,  # free-text note (open coding), anonymized text typed by the reviewer
            "reviewer": str,
            "reviewed_at": str,
            "seconds": float,  # time spent on the trace, for throughput
        },
        pk="trace_id",
        foreign_keys=[("trace_id", "traces", "id")],
    )
    db["tags"].create(
        {"trace_id": str, "tag": str, "reviewer": str, "created_at": str},
        pk=("trace_id", "tag"),
        foreign_keys=[("trace_id", "traces", "id")],
    )
    db["ingest_runs"].create(
        {
            "id": int,
            "path": str,
            "format": str,
            "started_at": str,
            "finished_at": str,
            "ok": int,
            "duplicates": int,
            "rejected": int,
            "pii": str,  # JSON {entity type: count}
            "ner": int,
        },
        pk="id",
    )
    db["ingested_files"].create(
        {
            "path": str,  # absolute path
            "size": int,
            "mtime_ns": int,
            "consumed_bytes": int,  # how far the file has been read
            "consumed_lines": int,
            "prefix_sha256": str,  # hash of the consumed prefix, to detect rewrites
            "format": str,
            "run_id": int,
        },
        pk="path",
    )
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["traces"].create_index(["timestamp"])
    db["traces"].create_index(["release", "timestamp"])
    db["traces"].create_index(["session_hash"])
    db["signals"].create_index(["trace_id"])
    db["signals"].create_index(["kind"])
    db["tags"].create_index(["tag"])
    db["reviews"].create_index(["reviewed_at"])


# Later issues append here, in this order (one named function each, never edited once shipped):
# m002_review_app, m003_patterns, m004_action_items.
MIGRATIONS: list[Migration] = [m001_initial]


def applied(db: sqlite_utils.Database) -> set[str]:
    """Names of the migrations already applied to `db`."""
    if MIGRATIONS_TABLE not in db.table_names():
        return set()
    return {row["name"] for row in db[MIGRATIONS_TABLE].rows}


def migrate(db: sqlite_utils.Database, upto: int | None = None) -> list[str]:
    """Apply every migration not yet applied (only the first `upto`, for tests); return names."""
    if MIGRATIONS_TABLE not in db.table_names():
        db[MIGRATIONS_TABLE].create({"name": str, "applied_at": str}, pk="name")
    done = applied(db)
    newly: list[str] = []
    for migration in MIGRATIONS[:upto]:
        name = migration.__name__
        if name in done:
            continue
        with db.atomic():
            migration(db)
            db[MIGRATIONS_TABLE].insert({"name": name, "applied_at": to_iso(utcnow())})
        newly.append(name)
    return newly
