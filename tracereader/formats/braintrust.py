"""Braintrust logs and experiment rows (one span per row) rebuilt into conversations.

Rows carry `input`, `output`, `expected`, `scores`, `metadata`, `metrics` (start/end in epoch
seconds), `span_attributes` (`name`, `type`: llm, tool, function, task, eval, score …) and their
place in the tree: `span_id`, `root_span_id` (shared by every span of one trace) and
`span_parents`. Rows are grouped by `root_span_id` with the bounded window of
`spantree.GROUP_WINDOW` rows (contiguous traces stream; a row further away is rejected with advice
to sort); a row without span ids is a trace of its own. Scores become feedback (a user's verdict
preferred) and metadata; `expected` is kept in metadata; scorer spans never enter the transcript.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from tracereader import formats
from tracereader.formats.base import Converted, RawRecord, RecordError
from tracereader.formats.braintrust_annotations import (
    Annotations,
    comment_text,
    is_comment,
    is_merge,
)
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
    Timeline,
    assemble,
    convert_grouped,
    elapsed_ms,
    first_error,
    last_model,
    ordered,
    parse_time,
)
from tracereader.model import Feedback, Message, Trace

TOOL_TYPES = frozenset({"tool", "function"})
THREAD_KEYS = ("session_id", "thread_id", "conversation_id", "sessionId", "threadId")
USER_KEYS = ("user_id", "userId", "user", "end_user_id")
RELEASE_KEYS = ("release", "version", "app_version", "git_commit", "commit")
ROW_KEYS = frozenset({"input", "output", "expected", "scores", "span_attributes", "metrics"})


def _row_key(record: RawRecord) -> Hashable:
    row = record.value
    if not isinstance(row, dict) or not (ROW_KEYS & row.keys()):
        raise RecordError("not a Braintrust row (no input/output/scores/span_attributes)")
    key = row.get("root_span_id") or row.get("span_id") or row.get("id")
    if not key:
        raise RecordError("Braintrust row has no `id` or `root_span_id`")
    return str(key)


def _attrs(row: dict[str, Any]) -> dict[str, Any]:
    value = row.get("span_attributes")
    return value if isinstance(value, dict) else {}


def _meta(row: dict[str, Any]) -> dict[str, Any]:
    value = row.get("metadata")
    return value if isinstance(value, dict) else {}


def _error_text(value: Any) -> str | None:
    if value in (None, "", {}):
        return None
    if isinstance(value, dict):
        value = value.get("message") or value.get("error") or value.get("type") or "error"
    return str(value).splitlines()[0][:300] if str(value).strip() else "error"


def _step(row: dict[str, Any]) -> Step:
    attrs = _attrs(row)
    kind_name = str(attrs.get("type", "")).lower()
    metrics = as_dict(row.get("metrics"))
    parents = row.get("span_parents")
    start = parse_time(metrics.get("start")) or parse_time(row.get("created"))
    step = Step(
        id=str(row.get("span_id") or row.get("id")),
        kind="llm" if kind_name == "llm" else "tool" if kind_name in TOOL_TYPES else "other",
        start=start,
        end=parse_time(metrics.get("end")),
        parent_id=str(parents[0]) if isinstance(parents, list) and parents else None,
        name=str(attrs["name"]) if attrs.get("name") else None,
        error=_error_text(row.get("error")),
    )
    if kind_name == "score":  # scorer spans judge the trace; they are not part of it
        step.kind = "score"
        return step
    inputs, output = row.get("input"), row.get("output")
    if step.kind == "llm":
        step.inputs = messages_from(inputs)
        if not step.inputs and plain_text(inputs):
            step.inputs = [Message(role="user", content=plain_text(inputs))]
        step.outputs = [m for m in messages_from(output) if m.role == "assistant"]
        if not step.outputs and output is not None and not messages_from(output):
            step.outputs = [Message(role="assistant", content=plain_text(output))]
        model = _meta(row).get("model")
        step.model = str(model) if model else None
    elif step.kind == "tool":
        step.tool_arguments = maybe_json(inputs)
        step.output_text = value_text(maybe_json(output))
        call_id = _meta(row).get("tool_call_id")
        step.tool_call_id = str(call_id) if call_id else None
    else:
        step.inputs = messages_from(inputs)
        step.outputs = [m for m in messages_from(output) if m.role == "assistant"][-1:]
        step.input_text, step.output_text = plain_text(inputs), plain_text(output)
    return step


def _first(meta: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if meta.get(key) not in (None, ""):
            return str(meta[key])
    return None


def _comments(rows: list[dict[str, Any]]) -> list[str]:
    """Every comment on the trace: comment rows, and `comments` lists on span rows."""
    texts = [comment_text(row) for row in rows if is_comment(row)]
    for row in rows:
        for entry in row.get("comments") or [] if isinstance(row.get("comments"), list) else []:
            texts.append(comment_text(entry) if isinstance(entry, dict) else str(entry))
    return [t for t in texts if t]


def _feedback(rows: list[dict[str, Any]]) -> tuple[Feedback | None, dict[str, Any]]:
    """Feedback from the rows' scores (a user's verdict preferred) and comments; scores kept."""
    scores: dict[str, Any] = {}
    notes: list[str] = []
    for row in rows:
        if isinstance(row.get("scores"), dict):
            scores.update({str(k): v for k, v in row["scores"].items() if v is not None})
        note = _meta(row).get("comment")
        if isinstance(note, str) and note and note not in notes:
            notes.append(note)
    notes += [c for c in _comments(rows) if c not in notes]
    metadata: dict[str, Any] = {f"score.{name}": value for name, value in scores.items()}
    authors = [
        str(_meta_of(row, "_audit_metadata").get("user_id"))
        for row in rows
        if _meta_of(row, "_audit_metadata").get("user_id")
    ]
    if authors:
        metadata["feedback.user_id"] = authors[0] if len(set(authors)) == 1 else authors
    comment = "\n".join(notes) or None
    for name in sorted(scores, key=lambda n: not is_user_score(n)):
        mapped = feedback_score(scores[name])
        if mapped is not None:
            return Feedback(score=mapped, comment=comment), metadata
    return (Feedback(comment=comment) if comment else None), metadata


def _meta_of(row: dict[str, Any], key: str) -> dict[str, Any]:
    value = row.get(key)
    return value if isinstance(value, dict) else {}


def _trace(records: list[RawRecord]) -> Trace:
    everything = [r.value for r in records]
    rows = [row for row in everything if not (is_comment(row) or is_merge(row))]
    if not rows:
        raise RecordError("comment or feedback rows without the row they name")
    steps = [_step(row) for row in rows]
    by_id = {step.id: row for step, row in zip(steps, rows, strict=True)}
    timeline = ordered(steps)
    root_step = next((s for s in timeline if s.parent_id not in by_id), timeline[0])
    root = by_id[root_step.id]
    meta: dict[str, Any] = {}
    for row in rows:
        meta.update(_meta(row))
    feedback, score_meta = _feedback(everything)
    metadata: dict[str, Any] = {"source": "braintrust", "root_span": root_step.name}
    for key in ("project_id", "experiment_id", "log_id", "dataset_id"):
        if root.get(key):
            metadata[key] = root[key]
    if root.get("expected") is not None:
        metadata["expected"] = value_text(maybe_json(root["expected"]))
    if root.get("tags"):
        metadata["tags"] = root["tags"]
    metadata.update(score_meta)
    consumed = {*USER_KEYS, *THREAD_KEYS, *RELEASE_KEYS, "tools", "tool_call_id", "comment"}
    for key, value in meta.items():
        if key not in consumed:
            metadata.setdefault(f"metadata.{key}", value)
    ends = [s.end for s in steps if s.end is not None]
    return Trace(
        messages=assemble(Timeline(s for s in timeline if s.kind != "score")),
        id=str(root.get("root_span_id") or root.get("id")),
        timestamp=root_step.start,
        user_id=_first(meta, USER_KEYS),
        session_id=_first(meta, THREAD_KEYS),
        model=last_model(timeline),
        release=_first(meta, RELEASE_KEYS),
        feedback=feedback,
        metadata=metadata,
        error=first_error(timeline),
        latency_ms=elapsed_ms(root_step.start, root_step.end or (max(ends) if ends else None)),
    )


def _unwrap(records: Iterable[RawRecord]) -> Iterator[RawRecord]:
    """Flatten fetch responses (`{"events": [...], "cursor": …}`) into one record per row."""
    for record in records:
        value = record.value
        if isinstance(value, dict) and isinstance(value.get("events"), list) and _is_page(value):
            for row in value["events"]:
                yield RawRecord(record.line, row, record.end_offset, record.where)
        else:
            yield record


def _is_page(value: dict[str, Any]) -> bool:
    """Whether a value is a fetch-API page whose `events` look like rows."""
    rows = [v for v in value["events"][:5] if isinstance(v, dict)]
    return set(value) <= {"events", "cursor"} and all(_looks_like_row(r) for r in rows)


def _looks_like_row(value: dict[str, Any]) -> bool:
    if "messages" in value or "run_type" in value:
        return False
    has_span = "root_span_id" in value or "span_attributes" in value
    return has_span and bool({"input", "output", "scores", "metadata"} & value.keys())


LEDGER = Ledger(
    *LABELS,
    "id",
    "span_id",
    "root_span_id",
    "span_parents",
    "_xact_id",
    "_pagination_key",
    "_object_delete",
    "_is_merge",
    "_parent_id",
    "created",
    "log_id",
    "org_id",
    "span_attributes",  # span names and types; the root's name lands as `root_span`
    "metadata.tools",  # the JSON schemas of the tools offered to the model
    "error",  # the first line is the error; a stack trace below it is not kept
    "context",  # the caller's file and line in the app's source
    "origin",  # the row a comment is about
    "_audit_source",
    "comments[].id",
    "comments[].created",
    "comments[]._audit_source",
)
"""What the Braintrust reader does not keep: row and span bookkeeping, tool schemas, stacks."""


class BraintrustFormat:
    """Braintrust log or experiment rows (one span per row), as the SDK/API/UI export them."""

    name = "braintrust"
    description = "Braintrust logs/experiment rows (JSONL or JSON array)"
    ledger = LEDGER

    def sniff(self, value: Any) -> bool:
        """A row with Braintrust span fields (`root_span_id`, `span_attributes`) or a fetch page."""
        if not isinstance(value, dict):
            return False
        if isinstance(value.get("events"), list) and value["events"]:
            return _is_page(value)
        return _looks_like_row(value) or is_comment(value)

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        """Group rows by root span (comments joining their row's) and rebuild each trace."""
        annotations = Annotations()

        def key(record: RawRecord) -> Hashable:
            return annotations.key(record) or _row_key(record)

        rows = annotations.attach(_unwrap(records), _row_key)
        return convert_grouped(rows, key, _trace, self.ledger)


FORMAT = formats.register(BraintrustFormat())
