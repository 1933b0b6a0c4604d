"""The reviewer's edits to patterns, stored against stable keys: each one a confirmation.

Keys never name a cluster number: a tag pattern is `tag:<name>`, a note is `note:<trace id>`.
When new notes arrive and the grouping changes, each edit is resolved again by asking which
pattern now holds that tag or that note, so every edit survives regrouping:
- `merge`: the pattern holding one key belongs with the pattern holding another;
- `split`: one note leaves its pattern, to stand alone or to join another (filing a note
  under a pattern from the note box, or confirming an automatic member, is a split into it);
- `rename`: a label for the pattern holding a key;
- `reject`: two patterns are not the same; the pair is never proposed again and an
  automatic merge between them is undone;
- `promote`: a note pattern became a taxonomy tag (a merge into `tag:<name>`, see `taxonomy`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracereader.store import Store
from tracereader.timeutil import to_iso, utcnow

KINDS = ("merge", "rename", "split", "reject", "promote")
JOINING = ("merge", "split", "promote")
"""Kinds that put one pattern (or note) into another."""


class PatternEditError(ValueError):
    """An edit that cannot be stored; the message says why."""


@dataclass(frozen=True)
class PatternEdit:
    """One stored edit, applied in the order it was made."""

    id: int
    kind: str
    key: str | None
    target: str | None
    label: str | None
    trace_id: str | None


def _check_key(key: str) -> str:
    if not key or not key.startswith(("tag:", "note:")) or len(key.split(":", 1)[1]) == 0:
        raise PatternEditError(f"not a pattern key: {key!r} (expected tag:<name> or note:<id>)")
    return key


def _add(store: Store, reviewer: str, **row: str | None) -> int:
    values = {**row, "reviewer": reviewer, "created_at": to_iso(utcnow())}
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    with store.atomic():
        cursor = store.execute(
            f"insert into pattern_edits ({columns}) values ({marks})", list(values.values())
        )
        return int(cursor.lastrowid or 0)


def merge(store: Store, source_key: str, target_key: str, *, reviewer: str = "") -> int:
    """Record that the pattern holding `source_key` belongs with the one holding `target_key`."""
    if _check_key(source_key) == _check_key(target_key):
        raise PatternEditError("cannot merge a pattern into itself")
    return _add(store, reviewer, kind="merge", key=source_key, target=target_key)


def rename(store: Store, key: str, label: str, *, reviewer: str = "") -> int:
    """Record a new label for the pattern holding `key` (an empty label restores the default)."""
    clean = " ".join(label.split())
    if len(clean) > 200:
        raise PatternEditError("a label is at most 200 characters")
    return _add(store, reviewer, kind="rename", key=_check_key(key), label=clean)


def split(store: Store, trace_id: str, target_key: str | None = None, *, reviewer: str = "") -> int:
    """Record that the note of `trace_id` leaves its pattern (alone, or into `target_key`)."""
    if not trace_id:
        raise PatternEditError("split needs the trace id of the note to move out")
    target = None if target_key is None else _check_key(target_key)
    return _add(
        store, reviewer, kind="split", key=f"note:{trace_id}", target=target, trace_id=trace_id
    )


def file_note(store: Store, trace_id: str, target_key: str, *, reviewer: str = "") -> int:
    """Record that the reviewer put the note of `trace_id` in the pattern holding `target_key`."""
    return split(store, trace_id, target_key, reviewer=reviewer)


def reject(store: Store, key: str, other_key: str, *, reviewer: str = "") -> int:
    """Record that the patterns holding `key` and `other_key` are different failures."""
    if _check_key(key) == _check_key(other_key):
        raise PatternEditError("a pattern cannot be rejected as a merge with itself")
    return _add(store, reviewer, kind="reject", key=key, target=other_key)


def promoted(store: Store, source_key: str, tag: str, *, reviewer: str = "") -> int:
    """Record that the pattern holding `source_key` became the taxonomy tag `tag`."""
    return _add(store, reviewer, kind="promote", key=_check_key(source_key), target=f"tag:{tag}")


def load(store: Store) -> list[PatternEdit]:
    """Every stored edit, oldest first."""
    rows = store.execute(
        "select id, kind, key, target, label, trace_id from pattern_edits order by id"
    ).fetchall()
    return [PatternEdit(*row) for row in rows]


def latest_id(store: Store) -> int:
    """The id of the newest edit (0 when there is none): changes whenever an edit is made."""
    return int(store.execute("select coalesce(max(id), 0) from pattern_edits").fetchone()[0])


def undo_last(store: Store, *, reviewer: str = "") -> PatternEdit | None:
    """Delete the most recent edit and return it (None when there is none).

    Undoing a promotion also takes the tag off its traces and out of the taxonomy.
    """
    edits = load(store)
    if not edits:
        return None
    last = edits[-1]
    with store.atomic(immediate=True):
        store.execute("delete from pattern_edits where id = ?", [last.id])
        if last.kind == "promote" and last.target:
            from tracereader.patterns.taxonomy import (
                revert_promotion,  # taxonomy builds on this module
            )

            revert_promotion(store, last.target.removeprefix("tag:"), reviewer=reviewer)
    return last
