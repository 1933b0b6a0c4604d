"""Read a YAML file document by document, and a document holding a list item by item.

The file is cut at its `---` / `...` marker lines (YAML forbids them inside any scalar), so a
document that cannot be read costs only itself: invalid UTF-8, a control character, a syntax
error (said once, with what was read before it kept), a value past a limit, or a parse over
its time budget. Nesting, numbers and alias expansion are checked before PyYAML's recursive
composer and constructor, and Python's int conversion, can reach a limit of their own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import yaml

from tracereader.formats.base import RawRecord
from tracereader.model import Rejection
from tracereader.reading import deadline, limits
from tracereader.reading.json_stream import too_big, what

_MARKER = re.compile(rb"(---|\.\.\.)(?=[ \t\r\n]|$)")
_ITEM = re.compile(rb"-(?=[ \t\r\n]|$)")
_ITEM_LINE = re.compile(rb"^-(?=[ \t\r\n]|$)", re.MULTILINE)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_SAFE_TOKEN = re.compile(r"'(?:<[\w ]+>|[^\w\s]{1,3})'")
_DIGIT = re.compile(r"[0-9a-fA-F]")


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses nesting past MAX_DEPTH, over-long numbers, and bad dates."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        """Stop at the limit: PyYAML's scanner slows with the cube of flow nesting."""
        if self.flow_level >= limits.MAX_DEPTH:
            problem = str(limits.too_deep())
            raise yaml.MarkedYAMLError(problem=problem, problem_mark=self.get_mark())
        super().fetch_flow_collection_start(token_class)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        if self.depth >= limits.MAX_DEPTH:
            raise limits.too_deep()
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_yaml_int(self, node: Any) -> Any:
        if len(_DIGIT.findall(str(node.value))) > limits.MAX_DIGITS + 1:  # +1: an 0x/0o/0b
            raise limits.too_many_digits()
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node: Any) -> Any:
        if len(_DIGIT.findall(str(node.value))) > limits.MAX_DIGITS + 1:  # +1: an exponent e
            raise limits.too_many_digits()
        return super().construct_yaml_float(node)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """A date that does not exist (2026-02-30, year 0) stays text for the reader to judge."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class YamlStream:
    """Documents (or list items) of one YAML file as `RawRecord`s and `Rejection`s."""

    def __init__(self, stream: IO[bytes], limit: int, changes: limits.Normalized) -> None:
        self.stream = stream
        self.limit = limit
        self.changes = changes

    def records(self) -> Iterator[RawRecord | Rejection]:
        """Every document in file order; each one is read on its own."""
        after_list = False
        for piece in _Cutter(self.stream, self.limit).pieces():
            # A `---` line inside an item cuts a root list in two: its tail follows the list.
            tail = after_list and not piece.list_root
            tail = tail and _ITEM_LINE.search(piece.data or b"") is not None
            yield from self._piece(piece, tail)
            after_list = piece.list_root or (after_list and bool(piece.first_item))

    def _piece(self, piece: _Piece, list_tail: bool = False) -> Iterator[RawRecord | Rejection]:
        """One piece's records: a whole document, a root list (or its tail), or one item."""
        where = f"document {piece.document}"
        unit = "document"
        if piece.first_item:
            where, unit = f"{where}, item {piece.first_item}", "item"
        if piece.data is None:
            yield Rejection(piece.line, too_big(self.limit), where)
            return
        data = piece.data
        if piece.document == 1 and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if not piece.first_item and (piece.list_root or list_tail):
            yield from self._list_document(piece, data)
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = piece.line + data.count(b"\n", 0, exc.start)
            yield Rejection(bad_line, f"invalid UTF-8; this {unit} was not read", where)
            return
        yield from self._document(text, piece.line, piece.document, piece.first_item)

    def _list_document(self, piece: _Piece, data: bytes) -> Iterator[RawRecord | Rejection]:
        """A root block list: read whole, and if that stops part-way, the rest item by item.

        Read whole, anchors reach across items. A problem that would stop the document (a
        syntax error, invalid UTF-8, a control character, the time budget) instead sends the
        items not yet read to be read one by one, so that only the bad item is rejected.
        The tail of a list (a `---` line cut an item in two) is read the same way once its
        broken head, the lines before its first item, is rejected.
        """
        done = 0
        stopped: Rejection | None = None
        try:
            text = data.decode("utf-8")
            for item in self._document(text, piece.line, piece.document, recover=True):
                done += 1
                yield item
            return
        except UnicodeDecodeError:
            pass
        except _Stopped as exc:
            stopped = exc.args[0]
        parts = _items_of(data, piece.line, piece.document)
        if not piece.list_root:
            first = parts[0].line if parts else piece.line
            line = stopped.line if stopped is not None and stopped.line < first else piece.line
            reason = "malformed YAML: this document starts inside a list item (a `---` line"
            reason += " within an item?); its lines before the next item were not read"
            yield Rejection(line, reason, f"document {piece.document}")
            done = 0
        for part in parts[done:]:
            yield from self._piece(part)

    # -- one document -----------------------------------------------------------------------
    def _document(
        self, text: str, first_line: int, document: int, item: int = 0, recover: bool = False
    ) -> Iterator[RawRecord | Rejection]:
        """The records of a document (or of its `item`th item alone), within its time budget.

        With `recover`, a problem that stops the document raises `_Stopped` instead of being
        yielded, for the caller to read the rest another way.
        """
        where = f"document {document}"
        unit = "item" if item else "document"
        label = f"{where}, item {item}" if item else where
        budget = deadline.budget_for(len(text))
        spent = 0.0  # only while parsing: the caller's work between items is not this budget's
        try:
            loader = _Loader(text)
        except yaml.reader.ReaderError as exc:
            line = first_line + text.count("\n", 0, exc.position)
            reason = "a control character YAML does not allow (such as NUL); "
            yield _stop(Rejection(line, f"{reason}this {unit} was not read", label), recover)
            return
        items = _Items(loader, first_line, where, max(item - 1, 0), unit)
        try:
            while True:
                started = deadline.clock()
                try:
                    with deadline.within(max(budget - spent, 0.001)):
                        got = items.next_item()
                except deadline.DeadlineExceeded:
                    reason = f"took longer than its {budget:.1f} s budget to read; the rest of"
                    late = Rejection(items.line, f"{reason} this {unit} was not read", label)
                    yield _stop(late, recover)
                    return
                spent += deadline.clock() - started
                if got is None:
                    return
                yield _stop(got, recover) if items.broken else self._checked(got)
                if items.broken:
                    return
        finally:
            loader.dispose()

    def _checked(self, item: RawRecord | Rejection) -> RawRecord | Rejection:
        if isinstance(item, Rejection):
            return item
        if not isinstance(item.value, dict):
            return Rejection(item.line, f"expected a mapping, found {what(item.value)}", item.where)
        try:
            value = limits.normalize(item.value, self.changes)
        except limits.LimitError as exc:
            return Rejection(item.line, str(exc), item.where)
        return RawRecord(item.line, value, item.end_offset, item.where)


