"""What every importer shares: exclusive detection, bounded grouping, media placeholders."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from format_helpers import FIXTURES, read_records, records_of

from tracereader.formats import FORMATS, spantree
from tracereader.formats.langsmith import FORMAT as LANGSMITH
from tracereader.formats.ledger import UNREAD, Landed, Ledger, Unplaced, trace_strings
from tracereader.formats.normalize import content_text, messages_from, scrub_media
from tracereader.formats.spantree import GroupWindow, LateRecord, convert_grouped
from tracereader.model import Rejection, Trace

FIXTURE_FILES = sorted(
    p
    for p in FIXTURES.rglob("*")
    if p.suffix in (".json", ".jsonl") and p.relative_to(FIXTURES).parts[0] != "makers"
)
SAMPLES = Path(__file__).resolve().parent.parent / "sample_traces"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_record_matches_exactly_its_own_format(path: Path) -> None:
    expected = path.parent.name
    for record in read_records(path):
        matches = [name for name, fmt in FORMATS.items() if fmt.sniff(record.value)]
        assert matches == [expected], f"line {record.line} matched {matches}"


@pytest.mark.parametrize("fmt", ["langsmith", "langfuse", "otlp", "braintrust"])
def test_sample_file_per_format_is_shipped_and_detected(fmt: str) -> None:
    files = sorted((SAMPLES / fmt).glob("*.jsonl"))
    assert files
    for path in files:
        for record in read_records(path):
            assert [n for n, f in FORMATS.items() if f.sniff(record.value)] == [fmt]


def test_native_and_openai_records_are_not_claimed_by_importers() -> None:
    native = {"id": "t1", "messages": [{"role": "user", "content": "hi"}], "user_id": "u"}
    openai = {"messages": [{"role": "user", "content": "hi"}], "model": "gpt-4o"}
    for value in (native, openai):
        for name in ("langsmith", "langfuse", "otlp", "braintrust"):
            assert not FORMATS[name].sniff(value), name


def test_window_holds_contiguous_groups_only_until_it_fills() -> None:
    window: GroupWindow[int] = GroupWindow(window=3)
    emitted = []
    for line, key in enumerate(["a", "a", "b", "b", "c"], start=1):
        emitted += [g.key for g in window.add(key, line, line)]
    assert emitted == ["a"]  # held records never exceed the window
    assert [g.key for g in window.flush()] == ["b", "c"]


def test_record_beyond_the_window_is_rejected_not_merged_silently() -> None:
    window: GroupWindow[int] = GroupWindow(window=2)
    list(window.add("a", 1, 1))
    list(window.add("b", 2, 2))
    list(window.add("c", 3, 3))  # pushes "a" out
    with pytest.raises(LateRecord) as late:
        list(window.add("a", 4, 4))
    assert late.value.line == 4


def test_late_run_becomes_a_rejection_with_advice() -> None:
    def run(run_id: str, trace: str, parent: str | None = None) -> dict[str, object]:
        return {
            "id": run_id,
            "trace_id": trace,
            "parent_run_id": parent,
            "run_type": "chain",
            "inputs": {"input": f"q {trace}"},
            "outputs": {"output": f"a {trace}"},
        }

    rows = [run("1", "A"), run("2", "B"), run("3", "C"), run("4", "A", "1")]
    out = list(
        convert_grouped(
            records_of(rows),
            lambda r: r.value["trace_id"],
            lambda rs: next(t for t in LANGSMITH.convert(rs) if isinstance(t, Trace)),
            LANGSMITH.ledger,
            window=2,
        )
    )
    rejections = [r for r in out if isinstance(r, Rejection)]
    assert [r.line for r in rejections] == [4]
    assert "sort the file by trace id" in rejections[0].reason
    assert len([t for t in out if isinstance(t, Trace)]) == 3


def _one_by_one_rows(count: int) -> list[dict[str, object]]:
    """Langfuse table rows, every seventh unreadable and every eleventh not a trace at all."""
    rows: list[dict[str, object]] = []
    for i in range(count):
        row: dict[str, object] = {"id": f"t{i}", "timestamp": "2026-11-02T14:03:11Z"}
        row.update({"userId": f"u{i}", "input": f"question {i}", "output": f"answer {i}"})
        if i % 7 == 3:
            row["input"] = row["output"] = None  # yields no message: a rejection
        if i % 11 == 5:
            row = {"neither": "trace nor observation"}  # the key function rejects it
        rows.append(row)
    return rows


def test_batched_building_keeps_the_one_by_one_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from tracereader.formats import langfuse

    rows = _one_by_one_rows(spantree.BATCH * 3 + 5)

    def run(window: int) -> list[str]:
        grouped = convert_grouped(
            records_of(rows), langfuse._trace_key, langfuse._trace, langfuse.LEDGER, window
        )
        return [repr(item) for item in grouped]

    batched = {window: run(window) for window in (8, 10_000)}  # groups leave early, or at the end
    monkeypatch.setattr(spantree, "BATCH", 1)
    for window, out in batched.items():
        assert out == run(window)
        assert sum(o.startswith("Trace(") for o in out) == sum(
            1 for i in range(len(rows)) if i % 7 != 3 and i % 11 != 5
        )


def test_a_reader_bug_raises_after_the_traces_built_before_it() -> None:
    from tracereader.formats.langfuse import FORMAT as LANGFUSE

    rows = [
        {
            "id": f"t{i}",
            "timestamp": "2026-11-02T14:03:11Z",
            "userId": "u",
            "input": "q",
            "output": "a",
        }
        for i in range(10)
    ]

    def build(records: list[Any]) -> Trace:
        if records[0].value["id"] == "t6":
            raise RuntimeError("a bug")
        return Trace(messages=[], id=records[0].value["id"])

    out: list[object] = []
    with pytest.raises(RuntimeError):
        for item in convert_grouped(
            records_of(rows), lambda r: r.value["id"], build, LANGFUSE.ledger
        ):
            out.append(item)
    assert [item.line for item in out] == [1, 2, 3, 4, 5, 6]  # traces of no message: rejected


def test_images_and_binary_parts_become_placeholders() -> None:
    parts = [
        {"type": "text", "text": "see"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        {"type": "image", "source": {"type": "base64", "data": "iVBORw0KGgo="}},
        {"type": "input_audio", "input_audio": {"data": "UklGRg=="}},
    ]
    assert content_text(parts) == "see\n[image]\n[image]\n[audio]"
    assert content_text("data:image/jpeg;base64,/9j/4AAQ") == "[image]"
    assert scrub_media({"a": ["data:application/pdf;base64,JVBERi0="]}) == {"a": ["[file]"]}


def test_nested_json_strings_and_langchain_forms_are_decoded() -> None:
    doubled = '{"messages": [{"role": "user", "content": "hi"}]}'
    assert [(m.role, m.content) for m in messages_from(doubled)] == [("user", "hi")]
    lc = {
        "lc": 1,
        "type": "constructor",
        "id": ["langchain", "schema", "messages", "AIMessage"],
        "kwargs": {
            "content": [{"type": "text", "text": "ok"}],
            "tool_calls": [{"name": "f", "args": {"x": 1}, "id": "c1"}],
        },
    }
    (message,) = messages_from({"messages": [[lc]]})
    assert (message.role, message.content) == ("assistant", "ok")
    assert [(c.name, c.arguments, c.id) for c in message.tool_calls] == [("f", {"x": 1}, "c1")]


BROKEN_VALUES: list[object] = [None, "x", 7, [], {}, [None], {"a": None}]


@pytest.mark.parametrize(
    "fixture",
    [
        "langsmith/runs.jsonl",
        "langfuse/traces.jsonl",
        "langfuse/observations_v2.jsonl",
        "otlp/openinference_openai.jsonl",
        "otlp/genai_collector.jsonl",
        "braintrust/logs.jsonl",
    ],
)
def test_missing_or_mistyped_fields_degrade_to_a_trace_or_a_rejection(fixture: str) -> None:
    path = FIXTURES / fixture
    fmt = FORMATS[path.parent.name]
    rows = [r.value for r in read_records(path)]
    for index, row in enumerate(rows):
        for key in row:
            for broken in [*BROKEN_VALUES, ...]:
                changed = dict(row)
                if broken is ...:
                    del changed[key]
                else:
                    changed[key] = broken
                values = [*rows[:index], changed, *rows[index + 1 :]]
                out = list(fmt.convert(records_of(values)))
                assert all(isinstance(o, Trace | Rejection | Unplaced) for o in out)
                for o in out:
                    if isinstance(o, Rejection):
                        assert "Jane" not in o.reason and "@" not in o.reason
                    if isinstance(o, Unplaced):
                        assert not any("Jane" in f or "@" in f for f in o.fields)


def _nested(fixture: str) -> list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]]:
    """(name, getter) pairs for the nested objects of a fixture's first record."""
    if fixture.startswith("otlp"):
        return [
            ("resourceSpans[0]", lambda d: d["resourceSpans"][0]),
            ("scopeSpans[0]", lambda d: d["resourceSpans"][0]["scopeSpans"][0]),
            ("spans[0]", lambda d: d["resourceSpans"][0]["scopeSpans"][0]["spans"][0]),
            (
                "attribute[0]",
                lambda d: d["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"][0],
            ),
        ]
    return [
        ("observations[0]", lambda d: d["observations"][0]),
        ("scores[0]", lambda d: d["scores"][0]),
    ]


