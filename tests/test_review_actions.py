"""Review actions: each committed at once, journaled, and undoable in a chain."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from review_traces import make_trace

from tracereader.review import ReviewLog
from tracereader.review.daily import AppClock, reviewed_on
from tracereader.store import Store

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def log(store: Store) -> ReviewLog:
    store.add_traces([make_trace(i) for i in range(4)], format="native", ner=True)
    return ReviewLog(store, "ana", now=lambda: NOW)


def test_tag_implies_fail_until_marked_otherwise(log: ReviewLog) -> None:
    assert log.toggle_tag("t-0000", "wrong_tool") is True
    state = log.state("t-0000")
    assert state.tags == ("wrong_tool",)
    assert (state.verdict, state.verdict_source) == ("fail", "tags")
    assert state.reviewed_at == "2026-11-03T12:00:00Z"
    log.set_verdict("t-0000", "pass")
    assert log.state("t-0000").verdict == "pass"
    assert log.toggle_tag("t-0000", "wrong_tool") is False
    assert log.state("t-0000").verdict == "pass"  # explicit verdicts stay


def test_untag_clears_an_implied_verdict(log: ReviewLog) -> None:
    log.toggle_tag("t-0001", "tone")
    log.toggle_tag("t-0001", "tone")
    state = log.state("t-0001")
    assert state.tags == () and state.verdict is None


def test_reviews_record_reviewer_and_time(log: ReviewLog) -> None:
    log.set_verdict("t-0002", "fail")
    row = log.db.execute("select verdict, reviewer, reviewed_at from reviews").fetchone()
    assert row == ("fail", "ana", "2026-11-03T12:00:00Z")


def test_note_set_and_cleared(log: ReviewLog) -> None:
    log.set_note("t-0000", "  quoted a refund window we do not have ")
    assert log.state("t-0000").note == "quoted a refund window we do not have"
    log.set_note("t-0000", "")
    assert log.state("t-0000").note is None


def test_undo_chain_reverts_in_reverse_order(log: ReviewLog) -> None:
    log.toggle_tag("t-0000", "tone")
    log.set_note("t-0000", "curt")
    log.set_verdict("t-0001", "pass")
    log.skip("t-0002")
    assert log.undo().kind == "skip"
    assert log.state("t-0002").skipped_at is None
    undone = log.undo()
    assert (undone.kind, undone.trace_ids) == ("verdict", ["t-0001"])
    assert not log.state("t-0001").reviewed
    assert log.undo().kind == "note"
    assert log.state("t-0000").note is None
    assert log.state("t-0000").tags == ("tone",)
    assert log.undo().kind == "tag"
    assert log.state("t-0000") == log.state("t-0003")  # back to untouched
    assert log.undo() is None
    kinds = [r[0] for r in log.db.execute("select kind from review_actions order by id")]
    assert kinds.count("undo") == 4  # the journal is append-only


def test_undo_keeps_seconds(log: ReviewLog) -> None:
    log.toggle_tag("t-0000", "tone")
    log.add_seconds("t-0000", 12.5)
    log.undo()
    assert log.state("t-0000").seconds == 12.5


def test_bulk_tag_is_one_undoable_action(log: ReviewLog) -> None:
    log.toggle_tag("t-0001", "tone")
    assert log.add_tag_to_many(["t-0000", "t-0001", "t-0002"], "tone") == 2
    assert all("tone" in log.state(t).tags for t in ("t-0000", "t-0001", "t-0002"))
    undone = log.undo()
    assert undone.kind == "bulk_tag" and sorted(undone.trace_ids) == ["t-0000", "t-0002"]
    assert log.state("t-0000").tags == () and log.state("t-0001").tags == ("tone",)


def test_each_action_is_committed_for_another_connection(log: ReviewLog, tmp_path: Path) -> None:
    log.toggle_tag("t-0003", "tone")
    other = Store.open(tmp_path / "test.db")
    try:
        assert other.db.execute("select tag from tags").fetchall() == [("tone",)]
    finally:
        other.close()


class _FailingCommit:
    """A connection whose next COMMIT fails, as on a full disk."""

    def __init__(self, conn) -> None:  # type: ignore[no-untyped-def]
        self._conn, self.fail = conn, True

    def execute(self, sql: str, *args):  # type: ignore[no-untyped-def]
        if sql == "COMMIT" and self.fail:
            self.fail = False
            raise OSError("disk full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._conn, name)


def test_a_failed_commit_is_rolled_back_so_later_actions_still_land(
    log: ReviewLog, tmp_path: Path
) -> None:
    real = log.store.conn
    log.store.conn = _FailingCommit(real)  # type: ignore[assignment]
    with pytest.raises(OSError, match="disk full"):
        log.toggle_tag("t-0001", "tone")
    assert not real.in_transaction
    log.toggle_tag("t-0002", "tone")
    log.store.conn = real
    other = Store.open(tmp_path / "test.db")
    try:
        assert other.db.execute("select trace_id from tags").fetchall() == [("t-0002",)]
    finally:
        other.close()


def test_undo_is_per_reviewer(store: Store) -> None:
    store.add_traces([make_trace(0)], format="native", ner=True)
    ana, bo = ReviewLog(store, "ana"), ReviewLog(store, "bo")
    ana.toggle_tag("t-0000", "tone")
    assert bo.undo() is None
    assert ana.undo() is not None


def test_reviewed_today_and_app_clock_survive_restarts(log: ReviewLog) -> None:
    log.mark_seen("t-0000")
    assert log.mark_seen("t-0000") is False
    assert reviewed_on(log.store, "ana", NOW.date(), "UTC") == 1
    assert reviewed_on(log.store, "bo", NOW.date(), "UTC") == 0
    clock = AppClock(log.store, "ana", "UTC")
    clock.tick(NOW, 30, idle=1)
    clock.tick(NOW, 30, idle=500)  # walked away: not counted
    clock.flush()
    assert AppClock(log.store, "ana", "UTC").seconds_today(NOW) == 30


def test_m002_review_app_migration_on_an_in_memory_database() -> None:
    from tracereader.migrations import applied

    store = Store.memory()
    assert "m002_review_app" in applied(store.db)
    for table in ("review_actions", "queue_skips", "queue_samples", "app_time"):
        assert table in store.db.table_names()
    assert "verdict_source" in store.db["reviews"].columns_dict


def test_undo_says_what_it_undid(log: ReviewLog) -> None:
    log.toggle_tag("t-0000", "wrong_tool")
    log.set_verdict("t-0000", "pass")
    log.set_note("t-0000", "first")
    log.set_note("t-0000", "second")
    log.add_tag_to_many(["t-0001", "t-0002"], "tone")
    log.mark_seen("t-0003")
    log.skip("t-0003")
    said = [log.undo().description for _ in range(7)]  # type: ignore[union-attr]
    assert said == [
        "skip of t-0003: it is back in its place",
        "seen on t-0003: it is unreviewed again",
        "bulk tag tone on 2 traces",
        "note on t-0000 (back to “first”)",
        "note on t-0000 (back to no note)",
        "verdict pass on t-0000 (back to fail)",
        "tag wrong_tool on t-0000",
    ]