class _Stopped(Exception):
    """A document stopped part-way (the rejection saying why is `args[0]`)."""


def _stop(rejection: RawRecord | Rejection, recover: bool) -> RawRecord | Rejection:
    """The rejection that stops a document, or `_Stopped` when the caller recovers from it."""
    if recover:
        raise _Stopped(rejection)
    return rejection


def _items_of(data: bytes, first_line: int, document: int) -> list[_Piece]:
    """A root block list's items as pieces of their own (lines before the first are dropped)."""
    starts = [m.start() for m in _ITEM_LINE.finditer(data)] + [len(data)]
    return [
        _Piece(first_line + data.count(b"\n", 0, begin), data[begin:end], document, number)
        for number, (begin, end) in enumerate(itertools.pairwise(starts), start=1)
    ]


@dataclass(frozen=True)
class _Piece:
    """A document (or, of a root list too big to hold, one of its items) as bytes."""

    line: int
    data: bytes | None
    """None when the piece is over the size limit (it was skipped, not held)."""
    document: int
    first_item: int = 0
    """When a root list was cut into its items: the number of the piece's item, else 0."""
    list_root: bool = False
    """Whether the document is a block list at column 0 (so it can be cut into its items)."""


class _Cutter:
    """Cuts a YAML byte stream at its document markers, holding at most one limit of it.

    A document over the limit whose root is a block list (`- ` at column 0) is cut further,
    item by item (in such a list every line at column 0 starts an item, a comment or a
    marker), so a large YAML export still lands record by record. Anchors then reach only
    within an item; a smaller document is read whole, aliases and all.
    """

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.lines = 0
        self.document = 0
        self._reset(1)

    def _reset(self, line: int) -> None:
        self.buf = bytearray()
        self.start = line
        self.content = False
        self.over = False
        self.list_root = False
        self.item = 0  # > 0 once the document is being cut into items

    def pieces(self) -> Iterator[_Piece]:
        """Every piece of the file in order."""
        for raw in self._lines():
            marker = _MARKER.match(raw)
            kind = marker.group(1) if marker is not None else None
            if kind == b"---" and self.content:
                yield self._flush()
                self._reset(self.lines)
            if self.item and _ITEM.match(raw):
                yield self._flush()
                self.buf, self.start, self.over = bytearray(), self.lines, False
                self.item += 1
            if not self.buf:
                self.start = self.lines
            if not self.over:
                self.buf += raw
            if not self.content and _has_content(raw, marker):
                self.content = True
                self.list_root = marker is None and _ITEM.match(raw) is not None
            if len(self.buf) > self.limit and not self.over:
                if self.list_root and not self.item:
                    yield from self._cut_items()
                self.over = len(self.buf) > self.limit
            if kind == b"..." and self.content:
                yield self._flush()
                self._reset(self.lines + 1)
        if self.content:
            yield self._flush()

    def _flush(self) -> _Piece:
        """The piece held now (a new document unless it is an item of one being cut)."""
        self.document += self.item == 0
        data = None if self.over else bytes(self.buf)
        return _Piece(self.start, data, self.document, self.item, self.list_root)

    def _cut_items(self) -> Iterator[_Piece]:
        """Yield the whole items held so far; keep the last (it may go on) as the buffer."""
        starts = [m.start() for m in _ITEM_LINE.finditer(self.buf)]
        if not starts:
            return
        self.document += 1
        for number, (begin, end) in enumerate(itertools.pairwise(starts), start=1):
            line = self.start + self.buf.count(b"\n", 0, begin)
            piece = bytes(self.buf[begin:end])
            yield _Piece(line, piece if len(piece) <= self.limit else None, self.document, number)
        self.item = len(starts)
        self.start += self.buf.count(b"\n", 0, starts[-1])
        self.buf = self.buf[starts[-1] :]

    def _lines(self) -> Iterator[bytes]:
        """The file's lines; one over the limit is cut there and its rest skipped unread."""
        while True:
            raw = self.stream.readline(self.limit + 1)
            if not raw:
                return
            self.lines += 1
            if len(raw) > self.limit and not raw.endswith(b"\n"):
                while True:
                    chunk = self.stream.readline(1 << 16)
                    if not chunk or chunk.endswith(b"\n"):
                        break
            yield raw


