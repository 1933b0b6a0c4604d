"""Native and OpenAI conversion, precise rejection reasons, and per-file format detection."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tracereader.formats import FORMATS
from tracereader.formats.base import RawRecord, RecordError
from tracereader.formats.detect import DetectionError, choose, get_format
from tracereader.formats.native import NATIVE, trace_from_native
from tracereader.formats.openai import OPENAI, trace_from_openai
from tracereader.model import Rejection, Trace

FULL_NATIVE: dict[str, Any] = {
    "id": "t-0001",
    "timestamp": "2026-11-02T14:03:11Z",
    "user_id": "u-42",
    "session_id": "s-9",
    "model": "gpt-4o-mini",
    "release": "v1",
    "messages": [
        {"role": "system", "content": "You are the support assistant."},
        {"role": "user", "content": [{"type": "text", "text": "Where is my order?"}]},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "c1", "name": "lookup_order", "arguments": {"order": 7}}],
        },
        {"role": "tool", "tool_call_id": "c1", "content": '{"status": "shipped"}'},
        {"role": "assistant", "content": "Your order shipped yesterday."},
    ],
    "feedback": {"score": -1, "comment": "wrong order"},
    "events": [
        {"type": "regenerate", "at": "2026-11-02T14:03:40Z", "message_index": 4},
        {"type": "copy", "message_index": 4},
        {"type": "custom_thing"},
    ],
    "metadata": {"channel": "web", "latency_ms": 2310, "nested": {"k": [1, "two"]}},
    "extra_field": "kept",
}


def test_native_full_example_converts() -> None:
    trace = trace_from_native(FULL_NATIVE)
    assert trace.id == "t-0001"
    assert trace.timestamp == datetime(2026, 11, 2, 14, 3, 11, tzinfo=UTC)
    assert trace.user_id == "u-42" and trace.session_id == "s-9" and trace.release == "v1"
    assert [m.role for m in trace.messages] == ["system", "user", "assistant", "tool", "assistant"]
    assert trace.messages[1].content == "Where is my order?"
    call = trace.messages[2].tool_calls[0]
    assert (call.id, call.name, call.arguments) == ("c1", "lookup_order", {"order": 7})
    assert trace.messages[3].tool_call_id == "c1"
    assert trace.feedback is not None and trace.feedback.score == -1.0
    assert trace.feedback.comment == "wrong order"
    assert [e.type for e in trace.events] == ["regenerate", "copy", "custom_thing"]
    assert trace.events[0].message_index == 4 and trace.events[0].at is not None
    assert trace.metadata["nested"] == {"k": [1, "two"]}
    assert trace.metadata["extra_field"] == "kept"


def test_native_minimal_has_no_id_or_timestamp() -> None:
    trace = trace_from_native({"messages": [{"role": "user", "content": "hi"}]})
    assert trace.id is None and trace.timestamp is None


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({}, "missing messages"),
        ({"messages": "hi"}, "messages must be a list"),
        ({"messages": []}, "messages is empty"),
        ({"messages": ["hi"]}, "messages[0] must be an object"),
        (
            {"messages": [{"role": "user", "content": "a"}, {"role": "x"}, {"role": "bot"}]},
            "messages[1].role must be one of system, user, assistant, tool, reasoning",
        ),
        (
            {"messages": [{"role": "user", "content": 5}]},
            "messages[0].content must be a string, a list of parts or null",
        ),
        (
            {"messages": [{"role": "user", "content": [1]}]},
            "messages[0].content[0] must be a string or a part object",
        ),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{"arguments": {}}]}]},
            "messages[0].tool_calls[0].name must be a non-empty string",
        ),
        (
            {"messages": [{"role": "assistant", "tool_calls": {"name": "x"}}]},
            "messages[0].tool_calls must be a list",
        ),
        ({"messages": [{"role": "user"}], "timestamp": "yesterday"}, "timestamp must be an"),
        ({"messages": [{"role": "user"}], "id": ["a"]}, "id must be a string"),
        (
            {"messages": [{"role": "user"}], "feedback": {"score": 3}},
            "feedback.score must be 1, -1, 0 or a number in [0, 1]",
        ),
        (
            {"messages": [{"role": "user"}], "feedback": {"score": True}},
            "feedback.score must be 1, -1, 0 or a number in [0, 1]",
        ),
        ({"messages": [{"role": "user"}], "events": [{}]}, "events[0].type must be a non-empty"),
        (
            {"messages": [{"role": "user"}], "events": [{"type": "copy", "message_index": "2"}]},
            "events[0].message_index must be a message's position: an integer from 0 to",
        ),
        ({"messages": [{"role": "user"}], "metadata": [1]}, "metadata must be an object"),
        (
            {"messages": [{"role": "user"}], "latency_ms": "fast"},
            "latency_ms must be a finite number",
        ),
    ],
)
def test_native_wrong_types_have_precise_reasons(record: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordError) as info:
        trace_from_native(record)
    assert str(info.value).startswith(reason)


def test_native_reasons_never_quote_content() -> None:
    secret = "jane.doe@example.com"
    bad = [
        {"messages": [{"role": secret}]},
        {"messages": [{"role": "user", "content": {secret: 1}}]},
    ]
    results = list(NATIVE.convert(RawRecord(i + 1, r, 0) for i, r in enumerate(bad)))
    assert all(isinstance(r, Rejection) for r in results)
    assert all(secret not in r.reason for r in results if isinstance(r, Rejection))


def test_native_accepts_scores_in_unit_interval_and_epochs_and_openai_calls() -> None:
    trace = trace_from_native(
        {
            "timestamp": 1_790_000_000_000,  # milliseconds
            "feedback": {"score": 0.75},
            "messages": [
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{}"},
                        }
                    ],
                },
                {"role": "developer", "content": "be brief"},
            ],
        }
    )
    assert trace.feedback is not None and trace.feedback.score == 0.75
    assert trace.timestamp is not None and trace.timestamp.year == 2026
    assert trace.messages[0].tool_calls[0].arguments == {}
    assert trace.messages[1].role == "system"


def test_openai_messages_line() -> None:
    record = {
        "model": "gpt-4o",
        "created": 1_790_000_000,
        "user": "user-77",
        "metadata": {"session_id": "s1"},
        "messages": [
            {
                "role": "user",
                "content": [{"type": "text", "text": "weather?"}, {"type": "image_url"}],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
            {"role": "assistant", "content": "Sunny."},
        ],
    }
    assert OPENAI.sniff(record) and not NATIVE.sniff(record)
    trace = trace_from_openai(record)
    assert trace.model == "gpt-4o" and trace.user_id == "user-77" and trace.session_id == "s1"
    assert trace.timestamp == datetime.fromtimestamp(1_790_000_000, UTC)
    assert trace.messages[0].content == "weather?\n[image_url]"
    call = trace.messages[1].tool_calls[0]
    assert (call.id, call.name, call.arguments) == ("call_1", "get_weather", {"city": "Paris"})
    assert trace.messages[2].role == "tool" and trace.messages[2].tool_call_id == "call_1"


def test_openai_request_response_pair() -> None:
    record = {
        "request": {
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}],
            "tools": [{"type": "function", "function": {"name": "lookup"}}],
            "temperature": 0.2,
        },
        "response": {
            "id": "chatcmpl-123",
            "object": "chat.completion",
            "created": 1_790_000_000,
            "model": "gpt-4o-mini-2024",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"}}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 1},
        },
    }
    assert OPENAI.sniff(record) and not NATIVE.sniff(record)
    trace = trace_from_openai(record)
    assert trace.id == "chatcmpl-123" and trace.model == "gpt-4o-mini-2024"
    assert [m.role for m in trace.messages] == ["system", "user", "assistant"]
    assert trace.messages[-1].content == "hello"
    assert trace.metadata["usage"] == {"prompt_tokens": 5, "completion_tokens": 1}
    assert trace.metadata["tools"] == ["lookup"] and trace.metadata["temperature"] == 0.2


def test_openai_legacy_function_call_and_errors() -> None:
    trace = trace_from_openai(
        {
            "request": {"messages": [{"role": "user", "content": "x"}]},
            "response": {
                "choices": [
                    {"message": {"content": None, "function_call": {"name": "f", "arguments": "{"}}}
                ]
            },
        }
    )
    call = trace.messages[-1].tool_calls[0]
    assert call.name == "f" and call.arguments == "{"  # undecodable arguments kept as text
    with pytest.raises(RecordError, match=r"request\.messages is empty"):
        trace_from_openai({"request": {"messages": []}, "response": {}})
    with pytest.raises(RecordError, match="request must be an object"):
        trace_from_openai({"request": "x", "response": {}})
    with pytest.raises(RecordError, match=r"response\.choices must be a list"):
        trace_from_openai({"request": {"messages": [{"role": "user"}]}, "response": {"choices": 1}})


@pytest.mark.parametrize(
    ("record", "native", "openai"),
    [
        ({"messages": [{"role": "user", "content": "a"}]}, True, False),
        ({"messages": [], "created": 1700000000}, False, True),
        ({"messages": [], "created": 1700000000, "feedback": {"score": 1}}, True, False),
        ({"messages": [], "choices": []}, False, True),
        ({"messages": [{"role": "user", "function_call": {}}]}, False, True),
        ({"request": {"messages": []}, "response": {}}, False, True),
        ({"input": "x"}, False, False),
    ],
)
def test_sniffs_are_exclusive(record: dict[str, Any], native: bool, openai: bool) -> None:
    assert NATIVE.sniff(record) is native
    assert OPENAI.sniff(record) is openai


def test_detection_picks_the_single_match_and_explains_the_others() -> None:
    assert choose([{"messages": []}, {"messages": [], "id": "x"}]) is NATIVE
    assert choose([{"request": {"messages": []}, "response": {}}]) is OPENAI
    with pytest.raises(DetectionError) as ambiguous:
        choose([{"messages": []}, {"messages": [], "choices": []}])
    message = str(ambiguous.value)
    assert "tracereader" in message and "openai" in message and "--format" in message
    assert "\n" not in message
    with pytest.raises(DetectionError) as unknown:
        choose([{"something": "else"}])
    message = str(unknown.value)
    assert all(name in message for name in FORMATS) and "\n" not in message
    with pytest.raises(DetectionError, match="unknown format 'nope'"):
        get_format("nope")


def test_convert_yields_rejections_in_place() -> None:
    records = [
        RawRecord(1, {"messages": [{"role": "user", "content": "a"}]}, 10),
        RawRecord(2, {"messages": []}, 20),
        RawRecord(3, {"messages": [{"role": "user", "content": "b"}]}, 30),
    ]
    results = list(NATIVE.convert(records))
    assert isinstance(results[0], Trace) and isinstance(results[2], Trace)
    assert results[1] == Rejection(2, "messages is empty")


def test_deeply_nested_metadata_is_rejected() -> None:
    deep: Any = "leaf"
    for _ in range(200):
        deep = {"k": deep}
    results = list(
        NATIVE.convert([RawRecord(1, {"messages": [{"role": "user"}], "metadata": deep}, 0)])
    )
    assert results == [Rejection(1, "a value is nested more than 64 levels deep")]
