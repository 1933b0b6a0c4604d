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

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from tracereader.formats.normalize import decode_json
from tracereader.model import Trace

MAX_DEPTH = 40
"""Deeper values are not walked (readers reject far shallower nesting)."""
MIN_SUBSTRING = 4
"""Shorter strings must land whole; longer ones may land inside a longer text (joined parts)."""
MAX_FIELDS = 8
"""How many field paths one report names; the rest are counted."""
_PATH_CACHE = 20_000
_UNSEEN: Any = object()
_ITEMS: Any = object()
"""A list's items, in the table of decided children (a YAML key may be None)."""
_JSON_STARTS = frozenset('[{" \n\t\r')
# Type tuples, not `dict | list`: a union is built anew at every call, and these run per string.
_CONTAINERS = (dict, list, tuple)
_SEQUENCES = (list, tuple)
_DECODED = (dict, list, str)
_WORD_CHAR = re.compile(r"[^\W_]")
"""A letter or digit: a character that would make a short word part of a longer one."""
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


@functools.lru_cache(maxsize=8192)
def key_segment(key: str) -> str:
    """A dict key as a path segment; keys that look like data rather than schema become `*`."""
    return key if _SAFE_KEY.match(key) and not _NUMBER.match(key) else "*"


def child_path(path: str, key: Any) -> str:
    """The path of `key` inside the object at `path`."""
    segment = key_segment(str(key))
    return f"{path}.{segment}" if path else segment


def _decode_json(text: str) -> Any:
    """The object, array or string a string holds as JSON (exports double-encode), else None."""
    first = text[:1]
    if first not in ("[", "{", '"') and not first.isspace():
        return None  # most strings: one look at the first character
    stripped = text.strip() if first.isspace() or text[-1:].isspace() else text
    if len(stripped) < 2 or (stripped[0], stripped[-1]) not in (("[", "]"), ("{", "}"), ('"', '"')):
        return None
    try:
        # orjson first: only the strings matter here, so an int it widens to a float is alike
        value = orjson.loads(stripped)
    except orjson.JSONDecodeError:  # NaN, lone surrogates …: the standard decoder's answer
        try:
            value = decode_json(stripped)
        except ValueError:
            return None
    return value if isinstance(value, _DECODED) else None


def _flat_and_stored(decoded: Any, exact: set[str]) -> bool:
    """Whether decoded JSON text is a string, or an object of scalars, all stored whole: the
    usual `"\\"answer\\""` or `{"question": …}` of an export, settled without a nested walk."""
    if type(decoded) is str:
        return decoded in exact
    if type(decoded) is not dict:
        return False
    for item in decoded.values():
        kind = type(item)
        if kind is str:
            if item and item not in exact:
                return False
        elif kind is dict or kind is list:
            return False
    return True


def is_value_not_text(text: str) -> bool:
    """Whether a string is a time, a number, or inline media: values, not text to account for."""
    stripped = text.strip() if text[:1].isspace() or text[-1:].isspace() else text
    if not stripped:
        return True
    first = stripped[0]
    if first in "dD":
        return stripped[:5].lower() == "data:"
    if not (first.isdigit() or first in "+-."):
        return False
    if stripped[4:5] == "-" and stripped[:4].isdigit():  # a date; never a number
        try:  # the C parser first: 4x faster than the pattern on the ISO times of exports
            datetime.fromisoformat(stripped)
            return True
        except ValueError:
            return _TIME.match(stripped) is not None
    return _NUMBER.match(stripped) is not None


class Landed:
    """Every string a trace will store, for membership tests (whole, or inside a stored text)."""

    def __init__(self, strings: Iterable[str]) -> None:
        self._pieces: list[str] = strings if type(strings) is list else list(strings)
        self.exact: set[str] = set(self._pieces)
        self._blob: str | None = None
        self._expanded = False

    def _expand(self) -> None:
        """Add the strings inside stored strings that hold JSON (done at the first miss)."""
        self._expanded = True
        pending = [(text, 0) for text in self._pieces if text[:1] in _JSON_STARTS]
        while pending:
            text, depth = pending.pop()
            decoded = _decode_json(text)
            if decoded is None:
                continue
            for inner in strings_of(decoded):
                if inner not in self.exact:
                    self.exact.add(inner)
                    self._pieces.append(inner)
                    if depth < 3 and inner[:1] in _JSON_STARTS:
                        pending.append((inner, depth + 1))
        self._blob = None

    def holds(self, text: str) -> bool:
        """Whether `text` was stored: whole, or inside a stored text (a line, a joined part).

        The stored strings' JSON is expanded only when the plain lookups fail: expanding adds
        strings and appends to the joined text, so it can only turn a no into a yes.
        """
        if self._holds(text):
            return True
        if self._expanded:
            return False
        self._expand()
        return self._holds(text)

    def _holds(self, text: str) -> bool:
        if text in self.exact:
            return True
        stripped = text.strip() if text[:1].isspace() or text[-1:].isspace() else text
        if stripped in self.exact:
            return True
        if self._blob is None:  # joined only when some string is not found whole
            self._blob = "\x00".join(self._pieces)
        if len(stripped) >= MIN_SUBSTRING:
            return stripped in self._blob
        return _stands_alone_in(stripped, self._blob)


