"""Langfuse traces (API `GET /api/public/traces/{id}`, list pages, UI export, v2 observations).

A Langfuse trace carries `userId`, `sessionId`, `release`, `version`, its `input`/`output` and,
in full form, its `observations` (GENERATION, SPAN, EVENT, TOOL, AGENT …) and `scores`.
Observations may also come as separate records (`GET /api/public/v2/observations`, one per line)
naming their `traceId`; records are grouped by trace id with the bounded window of
`spantree.GROUP_WINDOW` records (contiguous traces stream; a record further away is rejected).
Generations give the conversation, tool observations give tool calls and results, an `ERROR`
level gives the trace's error, and scores (numeric, boolean, categorical) give feedback.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from tracereader import formats
from tracereader.formats.base import Converted, RawRecord, RecordError
from tracereader.formats.langfuse_scores import feedback as scores_feedback
from tracereader.formats.langfuse_scores import is_score, score_columns
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.normalize import (
    NUMBERS,
    as_dict,
    decode_json,
    maybe_json,
    messages_from,
    plain_text,
    value_text,
)
from tracereader.formats.spantree import (
    Step,
    assemble,
    convert_grouped,
    elapsed_ms,
    first_error,
    framed,
    last_model,
    ordered,
    parse_time,
)
from tracereader.model import Message, Trace

OBSERVATION_TYPES = frozenset(
    {
        "GENERATION",
        "SPAN",
        "EVENT",
        "TOOL",
        "AGENT",
        "CHAIN",
        "RETRIEVER",
        "EVALUATOR",
        "EMBEDDING",
        "GUARDRAIL",
    }
)
TRACE_KEYS = frozenset({"sessionId", "userId", "htmlPath", "observations", "scores", "projectId"})


def _is_observation(value: dict[str, Any]) -> bool:
    return (
        "traceId" in value
        and str(value.get("type", "")).upper() in OBSERVATION_TYPES
        and "startTime" in value
    )


def _is_trace(value: dict[str, Any]) -> bool:
    """A trace: `id`, `timestamp`, Langfuse's camelCase fields, and no `type` (others' lines)."""
    return (
        "id" in value
        and "timestamp" in value
        and bool(TRACE_KEYS & value.keys())
        and "type" not in value
    )


def _trace_key(record: RawRecord) -> Hashable:
    value = record.value
    if not isinstance(value, dict):
        raise RecordError("not a Langfuse trace or observation")
    if _is_observation(value) or is_score(value):
        return str(value["traceId"])
    if _is_trace(value):
        return str(value["id"])
    raise RecordError("not a Langfuse trace or observation (no `id`+`timestamp` or `traceId`)")


def _step(obs: dict[str, Any], trace_id: str) -> Step:
    kind = str(obs.get("type", "")).upper()
    parent = obs.get("parentObservationId")
    step = Step(
        id=str(obs.get("id")),
        kind="llm" if kind == "GENERATION" else "tool" if kind == "TOOL" else "other",
        start=parse_time(obs.get("startTime")),
        end=parse_time(obs.get("endTime")) or parse_time(obs.get("startTime")),
        parent_id=str(parent) if parent else trace_id,
        name=obs.get("name") if isinstance(obs.get("name"), str) else None,
        model=str(obs["model"]) if obs.get("model") else None,
    )
    if str(obs.get("level", "")).upper() == "ERROR":
        step.error = str(obs.get("statusMessage") or "error").splitlines()[0][:300]
    inputs, output = obs.get("input"), obs.get("output")
    if step.kind == "llm":
        step.inputs = messages_from(inputs)
        if not step.inputs and plain_text(inputs):
            step.inputs = [Message(role="user", content=plain_text(inputs))]
        step.outputs = [m for m in messages_from(output) if m.role == "assistant"]
        if not step.outputs and output is not None and not messages_from(output):
            step.outputs = [Message(role="assistant", content=plain_text(output))]
    elif step.kind == "tool":
        step.tool_arguments = maybe_json(inputs)
        step.output_text = value_text(maybe_json(output))
        metadata = as_dict(maybe_json(obs.get("metadata")))
        call_id = metadata.get("tool_call_id")
        step.tool_call_id = str(call_id) if call_id else None
    else:
        step.input_text, step.output_text = plain_text(inputs), plain_text(output)
    return step


def _json_text(value: Any) -> Any:
    """A value the UI and the table export JSON-stringified (`"\"hi\""`, `"{…}"`), decoded."""
    if isinstance(value, str) and value[:1] == '"' and value[-1:] == '"':
        try:
            return decode_json(value)
        except ValueError:
            return value
    return maybe_json(value)


def _trace_io(trace: dict[str, Any]) -> tuple[Any, Any]:
    """The trace's input and output, decoded once: JSON text inside the quoted form would
    otherwise be decoded again by both `messages_from` and `plain_text`."""
    return maybe_json(_json_text(trace.get("input"))), maybe_json(_json_text(trace.get("output")))


def _trace_step(trace: dict[str, Any], start: Any) -> Step:
    """The trace itself as the root step, so its input/output frame a trace without generations."""
    inputs, output = _trace_io(trace)
    return Step(
        id=str(trace["id"]),
        kind="other",
        start=start,
        name=trace.get("name") if isinstance(trace.get("name"), str) else None,
        inputs=messages_from(inputs),
        outputs=[m for m in messages_from(output) if m.role == "assistant"][-1:],
        input_text=plain_text(inputs),
        output_text=plain_text(output),
    )


def _turn(role: str, value: Any) -> list[Message]:
    text = plain_text(value)
    return [Message(role=role, content=text)] if text else []


def _trace_alone(trace: dict[str, Any]) -> list[Message]:
    """The conversation of a trace without observations (a traces-table row, a list page):
    what `assemble` makes of its root step alone, without building one."""
    inputs, output = _trace_io(trace)
    question = messages_from(inputs) or _turn("user", inputs)
    answer = [m for m in messages_from(output) if m.role == "assistant"][-1:]
    transcript: list[Message] = []
    framed(transcript, question, answer or _turn("assistant", output))
    return transcript


def _records(
    records: list[RawRecord],
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The trace record (or one made from the observations), its observations and its scores."""
    trace: dict[str, Any] | None = None
    found: dict[str, dict[str, Any]] = {}  # by id: a download lists each observation twice
    scores: list[dict[str, Any]] = []
    for record in records:
        value = record.value
        if _is_observation(value):
            found.setdefault(str(value.get("id")), value)
        elif is_score(value):
            scores.append(value)
        else:
            trace = value if trace is None else {**trace, **value}  # read, never written
            nested = value.get("observations")
            if isinstance(nested, list):
                for item in nested:
                    if isinstance(item, dict):
                        found.setdefault(str(item.get("id")), item)
            if isinstance(value.get("scores"), list):
                scores += [s for s in value["scores"] if isinstance(s, dict)]
            scores += score_columns(value)
    observations = list(found.values())
    if trace is None:  # observations only (v2 observations carry the trace's fields)
        first = next((o for o in observations if not o.get("parentObservationId")), None)
        first = first or observations[0]
        trace = {
            "id": first["traceId"],
            "timestamp": min((str(o.get("startTime") or "") for o in observations), default=None),
            "name": first.get("traceName"),
            "userId": first.get("userId"),
            "sessionId": first.get("sessionId"),
            "release": first.get("release"),
            "version": first.get("version"),
            "tags": first.get("tags"),
            "metadata": first.get("metadata") if not first.get("parentObservationId") else None,
        }
    return trace, observations, scores


