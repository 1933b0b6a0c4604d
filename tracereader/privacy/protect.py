"""Text that is not personal though detectors may take it for so: kept as written.

ISBNs (checked by python-stdnum), tracking, order and reference numbers after their cue or in
a carrier's format (UPS `1Z…`, UPU `RR123456785GB`, DHL `JJD…`), file names, host names, and
the user's `privacy.keep` list. A detection that overlaps such text is dropped unless it is a
secret or an identifier a checksum or a label vouched for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from stdnum import isbn

from tracereader.privacy.spans import Span, overlaps

_ISBN = re.compile(
    r"\bISBN(?:-1[03])?:?[ \t]*((?:97[89][\- ]?)?\d{1,5}[\- ]?\d{1,7}[\- ]?\d{1,7}[\- ]?[\dX])"
    r"(?![\w\-])"
    r"|(?<![\w\-])(97[89][\- ]?\d{1,5}[\- ]?\d{1,7}[\- ]?\d{1,7}[\- ]?\d)(?![\w\-])",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"\b(?:order|tracking|track|shipment|parcel|package|waybill|awb|consignment|invoice|"
    r"ticket|case|ref|reference|confirmation|booking|reservation|po|sku|item|product|model|"
    r"serial|part|rma|return|refund|receipt|transaction|txn|job|build|issue|pr|incident|"
    r"request|quote|batch|lot)s?(?:[ \t]*(?:no\.?|number|num|nr\.?|id|#|code))?"
    r"[ \t]*(?:is|:|=|#|-)?"
    r"[ \t]*[\"']?([A-Z0-9][A-Z0-9\-_/]{3,40})(?![\w\-])",
    re.IGNORECASE,
)
_CARRIER = re.compile(
    r"(?<![\w\-])(?:1Z[0-9A-Z]{16}|[A-Z]{2}\d{9}[A-Z]{2}|JJD\d{10,20}|JVGL\d{8,20}|"
    r"GM\d{16,20}|9[1-5]\d{18,24}|420\d{5}9[1-5]\d{18,24})(?![\w\-])"
)
_FILE = re.compile(
    r"(?<![\w\-./])[\w\-.]+\.(?:py|js|ts|tsx|jsx|json|jsonl|yaml|yml|csv|tsv|txt|md|rst|pdf|"
    r"docx?|xlsx?|pptx?|png|jpe?g|gif|svg|webp|log|sh|sql|html?|css|xml|zip|tar|gz|tgz|toml|"
    r"ini|cfg|conf|env|rb|go|rs|java|kt|swift|c|h|cpp|hpp|cs|php|lock|ipynb|parquet|db)"
    r"(?![\w\-])",
    re.IGNORECASE,
)
_HOST = re.compile(
    r"(?<![\w\-.@/])(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:internal|local|lan|corp|"
    r"intra|svc|cluster|localdomain|home|test|example|invalid|localhost|io|dev|app|cloud|com|"
    r"net|org)(?::\d{2,5})?(?![\w\-@])",
    re.IGNORECASE,
)
# What anonymization wrote: typed placeholders and keyed hashes (left alone when seen again).
REDACTED = re.compile(r"<[A-Z][A-Z_]*_\d+>|(?<![\w\-])(?:id|u|s|t)_[0-9a-f]{16}(?![\w\-])")
# What a protected span can still lose: what a checksum, a label or a key vouched for.
VOUCHED = frozenset(
    ("SECRET", "EMAIL_ADDRESS", "IBAN_CODE", "US_SSN", "UK_NINO", "NATIONAL_ID", "PASSPORT",
     "DRIVER_LICENSE", "DATE_OF_BIRTH", "IP_ADDRESS")
)  # fmt: skip


@dataclass(frozen=True)
class KeepList:
    """The user's `privacy.keep` entries: words and phrases (any case), or `/regex/` patterns."""

    pattern: re.Pattern[str] | None

    @classmethod
    def parse(cls, entries: Iterable[str]) -> KeepList:
        """Compile the entries into one pattern (an invalid `/regex/` raises re.error)."""
        parts = []
        for entry in entries:
            entry = entry.strip()
            if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
                re.compile(entry[1:-1])
                parts.append(f"(?:{entry[1:-1]})")
            elif entry:
                parts.append(r"(?<!\w)" + re.escape(entry) + r"(?!\w)")
        return cls(re.compile("|".join(parts), re.IGNORECASE) if parts else None)

    def spans(self, text: str) -> list[Span]:
        """Where the kept words and patterns occur in `text`."""
        if self.pattern is None:
            return []
        return [
            Span(m.start(), m.end(), "KEEP", 1.0)
            for m in self.pattern.finditer(text)
            if m.end() > m.start()
        ]


NO_KEEP = KeepList(None)


def protected_spans(text: str) -> list[Span]:
    """ISBNs, reference and tracking numbers, file and host names in `text`."""
    out: list[Span] = []
    for m in _ISBN.finditer(text):
        group = 1 if m.group(1) else 2
        digits = re.sub(r"[^\dXx]", "", m.group(group))
        if len(digits) in (10, 13) and isbn.is_valid(digits):
            out.append(Span(m.start(group), m.end(group), "ISBN", 1.0))
    for m in _REFERENCE.finditer(text):
        if any(ch.isdigit() for ch in m.group(1)):
            out.append(Span(m.start(1), m.end(1), "REFERENCE", 1.0))
    for pattern, kind in ((_CARRIER, "TRACKING"), (_FILE, "FILE"), (_HOST, "HOST")):
        out.extend(Span(m.start(), m.end(), kind, 1.0) for m in pattern.finditer(text))
    return out


def is_redacted(value: str) -> bool:
    """Whether `value` is a placeholder or keyed hash anonymization wrote (`<PERSON_1>`, `u_…`)."""
    return bool(REDACTED.fullmatch(value.strip()))


def drop_protected(spans: list[Span], protected: list[Span], text: str = "") -> list[Span]:
    """Detections that do not overlap protected text (vouched-for types always stay), and
    none that touch a placeholder or hash already written (re-anonymizing changes nothing)."""
    written = [Span(m.start(), m.end(), "REDACTED", 1.0) for m in REDACTED.finditer(text)]
    if written:
        spans = [s for s in spans if not overlaps(s, written)]
    if not protected:
        return spans
    return [s for s in spans if s.entity in VOUCHED or not overlaps(s, protected)]
