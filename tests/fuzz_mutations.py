"""A seeded, structure-aware mutator of trace records, for the ingest fuzz test.

Each mutation takes one parsed record and returns the bytes of its mutated form, as JSON or
as a YAML document: a field retyped, a number made huge or special, a string holding JSON
nested deep, invalid UTF-8, NUL, a lone surrogate, a duplicate key, an odd timestamp, a
truncated or garbage record. Text-level damage (raw bytes, 4,401-digit numbers, which no
serializer writes) goes in through placeholders replaced after serialization.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from typing import Any

import yaml

Mutation = Callable[[Any, random.Random], tuple[Any, dict[str, bytes]]]

_HOLE = "__FUZZ_HOLE_{}__"
ODD_TIMES: list[Any] = [
    "0001-01-01T00:00:00Z",
    "0000-01-01",
    "9999-12-31T23:59:59Z",
    "2026-02-30T10:00:00Z",
    "1969-12-31T23:59:59-23:59",
    "yesterday",
    "",
    -1,
    0,
    10**20,
    1e300,
    -62135596801,
    True,
]
SPECIAL_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e999", "-0.0", "1e-999", str(2**64)]
RETYPES: list[Any] = [None, True, 0, -1, 3.5, "", "text", [], {}, [1, "a", None], {"k": "v"}]


def _paths(value: Any, limit: int = 400) -> list[tuple[Any, Any]]:
    """(container, key) of every value inside `value`, breadth first, at most `limit`."""
    found: list[tuple[Any, Any]] = []
    queue = [value]
    while queue and len(found) < limit:
        node = queue.pop(0)
        pairs = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in list(pairs):
            found.append((node, key))
            if isinstance(child, dict | list):
                queue.append(child)
    return found


def _pick(record: Any, rng: random.Random, want: Callable[[Any, Any], bool]) -> tuple[Any, Any]:
    choices = [(c, k) for c, k in _paths(record) if want(c, k)]
    if not choices:
        choices = [(c, k) for c, k in _paths(record)] or [(record, None)]
    return rng.choice(choices)


def _set(record: Any, rng: random.Random, want: Callable[[Any, Any], bool], value: Any) -> Any:
    container, key = _pick(record, rng, want)
    if key is None and isinstance(container, dict):
        container["fuzz"] = value
    elif key is not None:
        container[key] = value
    return record


def _any(container: Any, key: Any) -> bool:
    return True


def _string(container: Any, key: Any) -> bool:
    return isinstance(container[key], str)


def _number(container: Any, key: Any) -> bool:
    value = container[key]
    return isinstance(value, int | float) and not isinstance(value, bool)


def _timeish(container: Any, key: Any) -> bool:
    name = str(key).lower()
    return isinstance(container, dict) and any(
        part in name for part in ("time", "created", "timestamp", "at", "date", "nano")
    )


def retype(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """Any field becomes a value of another type."""
    return _set(record, rng, _any, copy.deepcopy(rng.choice(RETYPES))), {}


def huge_number(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """A number of 4,401 (or 400, or 5,000) digits, written as JSON digits."""
    digits = rng.choice([101, 400, 4301, 4401, 5000])
    sign = rng.choice(["", "-"])
    hole = _HOLE.format("number")
    return _set(record, rng, _number, hole), {hole: (sign + "9" * digits).encode()}


def special_number(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """NaN, an infinity, an overflowing exponent, or 2**64."""
    hole = _HOLE.format("special")
    value = rng.choice(SPECIAL_NUMBERS)
    return _set(record, rng, _number, hole), {hole: value.encode()}


def deep_in_string(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """A string (a tool result, say) holding JSON nested 65 to 10,000 deep."""
    depth = rng.choice([65, 600, 1000, 10_000])
    text = rng.choice(["[", '{"a":']) * depth
    text += ("]" if text.startswith("[") else "}") * depth
    return _set(record, rng, _string, text), {}


def deep_structure(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """A value wrapped in 65 to 5,000 lists or objects (as text: no encoder nests so deep)."""
    depth = rng.choice([65, 300, 5000])
    opener, closer = rng.choice([("[", "]"), ('{"k": ', "}")])
    hole = _HOLE.format("deep")
    return _set(record, rng, _any, hole), {hole: (opener * depth + "1" + closer * depth).encode()}


def invalid_utf8(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """Bytes that are not UTF-8 inside a string."""
    hole = _HOLE.format("bytes")
    raw = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80abc"])
    return _set(record, rng, _string, f"before {hole} after"), {hole: raw}


def nul(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """A NUL character: escaped (valid JSON) or as a raw byte (not valid JSON)."""
    if rng.random() < 0.5:
        return _set(record, rng, _string, "nul \x00 inside"), {}
    hole = _HOLE.format("nul")
    return _set(record, rng, _string, f"raw {hole}"), {hole: b"\x00"}


def surrogate(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """A lone surrogate escape (`\\ud800`) in a string or a key."""
    hole = _HOLE.format("surrogate")
    escape = rng.choice([b"\\ud800", b"\\udfff", b"\\udc80x", b"\\ud83d"])
    if rng.random() < 0.8:
        return _set(record, rng, _string, f"a {hole} b"), {hole: escape}
    container, _ = _pick(record, rng, lambda c, k: isinstance(c, dict))
    if isinstance(container, dict):
        container[hole] = 1
    return record, {hole: escape}


def duplicate_key(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """An object holding the same key twice (JSON keeps the last; the first is retyped)."""
    dicts = [c for c, _ in _paths(record) if isinstance(c, dict)] or [record]
    target = rng.choice(dicts) if isinstance(record, dict) else None
    if not isinstance(target, dict) or not target:
        return retype(record, rng)
    key = rng.choice(list(target))
    hole = _HOLE.format("dup")
    first = json.dumps(rng.choice(RETYPES))
    target[hole] = target.pop(key)
    return record, {hole: f"{json.dumps(key)}: {first}, {json.dumps(key)}".encode()}


def odd_time(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """A timestamp field set to year 1, year 9999, 2026-02-30, text, or a huge epoch."""
    return _set(record, rng, _timeish, copy.deepcopy(rng.choice(ODD_TIMES))), {}


def drop_key(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """A field removed."""
    container, key = _pick(record, rng, lambda c, k: isinstance(c, dict))
    if isinstance(container, dict) and key in container:
        del container[key]
    return record, {}


def not_an_object(record: Any, rng: random.Random) -> tuple[Any, dict[str, bytes]]:
    """The whole record replaced by a list, a string, a number or null."""
    return rng.choice([[record], "a string", 42, None, []]), {}


MUTATIONS: list[Mutation] = [
    retype,
    huge_number,
    special_number,
    deep_in_string,
    deep_structure,
    invalid_utf8,
    nul,
    surrogate,
    duplicate_key,
    odd_time,
    drop_key,
    not_an_object,
]


def serialize(record: Any, kind: str) -> bytes:
    """One record as it sits in a file of `kind` (jsonl, json element, yaml document)."""
    if kind == "yaml":
        text = yaml.safe_dump(record, allow_unicode=False, sort_keys=False, width=10_000)
        return b"---\n" + text.encode("utf-8", "surrogatepass")
    return json.dumps(record).encode()


def mutate(record: Any, kind: str, rng: random.Random) -> tuple[bytes, str]:
    """The bytes of a mutated copy of `record` and the mutation's name.

    One in ten is damaged as text instead: cut short, or replaced by random bytes. A YAML
    document keeps its `---` marker: without it the damage would belong to the document
    before (as a JSONL line keeps its newline).
    """
    roll = rng.random()
    marker = b"---\n" if kind == "yaml" else b""
    if roll < 0.05:
        whole = serialize(record, kind)
        return whole[
            : rng.randrange(len(marker) + 1, max(len(marker) + 2, len(whole)))
        ], "truncated"
    if roll < 0.1:
        noise = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        return marker + noise, "garbage"
    mutation = rng.choice(MUTATIONS)
    if kind == "yaml" and mutation is duplicate_key:  # its text form is JSON's
        mutation = retype
    changed, holes = mutation(copy.deepcopy(record), rng)
    data = serialize(changed, kind)
    for hole, raw in holes.items():
        quoted = [f'"{hole}"'.encode(), f"'{hole}'".encode(), hole.encode()]
        for pattern in quoted:
            if pattern in data:
                data = data.replace(pattern, raw)
                break
    return data, mutation.__name__
