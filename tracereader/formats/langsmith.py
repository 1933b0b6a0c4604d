"""LangSmith runs (`Client.list_runs()` dumped as JSONL or a JSON array) rebuilt as conversations.

A LangSmith trace is a tree of runs (`chain`, `llm`, `tool`, `retriever` …) sharing a `trace_id`
and linked by `parent_run_id`. The runs of one trace are grouped (contiguous runs stream with
bounded memory; interleaved runs are regrouped within a window of `spantree.GROUP_WINDOW`
records, and a run further away than that is rejected with advice to sort the file), ordered by
start time, and merged into one transcript: LLM runs give their input history and output message
(LangChain `lc` or `type/data` form, or OpenAI role/content), tool runs give tool calls and
results. `feedback_stats` becomes feedback, the first run `error` the trace's error, and the
conversation id comes from `extra.metadata` (`session_id`, `thread_id`, `conversation_id`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from tracereader import formats
from tracereader.formats.base import Converted, RawRecord, RecordError
from tracereader.formats.ledger import LABELS, Ledger
from tracereader.formats.normalize import (
    as_dict,
    feedback_score,
    is_user_score,
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
    last_model,
    ordered,
    parse_time,
)
from tracereader.model import Feedback, Message, Trace

RUN_TYPES = frozenset({"llm", "chain", "tool", "retriever", "prompt", "parser", "embedding"})
THREAD_KEYS = ("session_id", "thread_id", "conversation_id")
USER_KEYS = ("user_id", "userId", "user")
RELEASE_KEYS = ("revision_id", "release", "version", "app_version")


def _metadata(run: dict[str, Any]) -> dict[str, Any]:
    extra = as_dict(run.get("extra"))
    meta = extra.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _first(meta: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = meta.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def _trace_key(record: RawRecord) -> Hashable:
    run = record.value
    if not isinstance(run, dict) or not run.get("id"):
        raise RecordError("not a LangSmith run (no `id`)")
    if not isinstance(run.get("run_type"), str) or run["run_type"] not in RUN_TYPES:
        raise RecordError("not a LangSmith run (missing or unknown `run_type`)")
    if run.get("trace_id"):
        return str(run["trace_id"])
    dotted = run.get("dotted_order")
    if isinstance(dotted, str) and len(dotted) > 27:
        return dotted.split(".")[0][27:]  # `<YYYYmmddTHHMMSSffffffZ><root id>`
    return str(run.get("parent_run_id") or run["id"])


def _tool_result(outputs: Any) -> tuple[str | None, str | None]:
    """A tool run's result text and the tool call id its ToolMessage output names."""
    value = outputs.get("output", outputs) if isinstance(outputs, dict) else outputs
    value = maybe_json(value)
    if isinstance(value, dict) and "content" in value and value.get("type") in ("tool", None):
        messages = messages_from(value)
        text = messages[0].content if messages else value_text(value["content"])
        call_id = value.get("tool_call_id")
        return text, str(call_id) if call_id else None
    return (value_text(value) if value not in (None, "", {}, []) else None), None


def _error_line(error: Any) -> str | None:
    """The first line of a run's error, without the traceback LangSmith appends to it."""
    if not error:
        return None
    text = str(error).split("Traceback (most recent call last)")[0].strip()
    return (text.splitlines()[0] if text else "error")[:300]


def _step(run: dict[str, Any]) -> Step:
    run_type = run.get("run_type")
    extra = as_dict(run.get("extra"))
    inputs, outputs = run.get("inputs"), run.get("outputs")
    step = Step(
        id=str(run["id"]),
        kind="llm" if run_type == "llm" else "tool" if run_type == "tool" else "other",
        start=parse_time(run.get("start_time")),
        end=parse_time(run.get("end_time")),
        parent_id=str(run["parent_run_id"]) if run.get("parent_run_id") else None,
        name=run.get("name") if isinstance(run.get("name"), str) else None,
        error=_error_line(run.get("error")),
    )
    if step.kind == "llm":
        step.inputs = messages_from(inputs)
        if not step.inputs and isinstance(inputs, dict) and isinstance(inputs.get("prompts"), list):
            step.inputs = [Message(role="user", content=value_text(p)) for p in inputs["prompts"]]
        step.outputs = [m for m in messages_from(outputs) if m.role == "assistant"]
        if not step.outputs and isinstance(outputs, dict):
            generations = outputs.get("generations")
            if isinstance(generations, list) and generations:
                first = generations[0][0] if isinstance(generations[0], list) else generations[0]
                if isinstance(first, dict) and first.get("text"):
                    step.outputs = [Message(role="assistant", content=value_text(first["text"]))]
        params = as_dict(extra.get("invocation_params"))
        meta = _metadata(run)
        model = meta.get("ls_model_name") or params.get("model") or params.get("model_name")
        step.model = str(model) if model else None
    elif step.kind == "tool":
        args = (
            inputs.get("input", inputs) if isinstance(inputs, dict) and len(inputs) == 1 else inputs
        )
        step.tool_arguments = maybe_json(args)
        step.output_text, step.tool_call_id = _tool_result(outputs)
        if extra.get("tool_call_id"):
            step.tool_call_id = str(extra["tool_call_id"])
    else:
        step.inputs = messages_from(inputs)
        step.outputs = [m for m in messages_from(outputs) if m.role == "assistant"][-1:]
        step.input_text = plain_text(inputs)
        step.output_text = plain_text(outputs)
    return step


