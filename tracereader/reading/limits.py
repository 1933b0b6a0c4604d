"""The limits every record is held to before any parser, converter or the anonymizer works on it.

Python has hidden limits of its own (4,300 digits in an int, ~1,000 levels of recursion) and
the anonymizer has costs that grow with text; a record past one of these limits is rejected
here, by line and reason, instead of failing somewhere that would cost the whole file. The
README's "Limits" section lists the same numbers.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

MAX_RECORD_BYTES = 10 * 1024 * 1024
"""Largest record (a JSONL line, a JSON value, a YAML document) read; bigger ones are skipped."""
MAX_DEPTH = 64
"""Deepest nesting of objects and lists in a record, counting JSON held inside its strings."""
MAX_DIGITS = 100
"""Most digits in one number (Python refuses ints past 4,300; real traces stay under 40)."""
MAX_STRING_CHARS = 1_000_000
"""Longest single string (spaCy's own document limit)."""
MAX_VALUES = 1_000_000
"""Most values in one record once YAML aliases are expanded (stops "billion laughs")."""

NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
"""How NaN and infinities are stored: as the text JSON writers use, never as numbers."""

_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')
_NUMBER_DIGITS = re.compile(r"\d")
_INT_LIMIT = 10**MAX_DIGITS
_MAY_HOLD_JSON = frozenset("[{ \t\r\n")
_SCREEN_BYTES = min(MAX_STRING_CHARS, MAX_VALUES)
"""Text this short holds no string and no count of values past their limits (see `screened`)."""
_SHAPE_OF = dict(zip(b"0123456789eE[{+", b"0000000000ee[[+", strict=True))
_SHAPES = bytes(_SHAPE_OF.get(i, 32) for i in range(256))
"""Digits to `0`, `e`/`E` to `e`, `[`/`{` to `[`, `+` kept, all else a space: shapes by `in`."""
_DIGIT_RUN = b"0" * 34
"""A number of more than 100 digits has a run this long (at most three runs: int, fraction, exp)."""
_WIDE_RUN = b"0" * 19
"""An int past 64 bits has a run this long: orjson would read such an int as a float."""
_INT64 = 2**63 - 1
_ZEROS = re.compile(rb"0*")
_SPACES = frozenset(b" \t\n\r\f\v")
_BIG_EXPONENT = (b"0e000", b"0e+000")
"""A 3-digit exponent in the shapes."""
_OVERFLOW = re.compile(rb"[:,\[]\s*-?[0-9]+(?:\.[0-9]+)?[eE]\+?[0-9]{3}")
"""A number outside strings with a 3-digit exponent (may be infinite as a float)."""
_RISKY_ESCAPE = re.compile(
    rb"\\u(?:[dD][89a-fA-F]|00(?:00|2[0-5]|2[89a-fA-F]|3[0-9abdfABDF]|[4-7][0-9a-fA-F]))"
)
"""`\\u` escapes that may spell a surrogate, NUL, a bracket, a digit, a quote, a backslash or a
letter: what a string's JSON could be built of. Controls and `&'<>` (escaped by Go and Python
writers) and every non-ASCII character are harmless."""


class LimitError(ValueError):
    """A record breaks one of the limits above; the message names the limit, never content."""


def too_deep() -> LimitError:
    """The error for nesting past `MAX_DEPTH`."""
    return LimitError(f"nested more than {MAX_DEPTH} levels deep (the limit)")


def too_many_digits() -> LimitError:
    """The error for a number past `MAX_DIGITS`."""
    return LimitError(f"a number has more than {MAX_DIGITS} digits (the limit)")


def nesting_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests brackets deeper than `limit` (strings skipped), without parsing.

    Counting brackets first keeps the scan off nearly every record; the scan stops as soon as
    the limit is passed, so a megabyte of `[` costs one short regex run.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _STRUCTURE.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _parse_int(text: str) -> int:
    if len(text) - text.startswith("-") > MAX_DIGITS:
        raise too_many_digits()
    return int(text)


def _parse_float(text: str) -> float:
    if len(_NUMBER_DIGITS.findall(text)) > MAX_DIGITS:
        raise too_many_digits()
    return float(text)


DECODER = json.JSONDecoder(parse_int=_parse_int, parse_float=_parse_float)
"""A JSON decoder that refuses over-long numbers before Python's int conversion can."""


def loads(text: str) -> Any:
    """Parse one JSON document within the limits (LimitError or JSONDecodeError otherwise)."""
    if nesting_exceeds(text):
        raise too_deep()
    return DECODER.decode(text)


def screened(text: str | None, data: bytes | None = None) -> tuple[Any, bool]:
    """(`loads(text)`, whether the value provably needs no `normalize`): the same result, faster.

    `text` may be None when `data`, its UTF-8 bytes, is given: it is decoded only if needed
    (a `UnicodeDecodeError` for bytes that are not UTF-8). Cheap C-speed tests on the bytes
    prove most records within every limit and free of anything `normalize` rewrites; those
    are parsed by orjson and not walked. Anything the tests cannot clear, and every error, goes
    the full way (`loads`, then `normalize` by the caller), so the errors and the values are
    the same:

    - size: a string, or a count of values, is never longer than the text holding it;
    - escapes: without the `\\u` escapes of `_RISKY_ESCAPE`, every bracket and digit of every
      string's JSON (at any level of JSON in strings) is a literal character of the text, a NUL
      cannot occur (raw control characters are not JSON) and neither can a lone surrogate;
    - digits: a number past `MAX_DIGITS` leaves a run of 34 digits not right after a quote;
      an infinite float needs a 3-digit exponent, or is `NaN` or `Infinity` (refused by
      orjson); an int orjson would read as a float (past 64 bits) leaves a run of 19;
    - depth: nesting counted inside strings is at most the deepest container plus the brackets
      written inside strings (the brackets that open no container).
    """
    if data is None:
        assert text is not None
        data = text.encode("utf-8", "surrogatepass")
    found = _read_clear(data)
    if found is not None:
        return found
    return loads(data.decode("utf-8") if text is None else text), False


def _read_clear(raw: bytes) -> tuple[Any, bool] | None:
    """(value, clean) by orjson when the byte tests pass and orjson reads it (it refuses what
    it does not read as `json` does), its containers no deeper than `MAX_DEPTH`; else None."""
    shapes = _bytes_clear(raw, ints_in_64_bits=True)
    if shapes is None:
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    depth = _depth_clear(value, shapes)
    return None if depth is None else (value, depth)


def decoded_clean(text: str, start: int) -> tuple[Any, int, bool] | None:
    """(value, end, clean) of the JSON value at `text[start:]` when `screened` would read it
    at C speed: decoded, provably within the size, digit and escape limits, its containers no
    deeper than `MAX_DEPTH`; `clean` as `screened` says it (False: `normalize` it, which
    also counts the depth of JSON inside strings).

    None for a value the screen cannot clear (a risky escape, a long number, deep nesting,
    `NaN`); `json.JSONDecodeError` for text that does not decode (it may be cut short). Either
    way the caller takes its full way, which gives the errors. For streams of values (JSON
    arrays, export envelopes), where a value's text is a slice of a buffer.
    """
    try:
        value, end = _SCREENED.raw_decode(text, start)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError, _NonFinite):  # an int past Python's own digit limit
        return None
    raw = text[start:end].encode("utf-8", "surrogateescape")
    shapes = _bytes_clear(raw)
    depth = None if shapes is None else _depth_clear(value, shapes)
    return None if depth is None else (value, end, depth)


