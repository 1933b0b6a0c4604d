"""LiteLLM standard logging payloads (from the real `litellm` callbacks) read whole."""

from __future__ import annotations

from format_helpers import FIXTURES, convert, detected, jsonl_lines, records_of, roles

from tracereader.formats import FORMATS
from tracereader.formats.ledger import Unplaced
from tracereader.formats.litellm import FORMAT
from tracereader.model import Rejection, Trace

LOG = FIXTURES / "litellm" / "standard_logging.jsonl"


def test_payloads_are_detected_and_keep_response_times_and_failures() -> None:
    assert detected(LOG) == "litellm"
    assert all(
        [n for n, f in FORMATS.items() if f.sniff(row)] == ["litellm"] for row in jsonl_lines(LOG)
    )  # not native, although it holds `messages`
    traces, rejected = convert(LOG)
    assert rejected == []
    first, second, failed = traces
    assert roles(second) == ["system", "user", "assistant", "tool", "assistant"]
    assert second.messages[-1].content == "Your order shipped yesterday, Jane."  # the response
    assert first.messages[-1].tool_calls[0].arguments == {"email": "jane.doe@example.com"}
    assert second.timestamp is not None and second.timestamp.isoformat() == (
        "2026-11-02T14:03:12+00:00"
    )  # startTime, not the ingest time
    assert second.latency_ms == 250.0
    assert (second.user_id, second.session_id) == ("u-jane-42", "chat-jane-1")
    assert second.model == "gpt-4o-mini-2024-07-18"
    assert second.metadata["tags"] == ["support"] and second.metadata["response_cost"] > 0
    assert second.error is None
    assert failed.error is not None and "InternalServerError" in failed.error
    assert "The server had an error" in failed.error
    assert roles(failed) == ["user"]


def test_every_string_of_the_payloads_is_kept_or_declared() -> None:
    out = list(FORMAT.convert(records_of(jsonl_lines(LOG))))
    assert [o for o in out if isinstance(o, Unplaced | Rejection)] == []


def test_responses_call_and_text_completion() -> None:
    row = jsonl_lines(LOG)[0]
    responses = {
        **row,
        "call_type": "responses",
        "messages": [{"type": "message", "role": "user", "content": "hi"}],
        "response": {
            "output": [
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "hello"}],
                }
            ]
        },
    }
    text = {
        **row,
        "call_type": "text_completion",
        "messages": "Say hi",
        "response": {"choices": [{"text": "hi!"}]},
    }
    out = [t for t in FORMAT.convert(records_of([responses, text])) if isinstance(t, Trace)]
    assert [[(m.role, m.content) for m in t.messages] for t in out] == [
        [("user", "hi"), ("assistant", "hello")],
        [("user", "Say hi"), ("assistant", "hi!")],
    ]
