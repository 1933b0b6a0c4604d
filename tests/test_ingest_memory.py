"""Bounded memory: ingesting a large JSONL never holds the file, measured with tracemalloc."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from ingest_support import install_stub

from tracereader.config import load_settings
from tracereader.ingest import ingest_paths
from tracereader.store import Store

TRACES = 20_000
PEAK_LIMIT = 4 * 1024 * 1024
"""Allowed tracemalloc peak; the generated file is ~9x larger."""


def write_large_jsonl(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(TRACES):
            record = {
                "id": f"t-{i}",
                "timestamp": "2026-11-02T14:03:11Z",
                "user_id": f"u-{i % 97}",
                "messages": [
                    {"role": "system", "content": "You are the support assistant for Acme."},
                    {"role": "user", "content": f"Where is order {i}? " + "details " * 60},
                    {"role": "assistant", "content": f"Order {i} shipped. " + "more " * 60},
                ],
                "events": [{"type": "copy", "message_index": 2}],
                "metadata": {"channel": "web", "n": i},
            }
            handle.write(json.dumps(record) + "\n")


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_memory_stays_bounded_on_a_large_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    install_stub(monkeypatch)
    src = tmp_path / f"big{suffix}"
    write_large_jsonl(src)
    if suffix == ".json":  # the same records as one JSON array
        lines = src.read_text(encoding="utf-8").splitlines()
        src.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
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
    assert size > 8 * PEAK_LIMIT, size
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"
