"""Anthropic Messages API logs: `{"request": {system, messages, tools…}, "response": Message}`.

What an app writes when it logs each `client.messages.create(...)` call: the request body and
the returned `Message` (`message.to_dict()`), or an `error` body for a failed call. The system
prompt, every block of every turn (text, thinking, tool calls and results, media as
placeholders) and the response become one conversation; `response.id` is the trace id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from tracereader.formats import register
from tracereader.formats.anthropic_blocks import messages_from_blocks, system_text
from tracereader.formats.base import Converted, RawRecord, RecordError, convert_each
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.markers import is_anthropic_log
from tracereader.formats.native import (
    jsonable,
    optional_text,
    parse_metadata,
    parse_number,
    parse_time,
)
from tracereader.formats.normalize import as_dict
from tracereader.model import Message, Trace

_SETTINGS = ("max_tokens", "temperature", "top_p", "top_k", "service_tier")
_TIME_KEYS = ("timestamp", "created_at", "time", "started_at")
_KNOWN = frozenset({"request", "response", "error", "id", "metadata", "latency_ms", *_TIME_KEYS})


def _error_text(value: Any) -> str | None:
    """`overloaded_error: Overloaded` from an API error body (or any error value)."""
    if value in (None, "", {}):
        return None
    if isinstance(value, dict):
        inner = as_dict(value.get("error")) or value
        kind, message = inner.get("type"), inner.get("message")
        if isinstance(message, str):
            return f"{kind}: {message}" if isinstance(kind, str) else message
    return value if isinstance(value, str) else str(jsonable(value))


def _conversation(request: dict[str, Any], response: dict[str, Any]) -> list[Message]:
    messages: list[Message] = []
    system = system_text(request.get("system"))
    if system:
        messages.append(Message(role="system", content=system))
    history = request.get("messages")
    if not isinstance(history, list):
        raise RecordError("request.messages must be a list")
    for i, turn in enumerate(history):
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            raise RecordError(f"request.messages[{i}].role must be user or assistant")
        messages += messages_from_blocks(turn["role"], turn.get("content"))
    if response.get("type") == "message" or "content" in response:
        messages += messages_from_blocks("assistant", response.get("content"))
    return messages


def _tool_names(tools: Any) -> list[str]:
    return (
        [str(t["name"]) for t in tools if isinstance(t, dict) and isinstance(t.get("name"), str)]
        if isinstance(tools, list)
        else []
    )


def trace_from_anthropic(value: dict[str, Any]) -> Trace:
    """Convert one logged Messages API call into a trace."""
    request = value.get("request")
    response = value.get("response") or {}
    if not isinstance(request, dict):
        raise RecordError("request must be an object")
    if not isinstance(response, dict):
        raise RecordError("response must be an object")
    metadata = parse_metadata(value.get("metadata"))
    for key in sorted(set(value) - _KNOWN):
        metadata.setdefault(key, jsonable(value[key]))
    request_meta = as_dict(request.get("metadata"))
    for key in ("usage", "stop_reason", "stop_sequence", "container"):
        if response.get(key) not in (None, "", {}):
            metadata[key] = jsonable(response[key])
    for key in _SETTINGS:
        if request.get(key) is not None:
            metadata.setdefault(key, jsonable(request[key]))
    if isinstance(request.get("thinking"), dict):
        metadata["thinking"] = jsonable(request["thinking"])
    tools = _tool_names(request.get("tools"))
    if tools:
        metadata["tools"] = tools
    error = value.get("error") or (response if response.get("type") == "error" else None)
    when = next((value[k] for k in _TIME_KEYS if value.get(k) is not None), None)
    return Trace(
        messages=_conversation(request, response),
        id=optional_text(value.get("id") or response.get("id"), "id"),
        timestamp=parse_time(when, "timestamp"),
        user_id=optional_text(request_meta.get("user_id"), "request.metadata.user_id"),
        session_id=optional_text(metadata.get("session_id"), "metadata.session_id"),
        model=optional_text(response.get("model") or request.get("model"), "model"),
        error=_error_text(error),
        latency_ms=parse_number(value.get("latency_ms"), "latency_ms"),
        metadata=metadata,
    )


LEDGER = Ledger(
    *LABELS,
    "request.tools",  # the tools' names are kept; their descriptions and JSON schemas are not
    "request.tool_choice",
    "request.stop_sequences",
    "request.mcp_servers",
    "request.container",
    "request.context_management",
    "**.cache_control",
    "**.signature",  # the cryptographic seal of a thinking block
    "**.source.data",  # base64 media: shown as a placeholder such as `[image]`
    "**.content[].data",  # redacted thinking, encrypted: shown as `[redacted thinking]`
    "**.media_type",
    "**.citations",  # the passages a cited answer quotes from its documents
    "**.encrypted_content",
    "**.encrypted_index",
    "**.caller",
    "**.toolset_name",
    "**.stop_details",
    "**.diagnostics",
)
"""What the Anthropic reader does not keep: tool schemas, cache and signature fields, media."""


class AnthropicFormat:
    """Anthropic Messages API request/response logs."""

    name = "anthropic"
    description = 'Anthropic Messages logs: {"request": {system, messages…}, "response": Message}'
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        return is_anthropic_log(value)

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        return convert_each(records, trace_from_anthropic, self.ledger)


FORMAT = register(AnthropicFormat())
