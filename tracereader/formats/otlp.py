"""OpenTelemetry spans in OTLP JSON (`resourceSpans → scopeSpans → spans`) read as conversations.

This is what the OTLP file exporter, the collector's `file` exporter and `tracereader.otel` write:
one document per line (or one per file). Spans are regrouped by trace id across documents with the
bounded window of `spantree.GROUP_WINDOW` spans (a span further from its trace's others is rejected
with advice to sort), ordered by start time, and read through two vocabularies: the GenAI semantic
conventions (`gen_ai.input.messages`/`gen_ai.output.messages`, `gen_ai.*.message` events, the older
`gen_ai.prompt.N.*` attributes, `execute_tool` spans) and OpenInference
(`llm.input_messages.N.message.*`, `input.value`/`output.value`, `TOOL` spans, `session.id`,
`user.id`) as Arize Phoenix writes them.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from tracereader import formats
from tracereader.formats.base import UNREADABLE, Converted, RawRecord, RecordError
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.normalize import (
    as_dict,
    maybe_json,
    messages_from,
    plain_text,
    value_text,
)
from tracereader.formats.otlp_messages import genai_messages, oi_messages
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
from tracereader.formats.vercel_ai import OPERATION as VERCEL_OPERATION
from tracereader.formats.vercel_ai import SESSION_KEYS as VERCEL_SESSION_KEYS
from tracereader.formats.vercel_ai import USER_KEYS as VERCEL_USER_KEYS
from tracereader.formats.vercel_ai import context as vercel_context
from tracereader.formats.vercel_ai import is_vercel_span, vercel_step
from tracereader.model import Rejection, Trace

VOCABULARY_PREFIXES = (
    "gen_ai.",
    "llm.",
    "input.",
    "output.",
    "openinference.",
    "tool.",
    "tool_call.",
    "ai.",
    "exception.",
    "logfire.",
    "server.",
    "http.",
    "url.",
    "network.",
    "model_request_parameters",
    "operation.name",
    "resource.name",
    "session.id",
    "user.id",
    "enduser.id",
    "conversation.id",
    "service.",
    "app.version",
    "release",
    "embedding.",
    "retrieval.",
    "reranker.",
    "document.",
    "code.",
    "thread.",
    "final_result",
    "agent_name",
    "pydantic_ai.",
)
"""Attribute families a vocabulary reads or declares; any other attribute is the app's own."""
LLM_OPERATIONS = frozenset({"chat", "text_completion", "generate_content", "completion"})
HEX_ID = re.compile(r"^[0-9a-fA-F]{16,32}$")
STATUS_ERROR = (2, "2", "STATUS_CODE_ERROR")


def any_value(value: Any) -> Any:
    """Decode an OTLP AnyValue (string/int/double/bool/bytes/array/kvlist) into a Python value."""
    if type(value) is dict and len(value) == 1 and "stringValue" in value:
        return value["stringValue"]  # nearly every attribute: one lookup
    return _any_value(value) if isinstance(value, dict) else value


def _any_value(value: dict[str, Any]) -> Any:
    for key in ("stringValue", "string_value"):
        if key in value:
            return value[key]
    for key in ("intValue", "int_value"):
        if key in value:
            return int(value[key])  # int64 is a JSON string in OTLP
    for key in ("doubleValue", "double_value"):
        if key in value:
            return float(value[key])
    for key in ("boolValue", "bool_value"):
        if key in value:
            return bool(value[key])
    for key in ("bytesValue", "bytes_value"):
        if key in value:  # base64: keep its size, never the bytes
            text = str(value[key])
            return f"[{len(text) * 3 // 4 - text.count('=')} bytes]"
    for key in ("arrayValue", "array_value"):
        if key in value:
            return [any_value(v) for v in (value[key] or {}).get("values") or []]
    for key in ("kvlistValue", "kvlist_value"):
        if key in value:
            return attributes((value[key] or {}).get("values"))
    return None


def attributes(items: Any) -> dict[str, Any]:
    """An OTLP `attributes` list (`[{"key": …, "value": AnyValue}]`) as a dict."""
    result: dict[str, Any] = {}
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            key = item.get("key")
            if type(key) is str:
                result[key] = any_value(item.get("value"))
    return result


