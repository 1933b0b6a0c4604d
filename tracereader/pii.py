"""Lenient PII recognizers and span logic that catch what Presidio's defaults let through.

Pure Python (no Presidio, no spaCy): regexes for structured identifiers that are masked even
when they fail a checksum or a numbering plan, person-name context patterns, the rules that
say which JSON keys identify a person, and the merging of overlapping detections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


def _words(text: str) -> list[str]:
    return text.split()


@dataclass(frozen=True)
class Span:
    """A detected entity: `text[start:end]` is of type `entity`, with a confidence score."""

    start: int
    end: int
    entity: str
    score: float


# Which type names a merged span: the longest detection (a URL holding an email is a URL),
# then, for equal lengths, the more specific type (an IP is not a phone number).
PRIORITY = {
    "EMAIL_ADDRESS": 90,
    "URL": 85,
    "IBAN_CODE": 80,
    "CREDIT_CARD": 75,
    "US_SSN": 70,
    "IP_ADDRESS": 65,
    "PHONE_NUMBER": 50,
    "ID": 45,
    "ADDRESS": 40,
    "PERSON": 30,
    "LOCATION": 20,
}

_PHONE = re.compile(
    r"(?<![\w+\-./@:])"
    r"(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?)?\d{1,5}"
    r"(?:\s?\(\d{1,4}\)\s?\d{1,8})?(?:[\s.\-]\d{1,8}){1,5}(?:\s?(?:ext\.?|x)\s?\d{1,5})?"
    r"(?![\w\-@]|\.\d|/\d)"
    r"|(?<![\w+\-./@:])\+\d{7,15}(?![\w\-@]|\.\d)"
    r"|(?<![\w+\-./@:])\(\d{2,4}\)\s?\d{3,4}[\s.\-]?\d{3,4}(?![\w\-@]|\.\d)"
    r"|(?<![\w+\-./@:])1?\d{10}(?![\w\-@]|\.\d)"
)
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_IPV4_LIKE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`]+|\bwww\.[^\s<>\"'`]+", re.IGNORECASE)
_CARD = re.compile(
    r"(?<![\w\-])(?:\d{4}[ \-]){3}\d{4}(?:[ \-]\d{1,3})?(?![\w\-])"
    r"|(?<![\w\-])\d{4}[ \-]\d{6}[ \-]\d{4,5}(?![\w\-])"
    r"|(?<![\w\-])[3-6]\d{12,18}(?![\w\-])"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_SSN = re.compile(r"(?<![\w\-])\d{3}([- .])\d{2}\1\d{4}(?![\w\-])")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w.]|\.\d)")
_IPV6 = re.compile(
    r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}(?::?[0-9A-Fa-f]{1,4}|:)(?:/\d{1,3})?(?![\w:])"
    r"|(?<![\w:])::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}(?![\w:])"
)
_ID_CONTEXT = re.compile(
    r"\b(?:user|customer|account|member|client|patient|employee|subscriber)[ _\-]?"
    r"(?:id|ID|Id|number|no\.?|num|#)\s*(?:is|:|=|#)?\s*[\"']?([A-Za-z0-9][A-Za-z0-9_\-]{2,})",
    re.IGNORECASE,
)
_ADDRESS = re.compile(
    r"\b\d{1,6}(?:\s+[A-Z][a-zA-Z]+){1,4}\s+(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|"
    r"Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Square|Sq|Parkway|Pkwy|Highway|Hwy)\b\.?"
    r"(?:,?\s+(?:Apt|Suite|Unit|#)\.?\s*\w+)?"
)
_NAME = r"[A-Z][a-z'’\-]+(?:[ \-][A-Z][a-z'’\-]+){0,2}"
_PERSON_CONTEXT = re.compile(
    r"\b(?:[Mm]y name is|[Nn]ame(?:'s| is|:)|I am|I'm|[Tt]his is|[Cc]all me|[Dd]ear|[Hh]i|[Hh]ello|"
    r"[Hh]ey|[Tt]hanks|[Tt]hank you|[Rr]egards|[Cc]heers|[Ss]incerely|[Bb]est|"
    r"Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|Prof\.?|[Ss]igned|[Ss]igned (?:for )?by|[Cc][Cc]|[Aa]sk for|"
    r"[Nn]amed|[Cc]alled|[Cc]ontact|[Cc]olleague|[Hh]usband|[Ww]ife|[Pp]artner|[Mm]anager|"
    r"[Ff]riend|[Ss]on|[Dd]aughter|[Mm]other|[Ff]ather|[Bb]rother|[Ss]ister|[Bb]oss)"
    r"[,:]?\s+(" + _NAME + r")"
)
# Capitalized words the context patterns must not take for a name.
_NOT_NAMES = frozenset(
    _words(
        "A An The I It We You They He She This That There Here Yes No Ok Okay Sure Thanks "
        "Thank Please Sorry Hi Hello Hey Dear Team Support Customer Sir Madam All "
        "Everyone Again Just Not Also So Well Good Great Looking Trying Having Going "
        "Still Now Today Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday "
        "Sunday Order Your My Our Regards Best Cheers Agent Assistant Bot User Admin "
        "I'm I’m Im I've I’ve I'd I’d I'll It's It’s That's That’s Let's Let’s Mr Mrs Ms "
        "Dr Prof Miss Mx Sr Jr "
        "Unfortunately Happy Glad Calling Writing"
    )
)


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _phones(text: str) -> Iterator[Span]:
    for m in _PHONE.finditer(text):
        value = m.group(0).rstrip(" .-")
        n = _digits(value)
        if not 7 <= n <= 15 or _DATE_LIKE.match(value) or _IPV4_LIKE.match(value):
            continue
        if "(" not in value and "+" not in value and not re.search(r"[\s.\-]", value) and n < 10:
            continue
        yield Span(m.start(), m.start() + len(value), "PHONE_NUMBER", 0.45)


def _iban_ok(value: str) -> bool:
    return 15 <= len(value.replace(" ", "")) <= 34 and _digits(value) >= 8


def structured_spans(text: str) -> list[Span]:
    """Lenient matches for structured identifiers (no checksum, no numbering plan needed)."""
    spans: list[Span] = list(_phones(text))
    simple = (
        (_EMAIL, "EMAIL_ADDRESS", 0.9),
        (_URL, "URL", 0.8),
        (_CARD, "CREDIT_CARD", 0.7),
        (_SSN, "US_SSN", 0.7),
        (_IPV4, "IP_ADDRESS", 0.7),
        (_IPV6, "IP_ADDRESS", 0.7),
        (_ADDRESS, "ADDRESS", 0.6),
    )
    for pattern, entity, score in simple:
        for m in pattern.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in ".,;:!?)]}'\"":
                end -= 1  # trailing punctuation belongs to the sentence, not the value
            spans.append(Span(m.start(), end, entity, score))
    spans.extend(
        Span(m.start(), m.end(), "IBAN_CODE", 0.7)
        for m in _IBAN.finditer(text)
        if _iban_ok(m.group(0))
    )
    spans.extend(Span(m.start(1), m.end(1), "ID", 0.6) for m in _ID_CONTEXT.finditer(text))
    return spans


def person_context_spans(text: str) -> list[Span]:
    """Capitalized names introduced by context ("my name is …", "Hi …,", "Mr …")."""
    spans = []
    for m in _PERSON_CONTEXT.finditer(text):
        words = m.group(1).replace("-", " ").split()
        if not words or words[0] in _NOT_NAMES:
            continue
        kept = m.group(1)
        for word in words[1:]:
            if word in _NOT_NAMES:
                kept = kept[: kept.index(word)].rstrip(" -")
                break
        spans.append(Span(m.start(1), m.start(1) + len(kept), "PERSON", 0.6))
    return spans


def extend_person_spans(text: str, spans: Iterable[Span]) -> list[Span]:
    """Grow PERSON spans over directly adjacent capitalized words ("Jane" + " Doe")."""
    out = []
    for span in spans:
        if span.entity == "PERSON":
            end = span.end
            while True:
                m = re.match(r"[ \-]([A-Z][a-z'’]+)\b", text[end:])
                if not m or m.group(1) in _NOT_NAMES:
                    break
                end += m.end()
            span = Span(span.start, end, span.entity, span.score)
        out.append(span)
    return out


def refine(entity: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim or drop NER guesses: "Sorry Will" is "Will"; "Order ORD-55821" is nobody."""
    if entity not in ("PERSON", "LOCATION"):
        return start, end
    value = text[start:end]
    if not any(ch.isupper() for ch in value) or any(ch.isdigit() or ch in "_/=:@" for ch in value):
        return None  # snake_case keys, ids, paths and lowercase guesses are not names
    if entity == "LOCATION" and len(value) <= 3 and value.isupper():
        return None  # country codes (US, DE) in locales and addresses say little
    for m in re.finditer(r"[^\s\-]+", value):
        if m.group(0).strip(".,'’!?") not in _NOT_NAMES:
            start += m.start()
            break
    else:
        return None
    return start, end


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Union overlapping spans so no fragment of any detected value survives replacement."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = max((last, span), key=lambda s: (s.end - s.start, PRIORITY.get(s.entity, 0)))
            merged[-1] = Span(last.start, max(last.end, span.end), best.entity, best.score)
        else:
            merged.append(span)
    return merged


