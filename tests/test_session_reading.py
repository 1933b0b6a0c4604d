"""Moving on counts only what was read: a quick pass leaves the trace unreviewed and queued."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from review_traces import make_trace

from tracereader.review import QueueOptions, ReviewLog, ReviewSession, build_queue
from tracereader.store import Store

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(store: Store, clock: Clock) -> ReviewSession:
    store.add_traces([make_trace(i) for i in range(4)], format="native", ner=True)
    return ReviewSession(
        store, "ana", QueueOptions(), now=lambda: NOW, monotonic=clock, min_read_seconds=3
    )


def reviewed(store: Store) -> list[str]:
    rows = store.execute("select trace_id from reviews where reviewed_at is not null order by 1")
    return [row[0] for row in rows]


def test_two_quick_moves_add_nothing_to_n(session: ReviewSession, clock: Clock) -> None:
    clock.now += 0.2
    assert session.next() and session.last_passed == "t-0003"
    clock.now += 0.2
    assert session.next() and session.last_passed == "t-0002"
    assert reviewed(session.store) == []
    assert session.unread_passes() == ["t-0002", "t-0003"]
    queue = build_queue(session.store, QueueOptions(), "ana", NOW.date())
    assert {"t-0002", "t-0003"} <= set(queue)  # still waiting to be read


def test_a_trace_read_long_enough_counts_even_over_several_visits(
    session: ReviewSession, clock: Clock
) -> None:
    clock.now += 2.0
    session.next()  # 2 s: passed
    session.previous()
    clock.now += 1.5  # 3.5 s in all
    assert session.next() and session.last_passed is None
    assert reviewed(session.store) == ["t-0003"]
    assert session.unread_passes() == []


def test_a_judged_trace_is_never_a_pass(session: ReviewSession, clock: Clock) -> None:
    session.log.toggle_tag("t-0003", "tone")
    assert session.next() and session.last_passed is None
    clock.now += 3.0
    assert session.pass_and_next() and session.last_passed is None  # g: verdict, then move
    assert reviewed(session.store) == ["t-0002", "t-0003"]


def verdicts(store: Store) -> dict[str, str]:
    rows = store.execute("select trace_id, verdict from reviews where verdict is not null")
    return dict(rows.fetchall())


def test_judging_by_g_waits_for_the_trace_to_be_read(session: ReviewSession, clock: Clock) -> None:
    clock.now += 3.5
    assert session.pass_and_next() and session.last_refused is None  # read: judged, moved on
    clock.now += 0.1  # the second press of a double press, on the next trace
    assert not session.pass_and_next() and session.last_refused == "t-0002"
    assert session.current == "t-0002"  # it stays on screen to be read
    assert verdicts(session.store) == {"t-0003": "pass"}  # nothing recorded for t-0002
    assert session.judging_wait() == pytest.approx(2.9)
    clock.now += 3.0
    assert session.pass_and_next() and verdicts(session.store)["t-0002"] == "pass"


def test_acting_on_the_trace_during_the_visit_lets_g_judge_at_once(
    session: ReviewSession, clock: Clock
) -> None:
    session.log.toggle_tag("t-0003", "tone")  # a tag shows the trace was read
    assert session.pass_and_next() and session.last_refused is None
    session.log.set_verdict("t-0001", "fail")  # another trace: this visit's trace is untouched
    assert not session.pass_and_next() and session.last_refused == "t-0002"
    session.log.set_note("t-0002", "reads like a refusal")
    assert session.pass_and_next() and verdicts(session.store)["t-0002"] == "pass"


def test_a_trace_reviewed_before_this_visit_still_waits(
    session: ReviewSession, clock: Clock
) -> None:
    session.log.toggle_tag("t-0002", "tone")  # judged before it is reached
    clock.now += 4.0
    session.next()
    clock.now += 0.2
    assert not session.pass_and_next() and session.last_refused == "t-0002"
    assert verdicts(session.store)["t-0002"] == "fail"  # the tag's verdict stands


def test_a_passed_trace_judged_later_leaves_the_count(session: ReviewSession) -> None:
    session.next()
    ReviewLog(session.store, "ana", now=lambda: NOW).set_verdict("t-0003", "fail")
    assert session.unread_passes() == []


def test_a_walk_steps_outside_the_queue_and_leaves_it_as_it_was(session: ReviewSession) -> None:
    from tracereader.review import Walk
    from tracereader.review.queue import load_position

    session.next()
    queue, place = list(session.ids), load_position(session.store, "ana")
    session.start_walk(Walk("wrong_tool", ["t-0000", "t-0001"], 0, origin="tag:wrong_tool"))
    assert session.current == "t-0000" and session.neighbour(1) == "t-0001"
    assert session.next() and session.current == "t-0001"
    assert not session.next()  # the walk's end: no queue trace slips in
    assert session.previous() and session.current == "t-0000"
    assert not session.skip()  # skipping is for the queue
    assert session.ids == queue and load_position(session.store, "ana") == place
    assert reviewed(session.store) == []  # stepping through a walk judges nothing
    walk = session.end_walk()
    assert walk is not None and walk.current == "t-0000" and walk.origin == "tag:wrong_tool"
    assert session.current == "t-0002" and session.walk is None


def test_merge_drops_traces_another_process_reviewed(session: ReviewSession) -> None:
    ReviewLog(session.store, "bo", now=lambda: NOW).set_verdict("t-0001", "pass")
    fresh = build_queue(session.store, QueueOptions(), "ana", NOW.date())
    assert session.merge(fresh) == 0
    assert session.ids == ["t-0003", "t-0002", "t-0000"]
