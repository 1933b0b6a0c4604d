"""How GenAI and OpenInference span attributes hold a conversation, decoded into messages.

OpenInference flattens messages into `llm.input_messages.0.message.role`-style keys, which are
rebuilt here; the GenAI conventions have had several generations (JSON attributes, per-message
events, OpenLLMetry's `gen_ai.prompt.N.*`), all read.
"""

from __future__ import annotations

from typing import Any

from tracereader.formats.normalize import content_text, maybe_json, message_from, messages_from
from tracereader.model import Message

GENAI_EVENT_ROLES = {
    "gen_ai.system.message": "system",
    "gen_ai.user.message": "user",
    "gen_ai.assistant.message": "assistant",
    "gen_ai.tool.message": "tool",
}


def unflatten(attrs: dict[str, Any], prefix: str) -> Any:
    """Rebuild the nested value that OpenInference flattened into `prefix.0.message.role` keys."""
    root: dict[str, Any] = {}
    start = prefix + "."
    for key, value in [(k, v) for k, v in attrs.items() if k.startswith(start)]:
        node = root
        parts = _split(key[len(start) :])
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value
    return _listify(root)


def _split(path: str) -> list[str]:
    """Split on dots, keeping OpenInference's dotted leaf names (`message.role`) together."""
    pieces, out = path.split("."), []
    i = 0
    while i < len(pieces):
        if pieces[i].isdigit() or i == len(pieces) - 1:
            out.append(pieces[i])
            i += 1
        else:  # `message.role`, `tool_call.function.name` …: join up to the next index
            j = i
            while j + 1 < len(pieces) and not pieces[j + 1].isdigit():
                j += 1
            out.append(".".join(pieces[i : j + 1]))
            i = j + 1
    return out


def _listify(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_listify(node[k]) for k in sorted(node, key=int)]
        return {k: _listify(v) for k, v in node.items()}
    return node


def _oi_message(entry: Any) -> Message | None:
    """One OpenInference message (`message.role`, `message.content`, `message.contents`, …)."""
    if not isinstance(entry, dict):
        return None
    parts = []
    for item in entry.get("message.contents") or []:
        part = item.get("message_content.type") if isinstance(item, dict) else None
        if part == "text":
            parts.append({"type": "text", "text": item.get("message_content.text")})
        elif part is not None:
            parts.append({"type": str(part) if part in ("image", "audio", "video") else "file"})
    calls = [
        {
            "id": c.get("tool_call.id"),
            "function": {
                "name": c.get("tool_call.function.name"),
                "arguments": c.get("tool_call.function.arguments"),
            },
        }
        for c in entry.get("message.tool_calls") or []
        if isinstance(c, dict)
    ]
    if entry.get("message.function_call_name"):
        calls.append(
            {
                "function": {
                    "name": entry["message.function_call_name"],
                    "arguments": entry.get("message.function_call_arguments_json"),
                }
            }
        )
    return message_from(
        {
            "role": entry.get("message.role"),
            "content": parts or entry.get("message.content"),
            "tool_calls": calls,
            "tool_call_id": entry.get("message.tool_call_id"),
            "name": entry.get("message.name"),
        }
    )


def oi_messages(attrs: dict[str, Any], prefix: str) -> list[Message]:
    entries = unflatten(attrs, prefix)
    if not isinstance(entries, list):
        return []
    return [
        m
        for m in (
            _oi_message(e.get("message") if "message" in e else e)
            for e in entries
            if isinstance(e, dict)
        )
        if m
    ]


def genai_messages(
    attrs: dict[str, Any], events: list[dict[str, Any]]
) -> tuple[list[Message], list[Message]]:
    """Input and output messages in any GenAI convention generation (attributes or events)."""
    inputs: list[Message] = []
    instructions = maybe_json(attrs.get("gen_ai.system_instructions"))
    if instructions:
        inputs.append(Message(role="system", content=content_text(instructions)))
    for source in [attrs] + [e["attributes"] for e in events]:
        inputs += messages_from(maybe_json(source.get("gen_ai.input.messages")) or [])
    outputs = [
        m
        for source in [attrs] + [e["attributes"] for e in events]
        for m in messages_from(maybe_json(source.get("gen_ai.output.messages")) or [])
    ]
    for prefix, target in (("gen_ai.prompt", inputs), ("gen_ai.completion", outputs)):
        entries = unflatten(attrs, prefix)
        if isinstance(entries, list):  # OpenLLMetry: gen_ai.prompt.0.role / .content
            target += [m for m in (message_from(e) for e in entries) if m]
    for event in events:
        name, event_attrs = event["name"], event["attributes"]
        if name in GENAI_EVENT_ROLES:
            body = maybe_json(event_attrs.get("content", event_attrs.get("gen_ai.event.content")))
            body = body if isinstance(body, dict) else {"content": body}
            message = message_from({**body, "role": GENAI_EVENT_ROLES[name]})
            inputs += [message] if message else []
        elif name == "gen_ai.choice":
            body = maybe_json(event_attrs.get("message", event_attrs.get("gen_ai.event.content")))
            body = body.get("message", body) if isinstance(body, dict) else {"content": body}
            message = message_from({"role": "assistant", **body})
            outputs += [message] if message else []
        elif name == "gen_ai.content.prompt":
            inputs += messages_from(maybe_json(event_attrs.get("gen_ai.prompt")))
        elif name == "gen_ai.content.completion":
            outputs += messages_from(maybe_json(event_attrs.get("gen_ai.completion")))
    return inputs, [m for m in outputs if m.role == "assistant"]
