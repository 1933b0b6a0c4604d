"""Per-trace redaction: every string of one trace rewritten with consistent placeholders.

A value detected anywhere in the trace (or held by an identifying field) is replaced wherever
it occurs in that trace, the parts of a detected full name too. Text the application itself
repeats (`AppText`: system prompts, tool schemas, catalogue names) and the `name` of a thing
in this trace's tool results are kept; secrets never are.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from tracereader.model import Trace
from tracereader.privacy.keys import KEY
from tracereader.privacy.names import ROLE_WORDS, assistant_names, name_parts
from tracereader.privacy.protect import is_redacted
from tracereader.privacy.spans import ALWAYS_REPLACED, WORDY, Span, merge_spans, overlaps
from tracereader.privacy.walk import APP, REFERENCE, THING, walk, walk_trace

KeyedHash = Callable[[str, str], str]
IsAppText = Callable[[str], bool]
_NORMALIZE_DIGITS = {"PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "UK_NINO", "NATIONAL_ID"}
_MIN_PROPAGATE = 3
_MIN_PROPAGATE_ID = 4
_ID_TYPES = ("ID", "USER_ID", "SESSION_ID")
_HEX_ID = re.compile(r"[0-9a-fA-F]{8,64}|[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
# Structured identifiers a JSON key may hold and lose (a key never loses its words).
_KEY_TYPES = frozenset(
    ("SECRET", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "UK_NINO",
     "NATIONAL_ID", "IP_ADDRESS")
)  # fmt: skip


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


def normalized(value: str, entity: str) -> str:
    """The form two writings of one value share (digits only for numbers, else casefolded)."""
    if entity in _NORMALIZE_DIGITS:
        return re.sub(r"[^0-9a-z]", "", value.casefold())
    return " ".join(value.casefold().split())


class TraceRedactor:
    """Redacts one trace, given the analyzer's spans for each of its strings."""

    def __init__(
        self,
        spans: Mapping[str, list[Span]],
        keyed_hash: KeyedHash,
        is_app_text: IsAppText = lambda value: False,
        model: str | None = None,
    ) -> None:
        self.spans = spans
        self.nobody = ROLE_WORDS | assistant_names(model)  # words that name no person here
        self.keyed_hash = keyed_hash
        self.is_app_text = is_app_text
        self.counts: Counter[str] = Counter()
        self._known: dict[str, str] = {}  # value as found -> entity
        self._replacement: dict[str, str] = {}  # normalized value -> replacement
        self._hashes: dict[str, str] = {}  # normalized user/session id -> its keyed hash
        self._parts: dict[str, tuple[str, str]] = {}  # name part -> (full name, entity)
        self._things: set[str] = set()  # casefolded names of products, tools, places here
        self._numbers: Counter[str] = Counter()
        self._values: list[tuple[str, str, str, bool]] = []  # (value, lower, entity, exact)

    def redact(self, trace: Trace) -> Trace:
        """An anonymized copy: placeholders, hashed user/session ids, id kept unless PII."""
        self.nobody |= assistant_names(trace.model)
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
        if trace_id and self._rewrite(trace_id, KEY) != trace_id:
            trace_id = self.keyed_hash(trace_id, "t_")
        return replace(out, id=trace_id, user_id=user or None, session_id=session or None)

    def redact_values(self, values: list[tuple[Any, str | None, bool]]) -> list[Any]:
        """Redact stored values of one trace together: (value, kind, keys visited) each.

        For `audit`: a value is a string or a parsed JSON document; numbering continues after
        the placeholders the values already hold, so `<PERSON_1>` keeps meaning one person.
        """
        for value, _, _ in values:
            for found in re.finditer(r"<([A-Z][A-Z_]*)_(\d+)>", json.dumps(value)):
                entity, number = found.group(1), int(found.group(2))
                self._numbers[entity] = max(self._numbers[entity], number)
        for value, kind, keys in values:
            walk(value, kind, self._learn_from, keys=keys)
        self._compile()
        return [walk(value, kind, self._rewrite, keys=keys) for value, kind, keys in values]

    # -- learning what this trace holds ---------------------------------------------------
    def _learn(self, value: str, entity: str, replacement: str | None = None) -> None:
        value = value.strip()
        if not value or is_redacted(value) or self._kept(value, entity):
            return
        self._known.setdefault(value, entity)
        key = normalized(value, entity)
        if replacement is not None:
            self._hashes.setdefault(key, replacement)
        if entity == "PERSON":
            for part in name_parts(value):
                self._parts.setdefault(part, (value, entity))

    def _kept(self, value: str, entity: str) -> bool:
        """Whether `value`, detected as `entity`, is a thing this trace names or one of the
        application's own words: a one-word name recurring in many people's prompts (a
        persona, a brand). A contact or a full name stays personal however often it recurs."""
        if entity not in WORDY:
            return False
        folded = " ".join(value.casefold().split())
        if entity == "PERSON" and all(w in self.nobody for w in folded.split()):
            return True  # "the user", "Claude": the conversation's parties
        return folded in self._things or (" " not in folded and self.is_app_text(value))

    def _learn_from(self, text: str, kind: str | None) -> str:
        spans = self.spans.get(text, ())
        if kind == THING and not any(s.entity == "PERSON" for s in spans):
            if 2 < len(text) <= 80:
                self._things.add(" ".join(text.casefold().split()))
            kind = None
        if kind is not None and kind not in (KEY, APP, REFERENCE):
            self._learn(text, kind)
            return text
        if kind == REFERENCE and _HEX_ID.fullmatch(text.strip()):
            return text  # a trace or span id under its key: nothing to learn from
        for span in spans:
            if kind in (None, APP) or span.entity in _KEY_TYPES:
                self._learn(text[span.start : span.end], span.entity)
        return text

    def _compile(self) -> None:
        self._values = [
            (v, v.lower(), e, e in WORDY and " " not in v)
            for v, e in sorted(self._known.items(), key=lambda item: -len(item[0]))
            if len(v) >= (_MIN_PROPAGATE_ID if e in _ID_TYPES else _MIN_PROPAGATE)
            and not (v.isdigit() and len(v) < 6)  # a short number recurs by chance
            and e != "LOCATION"
        ]
        for part in list(self._parts):
            if self._kept(part, "PERSON"):
                del self._parts[part]

    def _propagated(self, text: str) -> list[Span]:
        """Occurrences in `text` of values known in this trace, and of known name parts.

        Case is ignored except for one-word names and places: "Will" must not take "will".
        """
        spans: list[Span] = []
        lowered = text.lower()
        same_length = len(lowered) == len(text)  # else lowered offsets would not map back
        for value, lower, entity, exact in self._values:
            if exact or not same_length:
                found = _find_words(text, value)
            else:
                found = _find_words(lowered, lower)
            spans.extend(Span(s, e, entity, 1.0) for s, e in found)
        for part in self._parts:
            spans.extend(Span(s, e, "PERSON", 0.9) for s, e in _find_words(text, part))
        return spans

    def _thing_spans(self, text: str) -> list[Span]:
        """Where this trace's thing names (products, tools) occur in `text`, in any case."""
        if not self._things:
            return []
        lowered = text.casefold()
        if len(lowered) != len(text):
            return []
        return [Span(s, e, THING, 1.0) for t in self._things for s, e in _find_words(lowered, t)]

    # -- rewriting ------------------------------------------------------------------------
    def _replace_value(self, value: str, entity: str) -> str:
        key = normalized(value, entity)
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
        if kind == THING:
            kind = None
        if kind is not None and kind not in (KEY, APP, REFERENCE):
            if not text.strip() or is_redacted(text):
                return text
            if self._kept(text, kind):
                return text
            return self._replace_value(text, kind)
        spans = list(self.spans.get(text, ()))
        spans.extend(self._propagated(text))
        if kind == KEY:  # keys keep their words: structured identifiers only
            spans = [s for s in spans if s.entity in _KEY_TYPES]
        elif kind == REFERENCE:  # an order, tracking, trace or span id: only what cannot be one
            spans = [s for s in spans if s.entity in ("SECRET", "EMAIL_ADDRESS")]
            if _HEX_ID.fullmatch(text.strip()):
                spans = []  # a hex id under its key (`"traceId": "4bf9…"`) opens nothing
        things = self._thing_spans(text)
        spans = [
            s
            for s in spans
            if s.entity in ALWAYS_REPLACED
            or not (
                self._kept(text[s.start : s.end], s.entity)
                or (s.entity in WORDY and overlaps(s, things))
            )
        ]
        if not spans:
            return text
        pieces = []
        last = 0
        for span in merge_spans(spans):
            value = text[span.start : span.end]
            pieces.append(text[last : span.start])
            part = self._parts.get(value)
            if part is not None and normalized(value, "PERSON") not in self._replacement:
                pieces.append(self._replace_value(part[0], part[1]))
            else:
                pieces.append(self._replace_value(value, span.entity))
            last = span.end
        pieces.append(text[last:])
        return "".join(pieces)
