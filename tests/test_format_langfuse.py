"""Langfuse traces (API/UI export, list pages, v2 observations) become conversations."""

from __future__ import annotations

import json

import pytest
from format_helpers import FIXTURES, convert, detected, read_records, records_of, roles

from tracereader.formats.langfuse import FORMAT
from tracereader.formats.ledger import Unplaced
from tracereader.model import Rejection, Trace

EMAIL = "jane.doe@example.com"


@pytest.mark.parametrize("name", ["traces.jsonl", "traces_page.json"])
def test_full_traces_are_detected_and_rebuilt(name: str) -> None:
    path = FIXTURES / "langfuse" / name
    assert detected(path) == "langfuse"
    traces, rejected = convert(path)
    assert rejected == []
    agent, faq = traces
    assert roles(agent) == ["system", "user", "assistant", "tool", "assistant"]
    assert agent.messages[2].tool_calls[0].id == "call_1"
    assert agent.messages[3].tool_call_id == "call_1"
    assert agent.user_id == "jane.doe@example.com"
    assert agent.session_id == "chat-jane.doe@example.com"
    assert agent.release == "v2"
    assert agent.metadata["version"] == "agent-7"
    assert agent.model == "gpt-4o-mini"
    assert agent.latency_ms == 1750.0
    # boolean user-feedback false -> thumbs down, preferred over the evaluator's 0.4
    assert agent.feedback is not None and agent.feedback.score == -1.0
    assert agent.feedback.comment == "Jane Doe says the order is wrong"
    assert agent.metadata["score.helpfulness"] == 0.4
    assert agent.metadata["score.tone"] == "neutral"
    # no generations: plain input/output frame the conversation; numeric 1 = thumbs up
    assert [(m.role, m.content) for m in faq.messages] == [
        ("user", "do you ship to Jane Doe's address in Berlin?"),
        ("assistant", "Yes, within 5 days."),
    ]
    assert faq.feedback is not None and faq.feedback.score == 1.0


def test_v2_observations_are_grouped_into_their_trace() -> None:
    path = FIXTURES / "langfuse" / "observations_v2.jsonl"
    assert detected(path) == "langfuse"
    traces, rejected = convert(path)
    assert rejected == []
    (trace,) = traces
    assert trace.id == "lf-trace-0001"
    assert roles(trace) == ["system", "user", "assistant", "tool", "assistant"]
    assert trace.user_id == "jane.doe@example.com"


def test_error_level_and_categorical_scores() -> None:
    trace = {
        "id": "t9",
        "timestamp": "2026-11-02T10:00:00Z",
        "userId": "u1",
        "input": "hi",
        "output": None,
        "observations": [
            {
                "id": "o1",
                "traceId": "t9",
                "type": "SPAN",
                "startTime": "2026-11-02T10:00:01Z",
                "level": "ERROR",
                "statusMessage": "RateLimitError: slow down",
            }
        ],
        "scores": [{"name": "sentiment", "dataType": "CATEGORICAL", "stringValue": "negative"}],
    }
    (out,) = list(FORMAT.convert(records_of([trace])))
    assert isinstance(out, Trace)
    assert out.error == "RateLimitError: slow down"
    assert out.feedback is not None and out.feedback.score == -1.0


def test_malformed_record_is_rejected_by_line() -> None:
    out = list(FORMAT.convert(records_of([{"id": "x"}, {"name": "Jane Doe"}])))
    assert all(isinstance(r, Rejection) for r in out)
    assert [r.line for r in out if isinstance(r, Rejection)] == [1, 2]
    assert not any("Jane" in r.reason for r in out if isinstance(r, Rejection))


def test_classic_ui_download_reads_the_trace_io_and_its_scores() -> None:
    path = FIXTURES / "langfuse" / "trace-lf-trace-0001.json"
    assert detected(path) == "langfuse"
    (trace,), rejected = convert(path)
    assert rejected == []
    # observations come without IO: the trace's own input/output frame the conversation
    assert [(m.role, m.content) for m in trace.messages if m.role != "tool" and m.content] == [
        ("user", "Where is my order? I'm Jane Doe, jane.doe@example.com, phone +1 415 555 0132."),
        ("assistant", "Your order shipped yesterday, Jane."),
    ]
    assert [c.name for m in trace.messages for c in m.tool_calls] == ["lookup_order"]
    assert trace.metadata["metadata.channel"] == "web"  # metadata was a JSON string
    assert trace.feedback is not None and trace.feedback.score == -1.0
    assert trace.feedback.comment == "Jane Doe says the order is wrong"
    assert trace.metadata["score.tone"] == "neutral"


def test_v4_download_of_observations_and_scores_reads_whole() -> None:
    path = FIXTURES / "langfuse" / "trace-lf-trace-0001-v4.json"
    assert detected(path) == "langfuse"
    (trace,), rejected = convert(path)
    assert rejected == []
    assert roles(trace) == ["system", "user", "assistant", "tool", "assistant"]
    assert trace.messages[2].tool_calls[0].arguments == {"email": "jane.doe@example.com"}
    assert trace.messages[-1].content == "Your order shipped yesterday, Jane."
    assert (trace.id, trace.user_id, trace.release) == ("lf-trace-0001", EMAIL, "v2")
    assert trace.feedback is not None and trace.feedback.score == -1.0
    assert trace.metadata["score.helpfulness"] == 0.4


def test_table_export_keeps_score_columns_and_comments() -> None:
    path = FIXTURES / "langfuse" / "traces-export.jsonl"
    assert detected(path) == "langfuse"
    (first, second), rejected = convert(path)
    assert rejected == []
    assert first.feedback is not None and first.feedback.score == -1.0  # user-feedback: [0]
    assert first.feedback.comment == (
        "Order number was right but Jane Doe was told the wrong carrier."
    )
    assert (first.metadata["score.helpfulness"], first.metadata["score.tone"]) == (0.4, "neutral")
    assert second.feedback is not None and second.feedback.score == 1.0  # thumbs: [1]
    assert [m.content for m in second.messages] == [
        "do you ship to Jane Doe's address in Berlin?",
        "Yes, within 5 days.",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "traces.jsonl",
        "traces_page.json",
        "observations_v2.jsonl",
        "trace-lf-trace-0001.json",
        "trace-lf-trace-0001-v4.json",
        "traces-export.jsonl",
    ],
)
def test_every_string_of_each_langfuse_file_is_kept_or_declared(name: str) -> None:
    out = list(FORMAT.convert(read_records(FIXTURES / "langfuse" / name)))
    assert [o for o in out if isinstance(o, Unplaced | Rejection)] == []


def test_trace_io_held_as_quoted_json_text_is_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from tracereader.formats import langfuse, normalize

    inner = json.dumps({"messages": [{"role": "user", "content": "hello there"}]})
    trace = {"id": "t1", "name": "chat", "input": json.dumps(inner), "output": json.dumps("hi")}
    calls: list[str] = []

    def counting(text: str) -> object:
        calls.append(text)
        return json.loads(text)

    monkeypatch.setattr(langfuse, "decode_json", counting)
    monkeypatch.setattr(normalize, "decode_json", counting)
    step = langfuse._trace_step(trace, None)
    assert [m.content for m in step.inputs] == ["hello there"]
    assert step.output_text == "hi"
    assert calls.count(inner) == 1  # messages_from and plain_text each decoded it again
