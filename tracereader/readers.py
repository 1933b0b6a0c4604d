"""Stream parsed records out of trace files of any size, rejecting bad ones without quoting them.

JSONL is read line by line in binary (so byte offsets can resume a grown file), a JSON file is
decoded value by value (array elements one at a time), YAML one document at a time; any of them
may be gzip-compressed. No record larger than `MAX_RECORD_BYTES` is ever held whole in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import yaml

from tracereader.formats.base import RawRecord
from tracereader.model import Rejection

MAX_RECORD_BYTES = 10 * 1024 * 1024
"""Largest record accepted; bigger ones are skipped in chunks and rejected."""
CHUNK_BYTES = 1 << 16
_TAIL = 16  # a decode error this close to the buffer end may just be a cut token
KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}

_WS = re.compile(r"[ \t\r\n]*")
_STRUCTURE = re.compile(r'["\[\]{}]')
_STRING_END = re.compile(r'["\\]')
_SEPARATOR = re.compile(r"[,\n\]]")
_SURROGATE = re.compile("[\udc80-\udcff]")
_TYPE_NAMES = {
    list: "a list",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}


def file_kind(path: Path) -> tuple[str, bool] | None:
    """(`jsonl`|`json`|`yaml`, gzipped) for a supported file name, else None."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    kind = KINDS.get(suffixes[-1]) if suffixes else None
    return None if kind is None else (kind, gz)


def _what(value: Any) -> str:
    return "null" if value is None else _TYPE_NAMES.get(type(value), type(value).__name__)


def _too_big(limit: int) -> str:
    return f"record is larger than the {limit / (1024 * 1024):g} MB limit; skipped"