def span_id(value: Any) -> str | None:
    """A trace/span id as lower-case hex (OTLP JSON uses hex; protobuf JSON mappers use base64)."""
    if not isinstance(value, str) or not value:
        return None
    if HEX_ID.match(value):
        return value.lower()
    try:
        return base64.b64decode(value, validate=True).hex() or None
    except (binascii.Error, ValueError):
        return value


def _step(span: dict[str, Any]) -> Step:
    attrs: dict[str, Any] = span["_attrs"]
    events: list[dict[str, Any]] = [
        {"name": str(e.get("name", "")), "attributes": attributes(e.get("attributes"))}
        for e in span.get("events") or []
        if isinstance(e, dict)
    ]
    oi_kind = str(attrs.get("openinference.span.kind", "")).upper()
    operation = str(attrs.get("gen_ai.operation.name", "")).lower()
    is_tool = oi_kind == "TOOL" or operation == "execute_tool"
    is_llm = oi_kind == "LLM" or operation in LLM_OPERATIONS
    step = Step(
        id=span_id(span.get("spanId")) or str(id(span)),
        kind="tool" if is_tool else "llm" if is_llm else "other",
        start=parse_time(span.get("startTimeUnixNano")),
        end=parse_time(span.get("endTimeUnixNano")),
        parent_id=span_id(span.get("parentSpanId")),
        name=str(attrs.get("tool.name") or attrs.get("gen_ai.tool.name") or span.get("name") or ""),
    )
    model = (
        attrs.get("gen_ai.response.model")
        or attrs.get("gen_ai.request.model")
        or attrs.get("llm.model_name")
    )
    step.model = str(model) if model else None
    status = as_dict(span.get("status"))
    if status.get("code") in STATUS_ERROR:
        exception: dict[str, Any] = next(
            (e["attributes"] for e in events if e["name"] == "exception"), {}
        )
        reason = status.get("message") or exception.get("exception.type") or "error"
        step.error = str(reason).splitlines()[0][:300]
    if is_vercel_span(attrs):
        vercel_step(step, attrs)
    elif step.kind == "llm":
        step.inputs = oi_messages(attrs, "llm.input_messages")
        step.outputs = oi_messages(attrs, "llm.output_messages")
        if not step.inputs and not step.outputs:
            step.inputs, step.outputs = genai_messages(attrs, events)
        if not step.inputs and not step.outputs:
            step.inputs = messages_from(attrs.get("input.value"))
            step.outputs = [
                m for m in messages_from(attrs.get("output.value")) if m.role == "assistant"
            ]
    elif step.kind == "tool":
        arguments = attrs.get("gen_ai.tool.call.arguments", attrs.get("input.value"))
        step.tool_arguments = maybe_json(
            arguments if arguments is not None else attrs.get("tool.parameters")
        )
        result = attrs.get("gen_ai.tool.call.result", attrs.get("output.value"))
        step.output_text = value_text(maybe_json(result))
        call_id = (
            attrs.get("gen_ai.tool.call.id") or attrs.get("tool_call.id") or attrs.get("tool.id")
        )
        step.tool_call_id = str(call_id) if call_id else None
    else:
        step.inputs = messages_from(attrs.get("input.value"))
        step.input_text = plain_text(attrs.get("input.value"))
        step.output_text = plain_text(attrs.get("output.value"))
    return step


def _spans(records: Iterable[RawRecord]) -> Iterator[RawRecord | Rejection]:
    """Every span of every document, as its own record carrying its resource's attributes."""
    for record in records:
        doc = record.value
        if not isinstance(doc, dict) or not isinstance(doc.get("resourceSpans"), list):
            yield Rejection(record.line, "not an OTLP JSON document (no `resourceSpans` list)")
            continue
        for resource_spans in doc["resourceSpans"]:
            try:
                yield from _resource_spans(record, resource_spans)
            except UNREADABLE:
                yield Rejection(record.line, "malformed `resourceSpans` entry")


