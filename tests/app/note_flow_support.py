"""A review database with earlier notes and tags, for the note box, merge view and promote tests."""

from __future__ import annotations

from pathlib import Path

from app_helpers import frozen_options
from review_traces import fill_store, review_settings

from tracereader.app import build_app
from tracereader.app.app import TraceReaderApp
from tracereader.patterns import edits as pattern_edits
from tracereader.review import ReviewLog
from tracereader.store import Store

EARLIER = {
    "t-0000": ("asked for the order number again", ["ignored_context"]),
    "t-0001": ("asked the customer for their order number a second time", []),
    "t-0002": ("made up a 30-day price match policy", []),
    "t-0003": ("called search_orders instead of track_shipment", ["wrong_tool"]),
    "t-0004": ("the reply was curt and a bit rude", []),
    "t-0005": ("invented a price match rule that does not exist", []),
    "t-0006": ("Made up a 30-day price-match policy!", []),
}
"""Reviewed before the app opens: note and tags per trace (t-0006 repeats t-0002)."""


def seeded_app(tmp_path: Path, *, file_first: bool = False) -> TraceReaderApp:
    """Twelve traces, the first seven reviewed with notes; the app opens on t-0011."""
    db = tmp_path / "notes.db"
    fill_store(db, 12)
    store = Store.open(db)
    log = ReviewLog(store, "tester")
    for trace_id, (note, tags) in EARLIER.items():
        log.set_note(trace_id, note)
        for tag in tags:
            log.toggle_tag(trace_id, tag)
    if file_first:
        pattern_edits.file_note(store, "t-0001", "note:t-0000", reviewer="tester")
    store.close()
    return build_app(db, review_settings(), frozen_options(cursor_blink=False))


def notes_filed(app: TraceReaderApp) -> list[tuple[str, str | None]]:
    """(trace id, target) of every filing of a note, oldest first."""
    edits = pattern_edits.load(app.store)
    return [(e.trace_id or "", e.target) for e in edits if e.kind == "split"]


def note_of(app: TraceReaderApp, trace_id: str) -> str | None:
    """The stored note of a trace."""
    row = app.store.execute("select note from reviews where trace_id = ?", [trace_id]).fetchone()
    return row[0] if row else None
