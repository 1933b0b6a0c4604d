"""No input can hang ingest or grow its memory without bound (memory by tracemalloc, not timing).

A gzip bomb stops at the expansion ratio, a YAML alias bomb is counted and not expanded,
records of 50 MB are skipped in chunks in every file kind, and the per-record time budget
stops an anonymizer (the real Presidio one included) that would run on far too long.
"""

from __future__ import annotations

import base64
import gzip
import json
import random
import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ingest_support import StubAnonymizer, install_stub

from tracereader.cli import cli
from tracereader.formats.base import RawRecord
from tracereader.model import Rejection, Trace
from tracereader.reading import RecordReader, deadline, readers

MB = 1024 * 1024


def peak_of(work: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def good_line(i: int) -> bytes:
    record = {"id": f"g{i}", "messages": [{"role": "user", "content": f"hi {i}"}]}
    return json.dumps(record).encode() + b"\n"


def write_bomb(path: Path, head: bytes, filler: bytes, size: int) -> None:
    """A gzip file: `head`, then `size` bytes of `filler`, compressed as tightly as zlib can."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip container
    with path.open("wb") as out:
        out.write(squeeze.compress(head))
        block = filler * (MB // len(filler))
        for _ in range(size // MB):
            out.write(squeeze.compress(block))
        out.write(squeeze.flush())


@pytest.mark.parametrize("filler", [b"\n", b"0"], ids=["blank lines", "one endless line"])
def test_a_gzip_bomb_stops_at_the_ratio_in_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filler: bytes
) -> None:
    monkeypatch.setattr(readers, "GZIP_RATIO_AFTER", 4 * MB)
    path = tmp_path / "bomb.jsonl.gz"
    write_bomb(path, b"".join(good_line(i) for i in range(5)), filler, 200 * MB)
    assert path.stat().st_size < 400_000  # ~200 MB inside
    items, peak = peak_of(lambda: list(RecordReader(path, max_record_bytes=MB)))
    assert [i.value["id"] for i in items if isinstance(i, RawRecord)] == [f"g{i}" for i in range(5)]
    reasons = [i.reason for i in items if isinstance(i, Rejection)]
    assert any("decompression bomb" in r for r in reasons), reasons
    assert peak < 4 * MB, peak


def test_a_yaml_alias_bomb_is_counted_not_expanded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n---\nid: after\nmessages: []\n")  # 10^12 values
    items, peak = peak_of(lambda: list(RecordReader(path)))
    assert isinstance(items[0], Rejection) and "expands to more than" in items[0].reason
    assert isinstance(items[1], RawRecord) and items[1].value["id"] == "after"
    assert peak < 2 * MB, peak


def test_a_yaml_alias_that_contains_itself_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("a: &x [1, *x]\n---\nb: 2\n")
    items = list(RecordReader(path))
    assert isinstance(items[0], Rejection) and "refers to the value it is in" in items[0].reason
    assert isinstance(items[1], RawRecord)


def fifty_mb_files(tmp_path: Path) -> list[Path]:
    big = b"x" * (50 * MB)
    record = b'{"messages": [{"role": "user", "content": "' + big + b'"}]}'
    after = good_line(1).strip()
    json_file = tmp_path / "big.json"
    json_file.write_bytes(b"[\n" + record + b",\n" + after + b"\n]\n")
    yaml_file = tmp_path / "big.yaml"
    yaml_file.write_bytes(b"--- " + record + b"\n--- " + after + b"\n")
    gz_file = tmp_path / "big.jsonl.gz"  # text that does not compress: this is no bomb
    noise = base64.b64encode(random.Random(7).randbytes(38 * MB))
    gz_record = b'{"messages": [{"role": "user", "content": "' + noise + b'"}]}'
    gz_file.write_bytes(gzip.compress(gz_record + b"\n" + after + b"\n", 1))
    return [json_file, yaml_file, gz_file]


def test_a_50mb_record_is_skipped_in_bounded_memory_in_every_file_kind(tmp_path: Path) -> None:
    for path in fifty_mb_files(tmp_path):
        items, peak = peak_of(lambda p=path: list(RecordReader(p, max_record_bytes=MB)))
        kinds = [type(i).__name__ for i in items]
        assert kinds == ["Rejection", "RawRecord"], (path.name, items)
        assert "larger than the 1 MB limit" in items[0].reason  # type: ignore[union-attr]
        assert peak < 5 * MB, (path.name, peak)


class SpinningAnonymizer(StubAnonymizer):
    """Never finishes a trace whose first message says SPIN (a runaway regex, say)."""

    def anonymize(self, traces: list[Trace]) -> list[Trace]:
        if any(t.messages[0].content == "SPIN" for t in traces):
            while True:
                pass
        return super().anonymize(traces)


@pytest.mark.parametrize(
    ("slow_text", "spinning"),
    [
        ("SPIN", True),  # a stand-in anonymizer that never finishes this trace
        # The real one: Presidio's URL pattern takes ~0.6 ms a character on "1.1.1.…"
        # (67 s for 100,000).
        ("1." * 20_000, False),
    ],
    ids=["spinning anonymizer", "Presidio crawling"],
)
def test_an_anonymizer_that_runs_on_too_long_costs_only_its_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slow_text: str, spinning: bool
) -> None:
    from tracereader.privacy import anonymizer as anonymize

    monkeypatch.setattr(deadline, "BASE_SECONDS", 2.0)  # a loaded machine still reads the rest
    monkeypatch.setattr(deadline, "CHARS_PER_SECOND", 10**9)
    if spinning:
        monkeypatch.setattr(anonymize.Anonymizer, "create", lambda *a, **k: SpinningAnonymizer())
    slow = {"id": "slow", "messages": [{"role": "user", "content": slow_text}]}
    lines = [good_line(i).strip() for i in range(6)]
    lines.insert(3, json.dumps(slow).encode())
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    args = ["ingest", "--no-ner", "--db", str(tmp_path / "t.db"), str(path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert f"{path}:4: took longer than its 2.0 s budget to anonymize; not stored" in result.stderr
    assert "6 traces landed" in result.stdout


def test_a_yaml_document_that_takes_too_long_to_parse_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_stub(monkeypatch)
    monkeypatch.setattr(deadline, "BASE_SECONDS", 0.05)
    monkeypatch.setattr(deadline, "CHARS_PER_SECOND", 10**9)
    slow = "id: slow\nmessages: []\nitems:\n" + "".join(f"  - {{k: {i}}}\n" for i in range(60_000))
    path = tmp_path / "slow.yaml"
    path.write_text(slow + "---\nid: next\nmessages:\n  - {role: user, content: hi}\n")
    items = list(RecordReader(path))
    assert isinstance(items[0], Rejection) and "budget to read" in items[0].reason
    assert isinstance(items[1], RawRecord) and items[1].value["id"] == "next"


def _spin(seconds: float) -> None:
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass


def test_the_budget_counts_cpu_not_a_busy_machines_wall_clock() -> None:
    with deadline.within(0.05):
        time.sleep(0.3)  # waiting (another process has the core) costs no budget
    with pytest.raises(deadline.DeadlineExceeded), deadline.within(0.05):
        _spin(5)


def test_a_yaml_lists_read_budget_leaves_out_the_work_done_between_its_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ingest anonymizes a batch while the YAML reader waits between items: that is not reading.
    # The budget is wide beside one item's own reading (milliseconds, more on a loaded CI
    # machine, where 0.2 s once ran out), narrow beside the spins between items.
    monkeypatch.setattr(deadline, "BASE_SECONDS", 0.5)
    monkeypatch.setattr(deadline, "CHARS_PER_SECOND", 10**9)
    numbers = ", ".join(str(n) for n in range(3000))  # each item takes milliseconds to build
    items = "".join(
        f"- {{id: t{i}, metadata: {{n: [{numbers}]}}, messages: [{{role: user, content: hi}}]}}\n"
        for i in range(4)
    )
    path = tmp_path / "list.yaml"
    path.write_text(items)
    read = []
    for item in RecordReader(path):
        read.append(item)
        _spin(0.3)
    assert [type(i) for i in read] == [RawRecord] * 4
