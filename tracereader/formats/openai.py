"""OpenAI chat logs: a record holding `messages`, or a logged `{"request": …, "response": …}` pair.

A plain `messages` record counts as OpenAI only when it carries an OpenAI-only marker and no
native-only key (the rule is spelled out in `formats/native.py`); the request/response pair is
always OpenAI. The response's first choice becomes the final assistant message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from tracereader.formats import register
from tracereader.formats.base import Converted, RawRecord, RecordError, convert_each
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.markers import is_other_log
from tracereader.formats.native import (
    NATIVE_ONLY_KEYS,
    has_openai_markers,
    jsonable,
    optional_text,
    parse_error,
    parse_message,
    parse_messages,
    parse_metadata,
    parse_number,
    parse_time,
)
from tracereader.model import Message, Trace

_REQUEST_SETTINGS = (
    "tools",
    "functions",
    "tool_choice",
    "function_call",
    "response_format",
    "stop",
    "stream_options",
    "logit_bias",
    "modalities",
    "reasoning_effort",
    "prediction",
)
_KEPT_SETTINGS = ("temperature", "top_p", "max_tokens", "max_completion_tokens", "seed", "n")


def _choice_message(response: dict[str, Any], where: str) -> Message | None:
    """The first choice's message of a chat completion, if there is one."""
    choices = response.get("choices")
    if choices is None:
        return None
    if not isinstance(choices, list):
        raise RecordError(f"{where}.choices must be a list")
    if not choices:
        return None
    first = choices[0]
    if not isinstance(first, dict):
        raise RecordError(f"{where}.choices[0] must be an object")
    message = first.get("message", first.get("delta"))
    if message is None:
        text = first.get("text")
        return Message(role="assistant", content=text) if isinstance(text, str) else None
    if isinstance(message, dict) and "role" not in message:
        message = {**message, "role": "assistant"}
    return parse_message(message, f"{where}.choices[0].message")


def _tool_names(tools: Any) -> list[str]:
    names: list[str] = []
    for tool in tools if isinstance(tools, list) else []:
        if isinstance(tool, dict):
            function = tool.get("function")
            source: dict[str, Any] = function if isinstance(function, dict) else tool
            if isinstance(source.get("name"), str):
                names.append(source["name"])
    return names


def trace_from_openai(value: dict[str, Any]) -> Trace:
    """Convert one OpenAI log record (either shape) into a trace."""
    if "request" in value or "response" in value:
        request = value.get("request")
        response = value.get("response") or {}
        if not isinstance(request, dict):
            raise RecordError("request must be an object")
        if not isinstance(response, dict):
            raise RecordError("response must be an object")
        prefix, resp_where = "request.", "response"
    else:
        request, response, prefix, resp_where = value, value, "", "record"
    messages = parse_messages(request.get("messages"), f"{prefix}messages")
    reply = _choice_message(response, resp_where)
    if reply is not None:
        messages.append(reply)
    metadata = parse_metadata(request.get("metadata"), f"{prefix}metadata")
    if request is not value:
        metadata.update(parse_metadata(value.get("metadata")))
    usage = response.get("usage")
    if isinstance(usage, dict):
        metadata.setdefault("usage", jsonable(usage))
    tools = _tool_names(request.get("tools") or request.get("functions"))
    if tools:
        metadata.setdefault("tools", tools)
    for key in _KEPT_SETTINGS:
        if isinstance(request.get(key), int | float):
            metadata.setdefault(key, request[key])
    created = response.get("created", value.get("created", value.get("timestamp")))
    return Trace(
        messages=messages,
        id=optional_text(value.get("id") or response.get("id"), "id"),
        timestamp=parse_time(created, "created"),
        user_id=optional_text(request.get("user") or value.get("user"), f"{prefix}user"),
        session_id=optional_text(metadata.get("session_id"), "metadata.session_id"),
        model=optional_text(response.get("model") or request.get("model"), "model"),
        error=parse_error(value.get("error") or response.get("error")),
        latency_ms=parse_number(value.get("latency_ms", value.get("duration_ms")), "latency_ms"),
        metadata=metadata,
    )


LEDGER = Ledger(
    *LABELS,
    # what the request offered and how: the tools' names are kept, their JSON schemas are not
    *(f"{where}{field}" for where in ("", "request.") for field in _REQUEST_SETTINGS),
    "response.system_fingerprint",
    "response.service_tier",
    "system_fingerprint",
    "service_tier",
)
"""What the OpenAI reader does not keep: tool schemas, request settings, backend fingerprints."""


class OpenAIFormat:
    """OpenAI Chat Completions logs (messages lines, or request/response pairs)."""

    name = "openai"
    description = 'OpenAI chat logs: `messages` lines or {"request": …, "response": …} pairs'
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        if not isinstance(value, dict) or is_other_log(value):
            return False
        if isinstance(value.get("request"), dict) and (
            isinstance(value["request"].get("messages"), list) or "response" in value
        ):
            return True
        if not isinstance(value.get("messages"), list):
            return False
        return has_openai_markers(value) and not (NATIVE_ONLY_KEYS & value.keys())

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        return convert_each(records, trace_from_openai, self.ledger)


OPENAI = register(OpenAIFormat())
