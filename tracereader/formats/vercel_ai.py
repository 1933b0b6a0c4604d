"""The Vercel AI SDK's telemetry vocabulary (`ai.*` span attributes) read as steps of a trace.

`generateText`/`streamText` (and the object variants) record a top-level span
(`ai.generateText`: `ai.prompt`, `ai.response.text`), one span per model call
(`ai.generateText.doGenerate`: `ai.prompt.messages`, `ai.response.text`, `ai.response.toolCalls`,
`ai.response.reasoning`) and one per tool run (`ai.toolCall`: `ai.toolCall.name`, `.id`,
`.args`/`.input`, `.result`/`.output`). Every release before 7 wrote these attributes with
`experimental_telemetry: {isEnabled: true}`; 7 writes them through `@ai-sdk/otel`'s
`LegacyOpenTelemetry`. `ai.telemetry.metadata.*` (before 7) and `ai.settings.context.*` (7)
carry the app's own values, `userId` and `sessionId` among them.
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
from tracereader.formats.spantree import Step
from tracereader.model import Message, ToolCall

OPERATION = "ai.operationId"
MODEL_CALLS = ("doGenerate", "doStream")
CONTEXT_PREFIXES = ("ai.telemetry.metadata.", "ai.settings.context.")
USER_KEYS = ("userId", "user_id", "user")
SESSION_KEYS = ("sessionId", "session_id", "threadId", "conversationId", "chatId")


def is_vercel_span(attrs: dict[str, Any]) -> bool:
    """A span the AI SDK wrote (it names its operation in `ai.operationId`)."""
    return str(attrs.get(OPERATION, "")).startswith("ai.")


def _tool_call(part: dict[str, Any]) -> ToolCall:
    arguments = part.get("input", part.get("args"))
    call_id = part.get("toolCallId")
    return ToolCall(
        name=str(part.get("toolName") or "tool"),
        arguments=scrub_media(maybe_json(arguments)),
        id=str(call_id) if call_id else None,
    )


def _tool_output(part: dict[str, Any]) -> str | None:
    """A tool-result part's output: `{type: "json"|"text", value}` (5+) or `result` (before)."""
    output = part.get("output", part.get("result"))
    if isinstance(output, dict) and "value" in output and "type" in output:
        output = output["value"]
    return value_text(scrub_media(maybe_json(output)))


def vercel_messages(raw: Any) -> list[Message]:
    """`ai.prompt.messages`: `{role, content}`, parts of text, media, reasoning or tool calls."""
    out: list[Message] = []
    for entry in maybe_json(raw) if isinstance(maybe_json(raw), list) else []:
        entry = as_dict(entry)
        role = role_of(entry.get("role")) or "user"
        content = entry.get("content")
        if not isinstance(content, list):
            out.append(Message(role=role, content=value_text(content)))
            continue
        texts: list[str] = []
        calls: list[ToolCall] = []
        for part in (as_dict(p) for p in content):
            kind = part.get("type")
            if kind == "tool-call":
                calls.append(_tool_call(part))
            elif kind == "tool-result":
                call_id = part.get("toolCallId")
                out.append(
                    Message(
                        role="tool",
                        content=_tool_output(part),
                        tool_call_id=str(call_id) if call_id else None,
                        name=str(part.get("toolName")) if part.get("toolName") else None,
                    )
                )
            elif kind == "reasoning":
                out.append(Message(role=REASONING, content=part_text(part)))
            elif kind in MEDIA_PARTS:
                texts.append(f"[{MEDIA_PARTS[str(kind)]}]")
            else:
                text = part_text(part)
                if text:
                    texts.append(text)
        if texts or calls:
            out.append(Message(role=role, content="\n".join(texts) or None, tool_calls=calls))
    return out


def _prompt_messages(attrs: dict[str, Any]) -> list[Message]:
    """The top-level span's `ai.prompt`: `{system, prompt}` or `{system, messages}`."""
    prompt = as_dict(maybe_json(attrs.get("ai.prompt")))
    messages = (
        [Message(role="system", content=str(prompt["system"]))] if prompt.get("system") else []
    )
    if isinstance(prompt.get("messages"), list):
        messages += vercel_messages(prompt["messages"])
    elif isinstance(prompt.get("prompt"), str):
        messages.append(Message(role="user", content=prompt["prompt"]))
    return messages


def _response(attrs: dict[str, Any]) -> list[Message]:
    """What a model call (or the whole call) answered: reasoning, text, object and tool calls."""
    out: list[Message] = []
    reasoning = attrs.get("ai.response.reasoning")
    if isinstance(reasoning, str) and reasoning:
        out.append(Message(role=REASONING, content=reasoning))
    text = attrs.get("ai.response.text")
    if not text and attrs.get("ai.response.object") is not None:
        text = value_text(maybe_json(attrs["ai.response.object"]))
    calls_value = maybe_json(attrs.get("ai.response.toolCalls"))
    calls = [_tool_call(as_dict(c)) for c in calls_value] if isinstance(calls_value, list) else []
    if text or calls:
        out.append(Message(role="assistant", content=str(text) if text else None, tool_calls=calls))
    return out


def vercel_step(step: Step, attrs: dict[str, Any]) -> None:
    """Fill a step from a span the AI SDK wrote."""
    operation = str(attrs.get(OPERATION))
    model = attrs.get("ai.response.model") or attrs.get("ai.model.id")
    step.model = str(model) if model else None
    if operation == "ai.toolCall":
        step.kind = "tool"
        step.name = str(attrs.get("ai.toolCall.name") or step.name)
        call_id = attrs.get("ai.toolCall.id")
        step.tool_call_id = str(call_id) if call_id else None
        step.tool_arguments = maybe_json(
            attrs.get("ai.toolCall.args", attrs.get("ai.toolCall.input"))
        )
        result = attrs.get("ai.toolCall.result", attrs.get("ai.toolCall.output"))
        step.output_text = value_text(maybe_json(result))
    elif operation.endswith(MODEL_CALLS):
        step.kind = "llm"
        step.inputs = vercel_messages(attrs.get("ai.prompt.messages"))
        step.outputs = _response(attrs)
    else:  # ai.generateText, ai.streamText …: the call as a whole frames a trace with no model call
        step.kind = "other"
        step.inputs = _prompt_messages(attrs)
        answer = _response(attrs)
        step.outputs = [m for m in answer if m.role == "assistant"][-1:]
        step.output_text = step.outputs[0].content if step.outputs else None


def context(attrs: dict[str, Any]) -> dict[str, Any]:
    """The app's own values on a span (`ai.telemetry.metadata.*`, `ai.settings.context.*`)."""
    found: dict[str, Any] = {}
    for key, value in attrs.items():
        if key.startswith(CONTEXT_PREFIXES):  # one test per key; which prefix, only then
            for prefix in CONTEXT_PREFIXES:
                if key.startswith(prefix):
                    found[key[len(prefix) :]] = value
    if attrs.get("ai.telemetry.functionId"):
        found.setdefault("functionId", attrs["ai.telemetry.functionId"])
    return found