def name_parts(value: str) -> list[str]:
    """The parts of a detected full name that identify on their own (first name, surname)."""
    parts = [p.strip(".,'’") for p in re.split(r"[\s]+", value)]
    return [p for p in parts if len(p) >= 2 and p[0].isupper() and p not in _NOT_NAMES]


# -- identifying keys ----------------------------------------------------------------------
NAME_FIELD = "NAME_FIELD"  # a bare `name` key: a person's name, or a tool's, a product's…
KEY = "KEY"  # a JSON key: only structured identifiers are replaced in it, never names
# Sibling keys that make a bare `name` in the same object a person's name.
PERSON_SIBLINGS = frozenset(
    ("EMAIL_ADDRESS", "PHONE_NUMBER", "ADDRESS", "PERSON", "US_SSN", "DATE_OF_BIRTH")
)


_KEY_TYPES: dict[str, str] = {
    "email": "EMAIL_ADDRESS",
    "mail": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "mobile": "PHONE_NUMBER",
    "tel": "PHONE_NUMBER",
    "telephone": "PHONE_NUMBER",
    "fax": "PHONE_NUMBER",
    "msisdn": "PHONE_NUMBER",
    "ip": "IP_ADDRESS",
    "ssn": "US_SSN",
    "iban": "IBAN_CODE",
    "card": "CREDIT_CARD",
    "pan": "CREDIT_CARD",
    "address": "ADDRESS",
    "street": "ADDRESS",
    "postcode": "ADDRESS",
    "zip": "ADDRESS",
    "dob": "DATE_OF_BIRTH",
    "birthday": "DATE_OF_BIRTH",
    "birthdate": "DATE_OF_BIRTH",
    "passport": "ID",
    "license": "ID",
    "licence": "ID",
    "user": "ID",
    "username": "ID",
    "userid": "ID",
    "login": "ID",
    "account": "ID",
    "customer": "ID",
    "client": "ID",
    "member": "ID",
    "patient": "ID",
    "employee": "ID",
    "subscriber": "ID",
    "contact": "ID",
    "person": "PERSON",
    "fullname": "PERSON",
    "firstname": "PERSON",
    "lastname": "PERSON",
    "surname": "PERSON",
    "recipient": "PERSON",
    "sender": "PERSON",
}
_NAME_QUALIFIERS = frozenset(
    _words(
        "first last full given family middle display real legal customer user contact "
        "person recipient sender holder account owner billing shipping nick"
    )
)
# A last word that makes the key describe the person's data rather than identify them.
_DESCRIPTIVE = frozenset(
    _words(
        "type status count tier agent role level plan at time date kind country language "
        "lang locale timezone tz verified enabled age score message feedback rating "
        "segment preference format mode length size created updated since"
    )
)
_SPLIT_KEY = re.compile(r"[^a-z0-9]+")


def key_tokens(key: str) -> list[str]:
    """Split `customerEmail`, `user-id`, `ip_addr` into lowercase words, plurals singular."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key).lower()
    words = [w for w in _SPLIT_KEY.split(spaced) if w]
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def identifying_type(key: str) -> str | None:
    """The entity a value under this key is taken to be, whatever its content; None if none."""
    words = key_tokens(key)
    if not words or (len(words) > 1 and words[-1] in _DESCRIPTIVE):
        return None
    joined = "".join(words)
    if joined in _KEY_TYPES:
        return _KEY_TYPES[joined]
    if words == ["name"]:
        return NAME_FIELD
    if "name" in words and _NAME_QUALIFIERS.intersection(words):
        return "PERSON"
    if "ip" in words or joined in ("ipaddr", "ipaddress", "remoteaddr", "clientip"):
        return "IP_ADDRESS"
    for word in words:
        if word in _KEY_TYPES and not (word == "address" and "ip" in words):
            return _KEY_TYPES[word]
    return None
