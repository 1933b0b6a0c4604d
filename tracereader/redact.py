"""Per-trace redaction: every string of one trace rewritten with consistent placeholders.

A value detected anywhere in the trace (or held by an identifying field) is replaced wherever
it occurs in that trace, the parts of a detected full name too; strings that are JSON documents
are parsed, redacted value by value and re-serialized.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from tracereader import pii
from tracereader.model import Event, Feedback, Message, ToolCall, Trace

Visit = Callable[[str, "str | None"], str]
KeyedHash = Callable[[str, str], str]
_NORMALIZE_DIGITS = {"PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN"}
_MIN_PROPAGATE = 3
_MIN_PROPAGATE_ID = 4
_ID_TYPES = ("ID", "USER_ID", "SESSION_ID")
_WORDY = ("PERSON", "LOCATION", "ADDRESS")  # natural-language values, where case carries meaning


def _looks_like_json(text: str) -> Any:
    stripped = text.strip()
    if len(stripped) < 2 or stripped[0] not in "[{" or stripped[-1] not in "]}":
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def walk(value: Any, kind: str | None, visit: Visit, person: bool = False) -> Any:
    """Copy a JSON value, passing every string (keys too) through `visit` with its key's kind.

    `person` says the value sits under a key that identifies someone (`customer`, `contact`),
    where a bare `name` is that person's name; elsewhere it may name a tool or a product.
    """
    if isinstance(value, str):
        if kind is None:
            parsed = _looks_like_json(value)
            if parsed is not None:
                redacted = walk(parsed, None, visit)
                return value if redacted == parsed else json.dumps(redacted, ensure_ascii=False)
        return visit(value, kind)
    if isinstance(value, dict):
        types = {k: pii.identifying_type(str(k)) for k in value}
        person = person or bool(pii.PERSON_SIBLINGS.intersection(types.values()))
        out = {}
        for k, v in value.items():
            child = types[k]
            if child == pii.NAME_FIELD:
                child = "PERSON" if person else None
            out[visit(str(k), pii.KEY)] = walk(v, child, visit, person=child is not None)
        return out
    if isinstance(value, list | tuple):
        return [walk(v, kind, visit, person) for v in value]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and kind is not None:
        return visit(str(value), kind)
    return value


def walk_trace(trace: Trace, visit: Visit) -> Trace:
    """Copy a trace with every stored string passed through `visit` (ids excepted)."""

    def text(value: str | None, kind: str | None = None) -> str | None:
        return None if value is None else walk(value, kind, visit)

    messages = [
        Message(
            role=m.role,
            content=text(m.content),
            tool_calls=[
                ToolCall(
                    name=visit(c.name, None) if isinstance(c.name, str) else c.name,
                    arguments=walk(c.arguments, None, visit),
                    id=text(c.id),
                )
                for c in m.tool_calls
            ],
            tool_call_id=text(m.tool_call_id),
            name=text(m.name, "PERSON" if m.role == "user" else None),
        )
        for m in trace.messages
    ]
    feedback = trace.feedback and Feedback(trace.feedback.score, text(trace.feedback.comment))
    return replace(
        trace,
        messages=messages,
        model=text(trace.model),
        release=text(trace.release),
        feedback=feedback,
        events=[Event(visit(e.type, None), e.at, e.message_index) for e in trace.events],
        metadata=walk(trace.metadata, None, visit),
        error=text(trace.error),
    )


def collect_strings(trace: Trace) -> list[str]:
    """Every string of a trace that will be stored, as the analyzer must see it."""
    found: list[str] = []

    def visit(value: str, kind: str | None) -> str:
        found.append(value)
        return value

    walk_trace(trace, visit)
    if trace.id:
        found.append(trace.id)
    return found


def _find_words(text: str, value: str) -> list[tuple[int, int]]:
    """Where `value` occurs in `text` not inside a longer word."""
    found = []
    start = text.find(value)
    while start >= 0:
        end = start + len(value)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() and value[0].isalnum()) and not (
            after.isalnum() and value[-1].isalnum()
        ):
            found.append((start, end))
        start = text.find(value, start + 1)
    return found


def _norm(value: str, entity: str) -> str:
    if entity in _NORMALIZE_DIGITS:
        return re.sub(r"[^0-9a-z]", "", value.casefold())
    return " ".join(value.casefold().split())


class TraceRedactor:
    """Redacts one trace, given the analyzer's spans for each of its strings."""

    def __init__(self, spans: Mapping[str, list[pii.Span]], keyed_hash: KeyedHash) -> None:
        self.spans = spans
        self.keyed_hash = keyed_hash
        self.counts: Counter[str] = Counter()
        self._known: dict[str, str] = {}  # value as found -> entity
        self._replacement: dict[str, str] = {}  # normalized value -> replacement
        self._hashes: dict[str, str] = {}  # normalized user/session id -> its keyed hash
        self._parts: dict[str, tuple[str, str]] = {}  # name part -> (full name, entity)
        self._numbers: Counter[str] = Counter()
        self._values: list[tuple[str, str, str, bool]] = []  # (value, lower, entity, exact)

    def redact(self, trace: Trace) -> Trace:
        """An anonymized copy: placeholders, hashed user/session ids, id kept unless PII."""
        if trace.user_id:
            self._learn(trace.user_id, "USER_ID", self.keyed_hash(trace.user_id, "u_"))
        if trace.session_id:
            self._learn(trace.session_id, "SESSION_ID", self.keyed_hash(trace.session_id, "s_"))
        walk_trace(trace, self._learn_from)
        self._compile()
        out = walk_trace(trace, self._rewrite)
        user = trace.user_id and self._replace_value(trace.user_id, "USER_ID")
        session = trace.session_id and self._replace_value(trace.session_id, "SESSION_ID")
        trace_id = trace.id
        # Ids are checked for structured identifiers only (emails, phones, cards…): NER guesses
        # names in about 5% of random-looking ids, and a stable source id is what lets the user
        # find the trace again in their own system.
        if trace_id and self._rewrite(trace_id, pii.KEY) != trace_id:
            trace_id = self.keyed_hash(trace_id, "t_")
        return replace(out, id=trace_id, user_id=user or None, session_id=session or None)

    # -- learning what this trace holds ---------------------------------------------------
    def _learn(self, value: str, entity: str, replacement: str | None = None) -> None:
        value = value.strip()
        if not value:
            return
        self._known.setdefault(value, entity)
        key = _norm(value, entity)
        if replacement is not None:
            self._hashes.setdefault(key, replacement)
        if entity == "PERSON":
            for part in pii.name_parts(value):
                self._parts.setdefault(part, (value, entity))

    def _learn_from(self, text: str, kind: str | None) -> str:
        if kind is not None and kind != pii.KEY:
            self._learn(text, kind)
            return text
        for span in self.spans.get(text, ()):
            if kind is None or span.entity not in _WORDY:
                self._learn(text[span.start : span.end], span.entity)
        return text

    def _compile(self) -> None:
        self._values = [
            (v, v.lower(), e, e in _WORDY and " " not in v)
            for v, e in sorted(self._known.items(), key=lambda item: -len(item[0]))
            if len(v) >= (_MIN_PROPAGATE_ID if e in _ID_TYPES else _MIN_PROPAGATE)
            and e != "LOCATION"  # a city or country named once is not worth masking everywhere
        ]

    def _propagated(self, text: str) -> list[pii.Span]:
        """Occurrences in `text` of values known in this trace, and of known name parts.

        Case is ignored except for one-word names and places: "Will" must not take "will".
        """
        spans: list[pii.Span] = []
        lowered = text.lower()
        same_length = len(lowered) == len(text)  # else lowered offsets would not map back
        for value, lower, entity, exact in self._values:
            if exact or not same_length:
                found = _find_words(text, value)
            else:
                found = _find_words(lowered, lower)
            spans.extend(pii.Span(s, e, entity, 1.0) for s, e in found)
        for part in self._parts:
            spans.extend(pii.Span(s, e, "PERSON", 0.9) for s, e in _find_words(text, part))
        return spans

    # -- rewriting ------------------------------------------------------------------------
    def _replace_value(self, value: str, entity: str) -> str:
        key = _norm(value, entity)
        if entity in _ID_TYPES:  # ids hash: the user's hash, a placeholder already given, or new
            found = self._hashes.get(key) or self._replacement.get(key)
            if found is None:
                found = self._replacement[key] = self.keyed_hash(value.strip(), "id_")
        else:
            found = self._replacement.get(key)
            if found is None:
                self._numbers[entity] += 1
                found = self._replacement[key] = f"<{entity}_{self._numbers[entity]}>"
        self.counts[entity] += 1
        return found

    def _rewrite(self, text: str, kind: str | None) -> str:
        if kind is not None and kind != pii.KEY:
            return self._replace_value(text, kind) if text.strip() else text
        spans = list(self.spans.get(text, ()))
        spans.extend(self._propagated(text))
        if kind == pii.KEY:  # keys keep their words: structured identifiers only
            spans = [s for s in spans if s.entity not in _WORDY]
        if not spans:
            return text
        pieces = []
        last = 0
        for span in pii.merge_spans(spans):
            value = text[span.start : span.end]
            pieces.append(text[last : span.start])
            part = self._parts.get(value)
            if part is not None and _norm(value, "PERSON") not in self._replacement:
                pieces.append(self._replace_value(part[0], part[1]))
            else:
                pieces.append(self._replace_value(value, span.entity))
            last = span.end
        pieces.append(text[last:])
        return "".join(pieces)
