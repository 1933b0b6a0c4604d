"""`tracereader audit [--fix]` on a database an older version made, and on a `--no-ner` one."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from anonymize_planted import shared_analyzer
from click.testing import CliRunner, Result

import tracereader.privacy.analyzer
from tracereader import locations
from tracereader.cli import cli
from tracereader.config import load_settings
from tracereader.demo_feed import feed
from tracereader.privacy.audit import is_bookkeeping
from tracereader.store import Store

FIXTURES = Path(__file__).parent / "privacy_fixtures"
SAMPLE_TRACES = Path(__file__).parent.parent / "sample_traces"
# What the older version left in the fixture database (its input is older_version_input.jsonl).
LEFT_BY_OLDER_VERSION = [
    "maria gonzalez",
    "MARIA GONZALEZ",
    "sk-ant-api03-Qw8Er5Ty7Ui9Op1As3Df6Gh8Jk0Lz4Xc2Vb6Nm",
    "Tr0ub4dor&3",
    "JG103759A",
    "1985-03-12",
    "03/12/1979",
    "SW1A 1AA",
    "c2lnbmF0dXJlMTIz",
    "14155550132",
]


@pytest.fixture(autouse=True)
def shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracereader.privacy.analyzer, "TextAnalyzer", shared_analyzer)


@pytest.fixture
def older_db(tmp_path: Path) -> Path:
    """The fixture database as the older version wrote it, with the salt it was keyed with."""
    db = tmp_path / "older.db"
    conn = sqlite3.connect(db)
    conn.executescript((FIXTURES / "older_version.sql").read_text(encoding="utf-8"))
    conn.close()
    salt = locations.salt_path()
    locations.ensure_private_dir(salt.parent)
    shutil.copy(FIXTURES / "older_version.salt", salt)
    salt.chmod(0o600)
    return db


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["audit", *args])


def dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def test_the_fixture_really_holds_what_the_older_version_let_through(older_db: Path) -> None:
    text = dump(older_db)
    assert all(value in text for value in LEFT_BY_OLDER_VERSION)


def test_audit_reports_by_type_field_and_trace_never_the_value(older_db: Path) -> None:
    result = run("--db", str(older_db))
    assert result.exit_code == 1, result.output
    printed = result.stdout + result.stderr
    assert not [v for v in LEFT_BY_OLDER_VERSION if v in printed or v.lower() in printed.lower()]
    lines = printed.strip().splitlines()
    findings = [line.split() for line in lines[:-1]]
    kinds = {f[0] for f in findings}
    assert {"SECRET", "PERSON", "DATE_OF_BIRTH", "UK_NINO", "POSTCODE", "PHONE_NUMBER"} <= kinds
    fields = {f[1] for f in findings}
    assert {
        "messages.content",
        "messages.tool_calls",
        "signals.comment",
        "traces.metadata",
    } <= fields
    assert {f[2] for f in findings} >= {"old-1", "old-2"}
    # the id that holds a phone number is shown by the keyed hash it will get, not as it is
    assert "traces.id" in fields and not any("tel:" in line for line in lines)
    assert lines[-1].endswith("run with --fix to replace them")


def test_audit_json(older_db: Path) -> None:
    result = run("--db", str(older_db), "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["fixed"] is False and document["by_type"]["SECRET"] >= 4
    assert all(set(f) == {"type", "field", "trace", "count"} for f in document["findings"])


def test_fix_cleans_the_database_in_place_and_a_second_audit_finds_nothing(
    older_db: Path,
) -> None:
    fixed = run("--db", str(older_db), "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert fixed.output.strip().splitlines()[-1].startswith("fixed ")
    text = dump(older_db)
    assert [v for v in LEFT_BY_OLDER_VERSION if v in text] == []
    again = run("--db", str(older_db))
    assert again.exit_code == 0, again.output
    assert again.output.strip().endswith("nothing personal or secret found in what is stored")
    store = Store.open(older_db, create=False)
    try:
        ids = {row["id"] for row in store.db.query("select id from traces")}
        assert "old-1" in ids and "tel:+14155550132/1" not in ids
        rekeyed = next(i for i in ids if i.startswith("t_"))
        assert store.count("messages") == 10
        assert {r["trace_id"] for r in store.db.query("select trace_id from messages")} == ids
        stored = store.get_trace("old-1")
        assert stored is not None
        trace = stored.trace
        user = trace.messages[1].content or ""
        assert re.fullmatch(r"hi its <PERSON_(\d+)>, my api key <SECRET_\d+> stopped working", user)
        persons = set(re.findall(r"<PERSON_\d+>", json.dumps([m.content for m in trace.messages])))
        assert len(persons) == 1, persons  # one person, one placeholder: Maria everywhere
        assert trace.metadata["app_version"] == "3.11.2"
        assert store.get_trace(rekeyed) is not None
    finally:
        store.close()


def content(db: Path) -> list[str]:
    """The rows of the tables that hold trace text."""
    tables = ("traces", "messages", "signals", "reviews")
    return [
        line
        for line in dump(db).splitlines()
        if line.startswith(tuple(f'INSERT INTO "{t}"' for t in tables))
    ]


def test_fix_is_one_transaction(older_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = content(older_db)
    original = Store.execute
    calls = {"n": 0}

    def failing(self: Store, sql: str, params: Any = ()) -> Any:
        if sql.startswith("update"):
            calls["n"] += 1
            if calls["n"] == 5:
                raise sqlite3.OperationalError("disk I/O error")
        return original(self, sql, params)

    monkeypatch.setattr(Store, "execute", failing)
    result = run("--db", str(older_db), "--fix")
    assert result.exit_code != 0 and calls["n"] == 5
    assert content(older_db) == before


def test_names_missed_by_a_no_ner_ingest_are_found_later(tmp_path: Path) -> None:
    source = tmp_path / "t.jsonl"
    record = {
        "id": "n-1",
        "messages": [{"role": "user", "content": "Please ask Ingrid Johansson."}],
    }
    source.write_text(json.dumps(record) + "\n")
    db = tmp_path / "n.db"
    assert (
        CliRunner().invoke(cli, ["ingest", "--db", str(db), "--no-ner", str(source)]).exit_code == 0
    )
    assert "Ingrid" in dump(db)
    result = run("--db", str(db))
    assert result.exit_code == 1 and "PERSON" in result.output and "Ingrid" not in result.output
    assert run("--db", str(db), "--fix").exit_code == 0
    assert "Ingrid" not in dump(db) and run("--db", str(db)).exit_code == 0


def test_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "nope.db"))
    assert result.exit_code == 2 and "\n" not in result.output.strip()


def test_bookkeeping_columns_are_not_rescanned() -> None:
    for table, column in [
        ("note_clusters", "key"),
        ("queue_samples", "key"),
        ("taxonomy_tags", "source_key"),
        ("pattern_edits", "target"),
        ("review_actions", "trace_ids"),
        ("reviews", "reviewed_at"),
        ("app_time", "day"),
        ("traces", "user_hash"),
    ]:
        assert is_bookkeeping(table, column), (table, column)
    for table, column in [
        ("traces", "id"),
        ("messages", "tool_call_id"),
        ("messages", "content"),
        ("reviews", "note"),
        ("review_actions", "before"),
        ("messages", "trace_id"),
    ]:
        assert not is_bookkeeping(table, column), (table, column)


def test_reviewer_notes_and_cache_keys_are_not_findings_and_fix_leaves_them(
    tmp_path: Path,
) -> None:
    source = tmp_path / "t.jsonl"
    record = {"id": "n-1", "messages": [{"role": "user", "content": "where is my order?"}]}
    source.write_text(json.dumps(record) + "\n")
    db = tmp_path / "n.db"
    assert CliRunner().invoke(cli, ["ingest", "--db", str(db), str(source)]).exit_code == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "insert into reviews (trace_id, verdict, note) values (?, ?, ?)",
            ["n-1", "fail", "dumped raw JSON to the user"],
        )
        conn.execute(
            "insert into note_clusters (key, clusters) values (?, ?)",
            ["d411368b8bef95ce3b2aee9cc34b5277e76b6f26fe061b40c251940936cb947c", "[]"],
        )
    conn.close()
    result = run("--db", str(db))
    assert result.exit_code == 0, result.output
    assert run("--db", str(db), "--fix").exit_code == 0
    assert "dumped raw JSON to the user" in dump(db)


def test_a_fresh_demo_database_audits_clean(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    store = Store.open(db)
    try:
        feed(store, load_settings(None), SAMPLE_TRACES)
        assert store.count("traces") > 500
    finally:
        store.close()
    result = run("--db", str(db))
    assert result.exit_code == 0, result.output
