"""Braintrust rows (from the SDK's real logger) become one conversation per root span."""

from __future__ import annotations

from format_helpers import FIXTURES, convert, detected, jsonl_lines, records_of, roles

from tracereader.formats.braintrust import FORMAT
from tracereader.formats.braintrust_annotations import ORPHANS
from tracereader.formats.ledger import Unplaced
from tracereader.model import Rejection, Trace

LOGS = FIXTURES / "braintrust" / "logs.jsonl"


def test_logs_are_detected_and_rebuilt() -> None:
    assert detected(LOGS) == "braintrust"
    traces, rejected = convert(LOGS)
    assert rejected == []
    (trace,) = traces
    assert roles(trace) == ["system", "user", "assistant", "tool", "assistant"]
    assert trace.messages[2].tool_calls[0].name == "lookup_order"
    assert trace.messages[3].tool_call_id == "call_1"
    assert trace.messages[4].content == "Your order shipped yesterday, Jane."
    assert trace.user_id == "jane.doe@example.com"
    assert trace.session_id == "sess-bt-1"
    assert trace.release == "v2"
    assert trace.model == "gpt-4o-mini"
    # the user's thumbs (0 = down) wins over the Factuality evaluator
    assert trace.feedback is not None and trace.feedback.score == -1.0
    assert trace.metadata["score.Factuality"] == 0.5
    assert trace.metadata["expected"] == "Your order shipped yesterday."
    assert not any("score" in (m.content or "") for m in trace.messages)  # scorer span left out


def test_experiment_row_without_span_ids_is_its_own_trace() -> None:
    rows = [
        {"id": "e1", "input": "2+2?", "output": "4", "expected": "4", "scores": {"exact": 1}},
        {"id": "e2", "input": "3+3?", "output": "7", "expected": "6", "scores": {"exact": 0}},
    ]
    out = [t for t in FORMAT.convert(records_of(rows)) if isinstance(t, Trace)]
    assert [[(m.role, m.content) for m in t.messages] for t in out] == [
        [("user", "2+2?"), ("assistant", "4")],
        [("user", "3+3?"), ("assistant", "7")],
    ]
    assert [t.feedback.score if t.feedback else None for t in out] == [1.0, -1.0]


def test_error_and_malformed_rows() -> None:
    rows = jsonl_lines(LOGS)
    rows[0] = {**rows[0], "error": "TimeoutError: carrier API\n  File x"}
    out = list(FORMAT.convert(records_of([*rows, {"span_id": "s", "name": "Jane"}])))
    (trace,) = [t for t in out if isinstance(t, Trace)]
    assert trace.error == "support_turn: TimeoutError: carrier API"
    (rejection,) = [r for r in out if isinstance(r, Rejection)]
    assert rejection.line == len(rows) + 1


def test_fetch_api_page_is_unwrapped() -> None:
    page = {"events": jsonl_lines(LOGS), "cursor": "abc"}
    assert FORMAT.sniff(page)
    (trace,) = [t for t in FORMAT.convert(records_of([page])) if isinstance(t, Trace)]
    assert roles(trace) == ["system", "user", "assistant", "tool", "assistant"]


FEEDBACK = FIXTURES / "braintrust" / "feedback.jsonl"


def test_comment_rows_become_the_feedback_of_their_origin_row() -> None:
    assert detected(FEEDBACK) == "braintrust"
    out = list(FORMAT.convert(records_of(jsonl_lines(FEEDBACK))))
    (trace,) = [t for t in out if isinstance(t, Trace)]
    assert trace.feedback is not None and trace.feedback.score == -1.0  # user_rating: 0
    assert trace.feedback.comment == (
        "Right order, but Jane Doe asked about the carrier and got no answer."
    )
    assert trace.metadata["feedback.user_id"] == "u-jane-42"  # hashed at ingestion
    assert [r for r in out if isinstance(r, Rejection)] == []
    (orphan,) = [o for o in out if isinstance(o, Unplaced)]  # its row was not exported
    assert (orphan.line, orphan.what) == (3, ORPHANS)


def test_comments_and_merges_before_their_row_and_comment_lists_on_span_rows() -> None:
    span, comment, _orphan = jsonl_lines(FEEDBACK)
    merge = {"id": span["id"], "scores": {"user_rating": 1}, "_is_merge": True}
    listed = {**span, "scores": {}, "comments": [{"id": "c9", "comment": {"text": "Late again."}}]}
    out = list(FORMAT.convert(records_of([comment, merge, listed])))
    (trace,) = [t for t in out if isinstance(t, Trace)]
    assert trace.feedback is not None and trace.feedback.score == 1.0  # the merge's score
    assert trace.feedback.comment is not None
    assert trace.feedback.comment.splitlines() == [
        "Right order, but Jane Doe asked about the carrier and got no answer.",
        "Late again.",
    ]
    assert [o for o in out if not isinstance(o, Trace)] == []


def test_a_file_of_orphan_comments_is_reported_not_stored() -> None:
    _span, comment, orphan = jsonl_lines(FEEDBACK)
    out = list(FORMAT.convert(records_of([comment, orphan])))
    assert [(type(o), o.line) for o in out] == [(Unplaced, 1), (Unplaced, 2)]
