"""Saturation: new patterns per 20 reviewed traces, and when the taxonomy stopped growing."""

from __future__ import annotations

from datetime import timedelta

from patterns_support import BASE, add_traces, make_trace, review

from tracereader.config import Settings
from tracereader.patterns import build_report, find_patterns
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns.saturation import saturation
from tracereader.store import Store

SETTINGS = Settings()


def _review_many(store: Store, count: int, tag_of) -> None:
    ids = [f"t{i:03d}" for i in range(count)]
    add_traces(store, [make_trace(tid) for tid in ids])
    for i, tid in enumerate(ids):
        tag = tag_of(i)
        review(store, tid, tags=[tag] if tag else [], reviewed_at=BASE + timedelta(minutes=i))


def test_new_patterns_per_window_of_twenty(store: Store) -> None:
    # Traces 0-19 bring 5 tags, 20-39 two more, 40-79 only repeat them.
    firsts = {0: "a", 3: "b", 7: "c", 11: "d", 19: "e", 25: "f", 33: "g"}
    known = "abcdefg"
    _review_many(store, 80, lambda i: firsts.get(i) or (known[i % 7] if i > 33 else None))
    result = saturation(store, find_patterns(store, SETTINGS))
    assert result.series == [5, 2, 0, 0]
    first = result.windows[0]
    assert (first.first, first.last, first.traces) == (1, 20, 20)
    assert result.stopped_growing and result.patterns == 7 and result.reviewed == 80
    assert "last 40 reviewed traces produced 0 new patterns" in result.message


def test_a_partial_window_and_a_growing_taxonomy(store: Store) -> None:
    _review_many(store, 45, lambda i: f"tag{i // 4}")
    result = saturation(store, find_patterns(store, SETTINGS))
    assert result.series == [5, 5, 2] and result.windows[-1].traces == 5
    assert not result.stopped_growing and "still growing" in result.message


def test_a_note_filed_under_a_known_pattern_is_not_new(store: Store) -> None:
    add_traces(store, [make_trace(t) for t in ("a", "b")])
    review(store, "a", note="asked for the order number again", reviewed_at=BASE)
    review(store, "b", note="the order id was requested twice", reviewed_at=BASE + timedelta(1))
    assert saturation(store, find_patterns(store, SETTINGS)).series == [2]
    pattern_edits.file_note(store, "b", "note:a")
    assert saturation(store, find_patterns(store, SETTINGS)).series == [1]


def test_too_early_to_tell_and_in_the_json(store: Store) -> None:
    _review_many(store, 5, lambda i: "a")
    report = build_report(store, SETTINGS).as_dict()
    assert report["saturation"]["series"] == [1]
    assert report["saturation"]["stopped_growing"] is False
    assert "too early" in report["saturation"]["message"]
