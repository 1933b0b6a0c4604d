"""OpenAI Responses API logs: `{"request": {instructions, input…}, "response": Response}`.

What an app writes when it logs each `client.responses.create(...)` call (or a stored
`Response` on its own). `instructions` become the system prompt, `input` and `output` items the
conversation (tool calls paired with their outputs by `call_id`, reasoning summaries as
`reasoning` turns). Calls continued with `previous_response_id` (or sharing a `conversation`)
form one trace, whose id is the last response's (so the calls a later ingest adds to a chain
land as a trace of their own, and a chain reads the same whether or not its first call was
exported); a call whose predecessor is not in the file (or lies more than
`spantree.GROUP_WINDOW` records before it) starts a trace of its own.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from tracereader.formats import register
from tracereader.formats.base import Converted, RawRecord, RecordError
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.markers import is_responses_log, is_responses_object
from tracereader.formats.native import jsonable
from tracereader.formats.normalize import as_dict
from tracereader.formats.responses_items import ItemReader, parts_text
from tracereader.formats.spantree import GROUP_WINDOW, convert_grouped, parse_time
from tracereader.model import Message, Trace

_SETTINGS = ("temperature", "top_p", "max_output_tokens", "service_tier", "truncation")
_TIME_KEYS = ("timestamp", "time", "started_at")
_KNOWN = frozenset({"request", "response", "error", "id", "metadata", "latency_ms", *_TIME_KEYS})


def _parts(value: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(request, response) of a logged call, or of a stored `Response` on its own."""
    if is_responses_object(value):
        return {}, value
    request, response = value.get("request"), value.get("response") or {}
    if not isinstance(request, dict):
        raise RecordError("request must be an object")
    if not isinstance(response, dict):
        raise RecordError("response must be an object")
    return request, response


_TYPES: tuple[tuple[str, str, tuple[type, ...]], ...] = (
    ("request", "input", (str, list)),
    ("request", "instructions", (str, list)),
    ("request", "previous_response_id", (str,)),
    ("response", "output", (list,)),
    ("response", "id", (str,)),
    ("response", "previous_response_id", (str,)),
)


def _check_types(request: dict[str, Any], response: dict[str, Any]) -> None:
    """Reject one call whose chaining or conversation fields have the wrong type, alone."""
    parts = {"request": request, "response": response}
    for part, key, types in _TYPES:
        value = parts[part].get(key)
        if value is not None and not isinstance(value, types):
            names = " or ".join("a list" if t is list else "a string" for t in types)
            raise RecordError(f"{part}.{key} must be {names}")


class _Chains:
    """Which conversation a call belongs to: its `conversation`, or its first response's id."""

    def __init__(self, window: int = GROUP_WINDOW) -> None:
        self.window = window
        self._root: OrderedDict[str, str] = OrderedDict()

    def key(self, record: RawRecord) -> Hashable:
        if not isinstance(record.value, dict):
            raise RecordError("not a Responses API log record")
        request, response = _parts(record.value)
        conversation = request.get("conversation") or response.get("conversation")
        if conversation:
            ident = (
                as_dict(conversation).get("id") if isinstance(conversation, dict) else conversation
            )
            return f"conversation:{ident}"
        _check_types(request, response)
        previous = request.get("previous_response_id") or response.get("previous_response_id")
        own = response.get("id") or record.value.get("id")
        root = self._root.get(str(previous)) if previous else None
        root = root or (str(own) if own else f"line:{record.line}")
        if own:
            self._root[str(own)] = root
            while len(self._root) > self.window:
                self._root.popitem(last=False)
        return root


def _error(value: dict[str, Any], response: dict[str, Any]) -> str | None:
    error = value.get("error") or response.get("error")
    if isinstance(error, dict):
        code, message = error.get("code") or error.get("type"), error.get("message")
        return f"{code}: {message}" if code and message else str(message or code or "error")
    if isinstance(error, str) and error:
        return error
    if response.get("status") in ("failed", "incomplete", "cancelled"):
        reason = as_dict(response.get("incomplete_details")).get("reason")
        return f"{response['status']}: {reason}" if reason else str(response["status"])
    return None


