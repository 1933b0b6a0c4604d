"""Append-only schema migrations: ordered named functions, each applied once and recorded.

Never edit a migration that has shipped; add the next one. `MIGRATIONS` is the order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from tracereader.timeutil import to_iso, utcnow

if TYPE_CHECKING:
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]
MIGRATIONS_TABLE = "_migrations"


def m001_initial(db: sqlite_utils.Database) -> None:
    """Traces, messages, signals, reviews, tags, ingest bookkeeping and a key-value meta table."""
    db.table("traces").create(
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
    db.table("messages").create(
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
    db.table("signals").create(
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
    db.table("reviews").create(
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
    db.table("tags").create(
        {"trace_id": str, "tag": str, "reviewer": str, "created_at": str},
        pk=("trace_id", "tag"),
        foreign_keys=[("trace_id", "traces", "id")],
    )
    db.table("ingest_runs").create(
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
    db.table("ingested_files").create(
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
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("traces").create_index(["timestamp"])
    db.table("traces").create_index(["release", "timestamp"])
    db.table("traces").create_index(["session_hash"])
    db.table("signals").create_index(["trace_id"])
    db.table("signals").create_index(["kind"])
    db.table("tags").create_index(["tag"])
    db.table("reviews").create_index(["reviewed_at"])


def m002_review_app(db: sqlite_utils.Database) -> None:
    """Review app state: the undo journal, skips, persisted samples, app time and verdict source."""
    db.table("review_actions").create(
        {
            "id": int,
            "at": str,
            "reviewer": str,
            "kind": str,  # tag, untag, verdict, note, seen, skip, bulk_tag, undo
            "trace_ids": str,  # JSON list of the traces the action touched
            "before": str,  # JSON {trace_id: review state} before the action
            "after": str,  # JSON {trace_id: review state} after the action
            "undoes": int,  # for kind "undo": the id of the action it reverted
        },
        pk="id",
    )
    db.table("review_actions").create_index(["reviewer", "id"])
    db.table("review_actions").create_index(["undoes"])
    # "explicit" when the reviewer chose the verdict, "tags" when a failure tag implied it.
    db.table("reviews").add_column("verdict_source", str)
    db.table("queue_skips").create(
        {"trace_id": str, "reviewer": str, "skipped_at": str},
        pk=("reviewer", "trace_id"),
        foreign_keys=[("trace_id", "traces", "id")],
    )
    db.table("queue_samples").create(
        {"key": str, "trace_id": str, "created_at": str},
        pk=("key", "trace_id"),
    )
    db.table("app_time").create(
        {"day": str, "reviewer": str, "seconds": float}, pk=("day", "reviewer")
    )


def m003_patterns(db: sqlite_utils.Database) -> None:
    """The reviewer's edits to patterns, stored against stable keys so they survive regrouping."""
    db.table("pattern_edits").create(
        {
            "id": int,
            "kind": str,  # "merge", "rename" or "split"
            "key": str,  # merge: the pattern merged away; rename: the pattern renamed
            "target": str,  # merge/split: the pattern that absorbs it (split: NULL = stand alone)
            "label": str,  # rename: the new label
            "trace_id": str,  # split: the trace whose note is moved out
            "reviewer": str,
            "created_at": str,
        },
        pk="id",
    )
    db.table("pattern_edits").create_index(["kind"])


def m004_action_items(db: sqlite_utils.Database) -> None:
    """Action items' lifecycle, keyed by the pattern's stable key: open, fixed, then judged."""
    db.table("action_items").create(
        {
            "key": str,  # the pattern's stable key, e.g. "tag:wrong_tool" or "note:<id>"
            "label": str,  # the pattern's label when the state last changed (for display)
            "state": str,  # "open", "fixed", "validated" or "not_validated"
            "release": str,  # the release that ships the fix
            "fixed_at": str,  # when it was marked fixed
            "validated_at": str,  # when compare last judged it
            "last_compare": str,  # JSON document of the last compare result (as --json prints it)
            "created_at": str,
            "updated_at": str,
        },
        pk="key",
    )
    db.table("action_items").create_index(["state"])


