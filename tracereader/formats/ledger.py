"""Lossless or loud: every string of a record lands in its trace, is declared ignored, or is told.

After a reader has built a trace, its `Ledger` walks the records that made it and looks each
string up in what the trace will store (message text, tool calls, ids, metadata keys and values,
error, feedback). A string found nowhere, and not under one of the reader's declared ignored
fields, is counted under its field path (`response.output[].foo`) so ingest can say once per
file which fields held text the reader does not read. Times (ISO 8601) and numbers written as
strings are values rather than text, and inline media (`data:` URLs) becomes a placeholder, so
none of them count. A string holding JSON is accounted value by value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tracereader.model import Trace

MAX_DEPTH = 40
"""Deeper values are not walked (readers reject far shallower nesting)."""
MIN_SUBSTRING = 4
"""Shorter strings must land whole; longer ones may land inside a longer text (joined parts)."""
MAX_FIELDS = 8
"""How many field paths one report names; the rest are counted."""
_PATH_CACHE = 20_000
LABELS = ("**.type", "**.object", "**.finish_reason", "**.finish_reasons", "**.stop_reason")
"""Enumerations every dialect carries (part and object kinds, finish reasons): labels, not text."""
UNREAD = "records had text in fields this reader does not read"
_SAFE_KEY = re.compile(r"^[A-Za-z_$@][A-Za-z0-9_$@:\-]{0,39}(?:\.[A-Za-z0-9_:\-]{1,40}){0,12}$")
_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?$"
)
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")


@dataclass(frozen=True)
class Unplaced:
    """A record whose text landed nowhere: where it was, for the once-per-file report."""

    line: int
    fields: tuple[str, ...]
    what: str = UNREAD
    """What the count counts, as the report words it (`records had text in fields …`)."""


def key_segment(key: Any) -> str:
    """A dict key as a path segment; keys that look like data rather than schema become `*`."""
    text = str(key)
    return text if _SAFE_KEY.match(text) and not _NUMBER.match(text) else "*"


def child_path(path: str, key: Any) -> str:
    """The path of `key` inside the object at `path`."""
    segment = key_segment(key)
    return f"{path}.{segment}" if path else segment


def _decode_json(text: str) -> Any:
    """The object, array or string a string holds as JSON (exports double-encode), else None."""
    stripped = text.strip()
    if len(stripped) < 2 or (stripped[0], stripped[-1]) not in (("[", "]"), ("{", "}"), ('"', '"')):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict | list | str) else None


def is_value_not_text(text: str) -> bool:
    """Whether a string is a time, a number, or inline media: values, not text to account for."""
    stripped = text.strip()
    return (
        not stripped
        or stripped[:5].lower() == "data:"
        or bool(_NUMBER.match(stripped))
        or (stripped[:1].isdigit() and bool(_TIME.match(stripped)))
    )


class Landed:
    """Every string a trace will store, for membership tests (whole, by line, or inside)."""

    def __init__(self, strings: Iterable[str]) -> None:
        self.exact: set[str] = set()
        pieces: list[str] = []
        for text in strings:
            self._add(text, pieces, 0)
        self.blob = "\x00".join(pieces)

    def _add(self, text: str, pieces: list[str], depth: int) -> None:
        if text in self.exact:
            return
        self.exact.add(text)
        pieces.append(text)
        if "\n" in text:
            self.exact.update(line.strip() for line in text.split("\n"))
        elif "." in text and " " not in text:  # a key such as `score.tone` holds `tone`
            self.exact.update(text.split("."))
        decoded = _decode_json(text) if depth < 4 else None
        if decoded is not None:
            for inner in _strings(decoded, 0):
                self._add(inner, pieces, depth + 1)

    def holds(self, text: str) -> bool:
        """Whether `text` was stored: whole, as one of a stored text's lines, or inside one."""
        if text in self.exact or text.strip() in self.exact:
            return True
        return len(text) >= MIN_SUBSTRING and text in self.blob


