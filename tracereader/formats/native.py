"""The native `tracereader` format (product.md): one trace per record, only `messages` required.

Detection rule shared with the OpenAI reader (both kinds of record hold `messages`): a record is
native when it has `messages` and either a native-only key (`timestamp`, `user_id`,
`session_id`, `release`, `feedback`, `events`) or no OpenAI-only marker (`request`/`response`,
`choices`, `usage`, a numeric `created`, tool calls in OpenAI's `{"function": …}` form, a legacy
`function_call`, or an `object` such as `chat.completion`). The two sniffs are exclusive.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from tracereader.formats import register
from tracereader.formats.base import Converted, RawRecord, RecordError, convert_each
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.markers import is_litellm_payload
from tracereader.model import ROLES, Event, Feedback, Message, ToolCall, Trace
from tracereader.timeutil import parse_epoch, parse_iso

NATIVE_ONLY_KEYS = frozenset(
    {"timestamp", "user_id", "session_id", "release", "feedback", "events"}
)
ROLE_ALIASES = {"developer": "system", "function": "tool"}
MAX_NESTING = 64
"""Deepest nesting accepted in metadata and tool arguments (real traces stay far below)."""
MAX_MESSAGE_INDEX = 2**31 - 1
"""A signal names a message by its position; no conversation holds more messages than this."""
_KNOWN_KEYS = NATIVE_ONLY_KEYS | {"id", "messages", "model", "metadata", "error", "latency_ms"}


def has_openai_markers(value: dict[str, Any]) -> bool:
    """Whether a record carries something only OpenAI chat logs have."""
    if "request" in value and "response" in value:
        return True
    if "choices" in value or "usage" in value or str(value.get("object", "")).startswith("chat."):
        return True
    created = value.get("created")
    if isinstance(created, int | float) and not isinstance(created, bool):
        return True
    messages = value.get("messages")
    if isinstance(messages, list):
        for message in messages[:50]:
            if not isinstance(message, dict):
                continue
            if "function_call" in message:
                return True
            calls = message.get("tool_calls")
            if isinstance(calls, list) and any(
                isinstance(c, dict) and "function" in c for c in calls
            ):
                return True
    return False


def jsonable(value: Any, depth: int = 0) -> Any:
    """Make a parsed value JSON-storable (YAML dates become ISO strings, keys become strings)."""
    if depth > MAX_NESTING:
        raise RecordError(f"a value is nested more than {MAX_NESTING} levels deep")
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def parse_time(value: Any, where: str) -> datetime | None:
    """An ISO 8601 string, a Unix epoch (s/ms/µs/ns) or a YAML date into an aware datetime."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return parse_epoch(value)
        if isinstance(value, str):
            text = value.strip()
            return parse_epoch(float(text)) if _is_number(text) else parse_iso(text)
    except (ValueError, OverflowError, OSError):
        pass
    raise RecordError(f"{where} must be an ISO 8601 time or a Unix epoch")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def optional_text(value: Any, where: str) -> str | None:
    """A string field that may also arrive as a number (ids, releases); None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"{where} must be a string")


def parse_content(value: Any, where: str) -> str | None:
    """Message content: a string, null, or a list of parts (`{"type": "text", "text": …}`)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        pieces: list[str] = []
        for j, part in enumerate(value):
            if isinstance(part, str):
                pieces.append(part)
            elif isinstance(part, dict):
                text = part.get("text")
                if isinstance(text, dict):  # some SDKs nest {"text": {"value": …}}
                    text = text.get("value")
                if isinstance(text, str):
                    pieces.append(text)
                elif isinstance(part.get("refusal"), str):
                    pieces.append(part["refusal"])
                else:
                    pieces.append(
                        f"[{optional_text(part.get('type'), f'{where}[{j}].type') or 'part'}]"
                    )
            else:
                raise RecordError(f"{where}[{j}] must be a string or a part object")
        return "\n".join(pieces)
    raise RecordError(f"{where} must be a string, a list of parts or null")


def parse_arguments(value: Any) -> Any:
    """Tool arguments: JSON-encoded strings (OpenAI) are decoded; other values kept as they are."""
    if isinstance(value, str):
        import json

        try:
            return jsonable(json.loads(value))
        except ValueError:
            return value
    return jsonable(value)


def parse_tool_call(value: Any, where: str) -> ToolCall:
    """A tool call in native form `{id, name, arguments}` or OpenAI form `{id, function: {…}}`."""
    if not isinstance(value, dict):
        raise RecordError(f"{where} must be an object")
    function = value.get("function")
    source: dict[str, Any] = function if isinstance(function, dict) else value
    name = source.get("name")
    if not isinstance(name, str) or not name:
        field = "function.name" if source is not value else "name"
        raise RecordError(f"{where}.{field} must be a non-empty string")
    arguments = source.get("arguments", source.get("args", source.get("input")))
    return ToolCall(
        name=name,
        arguments=parse_arguments(arguments),
        id=optional_text(value.get("id"), f"{where}.id"),
    )


