"""A database with enough patterns to fill a screen (helper module for the layout tests)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from patterns_support import BASE, add_traces, make_trace, review

from tracereader.store import Store

TAGS = ["hallucinated_policy", "wrong_tool", "ignored_context", "needless_refusal", "tone"]
NOTES = [
    "quoted a refund window we do not have",
    "ignored the apartment number",
    "answered in French to an English question",
    "linked a page that does not exist",
    "promised a call back",
    "used the old price list",
    "called the customer by the wrong name",
    "gave a tracking link for another order",
]


def many_patterns_db(path: Path) -> None:
    """100 traces over two releases, 90 reviewed: five tag patterns and eight note patterns."""
    store = Store.open(path)
    traces = [
        make_trace(f"x{i:03}", BASE + timedelta(hours=i), release="v1" if i < 60 else "v2")
        for i in range(100)
    ]
    add_traces(store, traces)
    for i in range(90):
        tags = [TAGS[i % len(TAGS)]] if i % 3 == 0 else []
        note = NOTES[i % len(NOTES)] if i % 11 == 0 else None
        review(store, f"x{i:03}", verdict="fail" if tags or note else "pass", tags=tags, note=note)
    store.close()