def _strings(value: Any, depth: int) -> Iterator[str]:
    """Every string of a JSON value, keys included."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, depth + 1)


def trace_strings(trace: Trace) -> Iterator[str]:
    """Every string the stored trace holds, ids and roles included."""
    for text in (trace.id, trace.user_id, trace.session_id, trace.model, trace.release):
        if text:
            yield text
    if trace.error:
        yield trace.error
    if trace.feedback is not None and trace.feedback.comment:
        yield trace.feedback.comment
    for event in trace.events:
        yield event.type
    for message in trace.messages:
        yield message.role
        for text in (message.content, message.name, message.tool_call_id):
            if text:
                yield text
        for call in message.tool_calls:
            yield call.name
            if call.id:
                yield call.id
            yield from _strings(call.arguments, 0)
    yield from _strings(trace.metadata, 0)


def landed(trace: Trace) -> Landed:
    """What one trace stores, ready for lookups."""
    return Landed(trace_strings(trace))


def _pattern_regex(pattern: str) -> str:
    """A declared field pattern as a regex: `*` is one key, `**` any run of keys, `[]` a list."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**.", i) and i == 0:
            out.append(r"(?:.*[.\]])?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(r".*")
            i += 2
        elif pattern[i] == "*":
            out.append(r"[^.\[]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out) + r"(?:$|[.\[])"


class Ledger:
    """One reader's accounting: the fields it deliberately drops, and the check of a record."""

    def __init__(self, *ignored: str, view: Callable[[Any], Any] | None = None) -> None:
        self.ignored = ignored
        """Field patterns (`**.id`, `spans[].attributes.gen_ai.usage.*`) kept out on purpose."""
        self._view = view
        self._regex = re.compile("|".join(f"(?:{_pattern_regex(p)})" for p in ignored) or "$^")
        self._decided: dict[str, bool] = {}
        self.matched: set[str] = set()
        """Patterns that excused at least one string (so tests can find dead declarations)."""

    def is_ignored(self, path: str) -> bool:
        """Whether a field path is one this reader declared it does not keep."""
        decided = self._decided.get(path)
        if decided is None:
            match = self._regex.match(path)
            decided = match is not None
            if decided:
                for pattern in self.ignored:
                    if re.match(_pattern_regex(pattern), path):
                        self.matched.add(pattern)
            if len(self._decided) > _PATH_CACHE:
                self._decided.clear()
            self._decided[path] = decided
        return decided

    def unread(self, value: Any, stored: Landed) -> list[str]:
        """Field paths of `value`'s strings that `stored` does not hold, sorted."""
        found: set[str] = set()
        self._walk(value if self._view is None else self._view(value), "", stored, found, 0)
        return sorted(found)

    def _walk(self, value: Any, path: str, stored: Landed, found: set[str], depth: int) -> None:
        if depth > MAX_DEPTH or (path and self.is_ignored(path)):
            return
        if isinstance(value, str):
            if is_value_not_text(value) or stored.holds(value):
                return
            decoded = _decode_json(value)
            if decoded is not None:
                self._walk(decoded, path, stored, found, depth + 1)
            else:
                found.add(path or "(record)")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str | dict | list):
                    self._walk(item, child_path(path, key), stored, found, depth + 1)
        elif isinstance(value, list):
            inner = f"{path}[]"
            for item in value:
                if isinstance(item, str | dict | list):
                    self._walk(item, inner, stored, found, depth + 1)

    def check(self, line: int, values: Iterable[Any], stored: Landed) -> Unplaced | None:
        """The report for one record (made of `values`) whose text did not all land, if any."""
        fields: set[str] = set()
        for value in values:
            fields.update(self.unread(value, stored))
        return Unplaced(line, tuple(sorted(fields))) if fields else None


def describe(count: int, what: str, fields: Iterable[str]) -> str:
    """`3 records had text in fields this reader does not read: a, b (and 2 more)`."""
    names = sorted(set(fields))
    shown = ", ".join(names[:MAX_FIELDS])
    if len(names) > MAX_FIELDS:
        shown += f" (and {len(names) - MAX_FIELDS} more)"
    return f"{count} {what}: {shown}" if shown else f"{count} {what}"