def _trace(records: list[RawRecord]) -> Trace:
    trace, observations, scores = _records(records)
    trace_id = str(trace["id"])
    timestamp = parse_time(trace.get("timestamp"))
    steps = [_step(o, trace_id) for o in observations if o.get("id") is not None]
    if steps:
        timeline = ordered([_trace_step(trace, timestamp), *steps])
        messages, model, error = assemble(timeline), last_model(timeline), first_error(timeline)
    else:  # the root alone has no model, error or end
        messages, model, error = _trace_alone(trace), None, None
    feedback, score_meta = scores_feedback(scores, trace.get("comments"))
    ends = [s.end for s in steps if s.end is not None]
    latency = trace.get("latency")
    metadata: dict[str, Any] = {"source": "langfuse", "name": trace.get("name")}
    trace_meta = maybe_json(trace.get("metadata"))  # UI downloads hold it as JSON text
    if isinstance(trace_meta, dict):
        metadata.update({f"metadata.{k}": v for k, v in trace_meta.items()})
    if trace.get("tags"):
        metadata["tags"] = trace["tags"]
    for key in ("version", "environment", "totalCost"):
        if trace.get(key) not in (None, ""):
            metadata[key] = trace[key]
    metadata.update(score_meta)
    return Trace(
        messages=messages,
        id=trace_id,
        timestamp=timestamp,
        user_id=str(trace["userId"]) if trace.get("userId") else None,
        session_id=str(trace["sessionId"]) if trace.get("sessionId") else None,
        model=model,
        release=str(trace.get("release") or trace.get("version") or "") or None,
        feedback=feedback,
        metadata={k: v for k, v in metadata.items() if v is not None},
        error=error,
        latency_ms=(
            float(latency) * 1000
            if isinstance(latency, NUMBERS)
            else elapsed_ms(timestamp, max(ends) if ends else None)
        ),
    )