def parse_message(value: Any, where: str) -> Message:
    """One message of either format; roles `developer`/`function` map to `system`/`tool`."""
    if not isinstance(value, dict):
        raise RecordError(f"{where} must be an object")
    role = value.get("role")
    role = ROLE_ALIASES.get(role, role) if isinstance(role, str) else role
    if role not in ROLES:
        raise RecordError(f"{where}.role must be one of {', '.join(ROLES)}")
    content = parse_content(value.get("content"), f"{where}.content")
    if content is None and isinstance(value.get("refusal"), str):
        content = value["refusal"]
    calls_value = value.get("tool_calls") or []
    if not isinstance(calls_value, list):
        raise RecordError(f"{where}.tool_calls must be a list")
    calls = [parse_tool_call(c, f"{where}.tool_calls[{j}]") for j, c in enumerate(calls_value)]
    if value.get("function_call") is not None:
        calls.append(parse_tool_call(value["function_call"], f"{where}.function_call"))
    return Message(
        role=role,
        content=content,
        tool_calls=calls,
        tool_call_id=optional_text(value.get("tool_call_id"), f"{where}.tool_call_id"),
        name=optional_text(value.get("name"), f"{where}.name"),
    )


def parse_messages(value: Any, where: str = "messages") -> list[Message]:
    """The required, non-empty list of messages."""
    if value is None:
        raise RecordError(f"missing {where}")
    if not isinstance(value, list):
        raise RecordError(f"{where} must be a list")
    if not value:
        raise RecordError(f"{where} is empty")
    return [parse_message(m, f"{where}[{i}]") for i, m in enumerate(value)]


def parse_feedback(value: Any) -> Feedback | None:
    """`{"score": 1|-1|0|[0,1], "comment": …}`, or a bare score."""
    if value is None:
        return None
    if not isinstance(value, dict):
        value = {"score": value}
    score = value.get("score")
    if score is not None:
        valid = isinstance(score, int | float) and not isinstance(score, bool)
        if not valid or not (score in (-1, 0, 1) or 0 <= score <= 1):
            raise RecordError("feedback.score must be 1, -1, 0 or a number in [0, 1]")
        score = float(score)
    comment = value.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise RecordError("feedback.comment must be a string")
    return Feedback(score=score, comment=comment or None)


def parse_events(value: Any) -> list[Event]:
    """Implicit events: each `{type, at?, message_index?}`; any type string is kept."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError("events must be a list")
    events: list[Event] = []
    for i, item in enumerate(value):
        where = f"events[{i}]"
        if not isinstance(item, dict):
            raise RecordError(f"{where} must be an object")
        kind = item.get("type")
        if not isinstance(kind, str) or not kind:
            raise RecordError(f"{where}.type must be a non-empty string")
        index = item.get("message_index")
        if index is not None and (
            not isinstance(index, int)
            or isinstance(index, bool)
            or not 0 <= index <= MAX_MESSAGE_INDEX
        ):
            raise RecordError(
                f"{where}.message_index must be a message's position: an integer from 0 to "
                f"{MAX_MESSAGE_INDEX}"
            )
        at = parse_time(item.get("at", item.get("timestamp")), f"{where}.at")
        events.append(Event(type=kind, at=at, message_index=index))
    return events


def parse_metadata(value: Any, where: str = "metadata") -> dict[str, Any]:
    """A JSON object of anything; it is anonymized like every other string."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"{where} must be an object")
    result: dict[str, Any] = jsonable(value)
    return result


def parse_number(value: Any, where: str) -> float | None:
    """An optional number (latency)."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise RecordError(f"{where} is too large") from None
        if math.isfinite(number):
            return number
    raise RecordError(f"{where} must be a finite number")


def parse_error(value: Any) -> str | None:
    """An error as text (objects keep their message, or their JSON)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("message"), str):
        return value["message"]
    import json

    return json.dumps(jsonable(value), ensure_ascii=False, sort_keys=True)


def trace_from_native(value: dict[str, Any]) -> Trace:
    """Convert one native record; unknown top-level keys are kept in metadata."""
    metadata = parse_metadata(value.get("metadata"))
    for key in sorted(set(value) - _KNOWN_KEYS):
        metadata.setdefault(key, jsonable(value[key]))
    return Trace(
        messages=parse_messages(value.get("messages")),
        id=optional_text(value.get("id"), "id"),
        timestamp=parse_time(value.get("timestamp"), "timestamp"),
        user_id=optional_text(value.get("user_id"), "user_id"),
        session_id=optional_text(value.get("session_id"), "session_id"),
        model=optional_text(value.get("model"), "model"),
        release=optional_text(value.get("release"), "release"),
        feedback=parse_feedback(value.get("feedback")),
        events=parse_events(value.get("events")),
        metadata=metadata,
        error=parse_error(value.get("error")),
        latency_ms=parse_number(value.get("latency_ms"), "latency_ms"),
    )


class NativeFormat:
    """tracereader's own JSONL/JSON/YAML trace format."""

    name = "tracereader"
    description = "tracereader native traces: one object per trace with `messages`"
    ledger = Ledger(*LABELS)

    def sniff(self, value: Any) -> bool:
        if not isinstance(value, dict) or not isinstance(value.get("messages"), list):
            return False
        if is_litellm_payload(value):
            return False
        return bool(NATIVE_ONLY_KEYS & value.keys()) or not has_openai_markers(value)

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        return convert_each(records, trace_from_native, self.ledger)


NATIVE = register(NativeFormat())