def _resource_spans(record: RawRecord, entry: Any) -> Iterator[RawRecord | Rejection]:
    """The spans of one `resourceSpans` entry (raises on a malformed entry)."""
    if not isinstance(entry, dict):
        raise TypeError("resourceSpans entry")
    resource = attributes(as_dict(entry.get("resource")).get("attributes"))
    scopes = entry.get("scopeSpans") or entry.get("instrumentationLibrarySpans") or []
    if not isinstance(scopes, list) or not all(isinstance(scope, dict) for scope in scopes):
        raise TypeError("scopeSpans must be a list of objects")  # not dropped in silence
    lists = [scope.get("spans") or [] for scope in scopes]
    if not all(isinstance(listed, list) for listed in lists):
        raise TypeError("spans must be a list")
    spans = [span for listed in lists for span in listed]
    values: list[RawRecord | Rejection] = []
    for span in spans:
        if not isinstance(span, dict):
            values.append(Rejection(record.line, "malformed span (not an object)"))
            continue
        value = {**span, "_resource": resource, "_attrs": attributes(span.get("attributes"))}
        values.append(RawRecord(record.line, value, record.end_offset, record.where))
    yield from values


def _trace_key(record: RawRecord) -> Hashable:
    trace = span_id(record.value.get("traceId"))
    if not trace:
        raise RecordError("span has no `traceId`")
    return trace


def _first_attr(spans: list[dict[str, Any]], *keys: str) -> str | None:
    for span in spans:
        for source in (span["_attrs"], span["_resource"]):
            for key in keys:
                if source.get(key) not in (None, ""):
                    return str(source[key])
    return None


def _trace(records: list[RawRecord]) -> Trace:
    spans = [r.value for r in records]
    steps = [_step(span) for span in spans]
    timeline = ordered(steps)
    ids = {s.id for s in steps}
    root = next((s for s in timeline if s.parent_id is None or s.parent_id not in ids), timeline[0])
    ends = [s.end for s in steps if s.end is not None]
    resource = spans[0]["_resource"]
    metadata: dict[str, Any] = {"source": "otlp", "root_span": root.name, "spans": len(spans)}
    for key in ("service.name", "deployment.environment", "telemetry.sdk.language"):
        if resource.get(key) not in (None, ""):
            metadata[key] = resource[key]
    app: dict[str, Any] = {}
    for span in spans:
        app.update(vercel_context(span["_attrs"]))
    user = next((str(app[k]) for k in VERCEL_USER_KEYS if app.get(k)), None)
    session = next((str(app[k]) for k in VERCEL_SESSION_KEYS if app.get(k)), None)
    for key, value in app.items():
        if key not in VERCEL_USER_KEYS + VERCEL_SESSION_KEYS:
            metadata[f"metadata.{key}"] = value
    for span in spans:  # the app's own attributes (`tags`, `customer.tier` …) are kept
        for key, value in span["_attrs"].items():
            if not key.startswith(VOCABULARY_PREFIXES) and value not in (None, "", [], {}):
                metadata.setdefault(f"attributes.{key}", value)
    if any(is_vercel_span(span["_attrs"]) for span in spans):
        metadata["source"] = "vercel-ai"
    agent = _first_attr(spans, "gen_ai.agent.name")
    if agent:
        metadata["agent"] = agent
    return Trace(
        messages=assemble(timeline),
        id=span_id(spans[0].get("traceId")),
        timestamp=root.start,
        user_id=_first_attr(spans, "user.id", "enduser.id", "gen_ai.user.id") or user,
        session_id=_first_attr(spans, "session.id", "gen_ai.conversation.id", "conversation.id")
        or session,
        model=last_model(timeline),
        release=_first_attr(spans, "service.version", "app.version", "release"),
        metadata=metadata,
        error=first_error(timeline),
        latency_ms=elapsed_ms(root.start, max(ends) if ends else None),
    )


def ledger_view(span: dict[str, Any]) -> dict[str, Any]:
    """A span as the ledger walks it: attributes by key (decoded), not OTLP's key/value lists."""
    view = {k: v for k, v in span.items() if k not in ("attributes", "events", "_attrs")}
    view["attributes"] = span["_attrs"]
    view["_resource"] = span["_resource"]
    view["events"] = [
        {"name": e.get("name"), "attributes": attributes(e.get("attributes"))}
        for e in span.get("events") or []
        if isinstance(e, dict)
    ]
    return view


