"""The streaming readers: every file kind, offsets for resuming, and bad records one by one."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from pathlib import Path

import pytest

from tracereader.formats.base import RawRecord
from tracereader.model import Rejection
from tracereader.reading import RecordReader, file_kind


def read(path: Path, **kwargs: object) -> list[RawRecord | Rejection]:
    return list(RecordReader(path, **kwargs))  # type: ignore[arg-type]


def summary(items: list[RawRecord | Rejection]) -> list[tuple[str, int, object]]:
    return [
        ("ok", i.line, i.value) if isinstance(i, RawRecord) else ("bad", i.line, i.reason)
        for i in items
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jsonl", ("jsonl", False)),
        ("a.ndjson", ("jsonl", False)),
        ("a.JSONL.gz", ("jsonl", True)),
        ("a.json", ("json", False)),
        ("x.v2.json.gz", ("json", True)),
        ("a.yaml", ("yaml", False)),
        ("a.yml.gz", ("yaml", True)),
        ("a.txt", None),
        ("a.gz", None),
        ("a.db", None),
    ],
)
def test_file_kind(name: str, expected: tuple[str, bool] | None) -> None:
    assert file_kind(Path(name)) == expected


def test_jsonl_good_and_bad_lines_each_reported(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(
        b'{"a": 1}\n\nnot json\n[1, 2]\n{"b": "\xff\xfe"}\n"just a string"\n{"c": 3}\n'
    )
    assert summary(read(path)) == [
        ("ok", 1, {"a": 1}),
        ("bad", 3, "malformed JSON: Expecting value at column 1"),
        ("bad", 4, "expected a JSON object, found a list"),
        ("bad", 5, "invalid UTF-8 at byte 8 of the line"),
        ("bad", 6, "expected a JSON object, found a string"),
        ("ok", 7, {"c": 3}),
    ]


def test_jsonl_offsets_and_hash_cover_exactly_the_consumed_prefix(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    lines = [b'{"i": 1}\n', b'{"i": 2}\r\n', b'{"i": 3}\n']
    path.write_bytes(b"".join(lines))
    hasher = hashlib.sha256()
    reader = RecordReader(path, hasher=hasher)
    records = list(reader)
    assert [r.end_offset for r in records if isinstance(r, RawRecord)] == [9, 19, 28]
    assert reader.consumed_bytes == 28 and reader.consumed_lines == 3
    assert hasher.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()
    # resume from the second line: line numbers continue, hash continues
    resumed = RecordReader(path, start_offset=9, start_line=2)
    assert summary(list(resumed)) == [("ok", 2, {"i": 2}), ("ok", 3, {"i": 3})]


def test_unterminated_bad_last_line_is_left_for_the_next_read(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"i": 1}\n{"i": 2, "half')
    reader = RecordReader(path, hasher=hashlib.sha256())
    assert summary(list(reader)) == [("ok", 1, {"i": 1})]  # pending, not a rejection
    assert reader.consumed_bytes == 9 and reader.consumed_lines == 1
    assert reader.pending_line == 2
    assert reader.pending_notice() == (
        f"{path}:2: last line is incomplete; it will be read by the next ingest"
    )
    path.write_bytes(b'{"i": 1}\n{"i": 2}')  # completed without a newline: consumed
    reader = RecordReader(path)
    assert len(list(reader)) == 2 and reader.consumed_bytes == 17
    assert reader.pending_line is None and reader.pending_notice() is None


def test_unterminated_bad_last_line_of_a_gzip_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl.gz"  # read whole every time: no next read would finish it
    path.write_bytes(gzip.compress(b'{"i": 1}\n{"i": 2, "half'))
    reader = RecordReader(path)
    result = summary(list(reader))
    assert result[0] == ("ok", 1, {"i": 1})
    assert result[1][:2] == ("bad", 2) and "malformed JSON" in str(result[1][2])
    assert reader.pending_line is None


def test_oversized_jsonl_line_is_rejected_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    big = b'{"x": "' + b"a" * 300_000 + b'"}\n'
    path.write_bytes(b'{"i": 1}\n' + big + b'{"i": 3}\n')
    reader = RecordReader(path, max_record_bytes=100_000, hasher=hashlib.sha256())
    result = summary(list(reader))
    assert result[0] == ("ok", 1, {"i": 1})
    assert result[1][:2] == ("bad", 2) and "larger than" in str(result[1][2])
    assert result[2] == ("ok", 3, {"i": 3})
    assert reader.consumed_bytes == path.stat().st_size


def test_json_array_streams_elements_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(
        b"[\n"
        b'  {"a": 1},\n'
        b'  {"b": "]}\\" tricky"}, 3,\n'
        b'  {"bad": 1,, "x": 2},\n'
        b'  {"e": "\xff"},\n'
        b'  {"f": "\xc3\xa9"}\n'
        b"]\n"
    )
    assert summary(read(path)) == [
        ("ok", 2, {"a": 1}),
        ("ok", 3, {"b": ']}" tricky'}),
        ("bad", 3, "expected a JSON object, found a number"),
        ("bad", 4, "malformed JSON: Expecting property name enclosed in double quotes"),
        ("bad", 5, "invalid UTF-8"),
        ("ok", 6, {"f": "é"}),
    ]


def test_json_single_object_and_concatenated_objects(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text('{"messages": []}')
    assert summary(read(one)) == [("ok", 1, {"messages": []})]
    many = tmp_path / "many.json"
    many.write_text('{"a": 1}\n{"b": 2}\n')
    assert summary(read(many)) == [("ok", 1, {"a": 1}), ("ok", 2, {"b": 2})]


def test_json_array_survives_every_chunk_boundary(tmp_path: Path) -> None:
    rng = random.Random(7)
    values = [
        {"i": i, "s": "é" * rng.randint(0, 200), "emoji": "\U0001f600" * rng.randint(0, 3)}
        for i in range(6000)
    ]
    path = tmp_path / "t.json"
    for ascii_only in (True, False):
        body = ",\n".join(json.dumps(v, ensure_ascii=ascii_only) for v in values)
        path.write_text("[" + body + "]", encoding="utf-8")
        records = read(path)
        assert [r.value for r in records if isinstance(r, RawRecord)] == values
        assert [r.line for r in records] == list(range(1, 6001))


def test_json_oversized_element_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(b'[{"a": 1}, {"big": "' + b"x" * 400_000 + b'", "n": [1]}, {"c": 3}]')
    result = summary(read(path, max_record_bytes=100_000))
    assert result[0] == ("ok", 1, {"a": 1})
    assert result[1][0] == "bad" and "larger than" in str(result[1][2])
    assert result[2] == ("ok", 1, {"c": 3})


def test_truncated_json_array(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[{"a": 1},\n {"b": ')
    result = summary(read(path))
    assert result[0] == ("ok", 1, {"a": 1})
    assert all(kind == "bad" for kind, _, _ in result[1:])


def test_yaml_documents_and_lists(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("- a: 1\n- b: 2\n- 3\n---\nc: 4\n---\n- d: 5\n")
    assert summary(read(path)) == [
        ("ok", 1, {"a": 1}),
        ("ok", 2, {"b": 2}),
        ("bad", 3, "expected a mapping, found a number"),
        ("ok", 5, {"c": 4}),
        ("ok", 7, {"d": 5}),
    ]


def test_malformed_yaml_keeps_the_documents_before(tmp_path: Path) -> None:
    path = tmp_path / "t.yml"
    path.write_text("a: 1\n---\nb: [1\n")
    result = summary(read(path))
    assert result[0] == ("ok", 1, {"a": 1})
    assert result[1][0] == "bad" and "malformed YAML" in str(result[1][2])


@pytest.mark.parametrize("name", ["t.jsonl.gz", "t.json.gz", "t.yaml.gz"])
def test_gzip_variants(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if ".jsonl" in name:
        body = b'{"a": 1}\n{"a": 2}\n'
    elif ".json" in name:
        body = b'[{"a": 1}, {"a": 2}]'
    else:
        body = b"- a: 1\n- a: 2\n"
    path.write_bytes(gzip.compress(body))
    values = [r.value for r in read(path) if isinstance(r, RawRecord)]
    assert values == [{"a": 1}, {"a": 2}]


def test_corrupt_gzip_is_one_rejection(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"a": 1}\n' * 1000)[:-40])
    result = read(path)
    assert isinstance(result[-1], Rejection) and "gzip" in result[-1].reason


def test_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\n')
    assert summary(read(path)) == [("ok", 1, {"a": 1})]


def test_json_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(b'\xef\xbb\xbf[{"a": 1}]')
    assert summary(read(path)) == [("ok", 1, {"a": 1})]


def test_garbage_never_stalls_the_json_reader(tmp_path: Path) -> None:
    rng = random.Random(3)
    atoms = ["{", "}", "[", "]", ",", ":", '"', "\\", "a", "1", " ", "\n", '{"k": 1}', "null", "é"]
    path = tmp_path / "fuzz.json"
    for _ in range(400):
        data = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 40))).encode()
        path.write_bytes(data)
        items = read(path, max_record_bytes=30)
        assert len(items) <= len(data) + 1
    path.write_bytes(b'{"a": 1},{"b": 2}\n[{"c": 3}}, {"d": 4}]')
    values = [i.value for i in read(path) if isinstance(i, RawRecord)]
    assert values == [{"a": 1}, {"b": 2}, {"c": 3}, {"d": 4}]


def test_yaml_alias_bomb_is_rejected_not_expanded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        prev = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([prev] * 10)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n---\nok: 1\n")
    result = summary(read(path, max_record_bytes=100_000))
    assert result[0][0] == "bad" and "expands to more than" in str(result[0][2])
    assert result[1] == ("ok", 11, {"ok": 1})
