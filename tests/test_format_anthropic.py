"""Anthropic Messages logs (from the real `anthropic` client) become whole conversations."""

from __future__ import annotations

import pytest
from format_helpers import FIXTURES, convert, detected, jsonl_lines, records_of, roles

from tracereader.formats import FORMATS
from tracereader.formats.anthropic import FORMAT
from tracereader.formats.detect import DetectionError, choose
from tracereader.formats.ledger import Unplaced
from tracereader.model import Rejection, Trace

LOG = FIXTURES / "anthropic" / "messages_log.jsonl"


def test_log_is_detected_and_read_whole() -> None:
    assert detected(LOG) == "anthropic"
    traces, rejected = convert(LOG)
    assert rejected == []
    first, second, failed = traces
    assert roles(second) == ["system", "user", "reasoning", "assistant", "tool", "assistant"]
    system, user, thinking, call, result, answer = second.messages
    assert system.content is not None and system.content.startswith("You are the customer-support")
    assert user.content is not None and user.content.endswith(
        "0132.\n[image]"
    )  # image: placeholder
    assert thinking.content is not None and "look it up by email" in thinking.content
    assert call.content == "Let me look that up."
    assert [(c.name, c.arguments, c.id) for c in call.tool_calls] == [
        ("lookup_order", {"email": "jane.doe@example.com"}, "toolu_01")
    ]
    assert result.tool_call_id == "toolu_01" and result.content is not None
    assert '"status": "shipped"' in result.content
    assert answer.content == "Your order shipped yesterday, Jane."
    assert (second.id, second.model, second.user_id) == ("msg_02", "claude-sonnet-4-5", "u-jane-42")
    assert second.timestamp is not None and second.timestamp.isoformat().startswith("2026-11-02")
    assert second.metadata["stop_reason"] == "end_turn"
    assert second.metadata["usage"]["input_tokens"] == 412
    assert second.metadata["tools"] == ["lookup_order"]
    assert roles(first)[-1] == "assistant" and first.messages[-1].tool_calls
    assert failed.error == "overloaded_error: Overloaded"
    assert roles(failed) == ["system", "user"]


def test_every_string_of_the_log_is_kept_or_declared() -> None:
    out = list(FORMAT.convert(records_of(jsonl_lines(LOG))))
    assert [o for o in out if isinstance(o, Unplaced | Rejection)] == []


def test_blocks_of_every_kind() -> None:
    record = {
        "request": {
            "system": "Be brief.",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "document",
                            "source": {"type": "text", "data": "Returns: 30 days."},
                        },
                        {"type": "text", "text": "Can I return it?"},
                    ],
                },
                {
                    "role": "assistant",
                    "content": [
                        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"},
                        {
                            "type": "server_tool_use",
                            "id": "srv_1",
                            "name": "web_search",
                            "input": {"query": "acme returns"},
                        },
                        {
                            "type": "web_search_tool_result",
                            "tool_use_id": "srv_1",
                            "content": [
                                {
                                    "type": "web_search_result",
                                    "title": "Returns",
                                    "url": "https://acme.example/returns",
                                    "encrypted_content": "abc",
                                }
                            ],
                        },
                    ],
                },
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": "t1",
                            "is_error": True,
                            "content": "carrier timeout",
                        }
                    ],
                },
            ],
        },
        "response": {
            "type": "message",
            "role": "assistant",
            "id": "msg_9",
            "content": [{"type": "text", "text": "Yes, within 30 days."}],
        },
    }
    assert FORMAT.sniff(record)
    (trace,) = [t for t in FORMAT.convert(records_of([record])) if isinstance(t, Trace)]
    assert roles(trace) == ["system", "user", "reasoning", "assistant", "tool", "tool", "assistant"]
    assert trace.messages[1].content == "Returns: 30 days.\nCan I return it?"
    assert trace.messages[2].content == "[redacted thinking]"
    assert trace.messages[3].tool_calls[0].name == "web_search"
    assert trace.messages[4].tool_call_id == "srv_1"
    assert trace.messages[5].content == "error: carrier timeout"


def test_text_in_a_field_the_reader_does_not_read_is_reported() -> None:
    record = jsonl_lines(LOG)[1]
    record["response"]["content"][0]["transcript"] = "Jane said it twice"
    out = list(FORMAT.convert(records_of([record])))
    (report,) = [o for o in out if isinstance(o, Unplaced)]
    assert report.fields == ("response.content[].transcript",)
    assert [type(o) for o in out] == [Unplaced, Trace]  # the trace still lands


def test_anthropic_and_openai_chat_logs_are_told_apart() -> None:
    anthropic = jsonl_lines(LOG)[0]
    openai = {
        "request": {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
        "response": {"object": "chat.completion", "choices": [{"message": {"content": "yo"}}]},
    }
    system_only = {
        "request": {"system": "Be brief.", "messages": [{"role": "user", "content": "hi"}]}
    }
    matches = {
        name: [fmt for fmt, f in FORMATS.items() if f.sniff(value)]
        for name, value in (("anthropic", anthropic), ("openai", openai), ("system", system_only))
    }
    assert matches == {"anthropic": ["anthropic"], "openai": ["openai"], "system": ["anthropic"]}


def test_a_file_mixing_anthropic_and_openai_pairs_asks_for_format() -> None:
    openai = {
        "request": {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
        "response": {"object": "chat.completion", "choices": [{"message": {"content": "yo"}}]},
    }
    with pytest.raises(
        DetectionError,
        match=r"several formats \(anthropic, openai\); choose one with --format anthropic",
    ):
        choose([jsonl_lines(LOG)[0], openai])
