"""The reader's fast screen (`limits.screened`) gives exactly what the full checks give.

`screened` skips the `normalize` walk for records its text tests clear; these tests hold it
to the full way (`limits.loads`, then `limits.normalize`) on every fixture record, on the
fuzz mutations of all of them, and on hand-made records aimed at each thing it tests.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz_mutations import mutate
from tracereader.reading import limits

FIXTURES = Path(__file__).parent / "fixtures"
FORMAT_DIRS = [
    "anthropic",
    "braintrust",
    "claude-code",
    "langfuse",
    "langsmith",
    "litellm",
    "openai-agents",
    "openai-responses",
    "otlp",
    "vercel-ai",
]


def _full(text: str) -> tuple[str, Any, int, int]:
    changes = limits.Normalized()
    try:
        value = limits.loads(text)
        value = limits.normalize(value, changes)
    except (ValueError, RecursionError) as exc:
        return type(exc).__name__, str(exc), 0, 0
    return "ok", value, changes.nul_characters, changes.non_finite


def _screened(text: str, bytes_only: bool = False) -> tuple[str, Any, int, int]:
    """`screened` given the text and its bytes, or (as the JSONL reader calls it) the bytes
    only, decoded to text only if need be."""
    changes = limits.Normalized()
    data = text.encode("utf-8", "surrogatepass")
    try:
        value, clean = limits.screened(None if bytes_only else text, data)
        if not clean:
            value = limits.normalize(value, changes)
    except (ValueError, RecursionError) as exc:
        return type(exc).__name__, str(exc), 0, 0
    return "ok", value, changes.nul_characters, changes.non_finite


def _records() -> list[Any]:
    rows: list[Any] = []
    for name in FORMAT_DIRS:
        for path in sorted((FIXTURES / name).glob("*.json*")):
            text = path.read_text()
            try:
                rows.append(json.loads(text))
            except ValueError:
                rows.extend(json.loads(line) for line in text.splitlines() if line.strip())
    return [r for r in rows if isinstance(r, dict)]


def _same(text: str) -> None:
    # repr, not ==: an int read as a float (orjson widens ints past 64 bits) compares equal
    assert repr(_screened(text)) == repr(_full(text)), text[:200]
    assert repr(_screened(text, bytes_only=True)) == repr(_full(text)), text[:200]


def test_fixture_records_are_cleared_and_unchanged() -> None:
    records = _records()
    assert len(records) > 50
    cleared = 0
    for record in records:
        text = json.dumps(record)
        _same(text)
        cleared += limits.screened(text)[1]
    assert cleared >= len(records) * 0.8  # the point of the screen: most records skip the walk


def test_fuzz_mutations_give_the_full_checks_result() -> None:
    rng = random.Random(1404)
    records = _records()
    for _ in range(3000):
        data, _name = mutate(rng.choice(records), "jsonl", rng)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        _same(text)


DEEP_IN_STRING = json.dumps({"a": {"b": json.dumps({"c": json.loads("[" * 70 + "]" * 70)})}})


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "x\\u0000y"}',  # NUL, rewritten
        '{"a": NaN, "b": [Infinity, -Infinity]}',  # non-finite, rewritten
        '{"a": 1e400}',  # a float that overflows to infinity
        '{"a": [1.5E+308, 2e-999]}',
        '{"a": ' + "9" * 101 + "}",  # too many digits
        '{"a": 1.' + "0" * 60 + "e" + "1" * 45 + "}",
        '{"a": "' + json.dumps([int("9" * 120)]).replace('"', '\\"') + '"}',  # in a string's JSON
        '{"a": "\\ud800"}',  # a lone surrogate
        '{"a": "\\udc00x"}',
        '{"a": "\\\\ud800"}',  # escaped backslash: plain text, still the same result
        '{"a": "' + "\\u005b" * 70 + "\\u005d" * 70 + '"}',  # brackets spelled as escapes
        '{"a": "\\u005b\\"\\\\u005b\\" ]"}',
        DEEP_IN_STRING,  # 70 levels inside a string's JSON: rejected
        json.dumps({"a": [json.dumps([[[[1]]]])] * 30}),  # many brackets, shallow: kept
        '{"a": ' + "[" * 70 + "]" * 70 + "}",  # too deep
        '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
        json.dumps({"a": "x" * (limits.MAX_STRING_CHARS + 1)}),  # too long
        json.dumps({"a": [0] * (limits.MAX_VALUES + 1)}),  # too many values
        '{"a": "' + "0" * 40 + '"}',  # a digit string, not a number: kept
        '{"a": 18446744073709551616, "b": -9223372036854775809}',  # ints past 64 bits
        '{"a": [1, 99999999999999999999999999999999]}',
        '{"a": "' + json.dumps({"n": 2**70}).replace('"', '\\"') + '"}',  # in a string's JSON
        '{"a": 9223372036854775807, "b": -9223372036854775808, "c": 1730553791000000000}',
        '{"a": 1234567890.1234567890123456789, "b": "x12345678901234567890123"}',
        '{"a": 1, }',  # malformed
        "\ufeff{}",
        '["not", "an object"]',
    ],
)
def test_each_risk_goes_the_full_way(text: str) -> None:
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "x\\u0000y"}',
        '{"a": NaN}',
        '{"a": 1e400}',
        '{"a": "\\ud83d\\ude00"}',
        '{"a": "\\u005b"}',
        DEEP_IN_STRING,
    ],
)
def test_risky_records_are_not_cleared(text: str) -> None:
    try:
        _value, clean = limits.screened(text)
    except limits.LimitError:
        return
    assert not clean


def test_escapes_of_harmless_characters_are_cleared() -> None:
    """Go escapes `<>&`, Python every non-ASCII character: such records still skip the walk."""
    text = '{"a": "\\u003cb\\u003e \\u0026 caf\\u00e9 \\u2028 \\u001b[0m", "n": 12.5e10}'
    assert limits.screened(text) == (json.loads(text), True)


_LOOK_BEHIND = re.compile(rb'(?<![0-9"])[0-9]{34}')
"""The look-behind regex `_long_digits` replaced: the reference it must agree with."""


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": "' + b"1" * 40 + b'"}',  # a digit string right after its quote
        b'{"a": ' + b"1" * 40 + b"}",  # a long number
        b'{"a": "x' + b"1" * 40 + b'"}',  # digits inside text
        b"1" * 34,  # at the very start
        b'{"a": "' + b"1" * 34 + b'", "b": "y' + b"2" * 34 + b'"}',  # the second run counts
        b'{"a": "' + b"1" * 33 + b'e1", "b": "' + b"2" * 80 + b'"}',
        b'{"a": "' + b"1" * 33 + b'"}',
        b'{"a": 1.' + b"0" * 60 + b"}",  # the fraction's run follows a dot
        b"",
    ],
)
def test_long_digits_agrees_with_the_look_behind_regex(text: bytes) -> None:
    shapes = text.translate(limits._SHAPES)
    assert limits._long_digits(text, shapes) == bool(_LOOK_BEHIND.search(text))


def test_long_digits_agrees_on_fuzzed_fixture_lines() -> None:
    rng = random.Random(12)
    for record in _records()[:200]:
        for _ in range(5):
            data = json.dumps(record).encode()
            at = rng.randrange(len(data) + 1)
            data = (
                data[:at] + rng.choice([b"7" * 34, b'"' + b"5" * 40, b"x" + b"3" * 35]) + data[at:]
            )
            shapes = data.translate(limits._SHAPES)
            assert limits._long_digits(data, shapes) == bool(_LOOK_BEHIND.search(data))


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": 1e400}',
        b'{"a": -1.5E+308}',
        b'{"a":[2e999]}',
        b'{"a": 7,  \t 3.25e100}',
        b'{"a": "x1e400"}',  # inside text
        b'{"a": ".5e400"}',
        b'{"a": [.5e400]}',  # no integer part: not the pattern
        b'{"a": -e400}',
        b"1e400",  # at the start: nothing before it
        b'{"a": "1e40", "b": 10e-400}',
        b'{"a": 1e40, "b": "x", "c": 1e4000}',
        b'{"a": 1.e400}',
    ],
)
def test_overflow_agrees_with_the_regex(text: bytes) -> None:
    shapes = text.translate(limits._SHAPES)
    assert limits._overflow(text, shapes) == bool(limits._OVERFLOW.search(text))


def test_overflow_agrees_on_fuzzed_fixture_lines() -> None:
    rng = random.Random(13)
    pieces = [b"1e400", b", 2.5E+308", b": -9e999", b"[ 4e100", b'"x3e333', b".7e777", b"-1e100"]
    for record in _records()[:200]:
        for _ in range(5):
            data = json.dumps(record).encode()
            at = rng.randrange(len(data) + 1)
            data = data[:at] + rng.choice(pieces) + data[at:]
            shapes = data.translate(limits._SHAPES)
            assert limits._overflow(data, shapes) == bool(limits._OVERFLOW.search(data))


def _read_array(path: Path) -> list[tuple[Any, ...]]:
    from tracereader.formats.base import RawRecord
    from tracereader.reading.readers import RecordReader

    return [
        (r.line, repr(r.value), r.where)
        if isinstance(r, RawRecord)
        else (r.line, r.reason, getattr(r, "where", None))
        for r in RecordReader(path)
    ]


def _accepted(items: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(line, value if value.startswith("{") else "rejected") for line, value, _ in items]


def test_an_array_read_line_by_line_gives_what_the_general_way_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`decoded_line` (an element per line, by orjson) against `decoded_clean` and against the
    full way: the same records, lines and rejections on fuzzed records, one element per line."""
    rng = random.Random(2212)
    records = _records()
    lines: list[bytes] = []
    for _ in range(300):
        data, _name = mutate(rng.choice(records), "jsonl", rng)
        lines.append(data.rstrip(b"\n").replace(b"\n", b" "))
    lines += [b'{"a": 18446744073709551616}', b'{"a": [1, 2]} , ', b'{"a": 1}, {"b": 2}']
    lines += [DEEP_IN_STRING.encode(), json.dumps({"a": [json.dumps([[[[1]]]])] * 30}).encode()]
    path = tmp_path / "fuzzed.json"
    path.write_bytes(b"[\n" + b",\n".join(lines) + b"\n]\n")
    from tracereader.reading.json_stream import JsonStream

    fast = _read_array(path)
    monkeypatch.setattr(limits, "decoded_line", lambda text, start, stop: None)
    assert fast == _read_array(path)
    monkeypatch.setattr(JsonStream, "_decode_clean", lambda self, start: None)
    # and the full way, every element scanned, decoded and walked: the same records and the
    # same rejected lines (its reason for JSON nested deep in a string is worded as a
    # structure's, where the fast paths word it as JSONL lines do)
    assert _accepted(fast) == _accepted(_read_array(path))
    assert sum(isinstance(item[1], str) and item[1].startswith("{") for item in fast) > 100


def test_decoded_line_reads_only_a_whole_value() -> None:
    text = '{"a": 1}, \n{"b": {"c": 2}\n}\n'
    assert limits.decoded_line(text, 0, text.index("\n")) == ({"a": 1}, 8, True)
    second = text.index("{", 9)
    assert limits.decoded_line(text, second, text.index("\n", second)) is None  # cut: not whole
    wide = '{"a": 99999999999999999999}'
    assert limits.decoded_line(wide, 0, len(wide)) is None  # orjson would widen it to a float


def test_has_surrogate_agrees_with_the_character_class() -> None:
    rng = random.Random(77)
    pool = ["a", " ", "é", "中", "😀", "\x00", "\ud800", "\udfff", "\udc80", "\udcff", "\ud83d"]
    regex = re.compile("[\ud800-\udfff]")
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert limits.has_surrogate(text) == (regex.search(text) is not None), repr(text)