LEDGER = Ledger(
    *LABELS,
    # the envelope: span names and ids, the SDK's and the process's description of itself
    "name",
    "spanId",
    "parentSpanId",
    "traceId",
    "traceState",
    "kind",
    "links",
    "_resource",
    "events[].name",
    "events[].attributes.exception.stacktrace",
    "attributes.exception.stacktrace",
    # labels of the GenAI conventions and of OpenInference
    "attributes.gen_ai.operation.name",
    "attributes.gen_ai.provider.name",
    "attributes.gen_ai.system",
    "attributes.gen_ai.response.id",
    "attributes.gen_ai.output.type",
    "attributes.gen_ai.tool.type",
    "attributes.gen_ai.tool.description",
    "attributes.gen_ai.tool.definitions",
    "attributes.gen_ai.request.**",
    "attributes.openinference.span.kind",
    "attributes.llm.system",
    "attributes.llm.provider",
    "attributes.llm.invocation_parameters",
    "attributes.llm.tools.**",
    "attributes.input.mime_type",
    "attributes.output.mime_type",
    "attributes.input.value.tools",
    "attributes.input.value.model",
    "attributes.output.value.id",
    "attributes.output.value.model",
    "attributes.output.value.system_fingerprint",
    "attributes.output.value.service_tier",
    "attributes.tool.description",
    "attributes.tool.parameters",
    "attributes.server.*",  # the model API's host and port
    "attributes.gen_ai.agent.call.id",
    "attributes.gen_ai.agent.id",
    "attributes.model_request_parameters",  # Pydantic AI: tool schemas, output mode
    "attributes.logfire.**",  # Logfire's message templates and JSON schemas of attributes
    view=ledger_view,
)
"""What the OTLP reader does not keep: envelopes, labels, tool schemas and request settings."""
VERCEL_LEDGER = Ledger(
    *LEDGER.ignored,
    "attributes.operation.name",  # `ai.generateText support-turn`: the operation and function id
    "attributes.resource.name",
    "attributes.ai.operationId",
    "attributes.ai.model.provider",
    "attributes.ai.settings.maxRetries",
    "attributes.ai.settings.output",
    "attributes.ai.settings.mode",
    "attributes.ai.settings.stopSequences",
    "attributes.ai.request.headers.*",
    "attributes.ai.prompt.tools",  # the tools' JSON schemas (the calls are kept)
    "attributes.ai.prompt.toolChoice",
    "attributes.ai.response.id",
    "attributes.ai.response.timestamp",
    "attributes.ai.response.finishReason",
    "attributes.ai.response.providerMetadata",
    "attributes.ai.schema",
    "attributes.ai.schema.*",
    "attributes.ai.embedding",
    "attributes.ai.embeddings",
    view=ledger_view,
)
"""What the Vercel AI SDK reader does not keep: settings, headers, tool schemas, repeats."""


class OtlpFormat:
    """OTLP JSON trace documents (`resourceSpans`), one per line or one per file."""

    name = "otlp"
    description = "OpenTelemetry OTLP JSON spans (GenAI or OpenInference attributes)"
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        """An OTLP trace export envelope (`resourceSpans`) holding no span the AI SDK wrote."""
        return _is_document(value) and not _has_vercel_span(value)

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        """Explode documents into spans, group them by trace id and rebuild each conversation."""
        return convert_grouped(_spans(records), _trace_key, _trace, self.ledger)


class VercelAIFormat(OtlpFormat):
    """OTLP JSON documents whose spans the Vercel AI SDK wrote (`ai.*` attributes)."""

    name = "vercel-ai"
    description = "Vercel AI SDK telemetry as OTLP JSON (ai.prompt.messages, ai.toolCall.* …)"
    ledger = VERCEL_LEDGER

    def sniff(self, value: Any) -> bool:
        """An OTLP document with at least one span naming an `ai.*` operation."""
        return _is_document(value) and _has_vercel_span(value)


def _is_document(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("resourceSpans"), list)


def _has_vercel_span(doc: dict[str, Any]) -> bool:
    """Whether any span of a document carries the AI SDK's `ai.operationId` attribute."""
    for entry in doc["resourceSpans"][:50]:
        for scope in _list(as_dict(entry).get("scopeSpans")):
            for span in _list(as_dict(scope).get("spans")):
                for item in _list(as_dict(span).get("attributes")):
                    if as_dict(item).get("key") == VERCEL_OPERATION:
                        return True
    return False


def _list(value: Any) -> list[Any]:
    """`value` if it is a list, else an empty one (a damaged document must not stop a sniff)."""
    return value if isinstance(value, list) else []


FORMAT = formats.register(OtlpFormat())
VERCEL_FORMAT = formats.register(VercelAIFormat())
