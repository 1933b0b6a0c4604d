"""The application's own text: values that recur in many people's system prompts and tool schemas.

A name in every trace's system prompt (the assistant's persona, the shop's name, a support
address) or a product in every catalogue lookup is the application's, not a person's, and is
kept. Recurrence is counted across batches, files and ingests without storing raw text: each
value is remembered as a keyed hash (HMAC with the salt) together with keyed hashes of the
users (or sessions, or traces) it was seen for, in the `app_text` table. A value seen for
`HOLDERS` different people is the application's. Secrets are never counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from tracereader.model import Trace
from tracereader.privacy.spans import ALWAYS_REPLACED, Span
from tracereader.privacy.walk import APP, THING, walk, walk_trace

if TYPE_CHECKING:
    from tracereader.store import Store

HOLDERS = 4
"""Distinct users (else sessions, else traces) a value must recur for to be the app's own."""
TABLE = "app_text"
KeyedHash = Callable[[str, str], str]


def _folded(value: str) -> str:
    return " ".join(value.casefold().split())


_SHORT = re.compile(r"^[^\W\d_][\w'’&.\- ]{1,38}[\w.]$")


def app_values(trace: Trace, spans: Mapping[str, list[Span]]) -> set[str]:
    """Values this trace's application text holds: detections in system prompts and tool
    schemas, the names of things (not people) in its tool results, and the short values
    its tools return under keys that identify no one (`"carrier": "Colissimo"`)."""
    found: set[str] = set()

    def data(text: str, kind: str | None) -> str:
        if kind is None and _SHORT.match(text) and len(text.split()) <= 5:
            found.add(_folded(text))
        return text

    for message in trace.messages:
        if message.role == "tool" and message.content:
            walk(message.content, None, data, keys=False)
        for call in message.tool_calls:
            walk(call.arguments, None, data, keys=False)

    def visit(text: str, kind: str | None) -> str:
        detected = spans.get(text, ())
        if kind == APP:
            found.update(
                _folded(text[s.start : s.end]) for s in detected if s.entity not in ALWAYS_REPLACED
            )
        elif (
            kind == THING
            and 2 < len(text) <= 80
            and not any(s.entity == "PERSON" for s in detected)
        ):
            found.add(_folded(text))
        return text

    walk_trace(trace, visit)
    found.discard("")
    return found


class AppText:
    """Counts recurring application values (as keyed hashes) and says which are the app's."""

    def __init__(self, keyed_hash: KeyedHash, store: Store | None = None) -> None:
        self._hash = keyed_hash
        self._store = store
        self._holders: dict[str, set[str]] = {}
        self._known: set[str] = set()
        if store is not None and TABLE in store.db.table_names():
            for row in store.db.query(f"select hash, holder from [{TABLE}]"):
                self._holders.setdefault(row["hash"], set()).add(row["holder"])
            self._known = {h for h, who in self._holders.items() if len(who) >= HOLDERS}

    def holder(self, trace: Trace) -> str:
        """Whose trace this is, as a keyed hash: the user, else the session, else the trace."""
        who = trace.user_id or trace.session_id or trace.id or ""
        return self._hash("holder:" + str(who), "h_")

    def observe(self, traces: Iterable[tuple[Trace, set[str]]]) -> None:
        """Count each trace's application values for its holder, and persist what is new."""
        rows = []
        for trace, values in traces:
            holder = self.holder(trace)
            for value in values:
                digest = self._hash("app:" + value, "a_")
                seen = self._holders.setdefault(digest, set())
                if len(seen) < HOLDERS and holder not in seen:
                    seen.add(holder)
                    rows.append({"hash": digest, "holder": holder})
                    if len(seen) >= HOLDERS:
                        self._known.add(digest)
        if rows and self._store is not None and TABLE in self._store.db.table_names():
            with self._store.atomic():
                self._store.db.table(TABLE).insert_all(rows, ignore=True)

    def is_app_text(self, value: str) -> bool:
        """Whether `value` recurs in enough people's application text to be the app's own."""
        if not self._known:
            return False
        return self._hash("app:" + _folded(value), "a_") in self._known
