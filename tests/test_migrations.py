"""Migrations: an empty database gets every one once; a first-schema database opens migrated."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import sqlite_utils

from tracereader.migrations import MIGRATIONS, MIGRATIONS_TABLE, applied, migrate
from tracereader.store import Store, StoreError, connect
from tracereader.timeutil import parse_iso

ALL = [m.__name__ for m in MIGRATIONS]


def test_empty_database_gets_every_migration_once() -> None:
    db = sqlite_utils.Database(memory=True)
    assert migrate(db) == ALL
    assert applied(db) == set(ALL)
    assert migrate(db) == []
    names = set(db.table_names())
    assert {"traces", "messages", "signals", "reviews", "tags", "ingest_runs"} <= names
    assert {"ingested_files", "meta", MIGRATIONS_TABLE} <= names
    assert ALL[0] == "m001_initial"
    assert len(set(ALL)) == len(ALL)


def test_migrations_apply_in_order_and_record_when() -> None:
    db = sqlite_utils.Database(memory=True)
    migrate(db)
    rows = list(db.query(f"select name, applied_at from [{MIGRATIONS_TABLE}] order by rowid"))
    assert [r["name"] for r in rows] == ALL
    assert all(parse_iso(r["applied_at"]) for r in rows)


def test_first_schema_database_opens_with_every_later_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(connect(path))
    assert migrate(db, upto=1) == ["m001_initial"]
    db["traces"].insert({"id": "t-1", "timestamp": "2026-11-01T00:00:00Z", "ner": 1})
    db["messages"].insert({"trace_id": "t-1", "idx": 0, "role": "user", "content": "hi"})
    db["reviews"].insert({"trace_id": "t-1", "verdict": "pass", "reviewed_at": "2026-11-02"})
    db["tags"].insert({"trace_id": "t-1", "tag": "tone", "created_at": "2026-11-02"})
    db.close()
    store = Store.open(path)
    try:
        assert applied(store.db) == set(ALL)
        stored = store.get_trace("t-1")
        assert stored is not None and stored.trace.messages[0].content == "hi"
        assert store.count("reviews") == 1 and store.count("tags") == 1
        assert store.db.execute("pragma foreign_keys").fetchone()[0] == 1
        assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()
    reopened = Store.open(path)  # opening again applies nothing new
    try:
        assert migrate(reopened.db) == []
    finally:
        reopened.close()


def test_new_database_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "t.db"
    Store.open(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a tracereader database"):
        Store.open(path)