class RecordReader:
    """Iterate one file's records as `RawRecord` or `Rejection`, in file order.

    For plain JSONL, reading may start at `start_offset` (line `start_line`), and `hasher`
    (if given) is fed exactly the bytes consumed, so `consumed_bytes` and the hash describe
    the same prefix. An unterminated last line that does not parse is neither consumed nor
    rejected: a writer may still be appending to it, so it is left for the next read and its
    line number kept in `pending_line` (gzip files are read whole, so there it is rejected).
    """

    def __init__(
        self,
        path: Path,
        *,
        start_offset: int = 0,
        start_line: int = 1,
        hasher: Any = None,
        max_record_bytes: int = MAX_RECORD_BYTES,
    ) -> None:
        kind = file_kind(path)
        if kind is None:
            raise ValueError(f"{path}: not a .jsonl, .json, .yaml or .yml file (optionally .gz)")
        self.path = path
        self.kind, self.gzipped = kind
        self.start_offset = start_offset
        self.start_line = start_line
        self.hasher = hasher
        self.limit = max_record_bytes
        self.consumed_bytes = start_offset
        self.consumed_lines = start_line - 1
        self.pending_line: int | None = None
        self._raw: IO[bytes] | None = None

    @property
    def incremental(self) -> bool:
        """Whether this file can be resumed from a byte offset (plain JSONL only)."""
        return self.kind == "jsonl" and not self.gzipped

    def pending_notice(self) -> str | None:
        """`PATH:LINE: last line is incomplete; ...` when a half-written line was left."""
        if self.pending_line is None:
            return None
        where = f"{self.path}:{self.pending_line}"
        return f"{where}: last line is incomplete; it will be read by the next ingest"

    def raw_position(self) -> int:
        """How far into the file on disk reading has got (compressed bytes for .gz)."""
        try:
            return self._raw.tell() if self._raw is not None else 0
        except (OSError, ValueError):
            return 0

    def __iter__(self) -> Iterator[RawRecord | Rejection]:
        with open(self.path, "rb") as raw:
            self._raw = raw
            stream: IO[bytes] = (
                gzip.GzipFile(fileobj=raw, mode="rb") if self.gzipped else raw  # type: ignore[assignment]
            )
            try:
                if self.kind == "jsonl":
                    if self.start_offset and self.incremental:
                        raw.seek(self.start_offset)
                    yield from self._jsonl(stream)
                elif self.kind == "json":
                    yield from self._json(stream)
                else:
                    yield from self._yaml(stream)
            except (OSError, EOFError, zlib.error):
                line = self.consumed_lines + 1
                yield Rejection(line, "file is truncated or not valid gzip; the rest was not read")

    # -- JSONL ------------------------------------------------------------------------------
    def _jsonl(self, stream: IO[bytes]) -> Iterator[RawRecord | Rejection]:
        line = self.start_line - 1
        offset = self.start_offset if self.incremental else 0
        while True:
            raw = stream.readline(self.limit + 1)
            if not raw:
                return
            line += 1
            terminated = raw.endswith(b"\n")
            body = raw[:-1] if terminated else raw
            if len(body) > self.limit:
                size = self._drain_line(stream, raw)
                offset += size
                self._consume(None, offset, line)
                yield Rejection(line, _too_big(self.limit))
                continue
            outcome = self._parse_line(body, line, offset + len(raw))
            if not terminated and isinstance(outcome, Rejection) and self.incremental:
                self.pending_line = line  # maybe still being written: leave it for the next read
                return
            offset += len(raw)
            self._consume(raw, offset, line)
            if outcome is not None:
                yield outcome

    def _drain_line(self, stream: IO[bytes], first: bytes) -> int:
        """Skip the rest of an oversized line chunk by chunk; return its total size in bytes."""
        size = len(first)
        if self.hasher is not None:
            self.hasher.update(first)
        chunk = first
        while not chunk.endswith(b"\n"):
            chunk = stream.readline(CHUNK_BYTES)
            if not chunk:
                break
            size += len(chunk)
            if self.hasher is not None:
                self.hasher.update(chunk)
        return size

    def _consume(self, raw: bytes | None, offset: int, line: int) -> None:
        if raw is not None and self.hasher is not None:
            self.hasher.update(raw)
        self.consumed_bytes = offset
        self.consumed_lines = line

    def _parse_line(self, body: bytes, line: int, end: int) -> RawRecord | Rejection | None:
        if line == 1 and body.startswith(b"\xef\xbb\xbf"):
            body = body[3:]
        if not body.strip():
            return None
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return Rejection(line, f"invalid UTF-8 at byte {exc.start + 1} of the line")
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            return Rejection(line, f"malformed JSON: {exc.msg} at column {exc.colno}")
        except RecursionError:
            return Rejection(line, "malformed JSON: nested too deeply")
        if not isinstance(value, dict):
            return Rejection(line, f"expected a JSON object, found {_what(value)}")
        return RawRecord(line=line, value=value, end_offset=end)

    # -- JSON -------------------------------------------------------------------------------
    def _json(self, stream: IO[bytes]) -> Iterator[RawRecord | Rejection]:
        """Top-level values one by one; a top-level array yields its elements one by one."""
        yield from _JsonStream(stream, self.limit).records()

    # -- YAML -------------------------------------------------------------------------------
    def _yaml(self, stream: IO[bytes]) -> Iterator[RawRecord | Rejection]:
        """One document at a time; a document holding a list yields its items."""
        loader = yaml.SafeLoader(stream)
        line = 1
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is None:
                    continue
                items = node.value if isinstance(node, yaml.SequenceNode) else [node]
                for item in items:
                    line = item.start_mark.line + 1
                    if item.end_mark.index - item.start_mark.index > self.limit or (
                        _expanded_size(item, self.limit) > self.limit
                    ):
                        yield Rejection(line, _too_big(self.limit))
                        continue
                    value = loader.construct_document(item)
                    if not isinstance(value, dict):
                        yield Rejection(line, f"expected a mapping, found {_what(value)}")
                    else:
                        yield RawRecord(line=line, value=value, end_offset=item.end_mark.index)
        except yaml.reader.ReaderError:
            yield Rejection(line, "invalid UTF-8; the rest of the file was not read")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            where = mark.line + 1 if mark is not None else line
            yield Rejection(where, "malformed YAML; the rest of the file was not read")
        finally:
            loader.dispose()


