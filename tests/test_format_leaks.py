"""Leak test for every importer: PII planted in each format's fields never reaches disk."""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from format_helpers import FIXTURES, jsonl_lines

from tracereader.config import load_settings
from tracereader.formats.ledger import UNREAD
from tracereader.ingest import ingest_paths
from tracereader.privacy import analyzer
from tracereader.store import Store

RAW = ["Jane Doe", "jane.doe@example.com", "415 555 0132", "Maria Lopez", "maria.lopez@example.org"]
"""Planted values (fixtures plant Jane's; the extra records below plant Maria's in other fields)."""
MARIA = "Maria Lopez (maria.lopez@example.org)"


@pytest.fixture(scope="module", autouse=True)
def ner_loaded_once() -> Iterator[None]:
    """Load the spaCy model once for this module, however many ingests run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzer, "load_ner_pipeline", functools.cache(analyzer.load_ner_pipeline))
        yield


def _extra_langsmith() -> list[dict[str, Any]]:
    return [
        {
            "id": "11111111-1111-1111-1111-111111111111",
            "trace_id": "11111111-1111-1111-1111-111111111111",
            "run_type": "chain",
            "name": "refund",
            "start_time": "2026-11-02T15:00:00Z",
            "inputs": {"input": f"refund for {MARIA}"},
            "outputs": None,
            "error": f"KeyError: no refund for {MARIA}",
            "tags": [MARIA],
            "extra": {"metadata": {"session_id": MARIA, "user_id": MARIA, "note": MARIA}},
            "feedback_stats": {"user_score": {"n": 1, "avg": 1, "comments": [MARIA]}},
        }
    ]


def _extra_langfuse() -> list[dict[str, Any]]:
    return [
        {
            "id": "lf-maria",
            "timestamp": "2026-11-02T15:00:00Z",
            "name": "refund",
            "userId": MARIA,
            "sessionId": MARIA,
            "release": "v2",
            "input": {"messages": [{"role": "user", "content": f"I am {MARIA}"}]},
            "output": {"role": "assistant", "content": f"Hello {MARIA}"},
            "metadata": {"customer": MARIA},
            "tags": [MARIA],
            "observations": [
                {
                    "id": "o1",
                    "traceId": "lf-maria",
                    "type": "TOOL",
                    "name": "refund",
                    "startTime": "2026-11-02T15:00:01Z",
                    "input": {"customer": MARIA},
                    "output": f"refunded {MARIA}",
                    "level": "ERROR",
                    "statusMessage": f"partial refund for {MARIA}",
                }
            ],
            "scores": [
                {"name": "user-feedback", "dataType": "NUMERIC", "value": 0, "comment": MARIA}
            ],
        }
    ]


def _extra_otlp() -> list[dict[str, Any]]:
    def attr(key: str, value: Any) -> dict[str, Any]:
        return {"key": key, "value": {"stringValue": value}}

    span = {
        "traceId": "ab" * 16,
        "spanId": "cd" * 8,
        "name": "turn",
        "startTimeUnixNano": "1793632800000000000",
        "endTimeUnixNano": "1793632801000000000",
        "attributes": [
            attr("openinference.span.kind", "LLM"),
            attr("user.id", MARIA),
            attr("session.id", MARIA),
            attr("llm.input_messages.0.message.role", "user"),
            attr("llm.input_messages.0.message.content", f"I am {MARIA}"),
            {"key": "customer", "value": {"kvlistValue": {"values": [attr("name", MARIA)]}}},
        ],
        "events": [{"name": "exception", "attributes": [attr("exception.message", MARIA)]}],
        "status": {"code": 2, "message": f"failed for {MARIA}"},
    }
    resource = {"attributes": [attr("service.name", "shop"), attr("deployment.environment", MARIA)]}
    return [{"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": [span]}]}]}]


def _extra_braintrust() -> list[dict[str, Any]]:
    return [
        {
            "id": "bt-maria",
            "span_id": "s1",
            "root_span_id": "r-maria",
            "span_parents": None,
            "span_attributes": {"name": "refund", "type": "task"},
            "input": {"question": f"I am {MARIA}"},
            "output": f"Hello {MARIA}",
            "expected": MARIA,
            "metadata": {"user_id": MARIA, "session_id": MARIA, "comment": MARIA},
            "scores": {"user_thumbs": 1},
            "error": f"ValueError: {MARIA}",
            "tags": [MARIA],
            "metrics": {"start": 1793632800.0, "end": 1793632801.0},
        }
    ]


def _extra_anthropic() -> list[dict[str, Any]]:
    blocks = [
        {"type": "thinking", "thinking": f"{MARIA} wants a refund", "signature": "x"},
        {"type": "tool_use", "id": "t9", "name": "refund", "input": {"customer": MARIA}},
    ]
    return [
        {
            "timestamp": "2026-11-02T15:00:00Z",
            "request": {
                "system": f"Serve {MARIA} kindly.",
                "metadata": {"user_id": MARIA},
                "messages": [
                    {"role": "user", "content": f"I am {MARIA}"},
                    {"role": "assistant", "content": blocks},
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "tool_result",
                                "tool_use_id": "t9",
                                "content": f"refunded {MARIA}",
                            }
                        ],
                    },
                ],
            },
            "response": {
                "type": "message",
                "id": "msg_maria",
                "role": "assistant",
                "content": [
                    {"type": "text", "text": f"Done, {MARIA}", "unknown_field": f"also {MARIA}"}
                ],
            },
        }
    ]


def _extra_responses() -> list[dict[str, Any]]:
    output = [
        {"type": "reasoning", "id": "rs9", "summary": [{"type": "summary_text", "text": MARIA}]},
        {
            "type": "function_call",
            "call_id": "c9",
            "name": "refund",
            "arguments": json.dumps({"customer": MARIA}),
        },
    ]
    return [
        {
            "request": {
                "instructions": f"Serve {MARIA}",
                "input": f"I am {MARIA}",
                "user": MARIA,
                "metadata": {"session_id": MARIA},
            },
            "response": {
                "id": "resp_maria",
                "object": "response",
                "output": output,
                "error": {"code": "server_error", "message": f"failed for {MARIA}"},
            },
        }
    ]


def _extra_litellm() -> list[dict[str, Any]]:
    row = jsonl_lines(FIXTURES / "litellm" / "standard_logging.jsonl")[2]
    return [
        {
            **row,
            "id": "ll-maria",
            "messages": [{"role": "user", "content": f"I am {MARIA}"}],
            "end_user": MARIA,
            "session_id": MARIA,
            "error_str": f"failed for {MARIA}",
            "error_information": {"error_class": "APIError", "error_message": MARIA},
        }
    ]


def _extra_agents() -> list[dict[str, Any]]:
    span = {
        "object": "trace.span",
        "id": "span_m",
        "trace_id": "trace_maria",
        "parent_id": None,
        "started_at": "2026-11-02T15:00:00+00:00",
        "ended_at": "2026-11-02T15:00:01+00:00",
        "error": {"message": MARIA},
        "span_data": {
            "type": "function",
            "name": "refund",
            "input": json.dumps({"customer": MARIA}),
            "output": f"refunded {MARIA}",
        },
    }
    trace = {
        "object": "trace",
        "id": "trace_maria",
        "workflow_name": "refund",
        "group_id": MARIA,
        "metadata": {"user_id": MARIA, "note": MARIA},
    }
    return [span, trace]


def _extra_claude_code() -> list[dict[str, Any]]:
    base = {"sessionId": "s-maria", "cwd": f"/home/{MARIA}", "timestamp": "2026-11-02T15:00:00Z"}
    return [
        {
            **base,
            "type": "user",
            "uuid": "m1",
            "message": {"role": "user", "content": f"I am {MARIA}"},
        },
        {
            **base,
            "type": "attachment",
            "uuid": "m2",
            "attachment": {"type": "date"},
            "rendered": [{"content": f"<system-reminder>{MARIA}</system-reminder>"}],
        },
        {
            **base,
            "type": "assistant",
            "uuid": "m3",
            "message": {
                "id": "msg_m",
                "role": "assistant",
                "model": "claude-sonnet-4-5",
                "content": [{"type": "text", "text": f"Hello {MARIA}"}],
            },
        },
        {**base, "type": "summary", "summary": f"Refund for {MARIA}", "leafUuid": "m3"},
    ]


def _extra_vercel() -> list[dict[str, Any]]:
    def attr(key: str, value: Any) -> dict[str, Any]:
        return {"key": key, "value": {"stringValue": value}}

    messages = [{"role": "user", "content": [{"type": "text", "text": f"I am {MARIA}"}]}]
    span = {
        "traceId": "ef" * 16,
        "spanId": "12" * 8,
        "name": "ai.generateText.doGenerate",
        "startTimeUnixNano": "1793632800000000000",
        "endTimeUnixNano": "1793632801000000000",
        "attributes": [
            attr("ai.operationId", "ai.generateText.doGenerate"),
            attr("ai.prompt.messages", json.dumps(messages)),
            attr("ai.response.text", f"Hello {MARIA}"),
            attr("ai.settings.context.userId", MARIA),
            attr("ai.settings.context.note", MARIA),
        ],
    }
    return [{"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [span]}]}]}]


def _extra_braintrust_comments() -> list[dict[str, Any]]:
    row = _extra_braintrust()[0]
    comment = {
        "id": "c-maria",
        "origin": {"id": row["id"]},
        "comment": {"text": MARIA},
        "_audit_metadata": {"user_id": MARIA},
    }
    return [row, comment]


EXTRA = {
    "langsmith": ("langsmith", "langsmith/runs.jsonl", _extra_langsmith),
    "langfuse": ("langfuse", "langfuse/traces.jsonl", _extra_langfuse),
    "langfuse-export": ("langfuse", "langfuse/traces-export.jsonl", _extra_langfuse),
    "otlp": ("otlp", "otlp/openinference_openai.jsonl", _extra_otlp),
    "braintrust": ("braintrust", "braintrust/logs.jsonl", _extra_braintrust),
    "braintrust-comments": ("braintrust", "braintrust/feedback.jsonl", _extra_braintrust_comments),
    "anthropic": ("anthropic", "anthropic/messages_log.jsonl", _extra_anthropic),
    "openai-responses": (
        "openai-responses",
        "openai-responses/responses_log.jsonl",
        _extra_responses,
    ),
    "litellm": ("litellm", "litellm/standard_logging.jsonl", _extra_litellm),
    "openai-agents": ("openai-agents", "openai-agents/traces.jsonl", _extra_agents),
    "claude-code": ("claude-code", "claude-code/session.jsonl", _extra_claude_code),
    "vercel-ai": ("vercel-ai", "vercel-ai/generate_text.jsonl", _extra_vercel),
}


@pytest.mark.parametrize("case", sorted(EXTRA))
def test_planted_pii_never_reaches_disk(
    case: str, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    fmt, fixture, extra = EXTRA[case]
    inputs = tmp_path_factory.mktemp(f"input-{case}")  # outside tmp_path, which is searched
    rows = jsonl_lines(FIXTURES / fixture) + extra()
    source = inputs / f"{fmt}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert all(value in source.read_text() for value in RAW)
    settings = load_settings(None)
    store = Store.open(tmp_path / "leak.db")
    summary = ingest_paths([source], store, settings)
    assert summary.ner_enabled
    assert summary.files == {str(source): fmt}
    assert summary.rejected == []
    assert summary.landed >= 2
    if case == "anthropic":  # its unknown field is reported by path, never by value
        assert summary.unplaced == [f"{source}: 1 {UNREAD}: response.content[].unknown_field"]
    said = " ".join([*summary.rejected, *summary.unplaced, summary.summary_line()])
    assert said.count("@") == 0 and "Maria" not in said and "Jane" not in said
    store.close()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "leak.db" for p in written)
    for path in written:
        data = path.read_bytes()
        for value in RAW:
            assert value.encode() not in data, f"{value!r} found in {path.name}"
    shutil.rmtree(inputs)
