"""Which logged-API shape a record has: the rules that keep the chat-log readers apart.

Anthropic Messages, OpenAI Chat Completions and OpenAI Responses logs are all
`{"request": …, "response": …}` pairs, and a LiteLLM payload holds `messages` like a native
trace; these predicates say which one a record is, so each reader's sniff claims only its own
and the OpenAI and native sniffs step aside. A record none of them can tell apart is claimed
by two readers, and ingest asks for `--format`.
"""

from __future__ import annotations

from typing import Any

ANTHROPIC_BLOCKS = frozenset(
    {"tool_use", "tool_result", "thinking", "redacted_thinking", "server_tool_use", "document"}
)
RESPONSES_ITEMS = frozenset(
    {
        "message",
        "function_call",
        "function_call_output",
        "reasoning",
        "web_search_call",
        "file_search_call",
        "computer_call",
        "computer_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "mcp_call",
        "item_reference",
    }
)
LITELLM_KEYS = frozenset({"call_type", "startTime", "endTime", "status"})


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _has_anthropic_blocks(messages: list[Any]) -> bool:
    for message in messages[:50]:
        content = _dict(message).get("content")
        if isinstance(content, list) and any(
            _dict(block).get("type") in ANTHROPIC_BLOCKS
            or (_dict(block).get("type") == "image" and "source" in _dict(block))
            for block in content
        ):
            return True
    return False


def is_anthropic_log(value: Any) -> bool:
    """A logged Messages API call: an Anthropic `Message` (or error) answered it, or its request."""
    request, response = _dict(_dict(value).get("request")), _dict(value).get("response")
    if not isinstance(request.get("messages"), list):
        return False
    if isinstance(response, dict) and response:
        if "choices" in response:
            return False
        return response.get("type") in ("message", "error") or "stop_reason" in response
    return "system" in request or _has_anthropic_blocks(request["messages"])


def is_responses_object(value: Any) -> bool:
    """An OpenAI Responses API `Response` (`object: "response"` with `output` items)."""
    return _dict(value).get("object") == "response" and isinstance(value.get("output"), list)


def is_responses_log(value: Any) -> bool:
    """A logged Responses API call, or a stored `Response` on its own."""
    if not isinstance(value, dict):
        return False
    if is_responses_object(value):
        return True
    request, response = _dict(value.get("request")), value.get("response")
    if is_responses_object(response):
        return True
    if "messages" in request or not request:
        return False
    items = request.get("input")
    if isinstance(items, str):
        return "instructions" in request or response is None
    return isinstance(items, list) and any(
        _dict(item).get("type") in RESPONSES_ITEMS or "role" in _dict(item) for item in items[:50]
    )


def is_litellm_payload(value: Any) -> bool:
    """LiteLLM's `StandardLoggingPayload` (what its custom-logger callbacks are handed)."""
    return isinstance(value, dict) and value.keys() >= LITELLM_KEYS and "messages" in value


def is_other_log(value: Any) -> bool:
    """A record one of the logged-API readers owns (so the OpenAI and native readers do not)."""
    return is_anthropic_log(value) or is_responses_log(value) or is_litellm_payload(value)
