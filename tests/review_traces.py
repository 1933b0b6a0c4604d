"""A small factory of varied, already-anonymized traces for the review app's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracereader.config import Settings, load_settings
from tracereader.model import Event, Feedback, Message, ToolCall, Trace
from tracereader.store import Store

BASE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FROZEN_NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)

LONG_RESULT = "\n".join(f'{{"line": {i}, "status": "ok"}}' for i in range(40))


def make_trace(i: int, **overrides: object) -> Trace:
    """Trace number `i`: a support conversation whose shape varies with `i`."""
    messages = [
        Message("system", "You are the support assistant for Acme. Be brief and polite."),
        Message("user", f"Where is my order {1000 + i}? I'm <PERSON_1>, <EMAIL_ADDRESS_1>"),
    ]
    if i % 3 == 0:
        messages += [
            Message(
                "assistant",
                None,
                tool_calls=[ToolCall("lookup_order", {"order": 1000 + i}, id=f"c{i}")],
            ),
            Message(
                "tool", LONG_RESULT if i % 2 == 0 else '{"status": "shipped"}', tool_call_id=f"c{i}"
            ),
        ]
    messages.append(Message("assistant", f"Your order {1000 + i} shipped yesterday, <PERSON_1>."))
    trace = Trace(
        messages=messages,
        id=f"t-{i:04d}",
        timestamp=BASE + timedelta(minutes=10 * i),
        user_id=f"u{i % 4:x}" * 8,
        session_id=f"s{i:x}" * 6,
        model="gpt-4o-mini" if i % 2 else "claude-x",
        release="v1" if i < 6 else "v2",
        latency_ms=1200 + 10 * i,
        feedback=Feedback(score=-1, comment="wrong order") if i % 4 == 1 else None,
        events=[Event("regenerate", message_index=2), Event("copy")] if i % 5 == 2 else [],
    )
    for key, value in overrides.items():
        setattr(trace, key, value)
    return trace


def fill_store(path: Path, count: int = 12, *, ner: bool = True) -> list[str]:
    """Create a database at `path` with `count` traces; return their ids."""
    store = Store.open(path)
    traces = [make_trace(i) for i in range(count)]
    store.add_traces(traces, format="native", ner=ner)
    store.close()
    return [t.id for t in traces if t.id]


def review_settings(**changes: object) -> Settings:
    """The shipped default settings with a fixed reviewer name."""
    base = load_settings(create=False)
    return Settings(**{**base.__dict__, "reviewer": "tester", **changes})
