"""A detected span and how overlapping detections are merged, so no fragment survives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A detected entity: `text[start:end]` is of type `entity`, with a confidence score."""

    start: int
    end: int
    entity: str
    score: float


# Which type names a merged span: the more specific type first (a secret inside a URL is a
# secret, an IP is not a phone number), then the longest detection.
PRIORITY = {
    "SECRET": 100,
    "EMAIL_ADDRESS": 90,
    "IBAN_CODE": 80,
    "CREDIT_CARD": 75,
    "US_SSN": 72,
    "UK_NINO": 72,
    "NATIONAL_ID": 71,
    "PASSPORT": 70,
    "DRIVER_LICENSE": 70,
    "DATE_OF_BIRTH": 68,
    "IP_ADDRESS": 65,
    "URL": 60,
    "PHONE_NUMBER": 50,
    "ID": 45,
    "ADDRESS": 40,
    "POSTCODE": 38,
    "PERSON": 30,
    "LOCATION": 20,
}

# Natural-language values, where case carries meaning and the words of a key are kept.
WORDY = frozenset(("PERSON", "LOCATION", "ADDRESS"))
# Types the application's own recurring text (and the `privacy.keep` list) never protects.
ALWAYS_REPLACED = frozenset(("SECRET",))


def word_list(text: str) -> list[str]:
    """The whitespace-separated words of `text` (how the word-list constants are written)."""
    return text.split()


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Union overlapping spans so no fragment of any detected value survives replacement."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = max((last, span), key=_rank)
            merged[-1] = Span(last.start, max(last.end, span.end), best.entity, best.score)
        else:
            merged.append(span)
    return merged


def _rank(span: Span) -> tuple[int, int]:
    return PRIORITY.get(span.entity, 0), span.end - span.start


def overlaps(span: Span, others: Iterable[Span]) -> bool:
    """Whether `span` shares any character with one of `others`."""
    return any(span.start < o.end and o.start < span.end for o in others)


def trimmed_end(text: str, start: int, end: int, chars: str = ".,;:!?)]}'\"") -> int:
    """`end` moved back over trailing sentence punctuation (it belongs to the sentence)."""
    while end > start + 1 and text[end - 1] in chars:
        end -= 1
    return end
