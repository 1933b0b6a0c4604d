"""Choose a file's export format from its first records, using every registered format's sniff."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

from tracereader.formats import FORMATS
from tracereader.formats.base import RawRecord, TraceFormat
from tracereader.model import Rejection

SAMPLE_RECORDS = 5
"""How many parsed objects (bad records are not counted) detection looks at."""
SAMPLE_LIMIT = 50
"""Give up sampling after this many items, good or bad, so detection stays cheap."""


class DetectionError(ValueError):
    """No single format fits; the message names the candidates or the known formats."""


def known_formats() -> str:
    """`name (description)` of every registered format, for error messages."""
    return "; ".join(f"{name} ({fmt.description})" for name, fmt in FORMATS.items())


def get_format(name: str) -> TraceFormat:
    """A registered format by name, or a DetectionError naming the known ones."""
    fmt = FORMATS.get(name)
    if fmt is None:
        raise DetectionError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}")
    return fmt


def choose(values: Iterable[object]) -> TraceFormat:
    """The one format matching the sampled values (the union of each value's matches)."""
    matched: list[str] = []
    seen = False
    for value in values:
        seen = True
        for name, fmt in FORMATS.items():
            if name not in matched and _sniffs(fmt, value):
                matched.append(name)
    if len(matched) == 1:
        return FORMATS[matched[0]]
    if len(matched) > 1:
        raise DetectionError(
            f"records match several formats ({', '.join(matched)}); "
            f"choose one with --format {matched[0]} (or {', '.join(matched[1:])})"
        )
    what = "records" if seen else "file"
    raise DetectionError(f"{what} match no known format; known formats: {known_formats()}")


def _sniffs(fmt: TraceFormat, value: object) -> bool:
    """Whether `fmt` claims `value`; a value its sniff cannot even look at is not its own.

    A record with a retyped field (`"object": []`) is judged as matching nothing, so it can
    neither decide nor break detection; the reader chosen from the others rejects it alone.
    """
    try:
        return bool(fmt.sniff(value))
    except Exception:  # a sniff failing on odd input is a no
        return False


def peek(
    items: Iterator[RawRecord | Rejection],
    passed: Callable[[Rejection], None],
) -> tuple[list[RawRecord], Iterator[RawRecord | Rejection]]:
    """The first sample records, and an iterator that still yields everything from the start.

    Bad records before the first readable one do not count towards `SAMPLE_LIMIT`: every
    `SAMPLE_LIMIT` of them is handed to `passed` (in file order) and sampling goes on, so a
    file that opens with a run of bad records still has its good ones detected and read,
    in bounded memory.
    """
    head: list[RawRecord | Rejection] = []
    good = 0
    for item in items:
        head.append(item)
        good += isinstance(item, RawRecord)
        if good >= SAMPLE_RECORDS:
            break
        if len(head) >= SAMPLE_LIMIT:
            if good:
                break
            for rejection in head:
                passed(rejection)  # type: ignore[arg-type]  # only rejections so far
            head = []
    sample = [h for h in head if isinstance(h, RawRecord)]
    return sample, itertools.chain(head, items)
