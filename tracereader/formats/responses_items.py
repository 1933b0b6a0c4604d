"""OpenAI Responses API items (`message`, `function_call`, `…_output`, `reasoning`) as messages.

A Responses conversation is a list of typed items rather than chat messages: messages with
content parts, tool calls and their outputs as items of their own, reasoning summaries.
Calls of any built-in tool (`web_search_call`, `file_search_call`, `mcp_call`, `computer_call`,
`code_interpreter_call`, `custom_tool_call` …) become tool calls named after the tool, and
their outputs (`…_call_output`, or results carried on the call) become tool results.
"""

from __future__ import annotations

from typing import Any

from tracereader.formats.anthropic_blocks import REASONING
from tracereader.formats.normalize import (
    MEDIA_PARTS,
    as_dict,
    maybe_json,
    part_text,
    role_of,
    scrub_media,
    value_text,
)
from tracereader.model import Message, ToolCall

_RESULT_FIELDS = ("output", "results", "outputs", "result")
"""Where a built-in tool's call item carries what it returned."""
_ARGUMENT_FIELDS = ("arguments", "input", "action", "queries", "code", "query")


def parts_text(content: Any) -> str | None:
    """Message content (a string, or `input_text`/`output_text`/media parts) as one text."""
    if content is None or isinstance(content, str):
        return content
    if not isinstance(content, list):
        return value_text(scrub_media(content))
    texts: list[str] = []
    for part in content:
        kind = as_dict(part).get("type")
        if isinstance(kind, str) and kind in MEDIA_PARTS:
            texts.append(f"[{MEDIA_PARTS[kind]}]")
        else:
            text = part_text(part)
            if text:
                texts.append(text)
    return "\n".join(texts) or None


def _call_name(item: dict[str, Any]) -> str:
    name = item.get("name")
    if isinstance(name, str) and name:
        return name
    kind = str(item.get("type") or "tool")
    return kind[: -len("_call")] if kind.endswith("_call") else kind


def _call_id(item: dict[str, Any]) -> str | None:
    value = item.get("call_id") or item.get("id")
    return str(value) if value else None


def _arguments(item: dict[str, Any]) -> Any:
    for key in _ARGUMENT_FIELDS:
        if item.get(key) is not None:
            return scrub_media(maybe_json(item[key]))
    return None


def _result(item: dict[str, Any], call_id: str | None, name: str) -> Message | None:
    """The tool result carried by an item (`…_output`, or a built-in call's own results)."""
    for key in _RESULT_FIELDS:
        value = item.get(key)
        if value not in (None, "", []):
            text = parts_text(value) if isinstance(value, list) else value_text(scrub_media(value))
            return Message(role="tool", content=text, tool_call_id=call_id, name=name)
    if item.get("error"):
        text = f"error: {value_text(item['error'])}"
        return Message(role="tool", content=text, tool_call_id=call_id, name=name)
    return None


def _reasoning(item: dict[str, Any]) -> Message:
    texts = [part_text(p) for p in item.get("summary") or []]
    texts += [part_text(p) for p in item.get("content") or []]
    joined = "\n".join(t for t in texts if t)
    return Message(role=REASONING, content=joined or "[reasoning not shown]")


class ItemReader:
    """Turns items into messages, keeping tool-call names so their outputs can name them."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def messages(self, items: Any, default_role: str = "user") -> list[Message]:
        """The messages of an `input` (a string or items) or of an `output` list."""
        if isinstance(items, str):
            return [Message(role=default_role, content=items)]
        out: list[Message] = []
        for item in items if isinstance(items, list) else []:
            self._add(as_dict(item), out)
        return out

    def _add(self, item: dict[str, Any], out: list[Message]) -> None:
        kind = item.get("type")
        role = role_of(item.get("role"))
        if role is not None and kind in (None, "message"):
            out.append(Message(role=role, content=parts_text(item.get("content"))))
        elif kind == "reasoning":
            out.append(_reasoning(item))
        elif isinstance(kind, str) and kind.endswith("_call_output"):
            call_id = _call_id(item) if item.get("call_id") else None
            name = self.names.get(call_id or "", kind[: -len("_call_output")])
            result = _result(item, call_id, name)
            out.append(result or Message(role="tool", tool_call_id=call_id, name=name))
        elif isinstance(kind, str) and kind.endswith("_call"):
            call = ToolCall(name=_call_name(item), arguments=_arguments(item), id=_call_id(item))
            self.names[call.id or ""] = call.name
            last = out[-1] if out else None
            if last is not None and last.role == "assistant" and not last.content:
                last.tool_calls.append(call)
            else:
                out.append(Message(role="assistant", tool_calls=[call]))
            if kind != "function_call" and kind != "custom_tool_call":
                result = _result(item, call.id, call.name)
                if result is not None:
                    out.append(result)
        elif kind not in ("item_reference", None):
            text = part_text(item)
            if text:
                out.append(Message(role="assistant", content=text))
