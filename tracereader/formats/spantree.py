"""Shared machinery for span-based exports: group records by trace id, rebuild one conversation.

LangSmith runs, Langfuse observations, OTLP spans and Braintrust rows are all trees of timed
steps (LLM calls, tool calls, chains). Each importer maps its records to `Step`s; this module
groups them into traces with bounded memory and merges the steps into a single transcript.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from tracereader.formats.base import UNREADABLE, Converted, RawRecord, RecordError, settle
from tracereader.formats.ledger import Ledger, Unplaced
from tracereader.formats.normalize import NUMBERS
from tracereader.model import Message, Rejection, ToolCall, Trace
from tracereader.timeutil import parse_epoch, parse_iso

GROUP_WINDOW = 10_000
"""How many records the grouper holds at most; a trace whose records are further apart is split."""
BATCH = 64
"""Records whose traces are built before any is settled. Building 64 one-record traces, then
checking the 64 against the ledger, runs ~20% faster than alternating the two per trace: the
interpreter keeps one code path warm (`benchmarks/importers.py`, Langfuse traces-table rows:
52 -> 42 µs a row). Counted in records, so that big traces are not held 64 at a time."""
_PASSED_ON = (Rejection, Unplaced)
"""A type tuple, not `Rejection | Unplaced`: a union is built anew at every call (per record)."""

T = TypeVar("T")


@dataclass
class Step:
    """One span/run/observation, reduced to what a conversation needs."""

    id: str
    kind: str
    """`llm`, `tool` or `other` (chains, retrievers, spans, events)."""
    start: datetime | None = None
    end: datetime | None = None
    parent_id: str | None = None
    name: str | None = None
    inputs: list[Message] = field(default_factory=list)
    outputs: list[Message] = field(default_factory=list)
    input_text: str | None = None
    output_text: str | None = None
    tool_arguments: Any = None
    tool_call_id: str | None = None
    error: str | None = None
    model: str | None = None


@dataclass
class Group(Generic[T]):
    """The records of one trace, in file order, with the line of the first one."""

    key: Hashable
    line: int
    items: list[T]


class GroupWindow(Generic[T]):
    """Group keyed records into traces while holding at most `window` records in memory.

    Records of one trace that are contiguous (the common case) cost one group of memory; groups
    are emitted oldest-first once the window fills, and all at the end. A record whose trace was
    already emitted because it lay more than `window` records away is reported as `late`.
    """

    def __init__(self, window: int = GROUP_WINDOW) -> None:
        self.window = window
        self._open: OrderedDict[Hashable, Group[T]] = OrderedDict()
        self._held = 0
        self._emitted: set[Hashable] = set()

    def add(self, key: Hashable, line: int, item: T) -> Sequence[Group[T]]:
        """Add one record; returns the groups that must leave the window (a sequence, not a
        generator: one per record would cost more than the adding). Raises `LateRecord`."""
        group = self._open.get(key)
        if group is None:
            if key in self._emitted:
                raise LateRecord(line)
            group = self._open[key] = Group(key, line, [])
        group.items.append(item)
        self._held += 1
        if self._held <= self.window:
            return ()
        leaving = []
        while self._held > self.window and len(self._open) > 1:
            leaving.append(self._pop_oldest())
        return leaving

    def flush(self) -> Iterator[Group[T]]:
        """Emit every group still held, oldest first (end of input)."""
        while self._open:
            yield self._pop_oldest()

    def _pop_oldest(self) -> Group[T]:
        key, group = self._open.popitem(last=False)
        self._held -= len(group.items)
        self._emitted.add(key)
        return group


class LateRecord(Exception):
    """A record arrived after its trace had already been emitted."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def late_reason(window: int = GROUP_WINDOW) -> str:
    """The rejection reason for a record that arrived after its trace was emitted."""
    return (
        f"record belongs to a trace whose other records are more than {window} records away; "
        "sort the file by trace id and ingest it again"
    )


