"""Claude Code / Claude Agent SDK session transcripts (`~/.claude/projects/<slug>/<session>.jsonl`).

Each line is one event of a session: `user` and `assistant` lines carry a Messages API message
(an assistant turn is written one line per content block, the lines sharing `message.id`),
`attachment` lines the system reminders Claude Code put in front of the model (their
`rendered` text), `system` lines notices and API errors, and bookkeeping lines the CLI's own
state. Lines are grouped by `sessionId` into one trace (id: the session's first line `uuid`, so
a resumed session's new lines land as a trace of their own); blocks are read as in the Messages
reader: thinking as `reasoning`, `tool_use` paired with the `tool_result` that answers it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from tracereader.formats import register
from tracereader.formats.anthropic_blocks import messages_from_blocks
from tracereader.formats.base import Converted, RawRecord, RecordError
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.normalize import as_dict
from tracereader.formats.spantree import convert_grouped, elapsed_ms, parse_time
from tracereader.model import Message, Trace

CONVERSATION = frozenset({"user", "assistant", "attachment", "system"})
IGNORED_LINES = frozenset(
    {
        "queue-operation",  # the prompt queued, as the user line that follows holds it
        "last-prompt",
        "atis-latch",
        "api-request-shape",  # the wire form of each request: the lines above hold its text
        "api-request-blob",
        "api-request",
        "tools-used",
        "file-history-snapshot",  # backups of edited files, for the CLI's undo
        "progress",
        "permission-mode",
    }
)
"""Bookkeeping line types read for nothing but metadata (their text repeats the transcript)."""
SESSIONLESS = frozenset({"summary", "file-history-snapshot", "custom-title", "ai-title"})
KNOWN = CONVERSATION | IGNORED_LINES | SESSIONLESS | {"cost-state", "tag"}
_META_KEYS = ("cwd", "gitBranch", "version", "entrypoint", "slug")


def _line_type(value: Any) -> str | None:
    """A line's `type` when it is a string (a retyped field, such as a list, is no type)."""
    kind = value.get("type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else None


def _is_line(value: Any) -> bool:
    kind = _line_type(value)
    return kind in KNOWN and ("sessionId" in value or kind in SESSIONLESS)


def _sessionless(value: Any) -> bool:
    """A line of a kind written without a `sessionId` (a summary, a title)."""
    return _line_type(value) in SESSIONLESS


def _sessions(records: Iterable[RawRecord]) -> Iterator[RawRecord]:
    """Lines in order, those without a `sessionId` (summaries) given their file's session."""
    waiting: list[RawRecord] = []
    current: str | None = None
    for record in records:
        value = record.value
        if isinstance(value, dict) and value.get("sessionId"):
            current = str(value["sessionId"])
            for held in waiting:
                yield replace(held, value={**held.value, "sessionId": current})
            waiting.clear()
            yield record
        elif current is not None and _sessionless(value):
            yield replace(record, value={**value, "sessionId": current})
        elif _sessionless(value) and len(waiting) < 1000:
            waiting.append(record)
        else:
            yield record
    yield from waiting


def _key(record: RawRecord) -> Hashable:
    if not _is_line(record.value) or not record.value.get("sessionId"):
        raise RecordError("not a Claude Code transcript line (no known `type` and `sessionId`)")
    return str(record.value["sessionId"])


class _Transcript:
    """Builds one session's messages line by line."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.metadata: dict[str, Any] = {"source": "claude-code"}
        self.errors: list[str] = []
        self.model: str | None = None
        self._turn: tuple[str, list[Any], bool] | None = None  # message id, blocks, sidechain
        self._reminders: list[str] = []

    def add(self, line: dict[str, Any]) -> None:
        kind = line.get("type")
        if kind != "assistant" or self._turn_id(line) != (self._turn or ("",))[0]:
            self._close_turn()
        if kind != "attachment":
            self._close_reminders()
        if kind == "assistant":
            self._assistant(line)
        elif kind == "user":
            message = as_dict(line.get("message"))
            self._extend(messages_from_blocks("user", message.get("content")), line)
        elif kind == "attachment":
            self._attachment(line)
        elif kind == "system" and line.get("content"):
            self.messages.append(Message(role="system", content=str(line["content"])))
            if line.get("level") == "error":
                self.errors.append(str(line["content"]).splitlines()[0][:300])
        elif kind == "summary" and line.get("summary"):
            self.metadata["summary"] = line["summary"]
        elif kind in ("custom-title", "ai-title"):
            self.metadata["title"] = line.get("customTitle") or line.get("aiTitle")
        elif kind == "cost-state" and line.get("totalCostUSD") is not None:
            self.metadata["cost_usd"] = line["totalCostUSD"]
        for key in _META_KEYS:
            if line.get(key) and key not in self.metadata:
                self.metadata[key] = line[key]

    def finish(self) -> None:
        self._close_turn()
        self._close_reminders()

    @staticmethod
    def _turn_id(line: dict[str, Any]) -> str:
        message_id = as_dict(line.get("message")).get("id") or line.get("uuid")
        return str(message_id)

    def _assistant(self, line: dict[str, Any]) -> None:
        message = as_dict(line.get("message"))
        self.model = str(message["model"]) if message.get("model") else self.model
        blocks = message.get("content")
        blocks = blocks if isinstance(blocks, list) else [{"type": "text", "text": blocks}]
        if line.get("isApiErrorMessage"):
            texts = [b.get("text") for b in blocks if isinstance(b, dict) and b.get("text")]
            self.errors.append(str(texts[0] if texts else "API error").splitlines()[0][:300])
        if self._turn is None:
            self._turn = (self._turn_id(line), [], bool(line.get("isSidechain")))
        self._turn[1].extend(blocks)

    def _close_turn(self) -> None:
        if self._turn is not None:
            _, blocks, sidechain = self._turn
            self._turn = None
            for message in messages_from_blocks("assistant", blocks):
                message.name = "subagent" if sidechain else message.name
                self.messages.append(message)

    def _attachment(self, line: dict[str, Any]) -> None:
        attachment = as_dict(line.get("attachment"))
        prompt = attachment.get("systemPrompt")
        if attachment.get("type") == "prompt_snapshot" and isinstance(prompt, list):
            system = "\n".join(str(p) for p in prompt)
            known = [m for m in self.messages if m.name == "system prompt"]
            if not any(m.content == system for m in known):  # the first one leads the transcript
                where = len(self.messages) if known else 0
                self.messages.insert(where, Message("system", system, name="system prompt"))
        for rendered in line.get("rendered") or []:
            text = as_dict(rendered).get("content")
            if isinstance(text, str) and text:
                self._reminders.append(text)

    def _close_reminders(self) -> None:
        if self._reminders:
            self.messages.append(Message(role="system", content="\n".join(self._reminders)))
            self._reminders = []

    def _extend(self, messages: list[Message], line: dict[str, Any]) -> None:
        for message in messages:
            if line.get("isSidechain"):
                message.name = "subagent"
            self.messages.append(message)


def _trace(records: list[RawRecord]) -> Trace:
    transcript = _Transcript()
    lines = [r.value for r in records]
    for line in lines:
        transcript.add(line)
    transcript.finish()
    times = [t for t in (parse_time(line.get("timestamp")) for line in lines) if t is not None]
    first_uuid = next((line["uuid"] for line in lines if line.get("uuid")), None)
    session = str(lines[0]["sessionId"])
    return Trace(
        messages=transcript.messages,
        id=str(first_uuid or session),
        timestamp=min(times) if times else None,
        session_id=session,
        model=transcript.model,
        metadata=transcript.metadata,
        error=transcript.errors[0] if transcript.errors else None,
        latency_ms=elapsed_ms(min(times), max(times)) if times else None,
    )


def _view(line: Any) -> Any:
    """A line as the ledger walks it: bookkeeping lines are ignored whole (see IGNORED_LINES)."""
    return {} if isinstance(line, dict) and line.get("type") in IGNORED_LINES else line


LEDGER = Ledger(
    *LABELS,
    "uuid",
    "parentUuid",
    "logicalParentUuid",
    "leafUuid",
    "promptId",
    "requestId",
    "requestRef",
    "sourceToolAssistantUUID",
    "sourceToolUseID",
    "toolUseID",
    "userType",
    "entrypoint",
    "permissionMode",
    "permissionDecision",
    "promptSource",
    "rowSource",
    "turnOrigin",
    "turnPosition",
    "requestedModel",
    "promptCache*",
    "thinkingDisplay",
    "subtype",
    "level",
    "toolUseResult",  # the tool's result in Claude Code's own structure; the model's copy is kept
    "attachment",  # what a reminder was made from; its `rendered` text (the model's view) is kept
    "renderedRole",
    "message.id",
    "message.usage",
    "message.stop_details",
    "message.container",
    "**.signature",
    "**.caller",
    "isMeta",
    "isCompactSummary",
    "isVisibleInTranscriptOnly",
    "compactMetadata",
    "modelUsage",
    "customTitle",
    "aiTitle",
    view=_view,
)
"""What the Claude Code reader does not keep: ids, CLI state, structured copies of tool results."""


class ClaudeCodeFormat:
    """Claude Code / Claude Agent SDK session transcripts (JSONL)."""

    name = "claude-code"
    description = "Claude Code / Agent SDK session transcripts (~/.claude/projects/…/*.jsonl)"
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        return _is_line(value)

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        return convert_grouped(_sessions(records), _key, _trace, self.ledger)


FORMAT = register(ClaudeCodeFormat())