class _JsonStream:
    """Incremental JSON value decoder over a sliding text buffer, tracking line numbers.

    Bytes are decoded with `surrogateescape`, so invalid UTF-8 only spoils the value it is in.
    """

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.decoder = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.base = 0  # characters dropped from the front of the buffer
        self._tail = b""

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
            match = _WS.match(self.buf, self.pos)
            end = match.end() if match else self.pos
            while end < len(self.buf) and self.buf[end] in extra:
                end = _WS.match(self.buf, end + 1).end()  # type: ignore[union-attr]
            self._advance(end)
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return None

    def records(self) -> Iterator[RawRecord | Rejection]:
        depth = 0  # 1 while inside a top-level array
        while True:
            char = self._skip_ws(",")  # commas between top-level values are tolerated too
            if char is None:
                if depth:
                    yield Rejection(self.line, "malformed JSON: the array is not closed")
                return
            if depth == 0 and char == "[":
                depth = 1
                self._advance(self.pos + 1)
                continue
            if depth and char == "]":
                depth = 0
                self._advance(self.pos + 1)
                continue
            before = self.base + self.pos
            yield self._one_value()
            if self.base + self.pos == before:  # never stall on a character nothing accepts
                self._advance(self.pos + 1)

    def _one_value(self) -> RawRecord | Rejection:
        line = self.line
        read_size = CHUNK_BYTES
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                truncated = exc.pos >= len(self.buf) - _TAIL or exc.msg.startswith("Unterminated")
                if truncated and not self.eof and len(self.buf) - self.pos <= self.limit:
                    self._fill(read_size)
                    read_size = min(read_size * 2, self.limit)
                    continue
                if len(self.buf) - self.pos > self.limit:
                    self._skip_value()
                    return Rejection(line, _too_big(self.limit))
                col_line = self.buf.count("\n", self.pos, exc.pos)
                self._skip_value()
                return Rejection(line + col_line, f"malformed JSON: {exc.msg}")
            except RecursionError:
                self._skip_value()
                return Rejection(line, "malformed JSON: nested too deeply")
            if end - self.pos > self.limit:
                self._advance(end)
                return Rejection(line, _too_big(self.limit))
            has_bad_bytes = _SURROGATE.search(self.buf, self.pos, end) is not None
            self._advance(end)
            if has_bad_bytes:
                return Rejection(line, "invalid UTF-8")
            if not isinstance(value, dict):
                return Rejection(line, f"expected a JSON object, found {_what(value)}")
            return RawRecord(line=line, value=value, end_offset=self.base + end)

    def _skip_value(self) -> None:
        """Discard one value (balanced brackets, strings respected) without holding it whole."""
        depth = 0
        in_string = False
        started = False
        while True:
            if self.pos >= len(self.buf) and not self._fill():
                return
            if in_string:
                match = _STRING_END.search(self.buf, self.pos)
                if match is None:
                    self._advance(len(self.buf))
                    continue
                if match.group() == "\\":
                    if match.end() >= len(self.buf) and not self._fill():
                        return
                    self._advance(min(match.end() + 1, len(self.buf)))
                    continue
                in_string = False
                self._advance(match.end())
                if depth == 0:
                    return
                continue
            match = _STRUCTURE.search(self.buf, self.pos)
            if match is None:
                if started and depth == 0:
                    return
                self._advance(len(self.buf))
                continue
            if depth == 0 and started:
                return
            char = match.group()
            if not started and depth == 0 and match.start() > self.pos:
                # a bare scalar or garbage: skip to the next separator or line end
                stop = _SEPARATOR.search(self.buf, self.pos + 1)
                self._advance(stop.start() if stop else len(self.buf))
                return
            started = True
            self._advance(match.end())
            if char == '"':
                in_string = True
            elif char in "[{":
                depth += 1
            else:
                depth -= 1
                if depth <= 0:
                    return


def _expanded_size(node: yaml.Node, budget: int) -> int:
    """Characters plus nodes once aliases are expanded, counted only up to `budget`.

    A few lines of nested YAML aliases can expand to billions of values; this stops them.
    """
    size = 0
    stack = [node]
    while stack and size <= budget:
        current = stack.pop()
        size += 1
        if isinstance(current, yaml.ScalarNode):
            size += len(current.value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
    return size


def sha256_file(path: Path, upto: int | None = None) -> Any:
    """A sha256 object fed the file's first `upto` bytes (all of it when None)."""
    digest = hashlib.sha256()
    remaining = upto
    with open(path, "rb") as handle:
        while remaining is None or remaining > 0:
            size = 1 << 20 if remaining is None else min(1 << 20, remaining)
            chunk = handle.read(size)
            if not chunk:
                break
            digest.update(chunk)
            if remaining is not None:
                remaining -= len(chunk)
    return digest