@pytest.mark.parametrize("fixture", ["otlp/openinference_openai.jsonl", "langfuse/traces.jsonl"])
def test_mistyped_nested_fields_degrade_too(fixture: str) -> None:
    path = FIXTURES / fixture
    fmt = FORMATS[path.parent.name]
    rows = [r.value for r in read_records(path)]
    for _name, getter in _nested(fixture):
        for key in list(getter(rows[0])):
            for broken in BROKEN_VALUES:
                first = copy.deepcopy(rows[0])
                getter(first)[key] = broken
                out = list(fmt.convert(records_of([first, *rows[1:]])))
                assert all(isinstance(o, Trace | Rejection | Unplaced) for o in out)


PLANTED = (
    "Where is my order? I'm Jane Doe, jane.doe@example.com, phone +1 415 555 0132.",
    "Your order shipped yesterday, Jane.",
)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_string_of_every_fixture_lands_or_is_declared_ignored(path: Path) -> None:
    fmt = FORMATS[path.parent.name]
    out = list(fmt.convert(read_records(path)))
    unread = [o for o in out if isinstance(o, Unplaced) and o.what == UNREAD]
    assert unread == [], f"{path.name}: {unread}"
    traces = [o for o in out if isinstance(o, Trace)]
    assert traces and all(t.messages for t in traces)
    stored = Landed(s for t in traces for s in trace_strings(t))
    text = path.read_text()
    for planted in PLANTED:  # the conversation itself is stored, never excused by a pattern
        if json.dumps(planted)[1:-1] in text or planted in text:
            assert stored.holds(planted), f"{path.name}: {planted!r} did not land"


