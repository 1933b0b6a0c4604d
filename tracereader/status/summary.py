"""The numbers behind `tracereader status`: what is stored, what was reviewed, the last ingest.

Reads SQLite only (no Presidio, spaCy or Textual), so it starts instantly. Other domain modules
(advisor, health) add their keys to the same document.
"""

from __future__ import annotations

from typing import Any

from tracereader import stored
from tracereader.config import Settings
from tracereader.store import Store
from tracereader.timeutil import to_iso


def _scalar(store: Store, sql: str) -> Any:
    row = store.db.execute(sql).fetchone()
    return None if row is None else row[0]


def ner_state(store: Store) -> bool | str | None:
    """True/False when every stored trace was ingested with/without names, "mixed", or None."""
    on = int(_scalar(store, "select count(*) from traces where ner = 1") or 0)
    off = int(_scalar(store, "select count(*) from traces where ner = 0 or ner is null") or 0)
    if on and off:
        return "mixed"
    if on or off:
        return bool(on)
    return None


def last_ingest(store: Store) -> dict[str, Any] | None:
    """The most recent finished ingest run, or None before the first one."""
    rows = list(
        store.db.query(
            "select * from ingest_runs where finished_at is not null order by id desc limit 1"
        )
    )
    if not rows:
        return None
    row = rows[0]
    return {
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "ok": stored.integer(row["ok"]) or 0,
        "duplicates": stored.integer(row["duplicates"]) or 0,
        "rejected": stored.integer(row["rejected"]) or 0,
        "format": stored.text(row["format"]),
        "ner": bool(row["ner"]),
        "pii": stored.from_json(row["pii"], dict) or {},
    }


def collect_status(store: Store, settings: Settings) -> dict[str, Any]:
    """The JSON document of `tracereader status --json` (counts are integers, times ISO 8601)."""
    own_times = "select timestamp from traces where timestamp_inferred = 0"  # not ingest time
    first = stored.oldest_moment(store, own_times)
    last = stored.newest_moment(store, own_times)
    reviewed = "select count(*) from reviews where reviewed_at is not null"
    inferred = "select count(*) from traces where timestamp_inferred = 1"
    from tracereader.status.advice import status_keys  # advisor and pipeline health (E)

    return {
        **status_keys(store, settings),
        "traces": store.count("traces"),
        "messages": store.count("messages"),
        "reviewed": int(_scalar(store, reviewed) or 0),
        "tags": store.count("tags"),
        "first_trace_at": None if first is None else to_iso(first),
        "last_trace_at": None if last is None else to_iso(last),
        "last_ingest": last_ingest(store),
        "ner": ner_state(store),
        "inferred_timestamps": int(_scalar(store, inferred) or 0),
    }