class _Items:
    """Pulls one record at a time out of a loader: the root, or each item of a root list."""

    def __init__(
        self, loader: _Loader, first_line: int, where: str, items_before: int, unit: str
    ) -> None:
        self.loader = loader
        self.unit = unit
        self.first_line = first_line
        self.where = where
        self.line = first_line
        self.broken = False
        self._state = "stream"
        self._item = items_before

    def next_item(self) -> RawRecord | Rejection | None:
        """The next record or rejection; None when the document has no more."""
        try:
            return self._next()
        except yaml.MarkedYAMLError as exc:
            self.broken = True
            mark = exc.problem_mark or exc.context_mark
            line = self.first_line + mark.line if mark is not None else self.line
            rest = f"the rest of this {self.unit} was not read"
            return Rejection(line, f"malformed YAML: {_reason(exc)}; {rest}", self._where())
        except yaml.YAMLError:
            self.broken = True
            reason = f"malformed YAML; this {self.unit} was not read"
            return Rejection(self.line, reason, self._where())

    def _where(self) -> str:
        return f"{self.where}, item {self._item}" if self._item else self.where

    def _next(self) -> RawRecord | Rejection | None:
        loader = self.loader
        while True:
            if self._state == "stream":
                loader.get_event()  # StreamStartEvent
                self._state = "between"
            if self._state == "between":
                if loader.check_event(yaml.StreamEndEvent):
                    return None
                loader.get_event()  # DocumentStartEvent
                if loader.check_event(yaml.SequenceStartEvent):
                    loader.get_event()
                    self._state = "list"
                else:
                    self._state = "root"
            if self._state == "list":
                if loader.check_event(yaml.SequenceEndEvent):
                    loader.get_event()
                    self._end_document()
                    continue
                self._item += 1
                return self._record()
            record = self._record()
            self._end_document()
            return record

    def _end_document(self) -> None:
        self.loader.get_event()  # DocumentEndEvent
        self.loader.anchors = {}
        self._state = "between"

    def _record(self) -> RawRecord | Rejection:
        """Compose and construct the next node, or reject it (skipping its events)."""
        loader = self.loader
        self.line = self.first_line + loader.peek_event().start_mark.line
        where = self._where()
        depth_before = loader.depth
        try:
            node = loader.compose_node(None, None)
        except limits.LimitError as exc:
            loader.depth = depth_before
            _skip_node_events(loader)
            return Rejection(self.line, str(exc), where)
        expanded = _expanded_size(node, limits.MAX_VALUES)
        if expanded is None:
            return Rejection(self.line, "a YAML alias refers to the value it is in", where)
        if expanded > limits.MAX_VALUES:
            reason = f"expands to more than {limits.MAX_VALUES:,} values (YAML aliases)"
            return Rejection(self.line, reason, where)
        try:
            value = loader.construct_document(node)
        except limits.LimitError as exc:
            return Rejection(self.line, str(exc), where)
        except yaml.constructor.ConstructorError as exc:
            return Rejection(self.line, f"unreadable YAML value: {_reason(exc)}", where)
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            return Rejection(self.line, f"unreadable YAML value ({type(exc).__name__})", where)
        return RawRecord(line=self.line, value=value, end_offset=node.end_mark.index, where=where)


