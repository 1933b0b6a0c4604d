"""Tables inside text: CSV, TSV and Markdown, with a header that names the columns or without.

With a header, each column is read like a JSON key (`keys.identifying_type`). Without one, a
table is read as people's records when its columns are mostly document-like codes, old dates
or names, or its rows hold personal data the other detectors found.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from tracereader.privacy.fields import span_of
from tracereader.privacy.keys import NAME_FIELD, PERSON_SIBLINGS, identifying_type
from tracereader.privacy.spans import Span

_CELL_SPLIT = ("\t", "|", ";", ",")


def tables(text: str) -> Iterator[Span]:
    """Cells of CSV, TSV and Markdown tables whose header names an identifying column."""
    lines = text.split("\n")
    if len(lines) < 2:
        return
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    for head in range(len(lines) - 1):
        delimiter = _delimiter(lines[head], lines[head + 1 : head + 4])
        if delimiter is None:
            continue
        header = _cells(lines[head], delimiter)
        types = [identifying_type(h.strip()) if h.strip() else None for (h, _) in header]
        person = bool(PERSON_SIBLINGS.intersection(t for t in types if t))
        types = [("PERSON" if person else None) if t == NAME_FIELD else t for t in types]
        if not any(types):
            continue
        for row in range(head + 1, len(lines)):
            cells = _cells(lines[row], delimiter)
            if len(cells) != len(header):
                if lines[row].strip():
                    break
                continue
            for (value, at), entity in zip(cells, types, strict=True):
                if entity and not re.fullmatch(r"[\s:|\-]*", value):
                    yield from span_of(text, offsets[row] + at, value, entity)
        return


# Cells of a person's record that identify them though nothing says what they are.
_ORDER_LIKE = re.compile(r"^(?:#|ORD|INV|SKU|REF|[A-Z]{2,5}-\d+$)", re.IGNORECASE)
_ANY_DATE = re.compile(r"^(?:\d{4}-\d\d-\d\d|\d{1,2}[./-]\d{1,2}[./-]\d{4})$")
_DATE_CELL = re.compile(r"^(?:(19\d\d|200\d)-\d\d-\d\d|\d{1,2}[./-]\d{1,2}[./-](19\d\d|200\d))$")
_POSTCODE_CELL = re.compile(
    r"^(?:\d{5}|\d{4} ?[A-Z]{2}|\d{3} \d{2}|\d{2}-\d{3}|\d{3}-\d{4}"
    r"|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)$"
)
_NAME_CELL = re.compile(r"^[^\W\d_][\w'’.\-]+(?: [^\W\d_][\w'’.\-]+){1,3}$")
_PERSONAL = frozenset(
    ("EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN", "UK_NINO", "NATIONAL_ID", "CREDIT_CARD",
     "IBAN_CODE", "PASSPORT", "DRIVER_LICENSE", "DATE_OF_BIRTH", "ADDRESS", "PERSON")
)  # fmt: skip


def _id_cell(cell: str) -> bool:
    """A bare document-like code: capitals and digits, mixed, not an order or invoice number."""
    compact = re.sub(r"[ \-/]", "", cell)
    if _ORDER_LIKE.match(cell) or not re.fullmatch(r"[A-Z0-9]{7,20}", compact):
        return False
    digits = sum(ch.isdigit() for ch in compact)
    letters = len(compact) - digits
    return digits >= 5 or (digits >= 2 and letters >= 2 and 8 <= len(compact) <= 12)


def _cell_type(cell: str) -> str | None:
    from tracereader.privacy.names import PRODUCT_WORDS

    if _POSTCODE_CELL.match(cell):
        return "POSTCODE"
    if _ANY_DATE.match(cell):  # dates before 2010 in a person's record are birth dates
        return "DATE_OF_BIRTH" if _DATE_CELL.match(cell) else None
    if _id_cell(cell):
        return "ID"
    words = cell.split()
    capitalized = _NAME_CELL.match(cell) and all(w[:1].isupper() for w in words)
    product = any(w.lower() in PRODUCT_WORDS for w in words)
    return "PERSON" if capitalized and not product else None


def headerless_rows(text: str, found: list[Span]) -> list[Span]:
    """A table without a header is read as records of people when some of its columns are
    mostly document-like codes, old dates or names, or its rows hold detected personal data:
    then those cells are replaced too."""
    lines = text.split("\n")
    if len(lines) < 2 or not lines[0].strip():
        return []
    delimiter = _delimiter(lines[0], lines[1:4])
    if delimiter is None or delimiter == "|":
        return []
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    rows = [
        (at, _cells(line, delimiter))
        for line, at in zip(lines, offsets, strict=True)
        if line.strip()
    ]
    width = len(rows[0][1])
    rows = [(at, cells) for at, cells in rows if len(cells) == width]
    if len(rows) < 2 or width < 2:
        return []
    column_types: list[str | None] = []
    for col in range(width):
        kinds = [_cell_type(cells[col][0].strip()) for _, cells in rows]
        top = max(set(kinds), key=kinds.count)
        column_types.append(top if top and kinds.count(top) * 2 >= len(kinds) else None)
    ends = {at: at + len(line) for line, at in zip(lines, offsets, strict=True)}
    personal_rows = any(
        any(at <= s.start < ends[at] and s.entity in _PERSONAL for s in found) for at, _ in rows
    )
    if not personal_rows and not any(t not in (None, "POSTCODE") for t in column_types):
        return []  # a column of five-digit numbers alone says nothing about people
    out: list[Span] = []
    for at, cells in rows:
        for (value, offset), column in zip(cells, column_types, strict=True):
            cell = value.strip()
            entity = column if column and _cell_type(cell) == column else None
            if entity is None and personal_rows and _cell_type(cell) == "ID":
                entity = "ID"
            if entity and cell:
                start = at + offset + value.index(cell)
                out.append(Span(start, start + len(cell), entity, 0.6))
    return out


def _delimiter(header: str, following: list[str]) -> str | None:
    for delimiter in _CELL_SPLIT:
        count = len(_cells(header, delimiter))
        if count < 2 or not following:
            continue
        if all(len(_cells(line, delimiter)) == count for line in following if line.strip()):
            return delimiter
    return None


def _cells(line: str, delimiter: str) -> list[tuple[str, int]]:
    """Cells of one table line with their offsets (quotes as CSV reads them)."""
    body = line.strip()
    if delimiter == "|":
        body = body.strip("|")
    try:
        values = next(csv.reader([body], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        return []
    out: list[tuple[str, int]] = []
    at = 0
    for value in values:
        found = line.find(value, at) if value else at
        at = found + len(value) if found >= 0 else at
        out.append((value, max(found, 0)))
    return out
