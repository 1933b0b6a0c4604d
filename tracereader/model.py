"""The trace model every export format is converted into before anonymization and storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ROLES = ("system", "user", "assistant", "tool")
IMPLICIT_EVENTS = ("regenerate", "copy", "abandon", "edit")
THUMBS_DOWN = "thumbs_down"

# Why no signal is a verdict on its own: shown beside the trace and with every calibration.
SIGNAL_AMBIGUITY: dict[str, str] = {
    "regenerate": "may be exploration, not dissatisfaction",
    "copy": "may be copying an error message, not approval",
    "abandon": "may mean the answer came in turn 1",
    "edit": "may be the user refining their own wording, not a correction",
    THUMBS_DOWN: "may be about the product, not the answer",
}


@dataclass
class ToolCall:
    """A tool the assistant asked to run; `arguments` is any JSON value."""

    name: str
    arguments: Any = None
    id: str | None = None


@dataclass
class Message:
    """One turn of the conversation. Tool results have role `tool` and name their call."""

    role: str
    content: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None


@dataclass
class Feedback:
    """Explicit feedback: score 1 up, -1 down, 0 neutral, or a number in [0, 1]."""

    score: float | None = None
    comment: str | None = None


@dataclass
class Event:
    """An implicit signal (`regenerate`, `copy`, `abandon`, `edit` or any other string)."""

    type: str
    at: datetime | None = None
    message_index: int | None = None


@dataclass
class Trace:
    """One conversation as the tool stores it. Only `messages` is required."""

    messages: list[Message]
    id: str | None = None
    timestamp: datetime | None = None
    user_id: str | None = None
    session_id: str | None = None
    model: str | None = None
    release: str | None = None
    feedback: Feedback | None = None
    events: list[Event] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    latency_ms: float | None = None


@dataclass(frozen=True)
class Rejection:
    """A record that could not be read; `reason` never quotes the record's content."""

    line: int
    reason: str
    where: str | None = None
    """Which element of a JSON array or document of a YAML stream (`element 7`), if any."""
