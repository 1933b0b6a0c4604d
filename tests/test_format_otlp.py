"""OTLP JSON spans (GenAI, OpenInference; from the real instrumentations) become conversations."""

from __future__ import annotations

import base64
import json

import pytest
from format_helpers import FIXTURES, convert, detected, jsonl_lines, read_records, records_of, roles

from tracereader.formats import FORMATS
from tracereader.formats.otlp import FORMAT, any_value, span_id
from tracereader.model import Rejection, Trace

OPENINFERENCE = FIXTURES / "otlp" / "openinference_openai.jsonl"
SHOP = ["system", "user", "assistant", "tool", "assistant"]


@pytest.mark.parametrize("name", ["genai_collector.jsonl", "genai_single_document.json"])
def test_genai_spans_one_per_line_or_one_document_per_file(name: str) -> None:
    path = FIXTURES / "otlp" / name
    assert detected(path) == "otlp"
    traces, rejected = convert(path)
    assert rejected == []
    (trace,) = traces
    assert roles(trace) == SHOP
    assert trace.messages[1].content == (
        "Where is my order? I'm Jane Doe, jane.doe@example.com, phone +1 415 555 0132."
    )
    call = trace.messages[2].tool_calls[0]
    assert (call.name, call.id, call.arguments) == (
        "lookup_order",
        "call_1",
        {"email": "jane.doe@example.com"},
    )
    assert trace.messages[3].tool_call_id == "call_1"
    assert trace.messages[4].content == "Your order shipped yesterday, Jane."
    assert trace.session_id == "conv-77"
    assert trace.user_id == "jane.doe@example.com"
    assert trace.release == "v3"
    assert trace.model == "gpt-4o-mini"
    assert trace.id == "0000000000000000a000000000000001"
    assert trace.latency_ms == 1750.0


def test_openinference_spans_with_image_and_error() -> None:
    assert detected(OPENINFERENCE) == "otlp"
    traces, rejected = convert(OPENINFERENCE)
    assert rejected == []
    plain, with_image = traces
    assert roles(plain) == roles(with_image) == SHOP
    assert plain.session_id == "sess-jane-0" and plain.release == "v2"
    assert plain.error is None
    assert with_image.error == "lookup_order: TimeoutError: carrier API"
    user = with_image.messages[1].content or ""
    assert user.endswith("[image]") and "base64" not in user and "iVBOR" not in user


