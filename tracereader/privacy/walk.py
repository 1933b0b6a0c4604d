"""Every stored string of a trace, visited with the kind of key it sits under.

Strings that are JSON documents are parsed, visited value by value and re-serialized (only
when something changed, so clean JSON is stored byte for byte). A JSON key is visited as
`KEY` (only structured identifiers are replaced in it) and a metadata key not at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tracereader.model import Event, Feedback, Message, ToolCall, Trace
from tracereader.privacy.keys import KEY, NAME_FIELD, PERSON_SIBLINGS, identifying_type
from tracereader.privacy.spans import word_list

Visit = Callable[[str, "str | None"], str]
THING = "THING"  # the `name` of something that is not a person: a product, a tool, a place
REFERENCE = "REFERENCE"  # under `tracking`, `order_id`, `isbn`, `sku`: a number, nobody's
_REFERENCE_WORDS = frozenset(
    word_list(
        "tracking track order invoice sku isbn ean upc gtin reference ref confirmation booking "
        "shipment parcel waybill awb consignment ticket case receipt transaction txn rma"
    )
)
APP = "APP"  # text the application writes: system prompts and tool schemas
_APP_KEYS = frozenset(
    ("tools", "tool", "functions", "function", "tool_schemas", "schema", "schemas")
)


def _looks_like_json(text: str) -> Any:
    stripped = text.strip()
    if len(stripped) < 2 or stripped[0] not in "[{" or stripped[-1] not in "]}":
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def is_reference_key(key: str) -> bool:
    """A key whose value is a reference number (`tracking_number`, `orderId`, `isbn`) or the
    id of a trace or span (`trace_id`, `spanId`, `otel.parent_span_id`, `traceparent`)."""
    from tracereader.privacy.keys import key_words

    words = key_words(key)
    if {"trace", "span"} & set(words) and {"id", "parent"} & set(words):
        return True
    if "traceparent" in words:
        return True
    return bool(words) and bool(_REFERENCE_WORDS.intersection(words)) and words[0] != "customer"


_THING_PARENTS = frozenset(
    word_list(
        "item product sku catalog catalogue tool function plan category book title course "
        "event service app model file project repo repository company org organization store "
        "shop brand place location city hub carrier warehouse line variant offer bundle tag "
        "label channel queue team workspace folder document schema parameter property field"
    )
)
_NAME_SHAPE = re.compile(r"^[^\W\d_][\w'’.\-]+(?: [^\W\d_][\w'’.\-]+){1,3}$")


def _person_name(value: Any, parent: str) -> bool:
    """A bare `name` outside a thing's object that reads like a person's (`Eliana Lopresti`)."""
    from tracereader.privacy.keys import key_words
    from tracereader.privacy.names import PRODUCT_WORDS

    if not isinstance(value, str) or not _NAME_SHAPE.match(value.strip()):
        return False
    if _THING_PARENTS.intersection(key_words(parent)) or not parent:
        return False
    words = value.split()
    return all(w[:1].isupper() for w in words) and not any(
        w.lower() in PRODUCT_WORDS for w in words
    )


def _opaque_credential(key: str, value: str) -> bool:
    from tracereader.privacy.credentials import is_weak_credential_key, looks_opaque

    return is_weak_credential_key(key) and looks_opaque(value.strip())


def walk(
    value: Any,
    kind: str | None,
    visit: Visit,
    person: bool = False,
    keys: bool = True,
    parent: str = "",
) -> Any:
    """Copy a JSON value, passing every string through `visit` with its key's kind.

    `person` says the value sits under a key that identifies someone (`customer`, `contact`),
    where a bare `name` is that person's name; under a key for things (`items`, `product`,
    `tool`) it names a thing (THING); elsewhere it is a person's when it reads like a name.
    `keys` False leaves the object keys unvisited (metadata keys are never rewritten).
    """
    if isinstance(value, str):
        if kind in (None, APP, THING, REFERENCE):
            parsed = _looks_like_json(value)
            if parsed is not None:
                redacted = walk(parsed, None if kind == THING else kind, visit, keys=keys)
                return value if redacted == parsed else json.dumps(redacted, ensure_ascii=False)
        return visit(value, kind)
    if isinstance(value, dict):
        types = {k: identifying_type(str(k)) for k in value}
        person = person or bool(PERSON_SIBLINGS.intersection(types.values()))
        out = {}
        for k, v in value.items():
            child = types[k]
            if child == NAME_FIELD:
                child = "PERSON" if person or _person_name(v, parent) else THING
            elif child is None and isinstance(v, str) and _opaque_credential(str(k), v):
                child = "SECRET"  # `"service_key": "…"`, `"deploy_key": "…"`: a random value
            elif child is None and is_reference_key(str(k)):
                child = REFERENCE  # `"tracking": "1303418222"` is no phone number
            elif (child is None and kind == APP) or (child is None and str(k).lower() in _APP_KEYS):
                child = APP
            key = visit(str(k), KEY) if keys else str(k)
            plain = (None, APP, THING, REFERENCE)
            out[key] = walk(v, child, visit, child not in plain, keys, str(k))
        return out
    if isinstance(value, list | tuple):
        return [walk(v, kind, visit, person, keys, parent) for v in value]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and kind not in (None, APP, THING, REFERENCE):
        return visit(str(value), kind)
    return value


def walk_trace(trace: Trace, visit: Visit) -> Trace:
    """Copy a trace with every stored string passed through `visit` (ids excepted)."""

    def text(value: str | None, kind: str | None = None) -> str | None:
        return None if value is None else walk(value, kind, visit)

    messages = [
        Message(
            role=m.role,
            content=text(m.content, APP if m.role == "system" else None),
            tool_calls=[
                ToolCall(
                    name=visit(c.name, THING) if isinstance(c.name, str) else c.name,
                    arguments=walk(c.arguments, None, visit),
                    id=text(c.id),
                )
                for c in m.tool_calls
            ],
            tool_call_id=text(m.tool_call_id),
            name=text(m.name, "PERSON" if m.role == "user" else THING),
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
        metadata=walk(trace.metadata, None, visit, keys=False),
        error=text(trace.error),
    )


def collect_strings_of(value: Any, kind: str | None = None, keys: bool = True) -> list[str]:
    """Every string of one stored value (a string or a parsed JSON document)."""
    found: list[str] = []

    def visit(text: str, _kind: str | None) -> str:
        found.append(text)
        return text

    walk(value, kind, visit, keys=keys)
    return found


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
