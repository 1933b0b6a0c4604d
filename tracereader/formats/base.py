"""What every export-format reader provides: detection from a sample, and conversion to `Trace`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from tracereader.model import Rejection, Trace


@dataclass(frozen=True)
class RawRecord:
    """One parsed JSON/YAML value read from a file, with where it came from."""

    line: int
    """1-based line where the record starts (for `file:line` messages)."""
    value: Any
    """The parsed value (usually a dict)."""
    end_offset: int
    """Byte offset just past the record in the (decompressed) file, for incremental reads."""
    where: str | None = None
    """Which element of a JSON array or document of a YAML stream (`element 7`), if any."""


class RecordError(ValueError):
    """A record cannot be converted; the message is a reason, never the record's content."""


# What a converter may raise on a record of unexpected shape; reported by type name only,
# since the messages of these exceptions can quote the record's content.
UNREADABLE = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    OverflowError,
    RecursionError,
)


def convert_each(
    records: Iterable[RawRecord], convert_one: Callable[[Any], Trace]
) -> Iterator[Trace | Rejection]:
    """Convert record by record: a bad record becomes a `Rejection`, the rest still come."""
    for record in records:
        try:
            yield convert_one(record.value)
        except RecordError as exc:
            yield Rejection(record.line, str(exc), record.where)
        except RecursionError:
            yield Rejection(record.line, "nested too deeply", record.where)
        except UNREADABLE as exc:
            yield Rejection(record.line, f"unreadable record ({type(exc).__name__})", record.where)


class TraceFormat(Protocol):
    """An export format: `sniff` recognises it, `convert` turns records into traces."""

    name: str
    """Short name used by `--format` and in summaries."""
    description: str
    """One line for `--help` and for the unknown-shape error."""

    def sniff(self, value: Any) -> bool:
        """Whether one parsed record has this format's shape."""
        ...

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Trace | Rejection]:
        """Turn records into traces (several records may form one trace), rejecting bad ones."""
        ...
