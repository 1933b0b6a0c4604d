"""Turn the message shapes tracing tools store (OpenAI, LangChain, GenAI …) into `Message`s.

Every importer meets the same few dialects of "a chat message" nested in its own envelope, so the
dialects are decoded here once. Images and other binary parts become a short placeholder such as
`[image]`: their bytes never reach the model (nor the database).
"""

from __future__ import annotations

import functools
import json
import json.scanner
import re
from collections.abc import Iterator
from typing import Any

from tracereader.model import Message, ToolCall

NUMBERS = (int, float)
"""For `isinstance` on per-record paths (bool is an int): a tuple, not `int | float`, which
Python 3.11 builds anew at every call."""

# Role spellings seen in the wild -> the model's four roles.
ROLE_ALIASES: dict[str, str] = {
    "system": "system",
    "developer": "system",
    "systemmessage": "system",
    "user": "user",
    "human": "user",
    "humanmessage": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "aimessage": "assistant",
    "aimessagechunk": "assistant",
    "model": "assistant",
    "bot": "assistant",
    "tool": "tool",
    "toolmessage": "tool",
    "function": "tool",
    "functionmessage": "tool",
    "ipython": "tool",
}

# Part types that carry binary media; each becomes `[<kind>]`.
MEDIA_PARTS: dict[str, str] = {
    "image": "image",
    "image_url": "image",
    "input_image": "image",
    "blob": "file",
    "file": "file",
    "input_file": "file",
    "uri": "file",
    "audio": "audio",
    "input_audio": "audio",
    "video": "video",
    "document": "document",
}

MAX_JSON_DEPTH = 12


def as_dict(value: Any) -> dict[str, Any]:
    """`value` if it is a dict, else an empty one (exports leave optional objects null)."""
    return value if isinstance(value, dict) else {}


def role_of(value: Any) -> str | None:
    """Map a role/type spelling to one of the model's roles, or None if it is not one."""
    if not isinstance(value, str):
        return None
    return ROLE_ALIASES.get(value.strip().lower())


_DECODER: Any = json.JSONDecoder()  # typeshed types make_scanner's argument as itself
_SCAN = json.scanner.make_scanner(_DECODER)
"""The C scanner `json.loads` ends in: (value, end) from an index, StopIteration if none."""


def decode_json(text: str) -> Any:
    """`json.loads(text)` (ValueError alike) without its per-call overhead, for short texts.

    Readers decode thousands of small JSON strings held in fields; for those the wrapper's
    whitespace matching costs as much as the parse. Text with whitespace or a BOM at either
    end takes the ordinary way.
    """
    if text[:1].isspace() or text[-1:].isspace() or text[:1] == "\ufeff":
        return json.loads(text)
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        raise ValueError("Expecting value") from None
    if end != len(text):
        raise ValueError("Extra data")
    return value


def maybe_json(value: Any) -> Any:
    """Decode a string holding a JSON object or array (tools double-encode); else return it."""
    if isinstance(value, str):
        first = value[:1]
        if first not in ("{", "[") and not first.isspace():
            return value  # most strings: one look at the first character
        text = value.strip()
        if text[:1] in ("{", "[") and text[-1:] in ("}", "]"):
            try:
                return decode_json(text)
            except ValueError:
                return value
    return value


def is_data_url(value: Any) -> bool:
    """Whether a string is an inline `data:` URL (base64 media)."""
    return isinstance(value, str) and value[:5].lower() == "data:"


