"""Helpers for the importer tests: read a fixture file through the real reader and detection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracereader.formats import detect
from tracereader.formats.base import RawRecord
from tracereader.model import Rejection, Trace
from tracereader.reading import RecordReader

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read_records(path: Path) -> list[RawRecord]:
    """The parsed records of a file (reader rejections are not expected in fixtures)."""
    items = list(RecordReader(path))
    assert not [i for i in items if isinstance(i, Rejection)], f"{path}: reader rejected records"
    return [i for i in items if isinstance(i, RawRecord)]


def detected(path: Path) -> str:
    """The format name detection picks for a file."""
    sample, _ = detect.peek(iter(RecordReader(path)), lambda _: None)
    return detect.choose(r.value for r in sample).name


def convert(path: Path, name: str | None = None) -> tuple[list[Trace], list[Rejection]]:
    """Traces and rejections from a file, read as `name` (or as detected)."""
    records = read_records(path)
    fmt = detect.get_format(name or detected(path))
    out = list(fmt.convert(records))
    return [t for t in out if isinstance(t, Trace)], [r for r in out if isinstance(r, Rejection)]


def records_of(values: list[Any]) -> list[RawRecord]:
    """Records for in-memory values, numbered as lines 1…n."""
    return [RawRecord(line=i + 1, value=v, end_offset=0) for i, v in enumerate(values)]


def jsonl_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL fixture."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def roles(trace: Trace) -> list[str]:
    """The roles of a trace's messages, in order."""
    return [m.role for m in trace.messages]
