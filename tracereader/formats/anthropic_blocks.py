"""Anthropic content blocks (`text`, `thinking`, `tool_use`, `tool_result`, media) as messages.

The Messages API and everything built on it (Claude Code transcripts, the Agent SDK) send a
turn as a list of typed blocks. One API message becomes several of ours: thinking becomes a
`reasoning` message (shown folded, like a system prompt), tool results become `tool` messages
naming their call, and the text and tool calls of the turn stay one message in order.
"""

from __future__ import annotations

from typing import Any

from tracereader.formats.normalize import (
    MEDIA_PARTS,
    as_dict,
    maybe_json,
    part_text,
    scrub_media,
    value_text,
)
from tracereader.model import Message, ToolCall

REASONING = "reasoning"
TOOL_USE_SUFFIX = "tool_use"
"""`tool_use`, `server_tool_use`, `mcp_tool_use`: a call the model made."""
TOOL_RESULT_SUFFIX = "tool_result"
"""`tool_result`, `web_search_tool_result`, `mcp_tool_result`, …: what a call returned."""


def _document_text(block: dict[str, Any]) -> str:
    """A document block: plain-text sources keep their text, others become a placeholder."""
    source = as_dict(block.get("source"))
    title = block.get("title")
    if source.get("type") == "text" and isinstance(source.get("data"), str):
        return f"[document: {title}]\n{source['data']}" if title else str(source["data"])
    if source.get("type") == "content":
        return result_text(source.get("content")) or "[document]"
    return f"[document: {title}]" if isinstance(title, str) and title else "[document]"


def result_text(content: Any) -> str | None:
    """A tool result's content (a string, or text/media blocks) as one text."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [block_text(b) for b in content]
        joined = "\n".join(t for t in texts if t)
        return joined or None
    return value_text(scrub_media(content))


def block_text(block: Any) -> str | None:
    """The text of a text-like block; media blocks give a placeholder such as `[image]`."""
    if isinstance(block, str):
        return block
    if not isinstance(block, dict):
        return value_text(block)
    kind = block.get("type")
    if kind == "document":
        return _document_text(block)
    if isinstance(kind, str) and kind in MEDIA_PARTS:
        return f"[{MEDIA_PARTS[kind]}]"
    return part_text(block)


def _tool_call(block: dict[str, Any]) -> ToolCall:
    name = block.get("name")
    call_id = block.get("id")
    return ToolCall(
        name=str(name) if name else str(block.get("type")),
        arguments=scrub_media(maybe_json(block.get("input"))),
        id=str(call_id) if call_id else None,
    )


def _tool_result(block: dict[str, Any]) -> Message:
    text = result_text(block.get("content"))
    if block.get("is_error") and text is not None:
        text = f"error: {text}"
    call_id = block.get("tool_use_id")
    return Message(role="tool", content=text, tool_call_id=str(call_id) if call_id else None)


def messages_from_blocks(role: str, content: Any) -> list[Message]:
    """One API message (`role`, string or blocks) as our messages, in the order they were sent."""
    if not isinstance(content, list):
        text = block_text(content) if content is not None else None
        return [Message(role=role, content=text)]
    out: list[Message] = []
    texts: list[str] = []
    calls: list[ToolCall] = []

    def close_turn() -> None:
        if texts or calls:
            out.append(Message(role=role, content="\n".join(texts) or None, tool_calls=calls[:]))
            texts.clear()
            calls.clear()

    for block in content:
        kind = str(block.get("type")) if isinstance(block, dict) else ""
        if kind == "thinking" and isinstance(block, dict):
            close_turn()
            out.append(Message(role=REASONING, content=str(block.get("thinking") or "")))
        elif kind == "redacted_thinking":
            close_turn()
            out.append(Message(role=REASONING, content="[redacted thinking]"))
        elif kind.endswith(TOOL_USE_SUFFIX) and isinstance(block, dict):
            calls.append(_tool_call(block))
        elif (
            isinstance(kind, str) and kind.endswith(TOOL_RESULT_SUFFIX) and isinstance(block, dict)
        ):
            close_turn()
            out.append(_tool_result(block))
        else:
            text = block_text(block)
            if text:
                texts.append(text)
    close_turn()
    return out


def system_text(system: Any) -> str | None:
    """The `system` parameter (a string or text blocks) as one text."""
    if system is None or isinstance(system, str):
        return system or None
    return result_text(system)
