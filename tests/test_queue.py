"""The review queue: order, filters, seeded samples, skips, position, and index use."""

from __future__ import annotations

from datetime import date

import pytest
from review_traces import make_trace

from tracereader.review import ReviewLog
from tracereader.review.queue import (
    QueueError,
    QueueFilter,
    QueueOptions,
    build_queue,
    load_position,
    merge_new,
    parse_sample,
    queue_rows,
    queue_sql,
    save_position,
)
from tracereader.store import Store

TODAY = date(2026, 11, 3)


@pytest.fixture
def filled(store: Store) -> Store:
    store.add_traces([make_trace(i) for i in range(12)], format="native", ner=True)
    return store


def ids(store: Store, **kwargs: object) -> list[str]:
    filter_args = {k: kwargs.pop(k) for k in list(kwargs) if k in QueueFilter.__dataclass_fields__}
    options = QueueOptions(filter=QueueFilter(**filter_args), **kwargs)  # type: ignore[arg-type]
    return build_queue(store, options, "ana", TODAY)


def test_newest_and_oldest(filled: Store) -> None:
    assert ids(filled)[:3] == ["t-0011", "t-0010", "t-0009"]
    assert ids(filled, order="oldest")[:3] == ["t-0000", "t-0001", "t-0002"]


def test_newest_lists_traces_stamped_at_ingest_after_the_dated_ones(filled: Store) -> None:
    from datetime import UTC, datetime

    from tracereader.review.queue import first_page

    undated = make_trace(40)
    undated.timestamp = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the ingest time, newest of all
    filled.add_traces([undated], format="native", ner=True, inferred_ids=[undated.id])
    assert ids(filled)[:2] == ["t-0011", "t-0010"] and ids(filled)[-1] == undated.id
    assert first_page(filled, QueueOptions(), "ana", 3) == ["t-0011", "t-0010", "t-0009"]
    assert ids(filled, since=date(2026, 11, 1))[-1] == undated.id


def test_random_is_seeded_and_stable_across_opens(filled: Store, tmp_path) -> None:
    first = ids(filled, order="random")
    assert sorted(first) == sorted(ids(filled)) and first != ids(filled)
    reopened = Store.open(tmp_path / "test.db")
    try:
        assert ids(reopened, order="random") == first
    finally:
        reopened.close()


def test_signals_first(filled: Store) -> None:
    order = ids(filled, order="signals")
    thumbs_down = {"t-0001", "t-0005", "t-0009"}  # i % 4 == 1
    assert set(order[:3]) == thumbs_down
    assert set(order[3:5]) == {"t-0002", "t-0007"}  # implicit events (i % 5 == 2)


def test_low_scores_on_a_zero_to_one_scale_count_as_thumbs_down(store: Store) -> None:
    from tracereader.model import Feedback

    traces = [make_trace(i) for i in range(3)]
    for trace, score in zip(traces, (0.2, 0.9, None), strict=True):
        trace.feedback = Feedback(score=score) if score is not None else None
        trace.events = []
    store.add_traces(traces, format="native", ner=True)
    assert ids(store, order="signals")[0] == "t-0000"  # 0.2 reads as a thumbs-down


def test_reviewed_traces_leave_the_queue(filled: Store) -> None:
    ReviewLog(filled, "ana").set_verdict("t-0011", "pass")
    assert "t-0011" not in ids(filled)
    assert "t-0011" in ids(filled, include_reviewed=True)