def _feedback(runs: list[dict[str, Any]]) -> tuple[Feedback | None, dict[str, Any]]:
    """Feedback from the runs' `feedback_stats` (user verdict preferred); all stats as metadata."""
    stats: dict[str, Any] = {}
    for run in runs:
        if isinstance(run.get("feedback_stats"), dict):
            stats.update(run["feedback_stats"])
    averages = {
        key: value["avg"]
        for key, value in stats.items()
        if isinstance(value, dict) and isinstance(value.get("avg"), int | float)
    }
    if not averages:
        return None, {}
    ranked = sorted(averages, key=lambda k: not is_user_score(k))
    key = next((k for k in ranked if feedback_score(averages[k]) is not None), None)
    score = feedback_score(averages[key]) if key is not None else None
    comments = [
        str(c)
        for value in stats.values()
        if isinstance(value, dict) and isinstance(value.get("comments"), list)
        for c in value["comments"]
        if c
    ]
    if score is None and not comments:
        return None, {f"feedback.{k}": v for k, v in averages.items()}
    feedback = Feedback(score=score, comment="\n".join(comments) or None)
    return feedback, {f"feedback.{k}": v for k, v in averages.items()}


def _trace(records: list[RawRecord]) -> Trace:
    runs = [r.value for r in records]
    steps = [_step(run) for run in runs]
    by_id = {step.id: run for step, run in zip(steps, runs, strict=True)}
    timeline = ordered(steps)
    roots = [s for s in timeline if s.parent_id is None or s.parent_id not in by_id]
    root_step = roots[0]
    root = by_id[root_step.id]
    meta: dict[str, Any] = {}
    for run in runs:
        meta.update(_metadata(run))
    feedback, feedback_meta = _feedback(runs)
    metadata: dict[str, Any] = {
        "source": "langsmith",
        "root_run": root.get("name"),
        "runs": len(runs),
    }
    tags = [t for run in [root, *runs] for t in run.get("tags") or [] if isinstance(t, str)]
    if tags:
        metadata["tags"] = list(dict.fromkeys(tags))
    for key in ("total_tokens", "total_cost"):
        if root.get(key) is not None:
            metadata[key] = root[key]
    metadata.update(feedback_meta)
    consumed = {*THREAD_KEYS, *USER_KEYS, *RELEASE_KEYS}
    for key, value in meta.items():
        if not key.startswith("ls_") and key not in consumed:
            metadata.setdefault(f"metadata.{key}", value)
    return Trace(
        messages=assemble(timeline),
        id=str(root.get("trace_id") or root["id"]),
        timestamp=root_step.start,
        user_id=_first(meta, USER_KEYS),
        session_id=_first(meta, THREAD_KEYS),
        model=last_model(timeline),
        release=_first(meta, RELEASE_KEYS),
        feedback=feedback,
        metadata={k: v for k, v in metadata.items() if v is not None},
        error=first_error(timeline),
        latency_ms=elapsed_ms(root_step.start, root_step.end),
    )


LEDGER = Ledger(
    *LABELS,
    "**.id",  # run ids, LangChain class paths (`["langchain", "schema", …]`), message ids
    "**.lc",
    "**.status",
    "name",
    "run_type",
    "trace_id",
    "parent_run_id",
    "parent_run_ids",
    "child_run_ids",
    "dotted_order",
    "session_id",  # the LangSmith project, not the conversation
    "session_name",
    "reference_example_id",
    "app_path",
    "manifest_id",
    "error",  # the first line is the error; the traceback below it is not kept
    "events",
    "serialized",
    "extra.color",
    "extra.runtime",
    "extra.invocation_params",
    "extra.batch_size",
    "extra.metadata.ls_*",
    "inputs_s3_urls",
    "outputs_s3_urls",
    "attachments",
    "*_token_details",
    "inputs.tools",
    "outputs.llm_output",
)
"""What the LangSmith reader does not keep: run bookkeeping, serialized runnables, tracebacks."""


class LangSmithFormat:
    """LangSmith runs as `Client.list_runs()` returns them, one run per record."""

    name = "langsmith"
    description = "LangSmith runs (Client.list_runs() dumped to JSONL or a JSON array)"
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        """A dict with a LangSmith `run_type` and run fields (`inputs`, `trace_id`, …)."""
        return (
            isinstance(value, dict)
            and isinstance(value.get("run_type"), str)
            and value["run_type"] in RUN_TYPES
            and "id" in value
            and any(k in value for k in ("trace_id", "parent_run_id", "dotted_order", "inputs"))
        )

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        """Group runs by trace id and rebuild each trace's conversation."""
        return convert_grouped(records, _trace_key, _trace, self.ledger)


FORMAT = formats.register(LangSmithFormat())