def decoded_line(text: str, start: int, stop: int) -> tuple[Any, int, bool] | None:
    """`decoded_clean` by orjson, when `text[start:stop]`, less trailing commas and blanks, is
    one whole object or array: an element written on a line of its own (JSONL inside `[` and
    `]`). None otherwise: the caller tries `decoded_clean`.

    A value that decodes whole from `start` is the value there, whatever follows it.
    """
    piece = text[start:stop].rstrip(", \t\r")
    if piece[-1:] not in ("}", "]"):
        return None
    # None: the line holds no whole value, or one orjson or the byte tests do not clear
    found = _read_clear(piece.encode("utf-8", "surrogateescape"))
    return None if found is None else (found[0], start + len(piece), found[1])


def _bytes_clear(raw: bytes, ints_in_64_bits: bool = False) -> bytes | None:
    """The byte tests of `screened`: size, escapes, digit runs, exponents (see there), and
    with `ints_in_64_bits` no int orjson would widen to a float. The shapes when all pass
    (for `_depth_clear`), else None."""
    if len(raw) > _SCREEN_BYTES or (b"\\u" in raw and _RISKY_ESCAPE.search(raw)):
        return None
    shapes = raw.translate(_SHAPES)
    if _WIDE_RUN in shapes and (
        (_DIGIT_RUN in shapes and _long_digits(raw, shapes))
        or (ints_in_64_bits and _wide_int(raw, shapes))
    ):
        return None
    plain, signed = _BIG_EXPONENT  # tested inline: a generator costs more than both tests
    if (plain in shapes or signed in shapes) and _overflow(raw, shapes):
        return None
    return shapes


