"""OpenAI Agents SDK traces (real Runner runs, written by a trace processor) read whole."""

from __future__ import annotations

from format_helpers import FIXTURES, convert, detected, jsonl_lines, records_of, roles

from tracereader.formats.ledger import Unplaced
from tracereader.formats.openai_agents import FORMAT
from tracereader.model import Rejection, Trace

LOG = FIXTURES / "openai-agents" / "traces.jsonl"


def test_runs_are_detected_and_read_with_handoffs_and_tools() -> None:
    assert detected(LOG) == "openai-agents"
    traces, rejected = convert(LOG)
    assert rejected == []
    handoff, chat = traces
    assert roles(handoff) == [
        "system",
        "user",
        "assistant",
        "system",
        "tool",
        "assistant",
        "tool",
        "assistant",
    ]  # triage's prompt, the handoff call, the orders agent's prompt, its tool, its answer
    assert handoff.messages[2].tool_calls[0].name == "transfer_to_orders"
    lookup = handoff.messages[5].tool_calls[0]
    assert (lookup.name, lookup.arguments) == ("lookup_order", {"email": "jane.doe@example.com"})
    assert handoff.messages[6].tool_call_id == lookup.id
    assert handoff.messages[-1].content == "Your order shipped yesterday, Jane."
    assert (handoff.session_id, handoff.user_id, handoff.model) == (
        "chat-jane-1",
        "u-jane-42",
        "gpt-5-mini",
    )
    assert handoff.metadata["agents"] == ["triage", "orders"]
    assert handoff.metadata["handoffs"] == ["triage -> orders"]
    assert handoff.metadata["guardrails"] == [{"name": "no_card_numbers", "triggered": False}]
    assert handoff.timestamp is not None and handoff.latency_ms and handoff.latency_ms > 0
    assert roles(chat) == ["system", "user", "assistant", "tool", "assistant"]  # generation spans
    assert chat.model == "gpt-4o-mini"


def test_every_string_of_the_traces_is_kept_or_declared() -> None:
    out = list(FORMAT.convert(records_of(jsonl_lines(LOG))))
    assert [o for o in out if isinstance(o, Unplaced | Rejection)] == []


def test_tripped_guardrail_and_span_error_become_the_error() -> None:
    trace = {"object": "trace", "id": "trace_9", "workflow_name": "w", "group_id": None}
    span = {
        "object": "trace.span",
        "id": "span_1",
        "trace_id": "trace_9",
        "parent_id": None,
        "started_at": "2026-11-02T14:00:00+00:00",
        "ended_at": "2026-11-02T14:00:01+00:00",
        "span_data": {"type": "guardrail", "name": "no_card_numbers", "triggered": True},
        "error": None,
    }
    tool = {
        **span,
        "id": "span_2",
        "error": {"message": "Timeout", "data": {}},
        "span_data": {"type": "function", "name": "lookup", "input": "{}", "output": None},
    }
    (out,) = [t for t in FORMAT.convert(records_of([span, tool, trace])) if isinstance(t, Trace)]
    assert out.error == "no_card_numbers: guardrail no_card_numbers triggered"
    assert out.messages[-1].content == "error: Timeout"


def test_a_trace_with_only_bookkeeping_spans_is_rejected() -> None:
    trace = {"object": "trace", "id": "trace_9", "workflow_name": "w"}
    out = list(FORMAT.convert(records_of([trace])))
    assert [type(o) for o in out] == [Rejection]
    assert "yields no message" in out[0].reason
