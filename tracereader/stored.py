"""Read stored values leniently, so that no row in the database can break a command.

Ingest writes only well-formed values, but a database can also be written by an older
version, another tool or a hand edit. SQLite keeps whatever it is given (text in a number
column, a blob in a text column, JSON that is not JSON), so every command reads the columns
it computes with through these: an unreadable value reads as nothing, never as an error.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from tracereader.timeutil import parse_stored

if TYPE_CHECKING:
    from tracereader.store import Store

T = TypeVar("T")


def number(value: Any) -> float | None:
    """A finite number, or None for text, blobs, NULL, NaN and infinities."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        result = float(value)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def integer(value: Any) -> int | None:
    """An int (a float with no fraction counts), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def text(value: Any) -> str | None:
    """Text as text; a blob decoded with U+FFFD for bad bytes; a number as its digits."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value) if not isinstance(value, int) or abs(value) < 10**100 else None
    return None


def moment(value: Any) -> datetime | None:
    """A stored timestamp as an aware datetime in 1970-2200, or None."""
    return parse_stored(value)


def newest_moment(store: Store, sql: str) -> datetime | None:
    """The newest readable timestamp among the rows of `sql` (text order first, then parsed).

    Stored timestamps sort as text, so the few largest are tried in turn until one reads:
    a row of garbage or year 9999 cannot hide the real newest one.
    """
    return _first_readable(store, f"select * from ({sql}) order by 1 desc")


def oldest_moment(store: Store, sql: str) -> datetime | None:
    """The oldest readable timestamp among the rows of `sql` (see `newest_moment`)."""
    return _first_readable(store, f"select * from ({sql}) order by 1 asc")


def _first_readable(store: Store, sql: str) -> datetime | None:
    for (value,) in store.execute(sql):
        found = parse_stored(value)
        if found is not None:
            return found
    return None


def tool_calls(value: Any) -> list[dict[str, Any]]:
    """A message's stored tool calls: the objects of its JSON list (anything else: none)."""
    calls = from_json(value, list) or []
    return [call for call in calls if isinstance(call, dict)]


def from_json(value: Any, kind: type[T]) -> T | None:
    """The JSON document stored in a column when it parses and is a `kind`, else None."""
    raw = text(value)
    if not raw:
        return None
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, kind) else None
