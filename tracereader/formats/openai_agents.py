"""OpenAI Agents SDK traces: `trace` and `trace.span` records, as a file trace processor writes.

A processor's `on_trace_end`/`on_span_end` writing `trace.export()` and `span.export()` one per
line gives this file; spans are grouped by `trace_id` (bounded window, as every span reader).
`response` spans (with the `input` and `response` a processor adds, since `export()` keeps only
the response id) and `generation` spans (Chat Completions models) give the conversation;
`function` spans the tool calls and results; agents, handoffs and guardrails are kept in
metadata, a tripped guardrail or a span error as the trace's error; `group_id` is the session.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from tracereader.formats import register
from tracereader.formats.base import Converted, RawRecord, RecordError
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.normalize import as_dict, maybe_json, messages_from, value_text
from tracereader.formats.responses_items import ItemReader
from tracereader.formats.spantree import (
    Step,
    assemble,
    convert_grouped,
    elapsed_ms,
    first_error,
    last_model,
    ordered,
    parse_time,
)
from tracereader.model import Message, Trace

OBJECTS = frozenset({"trace", "trace.span"})


def _object(value: Any) -> str | None:
    """`trace` or `trace.span`, else None (also for a retyped `object`, such as a list)."""
    kind = value.get("object") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) and kind in OBJECTS else None


def _key(record: RawRecord) -> Hashable:
    value = record.value
    kind = _object(value)
    if kind is None:
        raise RecordError("not an Agents SDK trace or span (`object` must be trace or trace.span)")
    key = value.get("trace_id") if kind == "trace.span" else value.get("id")
    if not key:
        raise RecordError("Agents SDK record has no trace id")
    return str(key)


def _error_text(error: Any) -> str | None:
    if not error:
        return None
    message = as_dict(error).get("message") if isinstance(error, dict) else error
    return str(message or "error").splitlines()[0][:300]


def _llm_step(step: Step, data: dict[str, Any]) -> None:
    if data.get("type") == "response":
        reader = ItemReader()
        response = as_dict(data.get("response"))
        instructions = response.get("instructions")
        step.inputs = [Message(role="system", content=str(instructions))] if instructions else []
        step.inputs += reader.messages(data.get("input"))
        step.outputs = reader.messages(response.get("output"), default_role="assistant")
        step.model = str(response["model"]) if response.get("model") else None
    else:  # generation: Chat Completions messages
        step.inputs = messages_from(data.get("input"))
        step.outputs = [m for m in messages_from(data.get("output")) if m.role == "assistant"]
        step.model = str(data["model"]) if data.get("model") else None


def _step(span: dict[str, Any]) -> Step:
    data = as_dict(span.get("span_data"))
    kind = data.get("type")
    parent = span.get("parent_id")
    step = Step(
        id=str(span.get("id")),
        kind="llm"
        if kind in ("response", "generation")
        else "tool"
        if kind == "function"
        else kind or "other",
        start=parse_time(span.get("started_at")),
        end=parse_time(span.get("ended_at")),
        parent_id=str(parent) if parent else None,
        name=str(data["name"]) if data.get("name") else None,
        error=_error_text(span.get("error")),
    )
    if step.kind == "llm":
        _llm_step(step, data)
    elif step.kind == "tool":
        step.tool_arguments = maybe_json(data.get("input"))
        step.output_text = value_text(maybe_json(data.get("output")))
    elif kind == "guardrail" and data.get("triggered"):
        step.error = step.error or f"guardrail {data.get('name')} triggered"
    return step


def _metadata(spans: list[dict[str, Any]], trace: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"source": "openai-agents"}
    if trace.get("workflow_name"):
        metadata["workflow"] = trace["workflow_name"]
    for key, value in as_dict(trace.get("metadata")).items():
        metadata[f"metadata.{key}"] = value
    agents: list[str] = []
    for span in spans:
        data = as_dict(span.get("span_data"))
        kind = data.get("type")
        if kind == "agent" and data.get("name") and data["name"] not in agents:
            agents.append(str(data["name"]))
        elif kind == "handoff":
            handoff = f"{data.get('from_agent')} -> {data.get('to_agent')}"
            metadata.setdefault("handoffs", []).append(handoff)
        elif kind == "guardrail":
            verdict = {"name": data.get("name"), "triggered": bool(data.get("triggered"))}
            metadata.setdefault("guardrails", []).append(verdict)
        elif kind == "custom" and data.get("name") not in ("task", "turn"):
            metadata[f"custom.{data.get('name')}"] = data.get("data")
    if agents:
        metadata["agents"] = agents
    return metadata


def _trace(records: list[RawRecord]) -> Trace:
    trace: dict[str, Any] = {}
    spans: list[dict[str, Any]] = []
    for record in records:
        if record.value["object"] == "trace":
            trace = {**trace, **record.value}
        else:
            spans.append(record.value)
    steps = [_step(span) for span in spans]
    timeline = ordered(steps)
    start = timeline[0].start if timeline else None
    ends = [s.end for s in steps if s.end is not None]
    meta = as_dict(trace.get("metadata"))
    trace_id = trace.get("id") or (spans[0].get("trace_id") if spans else None)
    return Trace(
        messages=assemble(timeline),
        id=str(trace_id) if trace_id else None,
        timestamp=start,
        user_id=str(meta["user_id"]) if meta.get("user_id") else None,
        session_id=str(trace["group_id"]) if trace.get("group_id") else None,
        model=last_model(timeline),
        metadata=_metadata(spans, trace),
        error=first_error(timeline),
        latency_ms=elapsed_ms(start, max(ends) if ends else None),
    )


LEDGER = Ledger(
    *LABELS,
    "id",
    "trace_id",
    "parent_id",
    "group_id",  # kept as the session id
    "span_data.name",  # span names; agents, tools and guardrails land under their own fields
    "span_data.response_id",
    "span_data.response.id",
    "span_data.response.tools",  # the tools' JSON schemas (their names are kept)
    "span_data.response.tool_choice",
    "span_data.response.text",
    "span_data.response.reasoning",
    "span_data.response.instructions",  # kept as the system prompt (read above)
    "span_data.response.prompt_cache_key",
    "span_data.response.safety_identifier",
    "span_data.response.previous_response_id",
    "span_data.response.conversation",
    "span_data.response.**.annotations",
    "span_data.model_config",  # request settings and the client's base URL
    "span_data.output_type",
    "span_data.tools",  # an agent's tool names (the calls themselves are kept)
    "span_data.handoffs",
    "span_data.data.sdk_span_type",
    "span_data.data.agent_name",
    "span_data.mcp_data",
    "**.status",
    "**.id",
    "error.data",
)
"""What the Agents SDK reader does not keep: ids, tool schemas, request settings."""


class OpenAIAgentsFormat:
    """OpenAI Agents SDK traces and spans (JSONL from a trace processor)."""

    name = "openai-agents"
    description = "OpenAI Agents SDK traces: trace and trace.span records from a processor"
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        return _object(value) is not None and ("span_data" in value or "workflow_name" in value)

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        return convert_grouped(records, _key, _trace, self.ledger)


FORMAT = register(OpenAIAgentsFormat())