def _wide_int(raw: bytes, shapes: bytes) -> bool:
    """Whether a run of 19 or more digits not right after a quote spells an int past 64 bits
    (orjson reads those as floats). A run that is no int (in a string, a fraction) and still
    passes the bound only sends its record the full way."""
    at = shapes.find(_WIDE_RUN)
    while at != -1:
        end = _ZEROS.match(shapes, at).end()  # type: ignore[union-attr]
        if (at == 0 or raw[at - 1] != 0x22) and int(raw[at:end]) > _INT64:
            return True
        at = shapes.find(_WIDE_RUN, end)
    return False


def _depth_clear(value: Any, shapes: bytes) -> bool | None:
    """Whether nesting, inside strings too, is provably within `MAX_DEPTH`; None when the
    containers alone are deeper (too deep for certain). The shapes hold `[` for both brackets."""
    opens = shapes.count(b"[")
    if opens <= MAX_DEPTH:
        return True
    deepest, containers = _containers(value)
    if deepest > MAX_DEPTH:
        return None
    return deepest + opens - containers <= MAX_DEPTH


def _long_digits(raw: bytes, shapes: bytes) -> bool:
    """Whether a run of 34 digits starts other than right after a quote (a number never does).

    Found by `bytes.find` on the shapes, one step per run (a look-behind regex tried every
    byte: 1.6 ms on a 77 KB line, more than the JSON parse).
    """
    at = shapes.find(_DIGIT_RUN)
    while at != -1:  # the leftmost match: `at` is where a run of digits starts
        if at == 0 or raw[at - 1] != 0x22:
            return True
        end = _ZEROS.match(shapes, at).end()  # type: ignore[union-attr]
        at = shapes.find(_DIGIT_RUN, end)
    return False


def _overflow(raw: bytes, shapes: bytes) -> bool:
    """Whether `_OVERFLOW` matches: each 3-digit exponent the shapes show, read backwards.

    The same answer as `_OVERFLOW.search(raw)`, which tries the pattern at every byte (90 us
    on a 13 KB line, four times its JSON parse).
    """
    for big in _BIG_EXPONENT:
        at = shapes.find(big)
        while at != -1:
            if _number_before(raw, at):
                return True
            at = shapes.find(big, at + 1)
    return False


def _number_before(raw: bytes, last: int) -> bool:
    """Whether `[:,\\[]\\s*-?[0-9]+(?:\\.[0-9]+)?` ends at `raw[last]` (a digit)."""
    at = last
    while at >= 0 and 0x30 <= raw[at] <= 0x39:
        at -= 1
    if at >= 0 and raw[at] == 0x2E:  # a fraction: the integer part must come before it
        at -= 1
        if at < 0 or not 0x30 <= raw[at] <= 0x39:
            return False
        while at >= 0 and 0x30 <= raw[at] <= 0x39:
            at -= 1
    if at >= 0 and raw[at] == 0x2D:
        at -= 1
    while at >= 0 and raw[at] in _SPACES:
        at -= 1
    return at >= 0 and raw[at] in b":,["


class _NonFinite(Exception):
    """`NaN` or an infinity outside strings: for `normalize` to rewrite."""


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


_SCREENED = json.JSONDecoder(parse_constant=_refuse_constant)
"""The plain C decoder (ints and floats at C speed), stopping at `NaN` and infinities."""


def _containers(value: Any) -> tuple[int, int]:
    """(deepest nesting, number of objects and lists) of a value fresh from `json.loads`."""
    if type(value) is not dict and type(value) is not list:
        return 0, 0
    stack = [(value, 1)]
    deepest = count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > deepest:
            deepest = depth
            if depth > MAX_DEPTH:
                break
        for child in node.values() if type(node) is dict else node:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))
    return deepest, count


