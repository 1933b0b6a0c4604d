"""Labelled values inside text: `Label: value` lines, `key=value` pairs, quoted pairs, XML
elements, SQL literals, vCards and shipping labels (tables are `tables.py`'s).

A label is read with the same rules as a JSON key (`keys.identifying_type`), so `Reporter:`,
`NAME ON CARD:`, `TEL;TYPE=CELL:`, `postal_code=` and a CSV column `birthDate` each say what
their value is. The value must fit its type (a person's name has no digits, a phone number
has some), so a sentence after `Customer:` is not taken for an id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tracereader.privacy.keys import NAME_FIELD, identifying_type
from tracereader.privacy.spans import Span, word_list

_LABEL = r"[^\W\d_][\w .'’/#\-]{0,38}?"
_LINE = re.compile(
    r"^[ \t>*•\-]*(" + _LABEL + r")(;[^:\n]*)?[ \t]*[:：][ \t]*([^\n]*?)[ \t]*$", re.MULTILINE
)
_PAIR = re.compile(r"(?<![\w.\-])([A-Za-z_][\w.\-]{1,30})=(\"[^\"\n]*\"|'[^'\n]*'|[^\s,;&\"']+)")
_QUOTED_PAIR = re.compile(r"[\"']([A-Za-z_][\w \-]{0,30})[\"']\s*:\s*[\"']([^\"'\n]{1,200})[\"']")
_XML = re.compile(r"<([A-Za-z][\w.\-:]{0,40})(?:\s[^<>]*)?>([^<>]{1,300})</\1>")
_SQL_SET = re.compile(
    r"\b([A-Za-z_][\w]{0,40})\s*(?:=|!=|<>|LIKE)\s*'((?:[^']|'')*)'", re.IGNORECASE
)
_SQL_INSERT = re.compile(
    r"\bINSERT\s+INTO\s+[\w.\"`\[\]]+\s*\(([^)]*)\)\s*VALUES\s*((?:\([^;]*?\)\s*,?\s*)+)",
    re.IGNORECASE,
)
_SQL_VALUE = re.compile(r"'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)|(NULL)", re.IGNORECASE)
_NAME_LIKE = re.compile(r"^[^\W\d_][\w'’.\-]*(?:,?[ \t]+[^\W\d_][\w'’.\-]*){0,4}$")
# Mail headers: `From: Rhys Duffy <rhys@…>` names the person beside the address.
_MAIL_HEADER = re.compile(
    r"(?im)^[ \t>]*(?:from|to|cc|bcc|reply-to|sender|von|an|de|da|van|od|från|para|à)[ \t]*:"
    r"[ \t]*\"?([^\"<>\n@]{2,60}?)\"?[ \t]*<[^<>@\s]+@[^<>\s]+>"
)
_DIGITS = re.compile(r"\d")
_DOCUMENTS = frozenset(("PASSPORT", "DRIVER_LICENSE", "NATIONAL_ID", "UK_NINO", "ID"))


def _typed(entity: str, value: str, vcard: bool) -> str | None:
    """The entity `value` is under a label of type `entity`, or None when it does not fit."""
    value = value.strip()
    if not value or len(value) > 300:
        return None
    digits = len(_DIGITS.findall(value))
    if entity in ("PERSON", NAME_FIELD):
        if vcard and entity == "PERSON":
            return "PERSON" if re.search(r"[^\W\d_]", value) else None
        return "PERSON" if _NAME_LIKE.match(value) and len(value) <= 60 else None
    if entity == "ID":
        if " " not in value and len(value) >= 3:
            return "ID"
        return "PERSON" if _NAME_LIKE.match(value) and value[:1].isupper() else None
    if entity == "EMAIL_ADDRESS":
        return entity if "@" in value or re.search(r"\bat\b", value, re.I) else None
    if entity == "PHONE_NUMBER":
        return entity if digits >= 6 else None
    if entity in ("ADDRESS", "SECRET"):
        return entity
    if entity == "POSTCODE":
        return entity if digits and len(value) <= 10 else None
    if entity == "DATE_OF_BIRTH":
        return entity if digits and len(value) <= 40 else None
    if entity in _DOCUMENTS and re.fullmatch(r"[A-Z0-9][A-Z0-9 \-/]{4,30}", value):
        return entity  # `licence no.: MISDIXUFTH`: the label vouches for it
    return entity if (digits >= 3 or entity == "IP_ADDRESS") and len(value) <= 60 else None


_PHONE_RUN = re.compile(r"\+?\(?\d[\d \-.()/]{4,}\d")
_EMAIL_RUN = re.compile(r"\S+@\S+|\S+\s+(?:at|\[at\])\s+\S+(?:\s+(?:dot|\[dot\])\s+\S+)+", re.I)
_SCHEME = re.compile(r"^(?:bearer|basic|digest|token)\s+", re.I)


def _narrowed(value: str, entity: str) -> str:
    """The part of a labelled value that is the value (`+1 555 0100` of `+1 555 0100 (cell)`)."""
    pattern = {"PHONE_NUMBER": _PHONE_RUN, "EMAIL_ADDRESS": _EMAIL_RUN}.get(entity)
    if pattern is not None:
        found = pattern.search(value)
        return found.group(0).rstrip(".,;)") if found else value
    if entity == "SECRET":
        return _SCHEME.sub("", value)
    return value


def span_of(text: str, start: int, value: str, entity: str, vcard: bool = False) -> Iterator[Span]:
    stripped = _narrowed(value.strip().strip("\"'"), entity).strip()
    if not stripped:
        return
    typed = _typed(entity, stripped, vcard)
    if typed is not None:
        begin = text.index(stripped, start)
        yield Span(begin, begin + len(stripped), typed, 0.75)


def labelled(text: str, label: str, start: int, value: str) -> Iterator[Span]:
    """The span of `value` (at `start`) when `label` names what it is (a bare name: a person)."""
    entity = identifying_type(label)
    if entity == NAME_FIELD and re.fullmatch(r"[a-z]+", value.strip()):
        return  # `<name>project</name>`: one lowercase word under a bare name is a thing's
    if entity is not None:
        yield from span_of(text, start, value, "PERSON" if entity == NAME_FIELD else entity)


def label_lines(text: str) -> Iterator[Span]:
    """`Label: value` lines (several labels on one line too) and blocks under `Ship to:`."""
    vcard = "BEGIN:VCARD" in text.upper()
    lines = text.split("\n")
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    for m in _LINE.finditer(text):
        label = m.group(1).strip()
        entity = "PERSON" if vcard and label.upper() in ("N", "FN") else identifying_type(label)
        value = m.group(3)
        if entity is None:
            yield from _inline(text, m.start(3), value)
            continue
        if not value.strip():
            yield from _block(text, lines, offsets, m.end(), entity)
            continue
        inner = _labels_in(value)
        end = inner[0][0] if inner else len(value)
        first = re.split(r"[ \t]+\|[ \t]+|[ \t]{2,}|\t|;[ \t]", value[:end])[0]
        yield from span_of(text, m.start(3), first, entity, vcard)
        yield from _inline(text, m.start(3) + end, value[end:])


def _labels_in(value: str) -> list[tuple[int, int, str]]:
    """(label start, value start, entity) for each `Label: ` inside one line of text."""
    found = []
    for colon in re.finditer(r"[ \t]*:[ \t]+", value):
        words = list(
            re.finditer(r"[A-Za-z][A-Za-z_'’]*", value[max(0, colon.start() - 40) : colon.start()])
        )
        base = max(0, colon.start() - 40)
        words = [w for w in words if base + w.end() <= colon.start()]
        best = None
        for k in (3, 2, 1):
            if len(words) < k:
                continue
            first = words[-k]
            if value[base + words[-1].end() : colon.start()].strip():
                break  # the colon does not follow a word
            label = value[base + first.start() : colon.start()]
            entity = identifying_type(label, exact=k > 1 or len(words) > 1)
            if entity is not None:
                best = (base + first.start(), colon.end(), entity)
                break
        if best is not None:
            found.append(best)
    return found


def _inline(text: str, start: int, value: str) -> Iterator[Span]:
    """Further `Label: value` pairs inside one line (`Reporter: … Assignee: …`)."""
    labels = _labels_in(value)
    for i, (_, value_start, entity) in enumerate(labels):
        end = labels[i + 1][0] if i + 1 < len(labels) else len(value)
        piece = re.split(r"[ \t]+\|[ \t]+|[ \t]{2,}|\t|[,;](?=\s)", value[value_start:end])[0]
        yield from span_of(text, start + value_start, piece, entity)


def _block(
    text: str, lines: list[str], offsets: list[int], after: int, entity: str
) -> Iterator[Span]:
    """The lines under an empty `Ship to:` / `Address:` label, up to a blank line or a label."""
    index = next((i for i, o in enumerate(offsets) if o > after), len(lines))
    for taken, i in enumerate(range(index, min(index + 6, len(lines)))):
        line = lines[i]
        if not line.strip() or _LINE.match(line):
            break
        first = taken == 0 and entity in ("PERSON", NAME_FIELD, "ID")
        yield from span_of(text, offsets[i], line, "PERSON" if first else "ADDRESS")


# A document-like token: capitals and digits (`NLT9XI143`, `15747599M`, `706547014806`).
_DOC_TOKEN = re.compile(r"(?<![\w\-])(?=[A-Z0-9\-]*\d)[A-Z0-9][A-Z0-9\-]{5,20}(?![\w\-])")
_FILLER = frozenset(
    word_list("is es ist est är jest é è er was is: no nr number mine my mijn meu mi mon il la el")
)
_JAPANESE_LABEL = re.compile(
    r"([\u3040-\u30ff\u4e00-\u9fff]{2,10})(?:は|：|:|＝)\s*([0-9A-Za-z\-]{4,20}|[^、。\n]{2,60}?)"
    r"(?=です|。|、|$)"
)
_DOC_TYPES = frozenset(
    ("PASSPORT", "DRIVER_LICENSE", "NATIONAL_ID", "UK_NINO", "US_SSN", "IBAN_CODE", "CREDIT_CARD")
)


def spoken_labels(text: str) -> Iterator[Span]:
    """Document numbers named in prose: `mijn paspoortnummer is NLT9XI143`, `carnet de conducir
    15747599M`, `運転免許証番号は706547014806です`."""
    for m in _DOC_TOKEN.finditer(text):
        value = m.group(0)
        if not (any(ch.isalpha() for ch in value) or len(value) >= 8):
            continue
        words = re.findall(r"[^\W\d_]+", text[max(0, m.start() - 60) : m.start()])
        while words and words[-1].lower() in _FILLER:
            words.pop()
        for k in (3, 2, 1):
            entity = identifying_type(" ".join(words[-k:]), exact=True) if len(words) >= k else None
            if entity in _DOC_TYPES:
                yield Span(m.start(), m.end(), entity, 0.7)
                break
    for m in _JAPANESE_LABEL.finditer(text):
        yield from labelled(text, m.group(1), m.start(2), m.group(2))


def mail_headers(text: str) -> Iterator[Span]:
    """The display names in `From:`/`To:`/`Cc:` headers of a forwarded or pasted mail."""
    for m in _MAIL_HEADER.finditer(text):
        yield from span_of(text, m.start(1), m.group(1), "PERSON")


def pairs(text: str) -> Iterator[Span]:
    """`email=x@y.z ip=…` pairs and quoted `'email': '…'` pairs (Python reprs, broken JSON)."""
    for m in _PAIR.finditer(text):
        entity = identifying_type(m.group(1))
        if entity is not None and entity != NAME_FIELD:
            yield from span_of(text, m.start(2), m.group(2), entity)
    for m in _QUOTED_PAIR.finditer(text):
        entity = identifying_type(m.group(1))
        if entity is not None and entity != NAME_FIELD:
            yield from span_of(text, m.start(2), m.group(2), entity)


def markup(text: str) -> Iterator[Span]:
    """`<PassportNumber>…</PassportNumber>` elements and SQL literals under their column
    (`INSERT INTO t (ssn, dob) VALUES ('…', '…')`, `SET full_name = '…'`, `WHERE iban = '…'`)."""
    if "</" in text:
        for m in _XML.finditer(text):
            yield from labelled(text, m.group(1).split(":")[-1], m.start(2), m.group(2))
    if "'" not in text:
        return
    for m in _SQL_SET.finditer(text):
        yield from labelled(text, m.group(1), m.start(2), m.group(2))
    for m in _SQL_INSERT.finditer(text):
        columns = [c.strip().strip('"`[]') for c in m.group(1).split(",")]
        for row in re.finditer(r"\(([^()]*(?:'[^']*'[^()]*)*)\)", m.group(2)):
            values = list(_SQL_VALUE.finditer(row.group(1)))
            if len(values) != len(columns):
                continue
            base = m.start(2) + row.start(1)
            for column, value in zip(columns, values, strict=True):
                group = 1 if value.group(1) is not None else 2
                if value.group(group):
                    start = base + value.start(group)
                    yield from labelled(text, column, start, value.group(group))


def find_fields(text: str) -> list[Span]:
    """Every labelled value in `text` whose label identifies a person or holds a secret."""
    found = list(spoken_labels(text))
    if not any(ch in text for ch in ":=\n<'"):
        return found
    from tracereader.privacy.tables import tables

    found.extend([*label_lines(text), *pairs(text), *markup(text), *tables(text)])
    if "@" in text:
        found.extend(mail_headers(text))
    return found
