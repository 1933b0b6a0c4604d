"""The demo's app while another process fills its database: it says so, picks up each trace that
lands without a key press, and says when everything is in."""

from __future__ import annotations

import json
from pathlib import Path

from app_helpers import frozen_options
from review_traces import make_trace, review_settings

from tracereader.app import build_app
from tracereader.app.widgets.conversation import ConversationView
from tracereader.app.widgets.review_header import ReviewHeader
from tracereader.demo_feed import META_KEY, feed_state
from tracereader.store import Store


def _progress(db: Path, state: str, count: int) -> None:
    """What the feed process does: traces land, then it writes how far it got."""
    other = Store.open(db)
    try:
        have = other.count("traces")
        other.add_traces([make_trace(i) for i in range(have, count)], format="native", ner=True)
        value = {"state": state, "landed": count, "files_done": 1, "files": 3}
        other.set_meta(META_KEY, json.dumps(value))
    finally:
        other.close()


async def test_the_demo_app_follows_the_feed_and_says_when_it_is_done(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    Store.open(db).close()
    note = f"Demo: this database ({db}) is deleted when you quit; tracereader demo --keep keeps it."
    app = build_app(
        db,
        review_settings(),
        frozen_options(background=feed_state, quit_note=note, tick_seconds=0.05),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.session.current is None
        _progress(db, "running", 4)
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        header = app.screen.query_one(ReviewHeader).text
        assert "Loading the sample traces in the background" in header and "4 so far" in header
        assert len(app.session.ids) == 4 and app.session.current is not None  # no key pressed
        assert "Where is my order" in app.screen.query_one(ConversationView).text
        _progress(db, "done", 6)
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.session.ids) == 6
        assert "Loading the sample" not in app.screen.query_one(ReviewHeader).text
        assert any("All 6 sample traces are in" in n.message for n in app._notifications)
        await pilot.press("question_mark")
        help_text = str(app.screen.query_one("#help-text").render())
        assert "is deleted when you quit" in help_text
