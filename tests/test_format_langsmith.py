"""LangSmith runs (made by LangChain's real tracer) become one conversation per trace."""

from __future__ import annotations

import pytest
from format_helpers import FIXTURES, convert, detected, jsonl_lines, records_of, roles

from tracereader.formats.langsmith import FORMAT
from tracereader.model import Rejection, Trace

RUNS = FIXTURES / "langsmith" / "runs.jsonl"


@pytest.mark.parametrize("name", ["runs.jsonl", "runs.json"])
def test_runs_file_is_detected_and_rebuilt(name: str) -> None:
    path = FIXTURES / "langsmith" / name
    assert detected(path) == "langsmith"
    traces, rejected = convert(path)
    assert rejected == []
    agent, failed = traces
    assert roles(agent) == ["system", "user", "assistant", "tool", "assistant"]
    call = agent.messages[2].tool_calls[0]
    assert (call.name, call.id, call.arguments) == (
        "lookup_order",
        "call_1",
        {"email": "jane.doe@example.com"},
    )
    assert agent.messages[3].tool_call_id == "call_1"
    assert '"status": "shipped"' in (agent.messages[3].content or "")
    assert agent.messages[4].content == "Your order shipped yesterday, Jane."
    assert agent.session_id == "thread-jane-1"
    assert agent.user_id == "jane.doe@example.com"
    assert agent.release == "v2"
    assert agent.feedback is not None and agent.feedback.score == -1.0
    assert "wrong order" in (agent.feedback.comment or "")
    assert agent.latency_ms == 1750.0
    assert agent.timestamp is not None and agent.timestamp.isoformat().startswith(
        "2026-11-02T14:03:11"
    )
    assert failed.error == "lookup_order: ValueError('no order for that address')"
    assert roles(failed) == ["assistant", "tool"]


def test_runs_in_any_order_give_the_same_conversation() -> None:
    rows = jsonl_lines(RUNS)
    forward = [t for t in FORMAT.convert(records_of(rows)) if isinstance(t, Trace)]
    backward = [t for t in FORMAT.convert(records_of(rows[::-1])) if isinstance(t, Trace)]
    assert {t.id: roles(t) for t in forward} == {t.id: roles(t) for t in backward}


def test_langchain_type_data_form_and_openai_form_are_read() -> None:
    run = {
        "id": "r1",
        "trace_id": "t1",
        "run_type": "llm",
        "start_time": "2026-11-02T10:00:00Z",
        "inputs": {"messages": [{"type": "human", "data": {"content": "hello"}}]},
        "outputs": {"choices": [{"message": {"role": "assistant", "content": "hi there"}}]},
        "extra": {"metadata": {"conversation_id": "c-9"}},
    }
    (trace,) = list(FORMAT.convert(records_of([run])))
    assert isinstance(trace, Trace)
    assert [(m.role, m.content) for m in trace.messages] == [
        ("user", "hello"),
        ("assistant", "hi there"),
    ]
    assert trace.session_id == "c-9"


def test_malformed_run_is_rejected_by_line_without_content() -> None:
    rows = jsonl_lines(RUNS)
    bad = {"id": "x", "run_type": "banana", "inputs": {"secret": "Jane Doe"}}
    out = list(FORMAT.convert(records_of([*rows[:4], bad, *rows[4:]])))
    rejections = [r for r in out if isinstance(r, Rejection)]
    assert [r.line for r in rejections] == [5]
    assert "Jane" not in rejections[0].reason
    assert len([t for t in out if isinstance(t, Trace)]) == 2
