"""Every detector that needs no NLP model, run over one string, protected text left out.

Pure Python (no Presidio, no spaCy), so it runs the same with `--no-ner`, in `audit` and in
tests: secrets, phone numbers, structured identifiers, contacts and URL parts, places, dates
of birth, labelled fields and context-introduced names. `analyzer.TextAnalyzer` adds NER.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracereader.privacy import (
    contacts,
    dates,
    fields,
    identifiers,
    names,
    phones,
    places,
    secrets,
    spelled,
)
from tracereader.privacy.protect import KeepList, drop_protected, protected_spans
from tracereader.privacy.spans import ALWAYS_REPLACED, PRIORITY, Span, overlaps

Regions = Sequence[str]


def pattern_spans(text: str, regions: Regions = phones.DEFAULT_REGIONS) -> list[Span]:
    """Everything the pattern detectors find in `text`, before protection is applied."""
    if not text or not text.strip():
        return []
    spans = secrets.find_secrets(text)
    spans.extend(phones.find_phones(text, regions))
    spans.extend(identifiers.find_identifiers(text))
    spans.extend(contacts.find_contacts(text))
    spans.extend(places.find_places(text))
    spans.extend(dates.dates_of_birth(text))
    spans.extend(fields.find_fields(text))
    spans.extend(names.person_context_spans(text))
    spans.extend(names.labelled_lowercase_names(text))
    spans.extend(spelled.find_spelled(text, _spelled_type))
    return spans


def _spelled_type(chars: str) -> str | None:
    """What a spelled-out string is (`+31061880246` a phone), by the detectors themselves."""
    found = [
        *identifiers.find_identifiers(chars),
        *phones.find_phones(chars),
        *phones.find_phones("phone " + chars),
    ]
    whole = [s for s in found if s.end - s.start >= len(chars) - 1]
    return max(whole, key=lambda s: PRIORITY.get(s.entity, 0)).entity if whole else None


def keep_only_personal(text: str, spans: list[Span], keep: KeepList) -> list[Span]:
    """`spans` less those over ISBNs, reference numbers, file and host names or kept words."""
    spans = drop_protected(spans, protected_spans(text), text)
    kept = keep.spans(text)
    if not kept:
        return spans
    return [s for s in spans if s.entity in ALWAYS_REPLACED or not overlaps(s, kept)]
