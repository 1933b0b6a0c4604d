"""OpenAI Responses logs (from the real `openai` client): chains of calls read as conversations."""

from __future__ import annotations

from format_helpers import FIXTURES, convert, detected, jsonl_lines, records_of, roles

from tracereader.formats import FORMATS
from tracereader.formats.ledger import Unplaced
from tracereader.formats.openai_responses import FORMAT
from tracereader.model import Rejection, Trace

LOG = FIXTURES / "openai-responses" / "responses_log.jsonl"
WHOLE = ["system", "user", "reasoning", "assistant", "tool", "assistant"]


def test_log_is_detected_and_chained_calls_are_one_conversation() -> None:
    assert detected(LOG) == "openai-responses"
    traces, rejected = convert(LOG)
    assert rejected == []
    chained, prefix, stateless, failed = traces
    assert roles(chained) == WHOLE  # two calls joined through previous_response_id
    assert chained.id == "resp_02" and chained.session_id == "chat-jane-1"
    system, _user, thinking, call, result, answer = chained.messages
    assert system.content is not None and system.content.startswith("You are the customer-support")
    assert thinking.content == "Looking up the order by the customer's email before answering."
    assert [(c.name, c.arguments, c.id) for c in call.tool_calls] == [
        ("lookup_order", {"email": "jane.doe@example.com"}, "call_01")
    ]
    assert (result.tool_call_id, result.name) == ("call_01", "lookup_order")
    assert answer.content == "Your order shipped yesterday, Jane."
    assert (chained.user_id, chained.model) == ("u-jane-42", "gpt-5-mini")
    assert chained.metadata["tools"] == ["lookup_order"]
    assert len(chained.metadata["usage"]) == 2
    assert roles(prefix) == WHOLE[:4] and roles(stateless) == WHOLE  # resent history: each call
    assert failed.error == "rate_limit_exceeded: Rate limit reached for gpt-5-mini"


def test_every_string_of_the_log_is_kept_or_declared() -> None:
    out = list(FORMAT.convert(records_of(jsonl_lines(LOG))))
    assert [o for o in out if isinstance(o, Unplaced | Rejection)] == []


def test_a_stored_response_alone_and_built_in_tools() -> None:
    response = {
        "id": "resp_9",
        "object": "response",
        "status": "incomplete",
        "incomplete_details": {"reason": "max_output_tokens"},
        "instructions": "Answer from the policy.",
        "output": [
            {
                "type": "file_search_call",
                "id": "fs_1",
                "queries": ["return window"],
                "results": [{"filename": "policy.md", "text": "Returns within 30 days."}],
            },
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Within 30"}],
            },
        ],
    }
    assert [n for n, f in FORMATS.items() if f.sniff(response)] == ["openai-responses"]
    (trace,) = [t for t in FORMAT.convert(records_of([response])) if isinstance(t, Trace)]
    assert roles(trace) == ["system", "assistant", "tool", "assistant"]
    assert trace.messages[1].tool_calls[0].name == "file_search"
    assert trace.messages[1].tool_calls[0].arguments == ["return window"]
    assert (
        trace.messages[2].content is not None
        and "Returns within 30 days." in trace.messages[2].content
    )
    assert trace.error == "incomplete: max_output_tokens"


def test_unknown_output_field_is_reported_once_with_its_path() -> None:
    rows = jsonl_lines(LOG)
    rows[1]["response"]["output"][0]["foo"] = "a sentence the reader never looks at"
    out = list(FORMAT.convert(records_of(rows)))
    (report,) = [o for o in out if isinstance(o, Unplaced)]
    assert (report.line, report.fields) == (2, ("response.output[].foo",))


def test_responses_and_chat_completions_are_told_apart() -> None:
    chat = {
        "request": {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
        "response": {"object": "chat.completion", "choices": [{"message": {"content": "yo"}}]},
    }
    responses = jsonl_lines(LOG)[0]
    request_only = {"request": {"model": "gpt-5", "input": [{"role": "user", "content": "hi"}]}}
    for value, expected in (
        (chat, "openai"),
        (responses, "openai-responses"),
        (request_only, "openai-responses"),
    ):
        assert [n for n, f in FORMATS.items() if f.sniff(value)] == [expected]