def m005_taxonomy_from_notes(db: sqlite_utils.Database) -> None:
    """Tags promoted from confirmed note patterns: the taxonomy grows out of open coding."""
    db.table("taxonomy_tags").create(
        {
            "name": str,  # the tag name stored on traces (unique, also among the config's tags)
            "key": str,  # the review app's hotkey, NULL when none was free
            "description": str,  # the pattern's label when it was promoted (matched by notes)
            "source_key": str,  # the pattern it came from, e.g. "note:<trace id>"
            "reviewer": str,
            "created_at": str,
        },
        pk="name",
    )


def m006_queue_order_and_cluster_cache(db: sqlite_utils.Database) -> None:
    """Dated traces before ingest-time ones in the newest-first queue, and cached note clusters.

    A trace whose source had no timestamp carries the ingest time, which says when it was read,
    not when it ran: the newest-first queue lists it after every dated trace, walking these
    indexes (no sort step). `note_clusters` keeps the clustering of the current notes under a
    hash of its inputs (indices only, never note text; see `grouping_cache`).
    """
    db.execute(
        "create index if not exists idx_traces_inferred_timestamp"
        " on traces (timestamp_inferred, timestamp desc)"
    )
    db.execute(
        "create index if not exists idx_traces_release_inferred_timestamp"
        " on traces (release, timestamp_inferred, timestamp desc)"
    )
    db.table("note_clusters").create(
        {"key": str, "clusters": str, "created_at": str}, pk="key", if_not_exists=True
    )


def m007_app_text(db: sqlite_utils.Database) -> None:
    """Keyed hashes of values recurring in the application's own text, and for whom they recur."""
    db.table("app_text").create(
        {
            "hash": str,  # HMAC of the casefolded value (never the value itself)
            "holder": str,  # HMAC of the user, else session, else trace it was seen for
        },
        pk=("hash", "holder"),
    )


# Later issues append here, in this order (one named function each, never edited once shipped):
# m002_review_app, m003_patterns, m004_action_items, m005_taxonomy_from_notes,
# m006_queue_order_and_cluster_cache, m007_app_text.
MIGRATIONS: list[Migration] = [
    m001_initial,
    m002_review_app,
    m003_patterns,
    m004_action_items,
    m005_taxonomy_from_notes,
    m006_queue_order_and_cluster_cache,
    m007_app_text,
]


def applied(db: sqlite_utils.Database) -> set[str]:
    """Names of the migrations already applied to `db`."""
    if MIGRATIONS_TABLE not in db.table_names():
        return set()
    return {row["name"] for row in db.table(MIGRATIONS_TABLE).rows}


def pending(conn: sqlite3.Connection) -> bool:
    """Whether any migration is still to apply, read on the bare connection (cheap at start-up)."""
    found = conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = ?", [MIGRATIONS_TABLE]
    ).fetchone()
    if found is None:
        return True
    done = {row[0] for row in conn.execute(f"select name from [{MIGRATIONS_TABLE}]")}
    return any(migration.__name__ not in done for migration in MIGRATIONS)


def migrate(db: sqlite_utils.Database, upto: int | None = None) -> list[str]:
    """Apply every migration not yet applied (only the first `upto`, for tests); return names."""
    if MIGRATIONS_TABLE not in db.table_names():
        db.table(MIGRATIONS_TABLE).create({"name": str, "applied_at": str}, pk="name")
    done = applied(db)
    newly: list[str] = []
    for migration in MIGRATIONS[:upto]:
        name = migration.__name__
        if name in done:
            continue
        with db.atomic():
            migration(db)
            db.table(MIGRATIONS_TABLE).insert({"name": name, "applied_at": to_iso(utcnow())})
        newly.append(name)
    return newly