def _text(value: Any) -> str | None:
    """An id or name, or None: one odd field of one call must not cost its whole chain."""
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def _call_id(value: dict[str, Any]) -> str | None:
    """A call's response id (the record's own `id` when it logged no response)."""
    _, response = _parts(value)
    return _text(response.get("id") or value.get("id"))


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _trace(records: list[RawRecord]) -> Trace:
    reader = ItemReader()
    messages: list[Message] = []
    metadata: dict[str, Any] = {}
    first_request, first_response = _parts(records[0].value)
    errors: list[str] = []
    for record in records:
        value = record.value
        request, response = _parts(value)
        instructions = request.get("instructions") or response.get("instructions")
        system = parts_text(instructions) if isinstance(instructions, list) else instructions
        if system and not any(m.role == "system" and m.content == system for m in messages):
            messages.append(Message(role="system", content=str(system)))
        messages += reader.messages(request.get("input"))
        messages += reader.messages(response.get("output"), default_role="assistant")
        for key in sorted(set(value) - _KNOWN) if request else []:
            metadata.setdefault(key, jsonable(value[key]))
        for source in (request, response):
            for key in _SETTINGS:
                if source.get(key) is not None:
                    metadata.setdefault(key, jsonable(source[key]))
            if isinstance(source.get("metadata"), dict):
                metadata.update({f"metadata.{k}": v for k, v in source["metadata"].items()})
        if isinstance(response.get("usage"), dict):
            metadata.setdefault("usage", []).append(jsonable(response["usage"]))
        error = _error(value, response)
        if error:
            errors.append(error)
    names = [t.get("name") for t in first_request.get("tools") or first_response.get("tools") or []]
    if any(isinstance(n, str) for n in names):
        metadata["tools"] = [n for n in names if isinstance(n, str)]
    last_request, last_response = _parts(records[-1].value)
    when = next((records[0].value[k] for k in _TIME_KEYS if records[0].value.get(k)), None)
    user = last_request.get("user") or last_response.get("user")
    session = metadata.pop("metadata.session_id", None) or metadata.pop("metadata.thread_id", None)
    return Trace(
        messages=messages,
        id=next((i for i in (_call_id(r.value) for r in reversed(records)) if i), None),
        timestamp=parse_time(when) or parse_time(first_response.get("created_at")),
        user_id=_text(user or last_request.get("safety_identifier")),
        session_id=_text(session),
        model=_text(last_response.get("model") or last_request.get("model")),
        error=errors[0] if errors else None,
        latency_ms=_number(records[-1].value.get("latency_ms")),
        metadata=metadata,
    )


LEDGER = Ledger(
    *LABELS,
    *(
        f"{where}{field}"
        for where in ("request.", "response.", "")
        for field in (
            "tools",  # the tools' names are kept; their descriptions and JSON schemas are not
            "tool_choice",
            "text",  # the output format (a JSON schema for structured outputs)
            "reasoning",  # the effort asked for; what the model thought is kept from its items
            "include",
            "prompt",
            "prompt_cache_key",
            "previous_response_id",
            "conversation",
            "status",
            "store",
            "background",
            "safety_identifier",
            "id",
        )
    ),
    "response.instructions",  # read from the request; the response repeats it
    "**.id",
    "**.status",
    "**.annotations",  # url and file citations of an answer
    "**.logprobs",
    "**.encrypted_content",  # reasoning kept by OpenAI, encrypted
    "**.phase",
    "**.namespace",
    "**.caller",
    "**.incomplete_details",
    "error.type",
    "error.param",
    "response.error.param",
)
"""What the Responses reader does not keep: tool schemas, output formats, ids, citations."""


class OpenAIResponsesFormat:
    """OpenAI Responses API request/response logs, or stored `Response` objects."""

    name = "openai-responses"
    description = 'OpenAI Responses logs: {"request": {instructions, input…}, "response": …}'
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        return is_responses_log(value)

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        return convert_grouped(records, _Chains().key, _trace, self.ledger)


FORMAT = register(OpenAIResponsesFormat())
