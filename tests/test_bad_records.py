"""A bad record costs only itself: each failure issue 14 names, reproduced as a regression test.

Each case puts one bad record among good ones and asserts that the bad one is rejected with
its line (and element or document) and a reason naming the limit, and that every good one
is read. Reader-level cases call `RecordReader`; the end-to-end ones run `tracereader ingest`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from ingest_support import install_stub

from tracereader.cli import cli
from tracereader.formats.base import RawRecord
from tracereader.model import Rejection
from tracereader.reading import RecordReader, limits

GOOD = 45


def good(i: int) -> dict[str, Any]:
    return {
        "id": f"g{i}",
        "timestamp": "2026-11-02T14:03:11Z",
        "messages": [{"role": "user", "content": f"hello {i}"}],
    }


def tool_trace(result: str) -> dict[str, Any]:
    return {
        "id": "bad",
        "messages": [
            {"role": "user", "content": "look it up"},
            {"role": "assistant", "tool_calls": [{"id": "c1", "name": "f", "arguments": {}}]},
            {"role": "tool", "tool_call_id": "c1", "content": result},
        ],
    }


def deep(levels: int, leaf: Any) -> Any:
    for _ in range(levels):
        leaf = [leaf]
    return leaf


def jsonl_with(tmp_path: Path, bad_line: str, name: str = "mixed.jsonl") -> Path:
    lines = [json.dumps(good(i)) for i in range(GOOD)]
    lines.insert(20, bad_line)
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
    return path


def read(path: Path) -> tuple[list[RawRecord], list[Rejection]]:
    items = list(RecordReader(path))
    return (
        [i for i in items if isinstance(i, RawRecord)],
        [i for i in items if isinstance(i, Rejection)],
    )


BAD_JSONL = {
    "4,401-digit number": (
        '{"id": "bad", "messages": [], "metadata": {"n": ' + "9" * 4401 + "}}",
        "more than 100 digits",
    ),
    "100-digit float": ('{"id": "bad", "n": 1.' + "5" * 200 + "}", "more than 100 digits"),
    "string nested 600 deep": (json.dumps(tool_trace("[" * 600 + "]" * 600)), "nested more"),
    "string nested 10,000 deep": (json.dumps(tool_trace("[" * 10_000 + "]" * 10_000)), "nested"),
    "JSON in a string in a JSON string": (
        json.dumps(tool_trace(json.dumps({"a": deep(30, json.dumps(deep(40, 1)))}))),
        "nested more than 64",
    ),
    "record nested 10,000 deep": ('{"a": ' + "[" * 10_000 + "]" * 10_000 + "}", "nested more"),
    "lone surrogate escape": (
        '{"id": "bad", "messages": [{"role": "user", "content": "x \\ud800 y"}]}',
        "lone surrogate",
    ),
    "lone surrogate in a key": ('{"\\udfff": 1, "messages": []}', "lone surrogate"),
    "invalid UTF-8": ('{"messages": [{"role": "user", "content": "\udcff\udcfe"}]}', "UTF-8"),
    "over-long string": ('{"a": "' + "x" * (limits.MAX_STRING_CHARS + 1) + '"}', "longer than"),
}


@pytest.mark.parametrize("case", BAD_JSONL, ids=str)
def test_one_bad_jsonl_record_is_rejected_by_line_and_the_rest_is_read(
    tmp_path: Path, case: str
) -> None:
    bad_line, reason = BAD_JSONL[case]
    records, rejections = read(jsonl_with(tmp_path, bad_line))
    assert len(records) == GOOD
    assert [(r.line, reason in r.reason) for r in rejections] == [(21, True)], rejections


def test_nul_and_non_finite_numbers_are_made_safe_and_counted(tmp_path: Path) -> None:
    message = '{"role": "user", "content": "a\\u0000b"}'
    bad = '{"id": "n", "messages": [' + message + '], "x": NaN, "y": -Infinity}'
    reader = RecordReader(jsonl_with(tmp_path, bad))
    records = [i for i in reader if isinstance(i, RawRecord)]
    assert len(records) == GOOD + 1
    value = records[20].value
    assert value["messages"][0]["content"] == "a\ufffdb"
    assert (value["x"], value["y"]) == ("NaN", "-Infinity")
    assert (reader.changes.nul_characters, reader.changes.non_finite) == (1, 2)


def test_depth_limit_counts_the_json_inside_strings() -> None:
    inside = json.dumps({"a": [[[[1]]]]})
    assert limits.normalize({"s": inside})  # shallow: fine
    nested: Any = inside
    for _ in range(limits.MAX_DEPTH - 2):  # the string's own JSON adds 5 levels
        nested = [nested]
    with pytest.raises(limits.LimitError, match="nested more than 64"):
        limits.normalize({"deep": nested})
    assert limits.normalize({"not json": "[" * 100})  # not JSON: plain text, kept


def test_json_array_with_garbage_elements_lands_every_good_one(tmp_path: Path) -> None:
    elements = [json.dumps(good(i), indent=2) for i in range(18)]
    garbage = ["{garbage: 1", "nul\x00l", '{"a": [1, 2', "[" * 5000, '"just a string"', "{}}"]
    mixed: list[str] = []
    for i, element in enumerate(elements):
        mixed.append(element)
        if i % 3 == 1:
            mixed.append(garbage[(i // 3) % len(garbage)])
    path = tmp_path / "array.json"
    path.write_text("[\n" + ",\n".join(mixed) + "\n]\n")
    records, rejections = read(path)
    assert sorted(r.value["id"] for r in records if "id" in r.value) == sorted(
        f"g{i}" for i in range(18)
    )
    assert len(rejections) == 6, rejections
    assert all(r.where and r.where.startswith("element ") for r in rejections)


@pytest.mark.parametrize("separator", [",", ", ", ",\n"])
def test_single_line_and_one_per_line_arrays_resync_too(tmp_path: Path, separator: str) -> None:
    g0, g1, g2 = (json.dumps(good(i)) for i in range(3))
    parts = [g0, '{"broken": [1, 2', g1, "@@", g2]
    path = tmp_path / "line.json"
    path.write_text("[" + separator.join(parts) + "]")
    records, rejections = read(path)
    assert [r.value.get("id") for r in records] == ["g0", "g1", "g2"]
    assert [r.where for r in rejections] == ["element 2", "element 4"]


def yaml_doc(i: int) -> str:
    messages = f"messages:\n  - role: user\n    content: hi {i}\n"
    return f"id: g{i}\ntimestamp: 2026-11-02T14:03:11Z\n{messages}"


BAD_YAML = {
    "5,000-digit int": ("id: b\nn: " + "9" * 5000 + "\n", "more than 100 digits"),
    "deep flow nesting": ("id: b\nn: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 64"),
    "deep block nesting": (
        "id: b\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n",
        "nested more than 64",
    ),
    "raw NUL byte": ("id: b\ncontent: x\x00y\n", "control character"),
    "invalid UTF-8": ("id: b\ncontent: x\udcffy\n", "invalid UTF-8"),
    "tabs as indentation": ("id: b\nmessages:\n\t- role: user\n", "a tab where YAML needs spaces"),
    "unhashable key": ("? [a, b]\n: 1\n", "unreadable YAML value"),
    "python tag": ("id: !!python/object:os.system x\n", "unreadable YAML value"),
}


@pytest.mark.parametrize("case", BAD_YAML, ids=str)
def test_one_bad_yaml_document_is_rejected_and_the_rest_is_read(tmp_path: Path, case: str) -> None:
    bad, reason = BAD_YAML[case]
    docs = [yaml_doc(i) for i in range(10)]
    docs.insert(5, bad)
    path = tmp_path / "docs.yaml"
    path.write_bytes(("---\n" + "---\n".join(docs)).encode("utf-8", "surrogateescape"))
    records, rejections = read(path)
    assert [r.value["id"] for r in records] == [f"g{i}" for i in range(10)]
    assert len(rejections) == 1 and reason in rejections[0].reason, rejections
    assert rejections[0].where == "document 6"
    assert 31 <= rejections[0].line <= 31 + bad.count("\n"), rejections


@pytest.mark.parametrize(
    ("value", "kept"),
    [("0000-01-01", "0000-01-01"), ("2026-02-30", "2026-02-30"), ("2026-02-28", None)],
)
def test_yaml_dates_that_do_not_exist_stay_text(
    tmp_path: Path, value: str, kept: str | None
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(f"id: a\ntimestamp: {value}\nmessages: []\n")
    records, rejections = read(path)
    assert not rejections
    stamp = records[0].value["timestamp"]
    assert stamp == kept if kept else not isinstance(stamp, str)


def test_a_yaml_syntax_error_keeps_what_came_before_and_says_so_once(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text("id: a\nmessages: []\nbad: [unclosed\nmore: 1\n---\nid: next\n")
    records, rejections = read(path)
    assert [r.value["id"] for r in records] == ["next"]
    assert len(rejections) == 1
    assert "the rest of this document was not read" in rejections[0].reason
    assert (rejections[0].where, rejections[0].line) == ("document 1", 4)


def test_a_syntax_error_in_a_yaml_list_costs_only_its_item(tmp_path: Path) -> None:
    items = "".join(f"- id: a{i}\n  messages: []\n" for i in range(10))
    after = "".join(f"- id: b{i}\n  messages: []\n" for i in range(5))
    path = tmp_path / "list.yaml"
    path.write_text(items + "- id: bad\n  messages: [unclosed\n" + after + "---\nid: next\n")
    records, rejections = read(path)
    ids = [f"a{i}" for i in range(10)] + [f"b{i}" for i in range(5)] + ["next"]
    assert [r.value["id"] for r in records] == ids
    assert len(rejections) == 1
    assert "the rest of this item was not read" in rejections[0].reason
    assert rejections[0].where == "document 1, item 11"


BAD_YAML_ITEMS = {
    **{
        name: ("- " + bad.replace("\n", "\n  ").rstrip(" "), reason)
        for name, (bad, reason) in (
            (n, BAD_YAML[n]) for n in ("5,000-digit int", "deep flow nesting", "raw NUL byte")
        )
    },
    "invalid UTF-8": ("- id: b\n  content: x\udcffy\n", "invalid UTF-8; this item was not read"),
    "tabs as indentation": ("- id: b\n  messages:\n\t- role: user\n", "a tab where YAML"),
    "deep block nesting": (
        "- id: b\n" + "".join("  " * i + f"  k{i}:\n" for i in range(200)) + "  " * 201 + "v\n",
        "nested more than 64",
    ),
    "impossible date": (
        "- id: b\n  timestamp: 2026-02-30\n  messages: [{role: user, content: x}]\n",
        "timestamp must",
    ),
    "year 0": (
        "- id: b\n  timestamp: 0000-01-01\n  messages: [{role: user, content: x}]\n",
        "timestamp must",
    ),
}


@pytest.mark.parametrize("case", BAD_YAML_ITEMS, ids=str)
def test_one_bad_item_of_a_yaml_list_costs_only_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    install_stub(monkeypatch)
    bad, reason = BAD_YAML_ITEMS[case]
    items = ["- " + yaml_doc(i).replace("\n", "\n  ").rstrip(" ") for i in range(10)]
    items.insert(5, bad)
    path = tmp_path / "list.yaml"
    path.write_bytes("".join(items).encode("utf-8", "surrogateescape"))
    result = run("ingest", "--db", tmp_path / "t.db", "--no-ner", path)
    assert result.exit_code == 1, result.stderr
    assert "10 traces landed" in result.stdout
    (rejected,) = [x for x in result.stderr.splitlines() if x.startswith(f"{path}:")][1:]
    line = int(rejected.split(":")[1])
    assert 26 <= line <= 26 + bad.count("\n"), rejected
    assert rejected.split(":", 2)[2].startswith(" document 1, item 6: "), rejected
    assert reason in rejected, rejected


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_year_one_timestamp_is_treated_as_missing_and_status_export_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_stub(monkeypatch)
    bad = json.dumps({**good(99), "timestamp": "0001-01-01T00:00:00Z"})
    path = jsonl_with(tmp_path, bad)
    db = tmp_path / "t.db"
    result = run("ingest", "--db", db, "--no-ner", path)
    assert result.exit_code == 0, result.stderr
    assert f"{GOOD + 1} traces landed" in result.stdout
    assert "1 timestamps outside 1970-2200 treated as missing" in result.stdout
    for args in (["status"], ["status", "--json"], ["export", "--format", "csv", "--all"]):
        assert run(*args, "--db", db).exit_code == 0


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".yaml"])
def test_ingest_names_element_and_line_and_lands_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    install_stub(monkeypatch)
    records = [json.dumps(good(i)) for i in range(GOOD)]
    records[7] = '{"id": "bad", "messages": [], "n": ' + "9" * 4401 + "}"
    path = tmp_path / f"in{suffix}"
    if suffix == ".jsonl":
        path.write_text("\n".join(records) + "\n")
    elif suffix == ".json":
        path.write_text("[\n" + ",\n".join(records) + "\n]\n")
    else:
        path.write_text("".join(f"--- {r}\n" for r in records))
    result = run("ingest", "--db", tmp_path / "t.db", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{GOOD - 1} traces landed" in result.stdout
    where = {".jsonl": "", ".json": " element 8:", ".yaml": " document 8:"}[suffix]
    line = {".jsonl": 8, ".json": 9, ".yaml": 8}[suffix]
    assert f"{path}:{line}:{where} a number has more than 100 digits" in result.stderr


def test_a_converter_bug_on_one_record_costs_only_that_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracereader.formats import native

    install_stub(monkeypatch)
    original = native.NATIVE.convert

    def buggy(records: Any) -> Any:
        for result in original(records):
            if getattr(result, "id", None) == "g7":
                raise ZeroDivisionError("a reader bug that quotes nothing")
            yield result

    monkeypatch.setattr(native.NATIVE, "convert", buggy)
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(good(i)) + "\n" for i in range(GOOD)))
    result = run("ingest", "--db", tmp_path / "t.db", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{path}:8: the tracereader reader failed on this record (ZeroDivisionError)" in (
        result.stderr
    )
    assert f"{GOOD - 1} traces landed" in result.stdout


def test_a_yaml_list_larger_than_the_record_limit_lands_item_by_item(tmp_path: Path) -> None:
    item = "- id: i{n}\n  messages:\n    - role: user\n      content: " + "word " * 400 + "\n"
    path = tmp_path / "big.yaml"
    body = "".join(item.format(n=n) for n in range(60))
    huge = "- id: huge\n  messages: []\n  blob: " + "x" * 30_000 + "\n"
    path.write_text(
        "# an export\n---\n" + body + huge + body.replace("id: i", "id: j") + "---\nid: z\n"
    )
    items = list(RecordReader(path, max_record_bytes=20_000))
    ids = [i.value["id"] for i in items if isinstance(i, RawRecord)]
    assert ids == [f"i{n}" for n in range(60)] + [f"j{n}" for n in range(60)] + ["z"]
    rejected = [i for i in items if isinstance(i, Rejection)]
    assert [(r.where, "larger than" in r.reason) for r in rejected] == [
        ("document 1, item 61", True)
    ]
    assert rejected[0].line == 3 + 60 * 4


def test_a_file_opening_with_more_bad_records_than_detection_samples_lands_the_good_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracereader.formats.detect import SAMPLE_LIMIT

    install_stub(monkeypatch)
    path = tmp_path / "bad_first.jsonl"
    bad = ["{not json"] * (SAMPLE_LIMIT + 10)
    path.write_text("\n".join(bad + [json.dumps(good(i)) for i in range(GOOD)]) + "\n")
    result = run("ingest", "--db", tmp_path / "t.db", "--no-ner", path)
    assert result.exit_code == 1
    assert f"{GOOD} traces landed" in result.stdout
    assert f"{SAMPLE_LIMIT + 10} rejected" in result.stdout
    lines = [int(x.split(":")[1]) for x in result.stderr.splitlines() if "malformed JSON" in x]
    assert lines == list(range(1, SAMPLE_LIMIT + 11))  # every one, once, in file order


@pytest.mark.parametrize("odd", [{"object": []}, {"type": ["user"]}, {"object": {"a": 1}}])
def test_a_sampled_record_no_sniff_can_read_is_rejected_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: dict[str, Any]
) -> None:
    install_stub(monkeypatch)
    records = [good(i) for i in range(GOOD)]
    records[1] = {**odd, "id": "odd"}  # no messages: native rejects it, the sniffs must not fail
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = run("ingest", "--db", tmp_path / "t.db", "--no-ner", path)
    assert result.exit_code == 1, result.stderr
    assert f"{path}: read as tracereader (auto-detected)" in result.stderr
    assert f"{GOOD - 1} traces landed" in result.stdout
    assert [x for x in result.stderr.splitlines() if x.startswith(f"{path}:2:")], result.stderr


def test_a_json_file_of_prose_is_one_rejection_not_one_per_comma(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_stub(monkeypatch)
    prose = tmp_path / "notjson.json"
    prose.write_text("These are my notes, not JSON, with commas, and more.\nA second line.\n")
    result = run("ingest", "--db", tmp_path / "t.db", "--no-ner", prose)
    assert result.exit_code == 1
    assert "0 traces landed; 0 duplicates skipped; 1 rejected" in result.stdout
    assert [x for x in result.stderr.splitlines() if x.startswith(str(prose))] == [
        f"{prose}:1: malformed JSON: Expecting value; no next record found, "
        "the rest of the file was not read"
    ]
    mixed = tmp_path / "mixed.json"  # prose between top-level objects costs only itself
    mixed.write_text(json.dumps(good(1)) + "\nprose, with, commas\n" + json.dumps(good(2)) + "\n")
    records, rejections = read(mixed)
    assert [r.value["id"] for r in records] == ["g1", "g2"]
    assert [(r.line, r.reason) for r in rejections] == [(2, "malformed JSON: Expecting value")]


HUGE = "9" * 4401


def braintrust_rows() -> list[dict[str, Any]]:
    """The rows of the Braintrust fixture (made by the real SDK), to page as an export does."""
    from format_helpers import FIXTURES

    text = (FIXTURES / "braintrust" / "logs.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def envelope_file(tmp_path: Path, envelope: dict[str, Any], name: str = "page.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(envelope, indent=2).replace('"HUGE"', HUGE))
    return path


@pytest.mark.parametrize(
    ("key", "side"),
    [("data", {"meta": {"page": 1}}), ("events", {"cursor": "c2"}), ("observations", {})],
)
def test_an_envelope_streams_its_list_and_a_bad_element_costs_only_itself(
    tmp_path: Path, key: str, side: dict[str, Any]
) -> None:
    elements: list[Any] = [good(i) for i in range(12)]
    elements[4] = {"id": "bad", "n": "HUGE"}
    elements[8] = [1, 2]
    path = envelope_file(tmp_path, {key: elements, **side})
    records, rejections = read(path)
    assert [r.value["id"] for r in records] == [f"g{i}" for i in range(12) if i not in (4, 8)]
    assert [r.where for r in records][:2] == [f"{key} element 1", f"{key} element 2"]
    assert records[1].line > records[0].line > 1  # each element's own line
    assert [(r.where, r.reason.split(" (")[0]) for r in rejections] == [
        (f"{key} element 5", "a number has more than 100 digits"),
        (f"{key} element 9", "expected a JSON object, found a list"),
    ]


def test_an_envelope_larger_than_the_record_limit_still_lands_element_by_element(
    tmp_path: Path,
) -> None:
    elements = [{**good(i), "pad": "x" * 2000} for i in range(40)]
    path = envelope_file(tmp_path, {"meta": {"page": 1}, "data": elements})
    items = list(RecordReader(path, max_record_bytes=10_000))
    assert [(i.value["id"], i.where) for i in items if isinstance(i, RawRecord)] == [
        (f"g{i}", f"data element {i + 1}") for i in range(40)
    ]
    assert not [i for i in items if isinstance(i, Rejection)]


def test_an_otlp_export_is_streamed_per_resource_and_rewrapped(tmp_path: Path) -> None:
    entry = {"resource": {"attributes": []}, "scopeSpans": [{"spans": [{"name": "s"}]}]}
    path = envelope_file(tmp_path, {"resourceSpans": [entry, {"bad": "HUGE"}, entry]})
    records, rejections = read(path)
    assert [r.value for r in records] == [{"resourceSpans": [entry]}] * 2
    assert [r.where for r in rejections] == ["resourceSpans element 2"]


def test_an_object_that_only_starts_like_an_envelope_is_read_whole(tmp_path: Path) -> None:
    native = {"events": [{"type": "copy"}], "id": "n1", "messages": [{"role": "user"}]}
    path = tmp_path / "sorted.json"
    path.write_text(json.dumps(native, sort_keys=True) + "\n" + json.dumps({"data": [1], "id": 2}))
    records, rejections = read(path)
    assert [r.value for r in records] == [native, {"data": [1], "id": 2}]
    assert not rejections
    beside = envelope_file(tmp_path, {"data": [good(1)], "meta": {}}, "beside.json")
    beside.write_text(beside.read_text()[:-2] + ', "note": "a key no reader reads"\n}')
    records, rejections = read(beside)  # unreadable whole? no: read whole, not an envelope
    assert [sorted(r.value) for r in records] == [["data", "meta", "note"]]


def test_a_langfuse_page_with_a_bad_trace_lands_the_others_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from format_helpers import FIXTURES

    install_stub(monkeypatch)
    page = json.loads((FIXTURES / "langfuse" / "traces_page.json").read_text())
    whole = run(
        "ingest", "--db", tmp_path / "a.db", "--no-ner", FIXTURES / "langfuse" / "traces_page.json"
    )
    landed = int(whole.stdout.split(" traces landed")[0])
    assert whole.exit_code == 0 and landed >= 1, whole.stderr
    page["data"].insert(0, {**page["data"][0], "id": "lf-bad", "latency": "HUGE"})
    path = envelope_file(tmp_path, page)
    result = run("ingest", "--db", tmp_path / "b.db", "--no-ner", path)
    assert result.exit_code == 1, result.stderr
    assert f"{path}: read as langfuse (auto-detected)" in result.stderr
    assert f"{landed} traces landed" in result.stdout
    (rejected,) = [x for x in result.stderr.splitlines() if x.startswith(f"{path}:")][1:]
    assert rejected.startswith(f"{path}:3: data element 1: a number has more than 100 digits")


def test_a_junk_element_in_a_page_does_not_stop_its_format_being_detected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_stub(monkeypatch)
    rows = braintrust_rows()
    path = envelope_file(tmp_path, {"events": [{"junk": True}, *rows], "cursor": None})
    result = run("ingest", "--db", tmp_path / "t.db", "--no-ner", path)
    assert result.exit_code == 1, result.stderr  # was: "records match no known format", exit 2
    assert f"{path}: read as braintrust (auto-detected)" in result.stderr
    assert "1 traces landed" in result.stdout and "1 rejected" in result.stdout


def test_a_jsonl_of_fetch_pages_rejects_a_bad_row_not_its_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_stub(monkeypatch)
    rows = braintrust_rows()
    bad = {**rows[0], "id": "bad", "metrics": {"start": "HUGE"}}
    pages = [{"events": [bad, *rows], "cursor": "c1"}, {"events": rows[:1], "cursor": None}]
    path = tmp_path / "logs.jsonl"
    path.write_text("".join(json.dumps(p).replace('"HUGE"', HUGE) + "\n" for p in pages))
    result = run("ingest", "--db", tmp_path / "t.db", "--no-ner", path)
    assert result.exit_code == 1, result.stderr
    assert "1 traces landed" in result.stdout
    assert f"{path}:1: events element 1: a number has more than 100 digits" in result.stderr
    half = tmp_path / "half.jsonl"  # a page still being written is left for the next read
    half.write_text(json.dumps(pages[0]) + "\n" + json.dumps(pages[0])[:-40])
    reader = RecordReader(half, hasher=None)
    assert [type(i).__name__ for i in reader] == ["RawRecord"] * (len(rows) + 1)
    assert reader.pending_line == 2


def test_a_marker_line_cutting_a_yaml_list_item_costs_only_that_item(tmp_path: Path) -> None:
    items = ["- " + yaml_doc(i).replace("\n", "\n  ").rstrip(" ") for i in range(10)]
    cut = items[4].replace("content: hi 4", "content: hi\n---\nthere 4")  # `---` at column 0
    path = tmp_path / "cut.yaml"
    path.write_text("".join([*items[:4], cut, *items[5:]]))
    records, rejections = read(path)
    assert [r.value["id"] for r in records] == [f"g{i}" for i in range(10)]  # g4 cut short
    assert [(r.where, r.line, r.reason.split(";")[0]) for r in rejections] == [
        (
            "document 2",
            26,  # the `---` line
            "malformed YAML: this document starts inside a list item (a `---` line "
            "within an item?)",
        )
    ]
    assert [r.where for r in records][-1] == "document 2, item 5"


@pytest.mark.parametrize("layout", ["one per line", "pretty", "single line", "envelope"])
@pytest.mark.parametrize("position", [1, 4])
def test_an_element_over_the_size_limit_is_one_rejection_and_nothing_inside_it_lands(
    tmp_path: Path, layout: str, position: int
) -> None:
    phantom = {"id": "phantom", "messages": [{"role": "user", "content": "inside"}]}
    big = {**good(99), "blob": "z" * 300_000, "inner": [phantom, {"more": "y" * 300_000}]}
    elements: list[Any] = [good(i) for i in range(5)]
    elements.insert(position, big)
    if layout == "one per line":
        text = "[\n" + ",\n".join(json.dumps(e) for e in elements) + "\n]\n"
    elif layout == "single line":
        text = json.dumps(elements)
    else:
        text = json.dumps(elements if layout == "pretty" else {"data": elements}, indent=2)
    path = tmp_path / "big.json"
    path.write_text(text)
    items = list(RecordReader(path, max_record_bytes=100_000))  # past 64 KB chunks too
    assert [i.value["id"] for i in items if isinstance(i, RawRecord)] == [f"g{i}" for i in range(5)]
    (rejected,) = [i for i in items if isinstance(i, Rejection)]
    assert "larger than" in rejected.reason and rejected.where.endswith(f"element {position + 1}")


def test_a_jsonl_with_cr_only_line_endings_is_rejected_loudly_not_left_pending(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mac.jsonl"
    path.write_bytes(b"".join(json.dumps(good(i)).encode() + b"\r" for i in range(3)))
    reader = RecordReader(path, hasher=None)
    items = list(reader)
    assert reader.pending_line is None  # it would never be "finished" by a writer
    assert [(type(i).__name__, getattr(i, "reason", "")[:26]) for i in items] == [
        ("Rejection", "lines end in CR only (old ")
    ]
