"""Stream parsed records out of trace files of any size, rejecting bad ones without quoting them.

JSONL is read line by line in binary (so byte offsets can resume a grown file), a JSON file is
decoded value by value (array elements one at a time), YAML one document at a time; any of them
may be gzip-compressed. No record larger than `MAX_RECORD_BYTES` is ever held whole in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tracereader.formats.base import RawRecord
from tracereader.model import Rejection
from tracereader.reading import limits
from tracereader.reading.json_stream import (
    ENVELOPES,
    JsonStream,
    split_envelope,
    too_big,
    what,
)
from tracereader.reading.yaml_stream import YamlStream

CHUNK_BYTES = 1 << 16
KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
MAX_RECORD_BYTES = limits.MAX_RECORD_BYTES
"""Largest record accepted; bigger ones are skipped in chunks and rejected."""
MAX_GZIP_RATIO = 100
"""A .gz file may expand to this many times the compressed bytes read (real traces: 5-15×)."""
GZIP_RATIO_AFTER = 16 * 1024 * 1024
"""The ratio is checked once this much has been decompressed (small files may be anything)."""
_BLANK = b" \t\r\n"
_ENVELOPE_LINE = re.compile(
    rb'[ \t]*\{[ \t]*"(?:'
    + b"|".join(re.escape(k.encode()) for e in ENVELOPES for k in sorted(e.keys))
    + rb')"[ \t]*:'
)
"""A JSONL line that may be an export envelope (a Braintrust fetch page, one per line)."""


class DecompressionBomb(OSError):
    """A .gz file expands far beyond any real trace file."""


class _BoundedGzip:
    """A GzipFile that stops once it expands past MAX_GZIP_RATIO times what was read of it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.inner = gzip.GzipFile(fileobj=raw, mode="rb")
        self.expanded = 0

    def _count(self, data: bytes) -> bytes:
        self.expanded += len(data)
        ratio = self.expanded / max(self.raw.tell(), 1)
        if self.expanded > GZIP_RATIO_AFTER and ratio > MAX_GZIP_RATIO:
            raise DecompressionBomb("decompression bomb")
        return data

    def read(self, size: int = -1) -> bytes:
        return self._count(self.inner.read(size))

    def readline(self, size: int = -1) -> bytes:
        return self._count(self.inner.readline(size))

    def peek(self, size: int = 0) -> bytes:
        return self.inner.peek(size)