def test_interleaved_spans_of_two_traces_are_regrouped() -> None:
    docs = jsonl_lines(OPENINFERENCE)
    spans = [
        {"resourceSpans": [{**rs, "scopeSpans": [{**ss, "spans": [span]}]}]}
        for doc in docs
        for rs in doc["resourceSpans"]
        for ss in rs["scopeSpans"]
        for span in ss["spans"]
    ]
    first, second = spans[: len(spans) // 2], spans[len(spans) // 2 :]
    interleaved = [s for pair in zip(first, second, strict=True) for s in pair]
    out = [t for t in FORMAT.convert(records_of(interleaved)) if isinstance(t, Trace)]
    assert len(out) == 2 and all(roles(t) == SHOP for t in out)


def test_any_value_decodes_every_otlp_type() -> None:
    assert any_value({"stringValue": "a"}) == "a"
    assert any_value({"intValue": "9007199254740993"}) == 9007199254740993
    assert any_value({"intValue": 7}) == 7
    assert any_value({"doubleValue": 0.5}) == 0.5
    assert any_value({"boolValue": True}) is True
    assert any_value({"bytesValue": "AAECAw=="}) == "[4 bytes]"
    assert any_value({"arrayValue": {"values": [{"intValue": "1"}, {"stringValue": "x"}]}}) == [
        1,
        "x",
    ]
    kv = {"kvlistValue": {"values": [{"key": "k", "value": {"boolValue": False}}]}}
    assert any_value(kv) == {"k": False}
    assert any_value({}) is None
    hex_id = "0000000000000000a000000000000001"
    assert span_id(base64.b64encode(bytes.fromhex(hex_id)).decode()) == hex_id
    assert span_id("0000000000000000A000000000000001") == "0000000000000000a000000000000001"


def test_older_genai_events_and_openllmetry_attributes() -> None:
    def attr(key: str, value: str) -> dict[str, object]:
        return {"key": key, "value": {"stringValue": value}}

    span = {
        "traceId": "ab" * 16,
        "spanId": "cd" * 8,
        "name": "chat",
        "startTimeUnixNano": "1793628191000000000",
        "endTimeUnixNano": "1793628192000000000",
        "attributes": [attr("gen_ai.operation.name", "chat"), attr("gen_ai.request.model", "m")],
        "events": [
            {"name": "gen_ai.user.message", "attributes": [attr("content", "hello")]},
            {
                "name": "gen_ai.choice",
                "attributes": [attr("message", json.dumps({"content": "hi!"}))],
            },
        ],
        "status": {"code": 2, "message": "boom"},
    }
    legacy = {
        **span,
        "traceId": "ef" * 16,
        "events": [],
        "status": {},
        "attributes": [
            attr("gen_ai.operation.name", "chat"),
            attr("gen_ai.prompt.0.role", "user"),
            attr("gen_ai.prompt.0.content", "ping"),
            attr("gen_ai.completion.0.role", "assistant"),
            attr("gen_ai.completion.0.content", "pong"),
        ],
    }
    details = {
        **span,
        "traceId": "12" * 16,
        "status": {},
        "events": [
            {
                "name": "gen_ai.client.inference.operation.details",
                "attributes": [
                    attr(
                        "gen_ai.input.messages",
                        json.dumps([{"role": "user", "parts": [{"type": "text", "content": "q"}]}]),
                    ),
                    attr(
                        "gen_ai.output.messages",
                        json.dumps(
                            [{"role": "assistant", "parts": [{"type": "text", "content": "a"}]}]
                        ),
                    ),
                ],
            }
        ],
    }
    doc = {"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [span, legacy, details]}]}]}
    one, two, three = [t for t in FORMAT.convert(records_of([doc])) if isinstance(t, Trace)]
    assert [(m.role, m.content) for m in three.messages] == [("user", "q"), ("assistant", "a")]
    assert [(m.role, m.content) for m in one.messages] == [("user", "hello"), ("assistant", "hi!")]
    assert one.error == "chat: boom" and one.model == "m"
    assert [(m.role, m.content) for m in two.messages] == [("user", "ping"), ("assistant", "pong")]


def test_malformed_document_and_span_are_rejected_by_line() -> None:
    docs = jsonl_lines(OPENINFERENCE)
    broken = {"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "no trace id"}]}]}]}
    out = list(FORMAT.convert(records_of([docs[0], {"resource": "?"}, broken, *docs[1:]])))
    rejections = [r for r in out if isinstance(r, Rejection)]
    assert [(r.line, r.reason) for r in rejections] == [
        (2, "not an OTLP JSON document (no `resourceSpans` list)"),
        (3, "span has no `traceId`"),
    ]
    assert len([t for t in out if isinstance(t, Trace)]) == 2


def test_pydantic_ai_genai_spans_read_whole_and_every_string_is_accounted_for() -> None:
    path = FIXTURES / "otlp" / "pydantic_ai.jsonl"
    assert detected(path) == "otlp"
    out = list(FORMATS["otlp"].convert(read_records(path)))
    assert [o for o in out if not isinstance(o, Trace)] == []  # no rejection, nothing unread
    (trace,) = out
    assert isinstance(trace, Trace)
    assert [m.role for m in trace.messages] == ["system", "user", "assistant", "tool", "assistant"]
    assert trace.messages[2].tool_calls[0].name == "lookup_order"
    assert trace.messages[-1].content == "Your order shipped yesterday, Jane."
    assert trace.metadata["agent"] == "support"


@pytest.mark.parametrize("scopes", ["x", [[]], [5, None], [{"spans": 7}], [{"spans": "s"}]])
def test_a_malformed_scope_list_is_rejected_not_dropped_in_silence(scopes: object) -> None:
    good = jsonl_lines(FIXTURES / "otlp" / "genai_collector.jsonl")
    bad = {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": scopes}]}
    out = list(FORMAT.convert(records_of([*good, bad])))
    rejected = [o for o in out if isinstance(o, Rejection)]
    assert [r.reason for r in rejected] == ["malformed `resourceSpans` entry"]
    assert [o for o in out if isinstance(o, Trace)]