def test_filters(filled: Store) -> None:
    assert ids(filled, release="v1") == [f"t-{i:04d}" for i in range(5, -1, -1)]
    assert all(int(t[2:]) % 2 for t in ids(filled, model="gpt-4o-mini"))
    # trace i is at 09:00 + 10*i minutes on 2026-11-02, so every trace is on that day
    assert len(ids(filled, since=date(2026, 11, 2), until=date(2026, 11, 2))) == 12
    assert ids(filled, since=date(2026, 11, 3)) == []
    assert ids(filled, text="order 1007") == ["t-0007"]
    # Tool calls and the system prompt are searched only when asked (they repeat everywhere).
    assert ids(filled, text="lookup_order") == []
    assert ids(filled, text="lookup_order", text_in_tools=True) == [
        f"t-{i:04d}" for i in (9, 6, 3, 0)
    ]
    assert ids(filled, text="brief and polite") == []
    assert len(ids(filled, text="brief and polite", text_in_system=True)) == 12
    assert ids(filled, trace_id="0007") == ["t-0007"]
    assert ids(filled, text="100%") == []
    ReviewLog(filled, "ana").toggle_tag("t-0004", "tone")
    assert ids(filled, tag="tone") == ["t-0004"]
    ReviewLog(filled, "ana").set_note("t-0002", "Quoted a refund window we do not have")
    assert ids(filled, note="refund window") == ["t-0002"]  # reviewed, and found by its note


def test_skipped_traces_go_last(filled: Store) -> None:
    ReviewLog(filled, "ana").skip("t-0011")
    assert ids(filled)[-1] == "t-0011"


def test_sample_fraction_and_count_are_persisted(filled: Store) -> None:
    first = ids(filled, sample="50%")
    assert len(first) == 6
    filled.add_traces([make_trace(i) for i in range(12, 20)], format="native", ner=True)
    assert ids(filled, sample="50%") == first  # today's sample is kept
    assert len(ids(filled, sample="3")) == 3
    assert len(ids(filled, sample="100")) == 20


@pytest.mark.parametrize("bad", ["0%", "150%", "abc", "2.5", "0"])
def test_sample_errors(bad: str) -> None:
    with pytest.raises(QueueError):
        parse_sample(bad)


def test_unknown_order_is_refused() -> None:
    with pytest.raises(QueueError):
        QueueOptions(order="loudest")


@pytest.mark.parametrize(
    "options",
    [
        QueueOptions(),
        QueueOptions(order="oldest"),
        QueueOptions(filter=QueueFilter(release="v1")),
        QueueOptions(filter=QueueFilter(since=TODAY, until=TODAY)),
    ],
)
def test_queue_query_uses_indexes(filled: Store, options: QueueOptions) -> None:
    sql, params = queue_sql(options)
    plan = [row[3] for row in filled.db.execute(f"explain query plan {sql}", params)]
    traces_steps = [step for step in plan if " t " in f" {step} " or step.endswith(" t")]
    assert traces_steps, plan
    for step in traces_steps:
        assert "USING INDEX" in step or "USING COVERING INDEX" in step, plan
    assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan


def test_position_is_saved_per_reviewer(filled: Store) -> None:
    save_position(filled, "ana", "t-0004")
    assert load_position(filled, "ana") == "t-0004"
    assert load_position(filled, "bo") is None


def test_merge_new_keeps_place_and_appends() -> None:
    assert merge_new(["a", "b"], ["c", "b", "a", "d"]) == ["a", "b", "c", "d"]


def test_queue_rows_for_the_list_view(filled: Store) -> None:
    ReviewLog(filled, "ana").toggle_tag("t-0002", "tone")
    rows = queue_rows(filled, ["t-0002", "t-0001"])
    assert [r.trace_id for r in rows] == ["t-0002", "t-0001"]
    assert rows[0].tags == ("tone",) and rows[0].signals == ("regenerate", "copy")
    assert rows[1].feedback_score == -1
    assert rows[0].first_user_line.startswith("Where is my order 1002?")


def test_first_page_puts_the_resumed_trace_first_and_completes(filled: Store) -> None:
    from tracereader.review import ReviewSession
    from tracereader.review.queue import first_page

    ReviewLog(filled, "ana").skip("t-0010")
    head = first_page(filled, QueueOptions(), "ana", 3, resume="t-0004")
    assert head[0] == "t-0004" and "t-0010" not in head and len(head) >= 3
    save_position(filled, "ana", "t-0004")
    session = ReviewSession(filled, "ana", QueueOptions(), lazy=True)
    assert session.current == "t-0004"
    assert session.complete  # 12 traces fit in the first page
    session.complete_with(build_queue(filled, QueueOptions(), "ana", TODAY))
    assert session.ids[0] == "t-0004" and session.ids[-1] == "t-0010"
    assert len(session.ids) == 12
