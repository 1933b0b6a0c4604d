"""Decode a JSON file value by value (a top-level array element by element) in bounded memory.

A bad element costs only itself: the reader resynchronises on the next element, by its
bracket-balanced end, by the indentation the array's elements start at (pretty-printed and
one-per-line arrays), or failing both by the next `{` after a comma that decodes cleanly.
Bytes are decoded with `surrogateescape`, so invalid UTF-8 only spoils the element it is in.

An export envelope the readers accept (`ENVELOPES`: a Langfuse list page, a Braintrust fetch
page, a Langfuse UI download, an OTLP export) is streamed the same way, element by element of
its list, whenever it is one exactly (no other keys) or cannot be read whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from tracereader.formats.base import RawRecord
from tracereader.model import Rejection
from tracereader.reading import limits

CHUNK_BYTES = 1 << 16
MAX_RESYNC_TRIES = 1_000
"""Candidate element starts tried after an unbalanced element before giving up on the file."""
_TAIL = 16  # a decode error this close to the buffer end may just be a cut token
_WS = re.compile(r"[ \t\r\n]*")
_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?|[\[\]{}]')
_CANDIDATE = re.compile(r"[,\n][ \t\r\n]*(?=\{)")
_FIRST_KEY = re.compile(r'\{[ \t\r\n]*"(\w{1,40})"[ \t\r\n]*:')
_SCALAR_END = re.compile(r"[,\n\]}]")
_STRUCTURE = re.compile(r'["\[\]{}]')
_STRING_REST = re.compile(r'(?:[^"\\\n]|\\.)*')
_KEEP = 256  # characters kept at the buffer's end while skipping (a boundary may straddle it)
_TYPE_NAMES = {list: "a list", str: "a string", int: "a number", float: "a number"}


def what(value: Any) -> str:
    """`null`, `a list`, `a string`, … for "expected an object, found …" messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def too_big(limit: int) -> str:
    """The reason given for a record over the size limit."""
    return f"record is larger than the {limit / (1024 * 1024):g} MB limit; skipped"


@dataclass(frozen=True)
class Envelope:
    """A wrapper object whose lists hold the records (`{"data": [...], "meta": {...}}`)."""

    lists: frozenset[str]
    """Keys whose list elements are records, read one by one."""
    records: frozenset[str] = frozenset()
    """Keys whose object value is a record of its own (a Langfuse download's `trace`)."""
    ignored: frozenset[str] = frozenset()
    """Bookkeeping keys no reader reads (pagination)."""
    rewrap: bool = False
    """Hand each element on as `{key: [element]}` (the reader reads the envelope's shape)."""

    @property
    def keys(self) -> frozenset[str]:
        return self.lists | self.records | self.ignored

    def holds(self, value: Any) -> bool:
        """Whether a decoded value is exactly this envelope (no key any record might own)."""
        return (
            isinstance(value, dict)
            and set(value) <= self.keys
            and any(isinstance(value.get(key), list) for key in self.lists)
            and all(isinstance(value[key], dict) for key in self.records & set(value))
        )


ENVELOPES = (
    Envelope(frozenset({"data"}), ignored=frozenset({"meta"})),  # Langfuse API list page
    Envelope(frozenset({"events"}), ignored=frozenset({"cursor"})),  # Braintrust fetch page
    Envelope(frozenset({"observations", "scores"}), frozenset({"trace"})),  # Langfuse download
    Envelope(frozenset({"resourceSpans"}), rewrap=True),  # OTLP/JSON trace export
)
_BY_FIRST_KEY = {key: envelope for envelope in ENVELOPES for key in envelope.keys}
_BESIDE = "a value beside the export envelope's records that no reader reads; skipped"


def split_envelope(value: Any) -> list[tuple[Any, str | None]] | None:
    """The records of an already decoded export envelope as (record or rejection reason,
    where); None when `value` is not exactly one (it is a record of its own).

    The same records, in the same order and with the same `where`, as streaming the envelope
    gives (`JsonStream._envelope`): reading a whole line at C speed and splitting it is what
    keeps envelope pages as fast as any other line. A reason is a `str` in place of a record.
    """
    if not isinstance(value, dict) or not value:
        return None
    envelope = _BY_FIRST_KEY.get(next(iter(value)))
    if envelope is None or not envelope.holds(value):
        return None
    parts: list[tuple[Any, str | None]] = []
    for key, item in value.items():
        if key in envelope.lists and isinstance(item, list):
            for index, element in enumerate(item, 1):
                where = f"{key} element {index}"
                if not isinstance(element, dict):
                    parts.append((f"expected a JSON object, found {what(element)}", where))
                else:
                    parts.append(({key: [element]} if envelope.rewrap else element, where))
        elif key in envelope.records:
            parts.append((item, key))
        elif key not in envelope.ignored:
            parts.append((_BESIDE, None))
    return parts


