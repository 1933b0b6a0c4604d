"""An export envelope read whole and split gives exactly what streaming it element by element gives.

`readers.RecordReader` reads an envelope line (or a .json envelope's elements) at C speed and
splits it with `json_stream.split_envelope`; the streaming way (`JsonStream.envelope_records`)
is kept for lines that cannot be read whole. These tests hold the two to the same records,
in the same order, with the same `where`, on every envelope shape the readers accept.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tracereader.formats.base import RawRecord
from tracereader.model import Rejection
from tracereader.reading import limits
from tracereader.reading.json_stream import JsonStream, split_envelope
from tracereader.reading.readers import RecordReader

ENVELOPES: list[dict[str, Any]] = [
    {
        "data": [{"id": "t1", "timestamp": "2026-11-02T14:03:11Z"}, {"id": "t2"}],
        "meta": {"page": 1},
    },
    {"events": [{"id": "r1", "span_id": "s"}, 7, {"id": "r2"}], "cursor": "abc"},
    {"trace": {"id": "lf-1"}, "observations": [{"id": "o1"}, {"id": "o2"}], "scores": []},
    {"observations": [{"id": "o1"}], "scores": [{"id": "s1", "value": 1}, "x"]},
    {"resourceSpans": [{"resource": {}, "scopeSpans": []}, {"scopeSpans": [{"spans": []}]}]},
    {"observations": [{"id": "o1"}], "scores": None},
]


def _streamed(line: str) -> list[tuple[Any, str | None]]:
    stream = JsonStream(io.BytesIO(line.encode()), limits.MAX_RECORD_BYTES, limits.Normalized())
    items = stream.envelope_records()
    assert items is not None
    return [(i.value if isinstance(i, RawRecord) else i.reason, i.where) for i in items]


@pytest.mark.parametrize("envelope", ENVELOPES, ids=lambda e: next(iter(e)))
def test_splitting_a_decoded_envelope_gives_what_streaming_it_gives(
    envelope: dict[str, Any],
) -> None:
    line = json.dumps(envelope)
    assert split_envelope(json.loads(line)) == _streamed(line)


@pytest.mark.parametrize("envelope", ENVELOPES, ids=lambda e: next(iter(e)))
def test_the_reader_gives_the_same_records_for_an_envelope_line_and_a_json_file(
    tmp_path: Path, envelope: dict[str, Any]
) -> None:
    line = json.dumps(envelope)
    jsonl, pretty = tmp_path / "page.jsonl", tmp_path / "page.json"
    jsonl.write_text(line + "\n")
    pretty.write_text(json.dumps(envelope, indent=2) + "\n")

    def seen(path: Path) -> list[tuple[Any, str | None]]:
        return [
            (i.value if isinstance(i, RawRecord) else i.reason, i.where) for i in RecordReader(path)
        ]

    assert seen(jsonl) == _streamed(line) == seen(pretty)


def test_a_record_that_only_starts_like_an_envelope_is_one_record() -> None:
    record = {"events": [{"type": "regenerate"}], "messages": [{"role": "user", "content": "hi"}]}
    assert split_envelope(record) is None


def test_an_envelope_line_with_one_bad_element_still_streams_and_costs_only_that_element(
    tmp_path: Path,
) -> None:
    path = tmp_path / "page.jsonl"
    long_number = "9" * 200  # past the 100-digit limit: the line cannot be read whole
    path.write_text(
        f'{{"data": [{{"id": "t1"}}, {{"n": {long_number}}}, {{"id": "t3"}}], "meta": {{}}}}\n'
    )
    items = list(RecordReader(path))
    assert [i.value["id"] for i in items if isinstance(i, RawRecord)] == ["t1", "t3"]
    (rejected,) = [i for i in items if isinstance(i, Rejection)]
    assert rejected.where == "data element 2" and "digits" in rejected.reason
