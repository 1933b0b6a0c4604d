"""What every export-format reader provides: detection from a sample, and conversion to `Trace`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tracereader.formats.ledger import Ledger, Unplaced, landed
from tracereader.model import Rejection, Trace

Converted = Trace | Rejection | Unplaced
"""What a reader yields: a trace, a rejected record, or a report of text that landed nowhere."""
NO_MESSAGE = "yields no message: none of its fields holds a conversation this reader reads"


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


def settle(trace: Trace, records: Sequence[RawRecord], ledger: Ledger) -> Iterator[Converted]:
    """A built trace, preceded by reports of its records' unread text; no message: a rejection."""
    if not trace.messages:
        what = "record" if len(records) == 1 else "trace"
        yield Rejection(records[0].line, f"{what} {NO_MESSAGE}", records[0].where)
        return
    stored = landed(trace)
    for record in records:
        report = ledger.check(record.line, [record.value], stored)
        if report is not None:
            yield report
    yield trace


def convert_each(
    records: Iterable[RawRecord], convert_one: Callable[[Any], Trace], ledger: Ledger
) -> Iterator[Converted]:
    """Convert record by record: a bad record becomes a `Rejection`, the rest still come."""
    for record in records:
        try:
            trace = convert_one(record.value)
        except RecordError as exc:
            yield Rejection(record.line, str(exc), record.where)
        except RecursionError:
            yield Rejection(record.line, "nested too deeply", record.where)
        except UNREADABLE as exc:
            yield Rejection(record.line, f"unreadable record ({type(exc).__name__})", record.where)
        else:
            yield from settle(trace, [record], ledger)


class TraceFormat(Protocol):
    """An export format: `sniff` recognises it, `convert` turns records into traces."""

    name: str
    """Short name used by `--format` and in summaries."""
    description: str
    """One line for `--help` and for the unknown-shape error."""
    ledger: Ledger
    """The fields this format deliberately does not keep, and the lossless-or-loud check."""

    def sniff(self, value: Any) -> bool:
        """Whether one parsed record has this format's shape."""
        ...

    def convert(self, records: Iterable[RawRecord]) -> Iterator[Converted]:
        """Turn records into traces (several records may form one trace), rejecting bad ones."""
        ...