def test_field_paths_never_show_keys_that_look_like_data() -> None:
    record = {"metadata": {"jane.doe@example.com": "a note", "Jane Doe": "x y", "tier": "gold z"}}
    out = Ledger().unread(record, Landed([]))
    assert out == ["metadata.*", "metadata.tier"]


def test_ledger_decides_each_field_path_once_across_records(monkeypatch: Any) -> None:
    """The walk builds and looks up a (path, key) once: later records reuse it, same reports."""
    from tracereader.formats import ledger as ledger_module

    ledger = Ledger("**.id", "meta.*")
    stored = Landed(["kept"])
    record = {"id": "x1", "text": "kept", "meta": {"a": "gone"}, "items": [{"lost": "away"}]}
    assert ledger.unread(record, stored) == ["items[].lost"]
    calls: list[str] = []
    segment = ledger_module.key_segment
    monkeypatch.setattr(ledger_module, "key_segment", lambda k: calls.append(k) or segment(k))
    assert ledger.unread(copy.deepcopy(record), stored) == ["items[].lost"]
    assert calls == []
    assert ledger.unread({"other": "away", "items": []}, stored) == ["other"]
    assert calls == ["other"]


def test_json_text_lands_by_its_values_or_whole() -> None:
    """A string holding JSON is settled by its values, or by the whole text when the trace
    stores it as it is (values with escapes then appear nowhere else); a value of it that
    lands nowhere is reported under the string's own field."""
    ledger = Ledger()
    text = json.dumps({"q": 'say "hi"\nthen go', "n": 3})
    assert ledger.unread({"input": text}, Landed(['say "hi"\nthen go'])) == []
    assert ledger.unread({"input": text}, Landed([f"tool said: {text}"])) == []
    assert ledger.unread({"input": text}, Landed(["other"])) == ["input.q"]
    quoted = json.dumps(json.dumps("wrapped twice over"))
    assert ledger.unread({"out": quoted}, Landed(["wrapped twice over"])) == []
    assert ledger.unread({"out": "{not json"}, Landed(["x {not json y"])) == []
    assert ledger.unread({"out": "{not json"}, Landed(["x"])) == ["out"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026-11-02T14:03:11Z", True),
        ("2026-11-02T15:10:00.000+02:00", True),
        ("2026-11-02 14:03 UTC", True),  # not ISO for `fromisoformat`; the pattern knows it
        ("2026-11-02", True),
        (" 2026-11-02T14:03:11.123456Z ", True),
        ("-3.5e2", True),
        ("data:image/png;base64,iVBO", True),
        ("2026-11 plans for the order", False),
        ("2026-11-02T14:03:11Z was when Jane called", False),
        ("1234 Main Street", False),
    ],
)
def test_times_numbers_and_media_are_values_not_text(text: str, value: bool) -> None:
    from tracereader.formats.ledger import is_value_not_text

    assert is_value_not_text(text) is value
    assert (Ledger().unread({"field": text}, Landed([])) == []) is value


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2.5, "x"]}',
        "[]",
        '"s"',
        "1e400",
        "NaN",
        "",
        "x",
        "[",
        '{"a":1} x',
        "[1] ",
        "\ufeff[1]",
    ],
)
def test_decode_json_is_json_loads_without_its_wrapper(text: str, monkeypatch: Any) -> None:
    from tracereader.formats import normalize

    def outcome(decode: Callable[[str], Any]) -> tuple[str, Any]:
        try:
            return "ok", repr(decode(text))
        except ValueError:
            return "error", None

    expected = outcome(json.loads)
    if not (text[:1].isspace() or text[-1:].isspace() or text.startswith("\ufeff")):
        monkeypatch.setattr(normalize.json, "loads", None)  # the plain case never calls it
    assert outcome(normalize.decode_json) == expected