def _is_download(value: dict[str, Any]) -> bool:
    """A UI "Download JSON": `{trace, observations}` (classic) or `{observations, scores}` (v4)."""
    if not isinstance(value.get("observations"), list) or "id" in value:
        return False
    return isinstance(value.get("trace"), dict) or isinstance(value.get("scores"), list)


def _unwrap(records: Iterable[RawRecord]) -> Iterator[RawRecord]:
    """One record per trace, observation or score of list pages and UI downloads."""
    for record in records:
        value = record.value
        if isinstance(value, dict) and isinstance(value.get("data"), list) and "meta" in value:
            items = value["data"]
        elif isinstance(value, dict) and _is_download(value):
            trace = [value["trace"]] if isinstance(value.get("trace"), dict) else []
            items = [*trace, *value["observations"], *(value.get("scores") or [])]
        else:
            yield record
            continue
        for item in items:
            yield RawRecord(record.line, item, record.end_offset, record.where)


_OBSERVATION_BOOKKEEPING = (
    "id",
    "traceId",
    "parentObservationId",
    "projectId",
    "environment",
    "name",  # an observation's name; a tool's lands as its call's name, the trace's as metadata
    "level",
    "statusMessage",  # the first line of an ERROR observation's is the trace error
    "version",
    "model",  # the last generation's model is the trace's model
    "internalModelId",
    "modelParameters",
    "promptId",
    "promptName",
    "usagePricingTierId",
    "usagePricingTierName",
    "traceName",
    "metadata.resourceAttributes",
    "metadata.scope",
)
_SCORE_BOOKKEEPING = (
    "id",
    "traceId",
    "observationId",
    "sessionId",
    "datasetRunId",
    "executionTraceId",
    "projectId",
    "environment",
    "source",
    "dataType",
    "configId",
    "queueId",
    "authorUserId",
    "stringValue",  # a boolean's label (`True`); a category's lands as the score
)
LEDGER = Ledger(
    *LABELS,
    *_OBSERVATION_BOOKKEEPING,
    *(f"observations[].{field}" for field in _OBSERVATION_BOOKKEEPING),
    "htmlPath",
    "projectId",
    "externalId",
    *_SCORE_BOOKKEEPING,
    *(f"scores[].{field}" for field in _SCORE_BOOKKEEPING),
    "corrections",
    "comments[].id",
    "comments[].author_email",  # the reviewer who wrote the comment, not the trace's user
    "toolDefinitions",  # the tools' JSON schemas (their calls are read from the output)
    "toolCalls",  # the same calls, extracted by Langfuse from the output
    "toolCallNames",
)
"""What the Langfuse reader does not keep: ids, levels, prompt and pricing references."""


class LangfuseFormat:
    """Langfuse traces with observations and scores, or v2 observations, one per record."""

    name = "langfuse"
    description = "Langfuse traces/observations (public API JSON, UI export, JSONL)"
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        """A Langfuse trace (camelCase `sessionId`, `userId` …), observation or list page."""
        if not isinstance(value, dict):
            return False
        if isinstance(value.get("data"), list) and "meta" in value:
            items = [v for v in value["data"][:5] if isinstance(v, dict)]
            return bool(items) and all(_is_trace(v) or _is_observation(v) for v in items)
        if _is_download(value):
            return True
        return "messages" not in value and (_is_observation(value) or _is_trace(value))

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        """Group trace and observation records by trace id and rebuild each conversation."""
        return convert_grouped(_unwrap(records), _trace_key, _trace, self.ledger)


FORMAT = formats.register(LangfuseFormat())
