"""LiteLLM `StandardLoggingPayload` records, one per call, as its logging callbacks receive them.

A custom logger (`CustomLogger.log_success_event` / `log_failure_event`, or any integration
handed `kwargs["standard_logging_object"]`) writing each payload as a line gives this file.
`messages` and the final `response` (a chat completion, a Responses object, or text) become the
conversation; `startTime`/`endTime` the timestamp and latency; a `failure` status the error
(`error_information`); the end user, session, tags, cost and usage are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from tracereader.formats import register
from tracereader.formats.base import Converted, RawRecord, RecordError, convert_each
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.markers import RESPONSES_ITEMS, is_litellm_payload
from tracereader.formats.native import jsonable, optional_text, parse_time
from tracereader.formats.normalize import as_dict, message_from, messages_from, value_text
from tracereader.formats.responses_items import ItemReader
from tracereader.formats.spantree import elapsed_ms
from tracereader.model import Message, Trace

_KEPT = (
    "call_type",
    "stream",
    "custom_llm_provider",
    "model_group",
    "model_id",
    "cache_hit",
    "response_cost",
    "total_tokens",
    "prompt_tokens",
    "completion_tokens",
    "guardrail_information",
    "status_fields",
)
_KEPT_METADATA = ("spend_logs_metadata", "requester_metadata", "applied_guardrails", "team_alias")
_USER_KEYS = ("user_api_key_end_user_id", "user_api_key_user_id")


def _is_responses(value: Any) -> bool:
    items = value if isinstance(value, list) else []
    return any(as_dict(item).get("type") in RESPONSES_ITEMS for item in items[:20])


def _conversation(payload: dict[str, Any]) -> list[Message]:
    """The request's messages and the final response's answer."""
    reader = ItemReader()
    raw, response = payload.get("messages"), payload.get("response")
    if isinstance(raw, str):
        messages = [Message(role="user", content=raw)]
    elif _is_responses(raw):
        messages = reader.messages(raw)
    elif isinstance(raw, list):
        messages = [m for m in (message_from(item) for item in raw) if m is not None]
    else:
        messages = messages_from(raw)
    if isinstance(response, str) and response:
        messages.append(Message(role="assistant", content=response))
    elif isinstance(response, dict) and isinstance(response.get("output"), list):
        messages += reader.messages(response["output"], default_role="assistant")
    elif isinstance(response, dict) and response:
        choices = response.get("choices")
        first = as_dict(choices[0]) if isinstance(choices, list) and choices else {}
        if isinstance(first.get("message"), dict):
            reply = message_from({"role": "assistant", **first["message"]})
            messages += [reply] if reply is not None else []
        elif isinstance(first.get("text"), str):
            messages.append(Message(role="assistant", content=first["text"]))
        elif not choices:
            messages.append(Message(role="assistant", content=value_text(response)))
    return messages


def _error(payload: dict[str, Any]) -> str | None:
    if payload.get("status") != "failure":
        return None
    info = as_dict(payload.get("error_information"))
    kind = info.get("error_class") or info.get("error_code")
    message = info.get("error_message") or payload.get("error_str") or "failed"
    return f"{kind}: {message}" if kind and str(kind) not in str(message) else str(message)


def trace_from_litellm(payload: dict[str, Any]) -> Trace:
    """Convert one `StandardLoggingPayload` into a trace."""
    if not isinstance(payload.get("messages"), str | list | dict):
        raise RecordError("messages must be a list, an object or a string")
    meta = as_dict(payload.get("metadata"))
    params = as_dict(payload.get("model_parameters"))
    response = as_dict(payload.get("response"))
    metadata: dict[str, Any] = {"status": payload.get("status")}
    for key in _KEPT:
        if payload.get(key) not in (None, "", [], {}):
            metadata[key] = jsonable(payload[key])
    for key in _KEPT_METADATA:
        if meta.get(key) not in (None, "", [], {}):
            metadata[f"metadata.{key}"] = jsonable(meta[key])
    if payload.get("request_tags"):
        metadata["tags"] = jsonable(payload["request_tags"])
    if isinstance(response.get("usage"), dict):
        metadata["usage"] = jsonable(response["usage"])
    tools = [
        as_dict(t.get("function")).get("name") or t.get("name") for t in params.get("tools") or []
    ]
    if tools:
        metadata["tools"] = [str(name) for name in tools if name]
    for key, value in params.items():
        if key not in ("tools", "user", "functions") and isinstance(value, int | float | str):
            metadata.setdefault(key, value)
    start, end = (
        parse_time(payload.get("startTime"), "startTime"),
        parse_time(payload.get("endTime"), "endTime"),
    )
    user = (
        payload.get("end_user")
        or params.get("user")
        or next((meta[k] for k in _USER_KEYS if meta.get(k)), None)
    )
    session = payload.get("session_id") or payload.get("trace_id")
    return Trace(
        messages=_conversation(payload),
        id=optional_text(payload.get("id"), "id"),
        timestamp=start,
        user_id=optional_text(user, "end_user"),
        session_id=optional_text(session, "session_id"),
        model=optional_text(response.get("model") or payload.get("model"), "model"),
        error=_error(payload),
        latency_ms=elapsed_ms(start, end),
        metadata={k: v for k, v in metadata.items() if v is not None},
    )


LEDGER = Ledger(
    *LABELS,
    "model_map_information",  # LiteLLM's price list entry for the model
    "cost_breakdown",
    "hidden_params",  # provider headers and LiteLLM's own bookkeeping
    "api_base",
    "litellm_call_id",
    "trace_id",
    "model",  # the response's model is kept, and the requested one when there is none
    "cache_key",
    "user_agent",
    "requester_ip_address",  # the caller's address: not kept
    "model_parameters.tools",  # the tools' names are kept; their JSON schemas are not
    "model_parameters.functions",
    "model_parameters.tool_choice",
    "model_parameters.response_format",
    "metadata.user_api_key_*",  # the proxy's key, team and budget bookkeeping
    "metadata.requester_ip_address",
    "metadata.user_agent",
    "metadata.requester_custom_headers",
    "metadata.prompt_management_metadata",
    "metadata.mcp_tool_call_metadata",
    "metadata.vector_store_request_metadata",
    "metadata.routing_decision",
    "metadata.kubernetes_pod_routing",
    "metadata.cold_storage_object_key",
    "metadata.team_id",
    "metadata.usage_object",
    "error_str",  # the same text as error_information.error_message
    "error_information.traceback",
    "error_information.llm_provider",
    "error_information.normalized_error",
    "error_information.error_provider_request_id",
    "error_information.error_rate_limit_*",
    "error_information.error_budget_*",
    "response.id",
    "response.system_fingerprint",
    "response.service_tier",
    "**.provider_specific_fields",
    "standard_built_in_tools_params",
    "response_cost_failure_debug_info",
    "zero_cost_diagnostic",
    "autorouter_*",
    "request_model_access_groups",
)
"""What the LiteLLM reader does not keep: price lists, proxy keys, headers, tool schemas."""


class LiteLLMFormat:
    """LiteLLM standard logging payloads (JSONL), one call per record."""

    name = "litellm"
    description = "LiteLLM StandardLoggingPayload records (its custom-logger callbacks)"
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        return is_litellm_payload(value)

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        return convert_each(records, trace_from_litellm, self.ledger)


FORMAT = register(LiteLLMFormat())
