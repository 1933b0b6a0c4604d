"""Odd values written straight into a database, as an older version, a bug or a hand edit could.

Every column a command reads gets values ingest would never write today: timestamps in year 1
(the old `strftime` form too), year 9999, impossible dates and plain garbage; NULs, surrogate
halves, markup and terminal escapes in text; JSON that is not JSON or not the expected shape;
numbers that are huge, negative, infinite or text. `fill_odd_store` adds them to normal
reviewed traces so that patterns, exports and compare have real work to do around them.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from review_traces import fill_store

from tracereader.store import Store

ODD_TIMESTAMPS: list[Any] = [
    "0001-01-01T00:00:00Z",
    "1-01-01T00:00:00Z",  # what to_iso wrote for year 1 before it padded years
    "9999-12-31T23:59:59Z",
    "1969-12-31T23:59:59Z",
    "2026-02-30T00:00:00Z",
    "not a time",
    "",
    None,
    1_700_000_000,
    1.5e300,
]
ODD_TEXT: list[Any] = [
    "nul\x00inside",
    "astral \U0001f600, BOM \ufeff, zero width \u200b",
    "[bold red]markup[/] [@click=app.quit]x[/]",
    "\x1b[2J\x1b]0;title\x07escape",
    "x" * 100_000,
    "",
    None,
    12345,
    "\u202eright-to-left\u2066",
]
ODD_JSON: list[Any] = ["not json", "[1, 2]", '"a string"', "{", '{"a": NaN}', "null", "", None, 7]
ODD_NUMBERS: list[Any] = [1e308, -1e308, -5, 0, 10**18, "text", None, float("inf")]


def _odd(values: list[Any], i: int) -> Any:
    return values[i % len(values)]


def fill_odd_store(path: Path, normal: int = 12) -> list[str]:
    """Normal reviewed, tagged traces plus odd ones of every kind; return the odd trace ids."""
    fill_store(path, normal)
    Store.open(path).close()  # migrated
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    odd_ids: list[str] = []
    width = max(len(ODD_TIMESTAMPS), len(ODD_TEXT), len(ODD_JSON), len(ODD_NUMBERS))
    for i in range(width * 2):
        trace_id = f"odd-{i:03d}"
        odd_ids.append(trace_id)
        _odd_trace(conn, trace_id, i)
    normal_ids = [row[0] for row in conn.execute("select id from traces where id like 't-%'")]
    for i, trace_id in enumerate(normal_ids + odd_ids[::2]):  # odd ones left in the queue too
        _odd_review(conn, trace_id, i)
    _odd_app_state(conn, odd_ids)
    _invalid_utf8(conn, odd_ids)
    conn.commit()
    conn.close()
    return odd_ids


def _odd_trace(conn: sqlite3.Connection, trace_id: str, i: int) -> None:
    text = _odd(ODD_TEXT, i)
    conn.execute(
        "insert into traces (id, timestamp, timestamp_inferred, user_hash, session_hash, model,"
        " release, error, latency_ms, feedback_score, signal_count, first_user_line, metadata,"
        " format, ner, ingest_run_id, ingested_at) values"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            trace_id,
            _odd(ODD_TIMESTAMPS, i),
            [0, 1, None, 2][i % 4],
            _odd(ODD_TEXT, i + 1),
            _odd(ODD_TEXT, i + 2),
            _odd(ODD_TEXT, i + 3),
            _odd(["v1", "v2", None, "", "[b]v3[/b]", "v\x00", 7], i),
            _odd(ODD_TEXT, i + 4),
            _odd(ODD_NUMBERS, i),
            _odd([5.0, -3.0, 1.0, -1.0, 0.5, None, "x", float("nan")], i),
            [-1, 0, 3, 10**12, None][i % 5],
            text,
            _odd(ODD_JSON, i),
            _odd(["tracereader", None, "", "weird\x1b[0m"], i),
            [0, 1, None, 7][i % 4],
            [None, 1, -1, 999][i % 4],
            _odd(ODD_TIMESTAMPS, i + 3),
        ],
    )
    roles = ["user", "assistant", "tool", "system", "weird", None, ""]
    calls = [
        None,
        "not json",
        "{}",
        "[1, 2]",
        '[{"name": null}]',
        '[{"id": "c1", "name": "f", "arguments": {"a": [1, {"b": null}]}}]',
        '[{"name": "f", "arguments": "' + "[" * 200 + '"}]',
    ]
    for idx in range(4):
        conn.execute(
            "insert into messages (trace_id, idx, role, content, tool_calls, tool_call_id, name)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            [
                trace_id,
                [idx, idx, -idx, 10**9][idx],
                _odd(roles, i + idx),
                _odd(ODD_TEXT, i + idx),
                _odd(calls, i + idx),
                _odd(ODD_TEXT, i + idx + 5),
                _odd(ODD_TEXT, i + idx + 6),
            ],
        )
    for j in range(3):
        conn.execute(
            "insert into signals (trace_id, kind, explicit, score, comment, at, message_index)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            [
                trace_id,
                _odd(["feedback", "regenerate", "copy", "abandon", None, "", "\x00"], i + j),
                [1, 0, None, 2][(i + j) % 4],
                _odd([1.0, -1.0, 0.5, 7.0, None, "x"], i + j),
                _odd(ODD_TEXT, i + j),
                _odd(ODD_TIMESTAMPS, i + j),
                _odd([0, -5, 10**12, None, "x"], i + j),
            ],
        )


def _invalid_utf8(conn: sqlite3.Connection, odd_ids: list[str]) -> None:
    """Text that is not UTF-8 (a surrogate half, a cut sequence), stored as TEXT all the same."""
    bad = "cast(x'6c6f6e6520eddcbf20ff2063757420e282' as text)"
    trace_id = odd_ids[2]
    conn.execute(f"update messages set content = {bad} where trace_id = ?", [trace_id])
    for column in ("release", "model", "first_user_line", "metadata", "error", "timestamp"):
        conn.execute(f"update traces set {column} = {bad} where id = ?", [odd_ids[3]])
    conn.execute(f"update reviews set note = {bad} where trace_id = ?", [odd_ids[4]])
    conn.execute(f"update or ignore tags set tag = {bad} where trace_id = ?", [odd_ids[5]])


def _odd_review(conn: sqlite3.Connection, trace_id: str, i: int) -> None:
    verdict = _odd(["fail", "pass", None, "maybe", ""], i)
    conn.execute(
        "insert or replace into reviews (trace_id, verdict, note, reviewer, reviewed_at, seconds,"
        " verdict_source) values (?, ?, ?, ?, ?, ?, ?)",
        [
            trace_id,
            verdict,
            _odd(["wrong order looked up", "refund policy invented", None, *ODD_TEXT], i),
            _odd(["tester", None, "", "x\x00"], i),
            _odd(["2026-11-02T10:00:00Z", "2026-11-03T10:00:00Z", *ODD_TIMESTAMPS], i),
            _odd([30.0, -5.0, None, 1e308, "x", 0], i),
            _odd(["explicit", "tags", None, "??"], i),
        ],
    )
    for tag in _odd([["wrong_tool"], ["hallucination", "wrong_tool"], [], ["", "[b]x[/b]"]], i):
        conn.execute(
            "insert or ignore into tags (trace_id, tag, reviewer, created_at) values (?, ?, ?, ?)",
            [trace_id, tag, "tester", _odd(ODD_TIMESTAMPS, i)],
        )


def _odd_app_state(conn: sqlite3.Connection, odd_ids: list[str]) -> None:
    """Odd rows in the tables behind the queue, undo, pattern edits and action items."""
    conn.execute(
        "insert into review_actions (at, reviewer, kind, trace_ids, before, after, undoes)"
        " values (?, ?, ?, ?, ?, ?, ?)",
        ["garbage", "tester", "tag", "not json", "{", "[]", None],
    )
    conn.execute(
        "insert into ingest_runs (path, format, started_at, finished_at, ok, duplicates,"
        " rejected, pii, ner) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ["not json", None, "garbage", None, "x", None, -1, "{not json", 5],
    )
    conn.execute(
        "insert into ingest_runs (path, format, started_at, finished_at, ok, duplicates,"
        " rejected, pii, ner) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ["[]", "tracereader", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", 3, 0, 0, "[1]", 1],
    )
    conn.execute(
        "insert into queue_skips (trace_id, reviewer, skipped_at) values (?, ?, ?)",
        [odd_ids[0], "tester", "0001-01-01T00:00:00Z"],
    )
    conn.execute(
        "insert into app_time (day, reviewer, seconds) values (?, ?, ?)",
        ["not a day", "tester", -50.0],
    )
    for kind, key, target, label in [
        ("merge", "tag:missing", None, None),
        ("rename", "tag:wrong_tool", None, "[b]renamed[/b]\x00"),
        ("split", "note:nowhere", "note:also-nowhere", None),
        ("weird", None, None, None),
    ]:
        conn.execute(
            "insert into pattern_edits (kind, key, target, label, trace_id, reviewer, created_at)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            [kind, key, target, label, odd_ids[1], "tester", "garbage"],
        )
    for key, state, compare in [
        ("tag:wrong_tool", "fixed", "not json"),
        ("tag:hallucination", "weird", json.dumps({"p_value": "x"})),
        ("tag:gone", "validated", None),
    ]:
        conn.execute(
            "insert into action_items (key, label, state, release, fixed_at, validated_at,"
            " last_compare, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [key, "[b]label[/b]", state, "v2", "garbage", None, compare, "0001-01-01", None],
        )
