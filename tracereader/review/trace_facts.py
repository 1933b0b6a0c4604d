"""What the side panel says about a trace besides its conversation: latency and metadata.

Many sources log the latency (and more) inside `metadata` rather than as a field of their
own, so the latency is read from either, and every other metadata entry is listed as
`key value`, one line each (values were anonymized at ingestion; nested ones are compact
JSON). Keys shown as facts of their own are not listed twice.
"""

from __future__ import annotations

import json
import math
from typing import Any

from tracereader.model import Trace

LATENCY_KEYS = ("latency_ms", "latencyMs", "duration_ms")
"""Metadata keys that hold a latency in milliseconds, in the order they are looked for."""
SHOWN_ELSEWHERE = ("model", "release")
"""Trace fields the panel shows as facts: a metadata entry repeating one is not listed."""
MAX_ROWS = 24


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def latency_ms(trace: Trace) -> tuple[float | None, str | None]:
    """The latency in ms and the metadata key it came from (None: the trace's own field)."""
    if trace.latency_ms is not None:
        return trace.latency_ms, None
    for key in LATENCY_KEYS:
        number = _number(trace.metadata.get(key))
        if number is not None:
            return number, key
    return None, None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return f"{value:g}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def metadata_rows(trace: Trace) -> list[tuple[str, str]]:
    """(key, value as text) for every metadata entry not shown as a fact, sorted by key."""
    _, latency_key = latency_ms(trace)
    skip = {key for key in SHOWN_ELSEWHERE if trace.metadata.get(key) == getattr(trace, key)}
    if latency_key is not None:
        skip.add(latency_key)
    rows = [(str(k), _text(v)) for k, v in sorted(trace.metadata.items()) if k not in skip]
    if len(rows) > MAX_ROWS:
        rows = [*rows[: MAX_ROWS - 1], ("…", f"{len(rows) - MAX_ROWS + 1} more")]
    return rows