@pytest.mark.parametrize(
    "fixture",
    [
        "langsmith/runs.jsonl",
        "langfuse/observations_v2.jsonl",
        "otlp/genai_collector.jsonl",
        "braintrust/logs.jsonl",
        "openai-agents/traces.jsonl",
    ],
)
def test_each_trace_steps_are_sorted_once(fixture: str, monkeypatch: Any) -> None:
    path = FIXTURES / fixture
    calls: list[int] = []

    def counting(items: Any, **kwargs: Any) -> list[Any]:
        calls.append(1)
        return sorted(items, **kwargs)

    monkeypatch.setattr(spantree, "sorted", counting, raising=False)
    out = list(FORMATS[path.parent.name].convert(read_records(path)))
    traces = [o for o in out if isinstance(o, Trace)]
    assert traces and len(calls) == len(traces)  # assemble, first_error, last_model reuse it


def test_a_short_word_is_found_standing_alone_exactly_as_the_word_boundary_regex_finds_it() -> None:
    """`_stands_alone_in` (str.find, then a regex past 8 hits) agrees with the regex it replaced."""
    import random

    from tracereader.formats.ledger import _stands_alone_in

    rng = random.Random(7)
    alphabet = "ab_1 .\x00é-"
    for _ in range(3000):
        blob = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3)))
        expected = re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", blob) is not None
        assert _stands_alone_in(word, blob) == expected, (word, blob)