def file_kind(path: Path) -> tuple[str, bool] | None:
    """(`jsonl`|`json`|`yaml`, gzipped) for a supported file name, else None."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    kind = KINDS.get(suffixes[-1]) if suffixes else None
    return None if kind is None else (kind, gz)


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
        self.changes = limits.Normalized()
        """NUL characters and non-finite numbers made safe in the records read so far."""
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
            stream: IO[bytes] = _BoundedGzip(raw) if self.gzipped else raw  # type: ignore[assignment]
            try:
                if self.kind == "jsonl":
                    if self.start_offset and self.incremental:
                        raw.seek(self.start_offset)
                    yield from self._jsonl(stream)
                elif self.kind == "json":
                    yield from self._json(stream)
                else:
                    yield from self._yaml(stream)
            except DecompressionBomb:
                reason = (
                    f"expands to more than {MAX_GZIP_RATIO} times its compressed size "
                    "(a decompression bomb?); the rest was not read"
                )
                yield Rejection(self.consumed_lines + 1, reason)
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
                yield Rejection(line, too_big(self.limit))
                continue
            page = self._envelope_line(body, line, offset + len(raw))
            outcome = self._parse_line(body, line, offset + len(raw)) if page is None else None
            unreadable = isinstance(outcome, Rejection) or (page is not None and not page[1])
            if isinstance(outcome, Rejection) and b"\r" in body.rstrip(b"\r"):
                # Lone CRs: old Mac line endings, not a half-written line; say what to do.
                reason = "lines end in CR only (old Mac line endings); convert them to LF"
                outcome = Rejection(line, f"{reason}, e.g. with tr '\\r' '\\n'")
            elif not terminated and unreadable and self.incremental:
                self.pending_line = line  # maybe still being written: leave it for the next read
                return
            offset += len(raw)
            self._consume(raw, offset, line)
            if page is not None:
                yield from page[0]
            elif outcome is not None:
                yield outcome
            elif terminated:  # a blank line: skip the whole run of them in one read
                skipped = self._skip_blank_lines(stream)
                if skipped:
                    offset += len(skipped)
                    line += skipped.count(b"\n")
                    self._consume(skipped, offset, line)

    @staticmethod
    def _skip_blank_lines(stream: IO[bytes]) -> bytes:
        """Consume the whole blank lines that follow (millions of them cost one read each)."""
        peek = getattr(stream, "peek", None)
        if peek is None:
            return b""
        taken = bytearray()
        while True:
            ahead = peek(CHUNK_BYTES)[:CHUNK_BYTES]
            blank = len(ahead) - len(ahead.lstrip(_BLANK))
            cut = ahead.rfind(b"\n", 0, blank) + 1
            if cut == 0:
                return bytes(taken)
            taken += stream.read(cut)
            if len(taken) > CHUNK_BYTES * 16:  # hand back now and then: offsets move on
                return bytes(taken)

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

    def _envelope_line(
        self, body: bytes, line: int, end: int
    ) -> tuple[list[RawRecord | Rejection], bool] | None:
        """A line holding an export envelope: its records element by element, and whether it
        was read to its end cleanly; None for any other line (read as one record)."""
        if not _ENVELOPE_LINE.match(body):
            return None
        whole = self._parse_line(body, line, end)
        if isinstance(whole, RawRecord):  # the common case: read at C speed, then split
            parts = split_envelope(whole.value)
            if parts is None:
                return [whole], True
            return [
                Rejection(line, value, where)
                if isinstance(value, str)
                else RawRecord(line, value, end, where)
                for value, where in parts
            ], True
        # Not readable whole: streamed, so that one bad element costs only itself.
        stream = JsonStream(io.BytesIO(body), self.limit, self.changes)
        items = stream.envelope_records()
        if items is None:
            return None
        placed: list[RawRecord | Rejection] = [
            RawRecord(line, i.value, end, i.where)
            if isinstance(i, RawRecord)
            else Rejection(line, i.reason, i.where)
            for i in items
        ]
        return placed, not (stream.unclosed or stream.gave_up)

    def _parse_line(self, body: bytes, line: int, end: int) -> RawRecord | Rejection | None:
        if line == 1 and body.startswith(b"\xef\xbb\xbf"):
            body = body[3:]
        if not body.strip():
            return None
        try:
            value, clean = limits.screened(None, body)  # decoded to text only if need be
        except UnicodeDecodeError as exc:
            return Rejection(line, f"invalid UTF-8 at byte {exc.start + 1} of the line")
        except json.JSONDecodeError as exc:
            return Rejection(line, f"malformed JSON: {exc.msg} at column {exc.colno}")
        except limits.LimitError as exc:
            return Rejection(line, str(exc))
        except RecursionError:  # unreachable after the depth check; kept as a backstop
            return Rejection(line, f"malformed JSON: {limits.too_deep()}")
        if not isinstance(value, dict):
            return Rejection(line, f"expected a JSON object, found {what(value)}")
        if clean:
            return RawRecord(line=line, value=value, end_offset=end)
        try:
            value = limits.normalize(value, self.changes)
        except limits.LimitError as exc:
            return Rejection(line, str(exc))
        return RawRecord(line=line, value=value, end_offset=end)

    # -- JSON and YAML ---------------------------------------------------------------------
    def _json(self, stream: IO[bytes]) -> Iterator[RawRecord | Rejection]:
        """Top-level values one by one; a top-level array yields its elements one by one."""
        yield from JsonStream(stream, self.limit, self.changes).records()

    def _yaml(self, stream: IO[bytes]) -> Iterator[RawRecord | Rejection]:
        """One document at a time; a document holding a list yields its items."""
        yield from YamlStream(stream, self.limit, self.changes).records()


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