def convert_grouped(
    records: Iterable[RawRecord | Rejection | Unplaced],
    key_of: Callable[[RawRecord], Hashable],
    build: Callable[[list[RawRecord]], Trace],
    ledger: Ledger,
    window: int = GROUP_WINDOW,
) -> Iterator[Converted]:
    """Group records by trace key and build one trace per group; bad records become rejections.

    `key_of` raises `RecordError` for a record that cannot belong to any trace (that record alone is
    rejected); `build` raises `RecordError` (or a lookup/type error) for a group it cannot read.
    Each built trace is settled against its records by the format's `ledger`.
    """
    grouper: GroupWindow[RawRecord] = GroupWindow(window)
    pending: list[Group[RawRecord]] = []
    held = 0  # records in `pending`

    def drained() -> Iterator[Converted]:
        nonlocal held
        groups = pending[:]
        pending.clear()
        held = 0
        return _built(groups, build, ledger)

    def full(groups: Iterable[Group[RawRecord]]) -> bool:
        nonlocal held
        for group in groups:
            pending.append(group)
            held += len(group.items)
        return held >= BATCH

    for record in records:
        if isinstance(record, _PASSED_ON):
            yield from drained()  # everything comes out in the order it would one by one
            yield record
            continue
        try:
            key = key_of(record)
        except RecordError as exc:
            yield from drained()
            yield Rejection(record.line, str(exc))
            continue
        except UNREADABLE as exc:
            yield from drained()
            yield Rejection(record.line, f"unreadable record ({type(exc).__name__})")
            continue
        try:
            leaving = grouper.add(key, record.line, record)
        except LateRecord as late:
            yield from drained()
            yield Rejection(late.line, late_reason(window))
            continue
        if leaving and full(leaving):
            yield from drained()
    for group in grouper.flush():
        if full((group,)):
            yield from drained()
    yield from drained()


def _built(
    groups: list[Group[RawRecord]],
    build: Callable[[list[RawRecord]], Trace],
    ledger: Ledger,
) -> Iterator[Converted]:
    """Build a batch of groups, then settle each against its records (see `BATCH`).

    A group the reader cannot read becomes a rejection; any other error (a reader bug) is
    raised once the traces built before it have come out.
    """
    made: list[tuple[Group[RawRecord], Trace | Rejection]] = []
    failure: Exception | None = None
    for group in groups:
        try:
            made.append((group, build(group.items)))
        except RecordError as exc:
            made.append((group, Rejection(group.line, str(exc))))
        except UNREADABLE as exc:
            made.append((group, Rejection(group.line, f"unreadable trace ({type(exc).__name__})")))
        except Exception as exc:
            failure = exc
            break
    for group, trace in made:
        if isinstance(trace, Rejection):
            yield trace
        else:
            yield from settle(trace, group.items, ledger)
    if failure is not None:
        raise failure


