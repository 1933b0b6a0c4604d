"""Bounded memory: ingesting a large file never holds it, measured with tracemalloc (not timed).

Memory is O(batch), independent of the file's size: a batch is at most 200 traces or 8 M
characters. The batch is shrunk to 5 traces here so a 26 MB file is large against it while the
test stays quick under tracemalloc.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from ingest_support import install_stub

from tracereader import ingest as ingest_module
from tracereader.config import load_settings
from tracereader.formats.base import RawRecord
from tracereader.ingest import ingest_paths
from tracereader.reading import RecordReader
from tracereader.store import Store

TRACES = 250
WORDS = 15_000  # ~105 KB per trace
PEAK_LIMIT = 3 * 1024 * 1024


def write_records(path: Path, as_array: bool) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[\n" if as_array else "")
        for i in range(TRACES):
            record = {
                "id": f"t-{i}",
                "timestamp": "2026-11-02T14:03:11Z",
                "messages": [
                    {"role": "user", "content": f"Where is order {i}? " + "detail " * WORDS},
                    {"role": "assistant", "content": f"Order {i} shipped."},
                ],
                "metadata": {"n": i},
            }
            sep = ",\n" if as_array and i < TRACES - 1 else "\n"
            handle.write(json.dumps(record) + sep)
        handle.write("]\n" if as_array else "")


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_ingest_memory_does_not_grow_with_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    install_stub(monkeypatch)
    monkeypatch.setattr(ingest_module, "BATCH_SIZE", 5)
    src = tmp_path / f"big{suffix}"
    write_records(src, as_array=suffix == ".json")
    size = src.stat().st_size
    store = Store.open(tmp_path / "t.db")
    settings = load_settings()
    tracemalloc.start()
    try:
        summary = ingest_paths([src], store, settings, no_ner=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        store.close()
    assert summary.landed == TRACES
    assert size > 8 * PEAK_LIMIT
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


def test_reading_a_50mb_record_holds_at_most_the_cap(tmp_path: Path) -> None:
    src = tmp_path / "huge.jsonl"
    with src.open("wb") as handle:
        handle.write(b'{"messages": [{"role": "user", "content": "')
        for _ in range(50):
            handle.write(b"x" * (1024 * 1024))
        handle.write(b'"}]}\n{"messages": [{"role": "user", "content": "after"}]}\n')
    tracemalloc.start()
    try:
        items = list(RecordReader(src, max_record_bytes=1024 * 1024))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(i).__name__ for i in items] == ["Rejection", "RawRecord"]
    assert peak < 3 * 1024 * 1024, peak


def test_an_export_envelope_is_read_in_memory_bounded_by_the_record_limit(tmp_path: Path) -> None:
    """Told from a record by reading it whole up to the limit, then streamed element by element."""
    src = tmp_path / "page.json"
    write_records(src, as_array=True)
    body = src.read_text()
    src.write_text('{"data": ' + body.rstrip() + ', "meta": {"page": 1}}\n')
    wheres: list[str | None] = []
    tracemalloc.start()
    try:
        for item in RecordReader(src, max_record_bytes=1024 * 1024):
            wheres.append(item.where if isinstance(item, RawRecord) else "rejected")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert wheres == [f"data element {i + 1}" for i in range(TRACES)]
    assert src.stat().st_size > 8 * PEAK_LIMIT
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.1f} MB"
