"""Braintrust rows that annotate other rows: comments and feedback merges, joined to their trace.

`logger.log_feedback(id=ROW, comment=…, scores=…)` writes a comment row (`{"origin": {"id":
ROW}, "comment": {"text": …}, "_audit_metadata": {"user_id": …}}`) and, for new scores, a merge
row (`{"id": ROW, "scores": …, "_is_merge": true}`). Neither carries the span ids that group rows
into traces, so each is held until the row it names has been read, then placed in that row's
trace. One whose row never comes is reported once per file, not stored on its own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from tracereader.formats.base import RawRecord
from tracereader.formats.ledger import Unplaced
from tracereader.formats.normalize import as_dict
from tracereader.formats.spantree import GROUP_WINDOW

ORPHANS = "records had text not read: comment or feedback rows naming a row not in this file"
"""Worded like `ledger.UNREAD`: the summary line counts these as records with text not read."""


def is_comment(row: Any) -> bool:
    """A comment row: `origin.id` names the commented row, `comment.text` holds the text."""
    return isinstance(row, dict) and isinstance(row.get("origin"), dict) and "comment" in row


def is_merge(row: Any) -> bool:
    """A feedback merge: new scores (or expected, tags) for a row logged earlier."""
    return isinstance(row, dict) and bool(row.get("_is_merge")) and "span_id" not in row


def target(row: dict[str, Any]) -> str | None:
    """The id of the row an annotation is about."""
    ident = as_dict(row.get("origin")).get("id") if is_comment(row) else row.get("id")
    return str(ident) if ident else None


def comment_text(row: dict[str, Any]) -> str | None:
    """The text of a comment row, or of one entry of a span row's `comments` list."""
    comment = row.get("comment")
    text = as_dict(comment).get("text") if isinstance(comment, dict) else comment
    if text is None:
        text = row.get("text") or row.get("content")
    return str(text) if isinstance(text, str) and text.strip() else None


class Annotations:
    """Holds annotations until their row is read, and knows which trace each row is in."""

    def __init__(self, window: int = GROUP_WINDOW) -> None:
        self.window = window
        self._trace_of: OrderedDict[str, Hashable] = OrderedDict()
        self._held: dict[str, list[RawRecord]] = {}
        self._count = 0

    def key(self, record: RawRecord) -> Hashable | None:
        """The trace key of an annotation whose row has been read (None for other rows)."""
        if not (is_comment(record.value) or is_merge(record.value)):
            return None
        return self._trace_of.get(target(record.value) or "")

    def attach(
        self, records: Iterable[RawRecord | Unplaced], key_of: Any
    ) -> Iterator[RawRecord | Unplaced]:
        """Rows in file order, each annotation moved right after the row it names."""
        for record in records:
            if isinstance(record, Unplaced):
                yield record
                continue
            value = record.value
            if is_comment(value) or is_merge(value):
                ident = target(value) or ""
                if ident in self._trace_of:
                    yield record
                else:
                    self._held.setdefault(ident, []).append(record)
                    self._count += 1
                    while self._count > self.window:  # bounded: the oldest waits no longer
                        oldest = next(iter(self._held))
                        for stale in self._held.pop(oldest):
                            self._count -= 1
                            yield Unplaced(stale.line, (), ORPHANS)
                continue
            yield record
            ident = str(as_dict(value).get("id") or "")
            if ident:
                try:
                    self._trace_of[ident] = key_of(record)
                except ValueError:
                    continue
                while len(self._trace_of) > self.window:
                    self._trace_of.popitem(last=False)
                waiting = self._held.pop(ident, [])
                self._count -= len(waiting)
                yield from waiting
        for held in self._held.values():
            for record in held:
                yield Unplaced(record.line, (), ORPHANS)
        self._held.clear()
        self._count = 0