def _stands_alone_in(word: str, blob: str) -> bool:
    """Whether a short word (`tone` of `score.tone`) occurs in `blob` not inside another word
    (no letter or digit either side): `str.find` first, a regex past a few occurrences."""
    at = blob.find(word)
    for _ in range(8):
        if at == -1:
            return False
        end = at + len(word)
        if not _WORD_CHAR.match(blob[at - 1 : at]) and not _WORD_CHAR.match(blob[end : end + 1]):
            return True
        at = blob.find(word, at + 1)
    pattern = rf"(?<![^\W_]){re.escape(word)}(?![^\W_])"
    return re.search(pattern, blob) is not None


def strings_of(value: Any, out: list[str] | None = None) -> list[str]:
    """Every string of a JSON value, keys included (appended to `out`), to `MAX_DEPTH`."""
    out = [] if out is None else out
    if type(value) is str:
        out.append(value)
        return out
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(node, dict):
            for key, item in node.items():
                out.append(key if type(key) is str else str(key))
                if type(item) is str:
                    out.append(item)
                elif isinstance(item, _CONTAINERS):
                    stack.append((item, depth + 1))
        elif isinstance(node, _SEQUENCES):
            for item in node:
                if type(item) is str:
                    out.append(item)
                elif isinstance(item, _CONTAINERS):
                    stack.append((item, depth + 1))
        elif isinstance(node, str):
            out.append(node)
    return out


def trace_strings(trace: Trace) -> list[str]:
    """Every string the stored trace holds, ids and roles included."""
    out = [
        text
        for text in (trace.id, trace.user_id, trace.session_id, trace.model, trace.release)
        if text
    ]
    if trace.error:
        out.append(trace.error)
    if trace.feedback is not None and trace.feedback.comment:
        out.append(trace.feedback.comment)
    out.extend(event.type for event in trace.events)
    for message in trace.messages:
        out.append(message.role)
        if message.content:
            out.append(message.content)
        if message.name:
            out.append(message.name)
        if message.tool_call_id:
            out.append(message.tool_call_id)
        for call in message.tool_calls:
            out.append(call.name)
            if call.id:
                out.append(call.id)
            if call.arguments is not None:
                strings_of(call.arguments, out)
    return strings_of(trace.metadata, out)


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
        self._children: dict[str, dict[Any, str | None]] = {}
        """path -> key -> the child's path (None when ignored): one lookup per key walked."""
        self._held = 0
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

    def _child(self, path: str, key: Any) -> str | None:
        """The path of `key` (a dict key; None: a list's items) under `path`; None if ignored."""
        if key is None:
            child = f"{path}[]"
        else:
            segment = key_segment(key if type(key) is str else str(key))
            child = f"{path}.{segment}" if path else segment
        return None if self.is_ignored(child) else child

    def _table(self, path: str) -> dict[Any, Any]:
        """The children already decided under `path` (key -> child path, None: ignored)."""
        self._held += 1
        if self._held > _PATH_CACHE:  # a file of ever-new keys: start over, bounded
            self._children.clear()
            self._held = 0
        table: dict[Any, Any] = {}
        self._children[path] = table
        return table

    def _walk(self, value: Any, path: str, stored: Landed, found: set[str], depth: int) -> None:
        """Collect the paths of unplaced strings (an explicit stack: records can be wide).

        Strings found whole in `stored` (nearly all of them), times and numbers are settled
        where they are met, without a trip through the stack; field paths are decided once
        per (path, key).
        """
        children, exact = self._children, stored.exact
        if path and self.is_ignored(path):
            return
        if type(value) is str and (value in exact or is_value_not_text(value)):
            return
        stack = [(value, path, depth)]
        push, pop = stack.append, stack.pop
        while stack:
            value, path, depth = pop()
            kind = type(value)
            if kind is str:  # one not settled where it was met
                decoded = _decode_json(value) if depth < MAX_DEPTH else None
                if decoded is None:
                    if not stored.holds(value):
                        found.add(path or "(record)")
                    continue
                if _flat_and_stored(decoded, exact):
                    continue
                # JSON text (exports double-encode) is seldom stored as it is: its values are
                # looked up first, the whole text only when some of them are missing
                missing: set[str] = set()
                self._walk(decoded, path, stored, missing, depth + 1)
                if missing and not stored.holds(value):
                    found.update(missing)
                continue
            if depth >= MAX_DEPTH:
                continue
            depth += 1
            table = children.get(path)
            if table is None:
                table = self._table(path)
            if kind is dict:
                for key, item in value.items():
                    kind = type(item)
                    if kind is str:
                        if not item or item in exact:
                            continue
                    elif not item or (kind is not dict and kind is not list):
                        continue
                    child = table.get(key, _UNSEEN)
                    if child is _UNSEEN:
                        child = table[key] = self._child(path, key)
                    if child is not None and (kind is not str or not is_value_not_text(item)):
                        push((item, child, depth))
            elif kind is list:
                inner = table.get(_ITEMS, _UNSEEN)
                if inner is _UNSEEN:
                    inner = table[_ITEMS] = self._child(path, None)
                if inner is None:
                    continue
                for item in value:
                    kind = type(item)
                    if kind is str:
                        if item and item not in exact and not is_value_not_text(item):
                            push((item, inner, depth))
                    elif item and (kind is dict or kind is list):
                        push((item, inner, depth))

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