def scrub_media(value: Any, depth: int = 0) -> Any:
    """Copy a JSON value with inline media (data: URLs, base64 blobs) replaced by placeholders."""
    if depth > MAX_JSON_DEPTH:
        return "[nested value]"
    if isinstance(value, dict):
        kind = value.get("type")
        if isinstance(kind, str) and kind in MEDIA_PARTS and "text" not in value:
            return f"[{MEDIA_PARTS[kind]}]"
        return {str(k): scrub_media(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_media(v, depth + 1) for v in value]
    if is_data_url(value):
        return "[image]" if value[5:11].lower() == "image/" else "[file]"
    return value


def part_text(part: Any) -> str | None:
    """The text of one content part; media parts give a placeholder, unknown parts their JSON."""
    if part is None:
        return None
    if isinstance(part, str):
        return "[image]" if is_data_url(part) else part
    if not isinstance(part, dict):
        return json.dumps(part, ensure_ascii=False)
    kind = part.get("type")
    if isinstance(kind, str) and kind in MEDIA_PARTS:
        return f"[{MEDIA_PARTS[kind]}]"
    for key in ("text", "content", "value", "refusal", "output_text"):
        if isinstance(part.get(key), str):
            return str(part[key])
    if kind in ("tool_call", "tool_use", "function_call", "tool_call_response", "tool_result"):
        return None
    if "image_url" in part or "image" in part:
        return "[image]"
    return json.dumps(scrub_media(part), ensure_ascii=False)


def content_text(content: Any) -> str | None:
    """Flatten message content (string, list of parts, or structured value) into one string."""
    if content is None:
        return None
    if isinstance(content, str):
        return "[image]" if is_data_url(content) else content
    if isinstance(content, list):
        texts = [t for t in (part_text(p) for p in content) if t is not None]
        return "\n".join(texts) if texts else None
    if isinstance(content, dict):
        return part_text(content)
    return json.dumps(content, ensure_ascii=False)


def value_text(value: Any) -> str | None:
    """Render any input/output value as text: strings as they are, structures as compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return "[image]" if is_data_url(value) else value
    return json.dumps(scrub_media(value), ensure_ascii=False, default=str)


def tool_call_from(raw: Any) -> ToolCall | None:
    """Read one tool call in OpenAI (`function.arguments`), LangChain (`args`) or GenAI form."""
    if not isinstance(raw, dict):
        return None
    function = as_dict(raw.get("function")) or raw
    name = function.get("name")
    if not isinstance(name, str) or not name:
        return None
    arguments = function.get("arguments", function.get("args", function.get("input")))
    call_id = raw.get("id", raw.get("tool_call_id"))
    return ToolCall(
        name=name,
        arguments=scrub_media(maybe_json(arguments)),
        id=str(call_id) if call_id is not None else None,
    )


def _lc_fields(raw: dict[str, Any]) -> tuple[str | None, dict[str, Any]] | None:
    """The (role, fields) of a LangChain-serialized message, in `lc` or `type/data` form."""
    if (
        raw.get("lc") == 1
        and isinstance(raw.get("id"), list)
        and isinstance(raw.get("kwargs"), dict)
    ):
        class_name = str(raw["id"][-1]) if raw["id"] else ""
        role = role_of(class_name) or role_of(raw["kwargs"].get("type"))
        if role is None and class_name == "ChatMessage":
            role = role_of(raw["kwargs"].get("role"))
        return role, raw["kwargs"]
    if isinstance(raw.get("data"), dict) and isinstance(raw.get("type"), str) and "role" not in raw:
        data = raw["data"]
        return role_of(raw["type"]) or role_of(data.get("role")), data
    return None


def message_from(raw: Any) -> Message | None:
    """One message from any supported dialect, or None if the value is not a message."""
    if not isinstance(raw, dict):
        return None
    lc = _lc_fields(raw)
    if lc is not None:
        role, fields = lc
    else:
        role, fields = role_of(raw.get("role")), raw
        if role is None and "content" in raw and role_of(raw.get("type")) is not None:
            role = role_of(raw.get("type"))
    if role is None:
        return None
    message = Message(role=role)
    content = fields.get("content", fields.get("text"))
    calls: list[ToolCall] = []
    results: list[Any] = []
    if isinstance(fields.get("parts"), list):  # GenAI semantic conventions
        texts: list[str] = []
        for part in fields["parts"]:
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "tool_call":
                call = tool_call_from(part)
                if call is not None:
                    calls.append(call)
            elif kind == "tool_call_response":
                message.tool_call_id = message.tool_call_id or _str_or_none(part.get("id"))
                results.append(part.get("response", part.get("result")))
            else:
                text = part_text(part)
                if text is not None:
                    texts.append(text)
        content = "\n".join(texts) if texts else None
    elif isinstance(content, list):  # Anthropic-style blocks may hide tool calls and results
        for block in content:
            if isinstance(block, dict) and block.get("type") == "tool_use":
                call = tool_call_from(block)
                if call is not None:
                    calls.append(call)
            elif isinstance(block, dict) and block.get("type") == "tool_result":
                message.tool_call_id = message.tool_call_id or _str_or_none(
                    block.get("tool_use_id")
                )
                results.append(block.get("content"))
    message.content = content_text(content) if not results else content_text(results[0])
    if results and message.role == "user":
        message.role = "tool"
    extra = as_dict(fields.get("additional_kwargs"))
    for source in (fields.get("tool_calls"), extra.get("tool_calls")):
        if isinstance(source, list) and not calls:
            calls = [c for c in (tool_call_from(r) for r in source) if c is not None]
    for legacy in (fields.get("function_call"), extra.get("function_call")):
        if not calls and isinstance(legacy, dict):
            call = tool_call_from(legacy)
            calls = [call] if call is not None else []
    message.tool_calls = calls
    message.tool_call_id = message.tool_call_id or _str_or_none(fields.get("tool_call_id"))
    name = fields.get("name")
    message.name = name if isinstance(name, str) and name else None
    return message


def _str_or_none(value: Any) -> str | None:
    return str(value) if value is not None and value != "" else None


def _message_lists(value: Any, depth: int = 0) -> Iterator[list[Any]]:
    """Candidate lists of messages inside an input/output envelope, most specific first."""
    if depth > 4:
        return
    value = maybe_json(value)
    if isinstance(value, list):
        if value and all(isinstance(v, list) for v in value):  # LangChain batches: [[msg, …]]
            yield value[0]
        elif value and all(
            isinstance(v, dict) and isinstance(v.get("message"), dict) for v in value
        ):
            yield [v["message"] for v in value]  # OpenAI `choices` logged as the output
        else:
            yield value
    elif isinstance(value, dict):
        if message_from(value) is not None:
            yield [value]
            return
        for key in ("messages", "message", "input", "inputs", "prompt", "chat_history", "history"):
            if key in value:
                yield from _message_lists(value[key], depth + 1)
        for key in ("choices", "generations"):  # OpenAI responses, LangChain LLMResult
            if isinstance(value.get(key), list):
                flat = (
                    value[key][0] if value[key] and isinstance(value[key][0], list) else value[key]
                )
                yield [c.get("message", c) for c in flat if isinstance(c, dict)]
        for key in ("output", "outputs", "completion", "response", "result"):
            if key in value:
                yield from _message_lists(value[key], depth + 1)


def messages_from(value: Any) -> list[Message]:
    """The chat messages inside an input/output value, or [] if it holds none."""
    for candidate in _message_lists(value):
        messages = [m for m in (message_from(raw) for raw in candidate) if m is not None]
        if messages and len(messages) * 2 >= len([c for c in candidate if c is not None]):
            return messages
    return []


def plain_text(value: Any) -> str | None:
    """A best-effort text for a non-message input/output (a question string, `{"input": "…"}`)."""
    value = maybe_json(value)
    if isinstance(value, dict):
        for key in ("input", "question", "query", "text", "content", "output", "answer", "result"):
            if isinstance(value.get(key), str) and value[key].strip():
                return value_text(value[key])
        if len(value) == 1:
            only = next(iter(value.values()))
            if isinstance(only, str):
                return value_text(only)
    return value_text(value) if value not in (None, "", {}, []) else None


POSITIVE_LABELS = frozenset(
    {
        "positive",
        "good",
        "up",
        "thumbs_up",
        "thumbsup",
        "yes",
        "true",
        "correct",
        "pass",
        "helpful",
        "👍",
    }
)
NEGATIVE_LABELS = frozenset(
    {
        "negative",
        "bad",
        "down",
        "thumbs_down",
        "thumbsdown",
        "no",
        "false",
        "incorrect",
        "fail",
        "unhelpful",
        "👎",
    }
)
NEUTRAL_LABELS = frozenset({"neutral", "meh", "ok", "mixed"})
USER_SCORE_WORDS = ("user", "thumb", "feedback", "rating", "human", "vote")


def feedback_score(value: Any) -> float | None:
    """A score in the model's scale from a tool's score: 1/-1/0 or [0, 1]; None if unmappable.

    Tools store thumbs as 1/0 or true/false, so 0 and false mean thumbs down here; labels such as
    `positive`/`negative` map to 1/-1; numbers in (0, 1) are kept; anything else (a 1–5 rating)
    cannot be placed on the scale and is left to metadata.
    """
    if isinstance(value, bool):
        return 1.0 if value else -1.0
    if isinstance(value, NUMBERS):
        number = float(value)
        if number != number:  # NaN
            return None
        if number <= 0:
            return -1.0 if number in (0.0, -1.0) else None
        return number if number <= 1 else None
    if isinstance(value, str):
        label = value.strip().lower().replace(" ", "_").replace("-", "_")
        if label in POSITIVE_LABELS:
            return 1.0
        if label in NEGATIVE_LABELS:
            return -1.0
        if label in NEUTRAL_LABELS:
            return 0.0
    return None


_USER_SCORE = re.compile("|".join(USER_SCORE_WORDS), re.IGNORECASE)


def is_user_score(name: Any) -> bool:
    """Whether a score's name suggests it is the end user's verdict rather than an evaluator's."""
    return isinstance(name, str) and _user_score_name(name)


@functools.lru_cache(maxsize=1024)
def _user_score_name(name: str) -> bool:
    return _USER_SCORE.search(name) is not None  # a file repeats a few names on every trace