def _skip_node_events(loader: _Loader) -> None:
    """Consume the rest of a node whose composing stopped part-way (a nesting limit)."""
    # The composer raised before taking the collection start past the limit; every
    # collection it had opened is still open, so count them back down from its depth.
    depth = limits.MAX_DEPTH
    opened = loader.peek_event()
    if not isinstance(opened, yaml.CollectionStartEvent):
        return
    while True:
        event = loader.get_event()
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            if depth <= 0:
                return
        elif isinstance(event, yaml.DocumentEndEvent | yaml.StreamEndEvent):
            return


def _has_content(raw: bytes, marker: re.Match[bytes] | None) -> bool:
    """Whether a line holds YAML content (not blank, a comment, a directive or a bare marker)."""
    rest = raw[marker.end() :] if marker is not None else raw
    stripped = rest.strip()
    if not stripped or stripped.startswith(b"#"):
        return False
    return not (marker is None and raw.startswith(b"%"))


def _expanded_size(node: yaml.Node, budget: int) -> int | None:
    """How many values a node holds once aliases are expanded (None for a cycle), memoized.

    A few lines of nested aliases can stand for billions of values; each distinct node is
    counted once, so this costs the size of the document, not of its expansion.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if key in sizes:
            continue
        children = _children(current)
        if not children_done:
            if key in in_progress:
                return None
            in_progress.add(key)
            stack.append((current, True))
            for child in children:
                if id(child) in in_progress:
                    return None
                if id(child) not in sizes:
                    stack.append((child, False))
            continue
        in_progress.discard(key)
        sizes[key] = min(budget + 1, 1 + sum(sizes.get(id(c), 0) for c in children))
    return sizes[id(node)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _reason(exc: yaml.YAMLError) -> str:
    """PyYAML's problem in words that quote no content (quoted text is dropped)."""
    problem = str(getattr(exc, "problem", None) or getattr(exc, "context", None) or "")
    if "\\t" in problem:
        return "a tab where YAML needs spaces (indentation must use spaces)"
    safe = _QUOTED.sub(lambda m: m.group() if _SAFE_TOKEN.fullmatch(m.group()) else "…", problem)
    return safe or "unreadable"