class _Failed(Exception):
    """One element cannot be read: where its problem is and why (never its content)."""

    def __init__(self, line: int, reason: str, *, big: bool = False) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason
        self.big = big
        """Over the size limit: skip it without holding it (`_skip_big`)."""


class JsonStream:
    """Incremental JSON value decoder over a sliding text buffer, tracking line numbers."""

    def __init__(self, stream: IO[bytes], limit: int, changes: limits.Normalized) -> None:
        self.stream = stream
        self.limit = limit
        self.changes = changes
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.base = 0  # characters dropped from the front of the buffer
        self._tail = b""
        self._boundary: re.Pattern[str] | None = None  # where elements start a line
        self._after_big: re.Pattern[str] | None = None  # ... or the array's `]` does
        self.gave_up = False
        self.unclosed = False
        """An array or envelope ran to the end of the input unclosed (cut short, maybe still
        being written)."""

    # -- the buffer -------------------------------------------------------------------------
    def _fill(self, size: int = CHUNK_BYTES) -> bool:
        """Append at least one more chunk to the buffer; False at end of file."""
        if self.eof:
            return False
        data = self._tail + self.stream.read(size)
        if len(data) == len(self._tail):
            self.eof = True
            if self._tail:
                self.buf += self._tail.decode("utf-8", "surrogateescape")
                self._tail = b""
                return True
            return False
        cut = len(data)
        while cut > 0 and cut > len(data) - 4 and (data[cut - 1] & 0xC0) == 0x80:
            cut -= 1
        if cut > 0 and data[cut - 1] >= 0xC0:
            cut -= 1  # keep an incomplete multi-byte sequence for the next chunk
        self._tail = data[cut:]
        text = data[:cut].decode("utf-8", "surrogateescape")
        if not self.buf and not self.base and text.startswith("\ufeff"):
            text = text[1:]  # a byte-order mark
        self.buf += text
        return True

    def _advance(self, new_pos: int) -> None:
        self.line += self.buf.count("\n", self.pos, new_pos)
        self.pos = new_pos
        if self.pos > CHUNK_BYTES:
            self.base += self.pos
            self.buf = self.buf[self.pos :]
            self.pos = 0

    def _skip_ws(self, extra: str = "") -> str | None:
        """Skip whitespace (and `extra` characters); return the next character or None at EOF."""
        while True:
            end = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            while end < len(self.buf) and self.buf[end] in extra:
                end = _WS.match(self.buf, end + 1).end()  # type: ignore[union-attr]
            self._advance(end)
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return None

    # -- values -----------------------------------------------------------------------------
    def records(self) -> Iterator[RawRecord | Rejection]:
        """Top-level values one by one; a top-level array yields its elements one by one."""
        while True:
            char = self._skip_ws(",")  # commas between top-level values are tolerated too
            if char is None:
                return
            envelope = self._envelope_at(self.pos) if char == "{" else None
            if char == "[":
                yield from self._list(None)
            elif envelope is not None:
                yield from self._envelope(envelope)
            else:
                yield self._element(None)
            if self.gave_up:  # nothing after this could be resynchronised on
                return

    def _list(self, key: str | None, rewrap: bool = False) -> Iterator[RawRecord | Rejection]:
        """The elements of the list at `pos` (top-level, or an envelope's `key`), one by one."""
        self._advance(self.pos + 1)
        self._learn_layout()
        index = 0
        while True:
            char = self._skip_ws(",")
            if char is None:
                what = "the array" if key is None else f"the `{key}` list"
                self.unclosed = True
                yield Rejection(self.line, f"malformed JSON: {what} is not closed")
                return
            if char == "]":
                self._advance(self.pos + 1)
                self._boundary = self._after_big = None
                return
            index += 1
            item = self._element(f"element {index}" if key is None else f"{key} element {index}")
            if rewrap and key is not None and isinstance(item, RawRecord):
                item = RawRecord(item.line, {key: [item.value]}, item.end_offset, item.where)
            yield item
            if self.gave_up:
                return

    # -- envelopes --------------------------------------------------------------------------
    def envelope_records(self) -> list[RawRecord | Rejection] | None:
        """The records of a stream that is one export envelope (a JSONL line); else None."""
        if self._skip_ws() != "{":
            return None
        envelope = self._envelope_at(self.pos)
        if envelope is None:
            return None
        return [*self._envelope(envelope), *([] if self.gave_up else self.records())]

    def _envelope_at(self, start: int) -> Envelope | None:
        """The envelope the object at `start` is, to be streamed; None to read it whole.

        Its first key names the candidate. It is streamed when it decodes to exactly that
        envelope, or when it cannot be decoded whole (too big, or a bad element somewhere):
        a record that merely starts with such a key (a native trace's `events`) is read whole.
        """
        while len(self.buf) - start < 256 and self._fill():
            pass
        match = _FIRST_KEY.match(self.buf, start)
        envelope = _BY_FIRST_KEY.get(match.group(1)) if match is not None else None
        if envelope is None:
            return None
        fast = self._decode_clean(start)
        if fast is not None:
            return envelope if envelope.holds(fast[0]) else None
        try:
            value, _ = self._decode(start)
        except _Failed:
            return envelope
        return envelope if envelope.holds(value) else None

    def _envelope(self, envelope: Envelope) -> Iterator[RawRecord | Rejection]:
        """The records of the envelope object at `pos`, key by key, its lists element by element."""
        self._advance(self.pos + 1)
        while True:
            char = self._skip_ws(",")
            if char is None:
                self.unclosed = True
                yield Rejection(self.line, "malformed JSON: the object is not closed")
                return
            if char == "}":
                self._advance(self.pos + 1)
                return
            line = self.line
            key = self._key()
            if key is None:
                self.gave_up = True
                reason = "malformed JSON: a key of the export envelope cannot be read"
                yield Rejection(line, f"{reason}; the rest of the file was not read")
                return
            char = self._skip_ws()
            if key in envelope.lists and char == "[":
                yield from self._list(key, envelope.rewrap)
            elif key in envelope.records:
                yield self._element(key)
            else:
                self._element(key)  # read past it: bookkeeping, or a key no reader reads
                if key not in envelope.ignored:
                    yield Rejection(line, _BESIDE)
            if self.gave_up:
                return

    def _key(self) -> str | None:
        """The object key at `pos` and the colon after it, consumed; None if there is none."""
        if self.pos >= len(self.buf) or self.buf[self.pos] != '"':
            return None
        while True:
            try:
                key, end = limits.DECODER.raw_decode(self.buf, self.pos)
                break
            except json.JSONDecodeError:
                if self.eof or len(self.buf) - self.pos > CHUNK_BYTES or not self._fill():
                    return None
        self._advance(end)
        if self._skip_ws() != ":" or not isinstance(key, str):
            return None
        self._advance(self.pos + 1)
        return key

    def _learn_layout(self) -> None:
        """Note the indentation the first element starts a line at, to find the next ones."""
        lines_before = self.line
        self._skip_ws()
        newline = self.buf.rfind("\n", 0, self.pos)
        self._boundary = self._after_big = None
        if self.line > lines_before and newline >= 0:
            prefix = self.buf[newline + 1 : self.pos]
            self._boundary = re.compile("\n" + re.escape(prefix) + r"(?=[^\s\]},])")
            # ... or the array's own `]`, indented less than its elements
            closing = f"\\n[ \\t]{{0,{len(prefix) - 1}}}(?=\\])" if prefix else r"\n(?=\])"
            self._after_big = re.compile(f"{self._boundary.pattern}|{closing}")

    def _element(self, where: str | None) -> RawRecord | Rejection:
        """One value at `pos`: a record, or a rejection after skipping to the next value."""
        line = self.line
        start = self.pos
        fast = self._decode_clean(start)
        if fast is not None:  # the common case: decoded at C speed, within the limits
            value, end, clean = fast
            self._advance(end)
            if not isinstance(value, dict):
                return Rejection(line, f"expected a JSON object, found {what(value)}", where)
            if not clean:  # JSON in its strings, too many brackets to prove shallow: counted
                try:
                    value = limits.normalize(value, self.changes)
                except limits.LimitError as exc:
                    return Rejection(line, str(exc), where)
            return RawRecord(line=line, value=value, end_offset=self.base + end, where=where)
        try:
            value, end = self._decode(start)
        except _Failed as failed:
            skipped = self._skip_big(start) if failed.big else None
            if skipped is None:
                skipped = self._skip_failed(start, in_array=where is not None)
            if skipped:
                return Rejection(failed.line, failed.reason, where)
            self._advance(len(self.buf))
            self.gave_up = True
            reason = f"{failed.reason}; no next record found, the rest of the file was not read"
            return Rejection(failed.line, reason, where)
        has_bad_bytes = limits.has_surrogate(self.buf[start:end])
        self._advance(end)
        if has_bad_bytes:
            return Rejection(line, "invalid UTF-8", where)
        if not isinstance(value, dict):
            return Rejection(line, f"expected a JSON object, found {what(value)}", where)
        try:
            value = limits.normalize(value, self.changes)
        except limits.LimitError as exc:
            return Rejection(line, str(exc), where)
        return RawRecord(line=line, value=value, end_offset=self.base + end, where=where)

    def _decode_clean(self, start: int) -> tuple[Any, int, bool] | None:
        """(value, end, clean) of the object or array at `start` if `limits.decoded_line` or
        `limits.decoded_clean` reads it, reading on while it is cut by the buffer's end;
        None sends it the full way. Not `clean`: the caller normalizes it."""
        if self.buf[start] not in "[{":
            return None  # scalars: rare, and a number may be cut by the buffer's end
        line_end = self.buf.find("\n", start)
        if line_end != -1:  # an element on a line of its own: read whole by orjson
            found = limits.decoded_line(self.buf, start, line_end)
            if found is not None and found[1] - start <= self.limit:
                return found
        while True:
            try:
                found = limits.decoded_clean(self.buf, start)
            except json.JSONDecodeError as exc:
                near_end = exc.pos >= len(self.buf) - _TAIL or exc.msg.startswith("Unterminated")
                held = len(self.buf) - start
                if near_end and not self.eof and held <= self.limit:
                    self._fill(min(max(CHUNK_BYTES, held), self.limit + 1 - held))
                    continue
                return None
            if found is None:
                return None
            end = found[1]
            if end - start > self.limit or limits.has_surrogate(self.buf[start:end]):
                return None
            return found

    def _decode(self, start: int) -> tuple[Any, int]:
        """Decode the value at `start` after checking its size and depth; _Failed otherwise."""
        line = self.line
        if self.buf[start] in "[{":
            status, end = self._scan(start)
            if status == "big":
                raise _Failed(line, too_big(self.limit), big=True)
            if status == "deep":
                raise _Failed(line, f"malformed JSON: {limits.too_deep()}")
        read_size = CHUNK_BYTES
        while True:
            try:
                value, end = limits.DECODER.raw_decode(self.buf, start)
            except json.JSONDecodeError as exc:
                near_end = exc.pos >= len(self.buf) - _TAIL or exc.msg.startswith("Unterminated")
                if near_end and not self.eof and len(self.buf) - start <= self.limit:
                    self._fill(read_size)
                    read_size = min(read_size * 2, self.limit)
                    continue
                if len(self.buf) - start > self.limit:
                    raise _Failed(line, too_big(self.limit), big=True) from None
                error_line = line + self.buf.count("\n", start, exc.pos)
                raise _Failed(error_line, f"malformed JSON: {exc.msg}") from None
            except limits.LimitError as exc:
                raise _Failed(line, str(exc)) from None
            except RecursionError:  # unreachable after the depth scan; kept as a backstop
                raise _Failed(line, f"malformed JSON: {limits.too_deep()}") from None
            if end >= len(self.buf) and not self.eof and self.buf[start] not in '[{"':
                self._fill()  # a number cut by the chunk boundary: read on and decode again
                continue
            if end - start > self.limit:
                raise _Failed(line, too_big(self.limit), big=True)
            return value, end

    def _scan(self, start: int) -> tuple[str, int]:
        """("ok", end) past the balanced value at `start`, ("deep"|"big"|"open", where).

        A string left open at a line end ends there (JSON strings hold no raw newline), so
        a broken element cannot swallow the lines after it.
        """
        depth = 0
        deep = False
        at = start
        while True:
            for match in _TOKEN.finditer(self.buf, at):
                token = match.group()
                if token[0] == '"':
                    if (len(token) == 1 or token[-1] != '"') and match.end() >= len(self.buf):
                        at = match.start()  # a string cut by the buffer end: read on
                        break
                    continue
                depth += 1 if token in "[{" else -1
                deep = deep or depth > limits.MAX_DEPTH
                if depth <= 0:
                    return ("deep" if deep else "ok"), match.end()
            else:
                at = len(self.buf)
            if len(self.buf) - start > self.limit:
                return "big", len(self.buf)
            if not self._fill():
                return ("deep" if deep else "open"), len(self.buf)

    def _skip_failed(self, start: int, in_array: bool) -> bool:
        """Move past a failed element to where the next one starts; False when none does.

        Outside an array, text that does not even start a value (prose, a log line) is
        skipped to the next object that decodes, so a file that is not JSON at all is one
        rejection, not one per comma in it.
        """
        status, balanced = self._scan(start) if self.buf[start] in "[{" else ("open", start)
        target = balanced if status in ("ok", "deep") else None
        boundary = self._next_boundary(start, target)
        if boundary is not None:
            self._advance(boundary)
            return True
        if target is not None:
            self._advance(target)
            return True
        if self.buf[start] not in "[{" and in_array:  # a bare scalar or garbage: skip past it
            stop = _SCALAR_END.search(self.buf, start + 1)
            if stop is not None:
                self._advance(stop.start())
                return True
        # Unbalanced: the next clean object may even sit inside the broken one's brackets
        # (`{"a": [1, {good}, …`), so look from just after its start, not from the error.
        return self._resync(start + 1)

    def _skip_big(self, start: int) -> bool | None:
        """Move past an element over the size limit without holding it; None: cannot tell.

        With the array's layout known, to the next line an element (or the closing `]`)
        starts at; else past the element's balanced end. Nothing inside it is ever taken for
        an element of its own. False when the file ends first.
        """
        ahead = self._after_big
        if ahead is not None:
            at = start + 1
            while True:
                match = ahead.search(self.buf, at)
                if match is not None:
                    self._advance(match.end())
                    return True
                self._advance(max(self.pos, len(self.buf) - _KEEP))
                at = self.pos
                if not self._fill():
                    self._advance(len(self.buf))
                    return False
        if self.buf[start] not in '[{"':
            return None
        return self._skip_balanced(start)

    def _skip_balanced(self, start: int) -> bool:
        """Past the value at `start` by its brackets and strings, reading on chunk by chunk."""
        depth, in_string, at = 0, False, start
        while True:
            while at < len(self.buf):
                if in_string:
                    at = _STRING_REST.match(self.buf, at).end()  # type: ignore[union-attr]
                    if at >= len(self.buf) - 1:  # maybe cut (a lone backslash): read on
                        at = min(at, len(self.buf) - 1)
                        break
                    in_string = False  # at the closing quote, or a newline ending it
                    at += 1
                else:
                    match = _STRUCTURE.search(self.buf, at)
                    if match is None:
                        at = len(self.buf)
                        break
                    at = match.end()
                    char = match.group()
                    in_string = char == '"'
                    depth += 0 if in_string else (1 if char in "[{" else -1)
                if depth <= 0 and not in_string:
                    self._advance(at)
                    return True
            self._advance(max(self.pos, min(at, len(self.buf) - 1)))
            at = self.pos
            if not self._fill():
                self._advance(len(self.buf))
                return False

    def _next_boundary(self, start: int, before: int | None) -> int | None:
        """The next line where an element starts at the array's indentation, if known."""
        if self._boundary is None:
            return None
        while True:
            match = self._boundary.search(self.buf, start + 1)
            if match is not None:
                found = match.end()
                return found if before is None or found < before else None
            if before is not None or len(self.buf) - start > self.limit or not self._fill():
                return None

    def _resync(self, after: int) -> bool:
        """Advance to the next `{` after a comma or newline that decodes as an object."""
        self._advance(min(after, len(self.buf)))
        for _ in range(MAX_RESYNC_TRIES):
            match = _CANDIDATE.search(self.buf, self.pos)
            while match is None:
                self._advance(max(self.pos, len(self.buf) - 1))
                if not self._fill():
                    return False
                match = _CANDIDATE.search(self.buf, self.pos)
            self._advance(match.end())
            try:
                value, _ = self._decode(self.pos)
            except _Failed:
                value = None
            if isinstance(value, dict):
                return True
            self._advance(self.pos + 1)
        return False