def _embedded_json(text: str) -> Any:
    """The value of a string holding a JSON object or array, as the redactor will parse it."""
    if not text or (text[0] not in "[{" and not text[0].isspace()):
        return None  # the common case, decided without copying the string
    stripped = text.strip()
    if len(stripped) < 2 or stripped[0] not in "[{" or stripped[-1] not in "]}":
        return None
    if nesting_exceeds(stripped):
        raise LimitError(f"a string holds JSON nested more than {MAX_DEPTH} levels deep")
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        return None  # not JSON, or numbers too long to be: it stays plain text
    return value if isinstance(value, dict | list) else None


class Normalized:
    """What `normalize` changed in one record, for the ingest summary."""

    def __init__(self) -> None:
        self.nul_characters = 0
        self.non_finite = 0


def normalize(value: Any, changes: Normalized | None = None) -> Any:
    """A record checked against every limit, NUL characters and non-finite numbers made safe.

    Walks without recursion. Strings that hold JSON are checked as the anonymizer will see
    them: parsed, with their depth added to the string's own. NUL becomes U+FFFD (it cuts
    text short in C tools and terminals); NaN and infinities become `"NaN"`/`"Infinity"`.
    Raises LimitError naming the first limit broken. Plain short ASCII strings, the bulk of
    any record, cost one test each (this walk is ~2% of an ingest's time).
    """
    changes = changes if changes is not None else Normalized()
    root: list[Any] = [value]
    # (container, depth, inside a string's JSON: checked but never rewritten)
    stack: list[tuple[Any, int, bool]] = [(root, 0, False)]
    count = 0
    while stack:
        node, depth, embedded = stack.pop()
        if depth > MAX_DEPTH:
            raise too_deep()
        count += len(node)
        if count > MAX_VALUES:
            raise LimitError(f"holds more than {MAX_VALUES:,} values (the limit)")
        if type(node) is dict:
            pairs: Any = node.items()
            for key in node:
                if type(key) is str and not _plain(key):
                    _check_text(key, changes, True)  # keys are checked, not rewritten
        else:
            pairs = enumerate(node)
        for key, child in list(pairs) if not embedded else pairs:
            kind = type(child)
            if kind is str:
                if _plain(child):
                    continue
                fixed = _check_text(child, changes, embedded)
                if fixed is not child and not embedded:
                    node[key] = fixed
                inner = _embedded_json(child)
                if inner is not None:
                    stack.append(([inner], depth, True))
            elif kind is dict or kind is list:
                stack.append((child, depth + 1, embedded))
            elif kind is int:
                if abs(child) >= _INT_LIMIT:  # YAML ints arrive already built
                    raise too_many_digits()
            elif kind is float:
                if not math.isfinite(child) and not embedded:
                    node[key] = NON_FINITE[repr(child)]
                    changes.non_finite += 1
            elif isinstance(child, dict | list):  # subclasses (YAML may build them)
                stack.append((child, depth + 1, embedded))
    return root[0]


def _plain(text: str) -> bool:
    """Short ASCII text with no NUL that cannot hold JSON: nothing to check or change."""
    return (
        text.isascii()
        and len(text) <= MAX_STRING_CHARS
        and "\x00" not in text
        and text[:1] not in _MAY_HOLD_JSON
    )


def has_surrogate(text: str) -> bool:
    """Whether `text` holds a surrogate code point (a lone `\\ud800`-`\\udfff` escape, or a
    byte that was not UTF-8, decoded with `surrogateescape`): strict UTF-8 encoding refuses
    exactly those, at C speed (a regex character class is several times slower on long text)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_text(text: str, changes: Normalized, embedded: bool) -> str:
    """The string with NUL replaced; LimitError for a lone surrogate or an over-long string."""
    if len(text) > MAX_STRING_CHARS:
        raise LimitError(f"a string is longer than {MAX_STRING_CHARS:,} characters (the limit)")
    if text.isascii():
        if "\x00" not in text:
            return text
    elif has_surrogate(text):
        raise LimitError(
            "a string holds a lone surrogate (an unpaired \\ud800-\\udfff escape or bytes "
            "that are not UTF-8): it is not text"
        )
    if "\x00" not in text or embedded:
        return text
    changes.nul_characters += text.count("\x00")
    return text.replace("\x00", "\ufffd")
