"""Re-ingesting: nothing twice, unchanged files not even parsed, grown JSONL read from its tail."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from ingest_support import StubAnonymizer, install_stub

from tracereader import ingest as ingest_module
from tracereader.cli import cli
from tracereader.config import load_settings
from tracereader.ingest import IngestSummary, ingest_paths
from tracereader.reading import RecordReader
from tracereader.store import Store


def line(i: int, text: str | None = None) -> str:
    record = {"id": f"t-{i}", "messages": [{"role": "user", "content": text or f"question {i}"}]}
    return json.dumps(record) + "\n"


def run(store: Store, *paths: Path, **kwargs: Any) -> IngestSummary:
    return ingest_paths(list(paths), store, load_settings(), no_ner=True, **kwargs)


class SpyReader(RecordReader):
    """Records where every reader started and how many records it yielded."""

    starts: ClassVar[list[tuple[int, int]]] = []
    yielded: ClassVar[list[int]] = []

    def __iter__(self) -> Iterator[Any]:
        SpyReader.starts.append((self.start_offset, self.start_line))
        count = 0
        for item in super().__iter__():
            count += 1
            yield item
        SpyReader.yielded.append(count)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> type[SpyReader]:
    SpyReader.starts, SpyReader.yielded = [], []
    monkeypatch.setattr(ingest_module, "RecordReader", SpyReader)
    return SpyReader


@pytest.fixture(autouse=True)
def stub_anonymizer(monkeypatch: pytest.MonkeyPatch) -> list[StubAnonymizer]:
    """These tests are about files; the real anonymizer is exercised in test_leak.py."""
    return install_stub(monkeypatch)


def forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: RecordReader) -> Iterator[Any]:
        raise AssertionError(f"{self.path} was parsed")

    monkeypatch.setattr(RecordReader, "__iter__", explode)


def test_second_ingest_adds_nothing_and_parses_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "logs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.jsonl").write_text(line(1) + line(2))
    (folder / "sub" / "b.json").write_text(json.dumps([json.loads(line(3))]))
    first = run(store, folder)
    assert (first.landed, first.duplicates) == (3, 0)
    assert list(first.files) == [str(folder / "a.jsonl"), str(folder / "sub" / "b.json")]
    forbid_parsing(monkeypatch)
    second = run(store, folder)
    assert (second.landed, second.duplicates, second.rejected_total) == (0, 0, 0)
    assert second.skipped_files == list(first.files)
    assert second.files == {}
    assert store.count("traces") == 3
    assert store.count("ingest_runs") == 2


def test_touched_but_identical_file_is_skipped_by_hash(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "a.json"
    src.write_text(json.dumps([json.loads(line(1))]))
    run(store, src)
    stat = src.stat()
    os.utime(src, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    forbid_parsing(monkeypatch)
    assert run(store, src).skipped_files == [str(src)]


def test_same_traces_in_another_file_are_duplicates(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(line(1) + line(2))
    (tmp_path / "copy.jsonl").write_text(line(2) + line(1) + line(5))
    run(store, tmp_path / "a.jsonl")
    summary = run(store, tmp_path / "copy.jsonl")
    assert (summary.landed, summary.duplicates) == (1, 2)


def test_traces_without_id_dedupe_by_content(store: Store, tmp_path: Path) -> None:
    body = json.dumps({"messages": [{"role": "user", "content": "same words"}]}) + "\n"
    (tmp_path / "a.jsonl").write_text(body)
    (tmp_path / "b.jsonl").write_text(body + body)
    assert run(store, tmp_path / "a.jsonl").landed == 1
    summary = run(store, tmp_path / "b.jsonl")
    assert (summary.landed, summary.duplicates) == (0, 2)


def test_grown_jsonl_is_read_from_where_it_stopped(
    store: Store, tmp_path: Path, spy: type[SpyReader]
) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(line(1) + line(2) + line(3))
    assert run(store, src).landed == 3
    size = src.stat().st_size
    with src.open("a") as handle:
        handle.write(line(4) + "not json\n" + line(6))
    summary = run(store, src)
    assert spy.starts[-1] == (size, 4)
    assert spy.yielded[-1] == 3  # the three new lines only
    assert (summary.landed, summary.duplicates) == (2, 0)
    assert summary.rejected == [f"{src}:5: malformed JSON: Expecting value at column 1"]
    assert store.count("traces") == 5
    assert run(store, src).skipped_files == [str(src)]


def test_rewritten_prefix_is_read_again_in_full(
    store: Store, tmp_path: Path, spy: type[SpyReader]
) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(line(1) + line(2))
    run(store, src)
    src.write_text(line(1, "edited") + line(2) + line(3))  # longer, but the prefix changed
    summary = run(store, src)
    assert spy.starts[-1] == (0, 1)
    assert (summary.landed, summary.duplicates) == (1, 2)
    assert store.count("traces") == 3


def test_half_written_last_line_is_picked_up_next_time(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    full = line(2)
    src.write_text(line(1) + full[:15])
    first = run(store, src)
    assert (first.landed, first.rejected_total, first.rejected) == (1, 0, [])
    assert first.pending == [
        f"{src}:2: last line is incomplete; it will be read by the next ingest"
    ]
    with src.open("a") as handle:
        handle.write(full[15:])
    second = run(store, src)
    assert (second.landed, second.rejected_total, second.pending) == (1, 0, [])
    assert store.count("traces") == 2


def test_half_written_first_line_of_a_new_file_is_pending_too(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(line(1)[:10])
    first = run(store, src)
    assert (first.landed, first.rejected_total, len(first.pending)) == (0, 0, 1)
    src.write_text(line(1))
    assert run(store, src).landed == 1


def test_ingest_while_a_writer_appends_exits_zero(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(line(1) + line(2)[:15])
    db = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), "--no-ner", str(src)])
    assert result.exit_code == 0, result.stderr
    assert f"{src}:2: last line is incomplete; it will be read by the next ingest\n" in (
        result.stderr
    )
    assert "0 rejected" in result.stdout and "malformed" not in result.stderr
    stored = Store.open(db)
    runs = list(stored.db.query("select ok, rejected from ingest_runs"))
    stored.close()
    assert runs == [{"ok": 1, "rejected": 0}]


def test_anonymizer_is_not_created_when_nothing_is_new(
    store: Store, tmp_path: Path, stub_anonymizer: list[StubAnonymizer]
) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "a.jsonl").write_text(line(1))
    (folder / "b.json").write_text(json.dumps([json.loads(line(2))]))
    (folder / "empty.jsonl").write_text("\n")
    (folder / "bad.yaml").write_text("- 1\n")
    assert run(store, folder).rejected_total == 1
    assert len(stub_anonymizer) == 1  # one per run, shared by its files
    again = run(store, folder)
    assert again.landed == 0 and again.rejected_total == 0 and len(again.skipped_files) == 4
    assert len(stub_anonymizer) == 1  # nothing new: not even created


def test_batches_are_bounded(
    store: Store, tmp_path: Path, stub_anonymizer: list[StubAnonymizer]
) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text("".join(line(i) for i in range(450)))
    assert run(store, src).landed == 450
    assert stub_anonymizer[0].batches == [200, 200, 50]


def test_file_bookkeeping_row(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(line(1) + line(2))
    run(store, src)
    row = next(iter(store.db.query("select * from ingested_files")))
    assert row["path"] == str(src.resolve())
    assert row["consumed_bytes"] == src.stat().st_size and row["consumed_lines"] == 2
    assert row["format"] == "tracereader" and len(row["prefix_sha256"]) == 64


def test_a_converter_bug_costs_its_record_only_and_quotes_nothing(
    store: Store,
    tmp_path: Path,
    stub_anonymizer: list[StubAnonymizer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tracereader.formats.native import NATIVE

    def broken(records: Any) -> Iterator[Any]:
        for record in records:
            raise KeyError(record.value["messages"][0]["content"])
        yield from ()

    monkeypatch.setattr(NATIVE, "convert", broken)
    src = tmp_path / "a.jsonl"
    src.write_text(line(1, "jane@example.com") + line(2, "bob@example.com"))
    summary = run(store, src)
    assert summary.rejected_total == 2 and summary.landed == 0
    assert all("KeyError" in r and "@" not in r for r in summary.rejected), summary.rejected


def test_a_reader_bug_becomes_one_line_without_content(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracereader.ingest import IngestError

    def broken(self: RecordReader, body: bytes, *args: Any) -> Any:
        raise KeyError(body.decode())

    monkeypatch.setattr(RecordReader, "_parse_line", broken)
    src = tmp_path / "a.jsonl"
    src.write_text(line(1, "jane@example.com") * 6)
    with pytest.raises(IngestError) as info:
        run(store, src)
    assert "KeyError" in str(info.value) and "jane" not in str(info.value)
    assert store.count("ingest_runs") == 0


def test_batches_are_also_bounded_by_text_size(
    store: Store,
    tmp_path: Path,
    stub_anonymizer: list[StubAnonymizer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ingest_module, "BATCH_CHARS", 10_000)
    src = tmp_path / "a.jsonl"
    src.write_text("".join(line(i, "x" * 4_000) for i in range(7)))
    assert run(store, src).landed == 7
    assert stub_anonymizer[0].batches == [3, 3, 1]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_forcing_another_format_on_an_unchanged_file_reads_it_again_and_says_so(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    src = tmp_path / f"plain{suffix}"
    records = [json.loads(line(i)) for i in range(3)]  # plain lines: native and openai read them
    text = "".join(line(i) for i in range(3)) if suffix == ".jsonl" else json.dumps(records)
    src.write_text(text)
    first = run(store, src)
    assert first.files == {str(src): "tracereader"}
    same = run(store, src, format="tracereader")  # the format it was read as: nothing new
    assert same.skipped_files == [str(src)] and same.rereads == []
    forced = run(store, src, format="openai")
    assert forced.skipped_files == []
    assert forced.files == {str(src): "openai"}
    assert forced.rereads == [
        f"{src}: read before as tracereader; read again from the start as openai (--format); "
        "traces stored from the earlier read stay"
    ]
    assert forced.landed + forced.duplicates == 3
    forbid_parsing(monkeypatch)  # remembered as read as openai now
    for fmt in ("openai", "auto"):
        assert run(store, src, format=fmt).skipped_files == [str(src)]


def test_the_reread_notice_is_printed_by_the_cli(tmp_path: Path) -> None:
    src = tmp_path / "plain.jsonl"
    src.write_text(line(1))
    db = str(tmp_path / "t.db")
    CliRunner().invoke(cli, ["ingest", "--db", db, "--no-ner", str(src)])
    result = CliRunner().invoke(
        cli, ["ingest", "--db", db, "--no-ner", "--format", "openai", str(src)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"{src}: read before as tracereader; read again from the start")
    assert f"{src}: read as openai" in result.stderr