def parse_time(value: Any) -> datetime | None:
    """A timestamp from ISO text or epoch seconds/ms/us/ns (numbers or digit strings), else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, NUMBERS):
            return parse_epoch(value)
        if isinstance(value, str) and value.strip():
            text = value.strip()
            return parse_epoch(float(text)) if text.isdigit() else parse_iso(text)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def elapsed_ms(start: datetime | None, end: datetime | None) -> float | None:
    """Milliseconds between two moments, or None when either is unknown."""
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() * 1000, 3)


def _key(message: Message) -> tuple[Any, ...]:
    """Identity of a message for merging overlapping histories of successive LLM calls."""
    if message.role == "tool" and message.tool_call_id:
        return ("tool", message.tool_call_id)
    calls = tuple(c.id or c.name for c in message.tool_calls)
    return (message.role, (message.content or "").strip(), calls)


def _merge(transcript: list[Message], incoming: list[Message]) -> None:
    """Append the messages of `incoming` that the transcript does not already hold, in order.

    A system prompt never moves the match point: a new one (an agent handing off to another,
    a prompt with today's date) is appended once, and the history after it still matches.
    """
    position = 0
    keys = [_key(m) for m in transcript]
    for message in incoming:
        key = _key(message)
        if message.role == "system":
            if key not in keys:
                transcript.append(message)
                keys.append(key)
            continue
        if key in keys:  # a message seen before (raising ValueError costs more than a scan)
            try:
                position = keys.index(key, position) + 1
                continue
            except ValueError:
                pass
        transcript.append(message)
        keys.append(key)
        position = len(keys)


def _pending_call(transcript: list[Message], name: str | None) -> ToolCall | None:
    """The earliest tool call (by that name, if given) that has no result in the transcript yet."""
    answered = {m.tool_call_id for m in transcript if m.role == "tool"}
    for message in transcript:
        for call in message.tool_calls:
            if call.id not in answered and (name is None or call.name == name):
                return call
    return None


def _add_tool_step(transcript: list[Message], step: Step) -> None:
    """Insert a tool step as a call (unless an assistant message already made it) and its result."""
    if step.tool_call_id and any(
        m.role == "tool" and m.tool_call_id == step.tool_call_id for m in transcript
    ):
        return
    call = None
    if step.tool_call_id:
        call = next(
            (c for m in transcript for c in m.tool_calls if c.id == step.tool_call_id), None
        )
    call = call or _pending_call(transcript, step.name)
    if call is None:
        call = ToolCall(
            name=step.name or "tool", arguments=step.tool_arguments, id=step.tool_call_id
        )
        call.id = call.id or f"{step.id}"
        transcript.append(Message(role="assistant", tool_calls=[call]))
    elif call.id is None:
        call.id = step.tool_call_id or step.id
    result = step.output_text
    if result is None and step.outputs:
        result = "\n".join(m.content for m in step.outputs if m.content) or None
    if step.error and result is None:
        result = f"error: {step.error}"
    transcript.append(Message(role="tool", content=result, tool_call_id=call.id, name=call.name))


class Timeline(list[Step]):
    """Steps already in `ordered` order: `ordered` hands them back without sorting again."""


def ordered(steps: list[Step]) -> Timeline:
    """Steps by start time (then end time), untimed ones last, keeping file order for ties.

    A converter orders a trace's steps once and passes the `Timeline` on to `assemble`,
    `first_error` and `last_model` (each used to sort them again).
    """
    if type(steps) is Timeline:
        return steps

    def when(step: Step) -> tuple[float, float]:
        start = step.start.timestamp() if step.start else float("inf")
        end = step.end.timestamp() if step.end else start
        return (start, end)

    return Timeline(sorted(steps, key=when))


def assemble(steps: list[Step]) -> list[Message]:
    """One conversation from a trace's steps: LLM histories merged, tools as calls and results."""
    transcript: list[Message] = []
    timeline = ordered(steps)
    tool_ids = {s.id for s in timeline if s.kind == "tool"}
    has_llm = any(s.kind == "llm" and (s.inputs or s.outputs) for s in timeline)
    for step in timeline:
        if step.kind == "llm":
            _merge(transcript, step.inputs)
            _merge(transcript, step.outputs)
        elif step.kind == "tool" and step.parent_id not in tool_ids:
            _add_tool_step(transcript, step)
    if not has_llm:
        _frame_with_root(transcript, timeline)
    return transcript


def _frame_with_root(transcript: list[Message], timeline: list[Step]) -> None:
    """Without LLM messages, the root step's input and output become user and assistant turns."""
    ids = {s.id for s in timeline}
    roots = [s for s in timeline if s.parent_id is None or s.parent_id not in ids] or timeline
    if not roots:
        return
    root = roots[0]
    if root.kind != "other":
        return
    question = root.inputs or (
        [Message(role="user", content=root.input_text)] if root.input_text else []
    )
    answer = root.outputs or (
        [Message(role="assistant", content=root.output_text)] if root.output_text else []
    )
    framed(transcript, question, answer)


def framed(transcript: list[Message], question: list[Message], answer: list[Message]) -> None:
    """A root's question put before the transcript and its answer merged after it (a trace
    with no LLM steps, or no steps at all, reads as that question and answer)."""
    transcript[:0] = [m for m in question if m.role != "assistant" or m.content]
    _merge(transcript, answer)


def first_error(steps: list[Step]) -> str | None:
    """The earliest error among the steps, as `step name: message`."""
    for step in ordered(steps):
        if step.error:
            return f"{step.name}: {step.error}" if step.name else step.error
    return None


def last_model(steps: list[Step]) -> str | None:
    """The model of the last LLM step that names one."""
    models = [s.model for s in ordered(steps) if s.model]
    return models[-1] if models else None


def compact(value: Any) -> str:
    """Compact JSON for metadata values that are structures."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
