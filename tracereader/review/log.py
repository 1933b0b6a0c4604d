"""The reviewer's actions on traces, each committed at once and journaled so it can be undone."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tracereader import stored
from tracereader.store import Store
from tracereader.timeutil import to_iso, utcnow

if TYPE_CHECKING:
    import sqlite_utils

VERDICTS = ("pass", "fail")


@dataclass(frozen=True)
class ReviewState:
    """Everything the reviewer decided about one trace (seconds are bookkeeping)."""

    verdict: str | None = None
    verdict_source: str | None = None
    note: str | None = None
    reviewed_at: str | None = None
    tags: tuple[str, ...] = ()
    tag_times: tuple[str, ...] = ()
    skipped_at: str | None = None
    seconds: float = 0.0

    @property
    def reviewed(self) -> bool:
        """A trace is reviewed once it has a review time."""
        return self.reviewed_at is not None

    def as_json(self) -> dict[str, Any]:
        """The journaled form (without seconds, which undo never rewinds)."""
        return {
            "verdict": self.verdict,
            "verdict_source": self.verdict_source,
            "note": self.note,
            "reviewed_at": self.reviewed_at,
            "tags": [[t, at] for t, at in zip(self.tags, self.tag_times, strict=True)],
            "skipped_at": self.skipped_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReviewState:
        """Read a journaled state back."""
        pairs = [(str(t), str(at)) for t, at in data.get("tags", [])]
        return cls(
            verdict=data.get("verdict"),
            verdict_source=data.get("verdict_source"),
            note=data.get("note"),
            reviewed_at=data.get("reviewed_at"),
            tags=tuple(t for t, _ in pairs),
            tag_times=tuple(at for _, at in pairs),
            skipped_at=data.get("skipped_at"),
        )


@dataclass(frozen=True)
class Undone:
    """What an undo reverted: the action's kind, the traces it touched, and what that undid."""

    kind: str
    trace_ids: list[str] = field(default_factory=list)
    description: str = ""
    """What was undone, in words: `tag wrong_tool on t-0011`, `verdict pass on t-0011 (…)`."""


def describe_change(
    kind: str, before: dict[str, ReviewState], after: dict[str, ReviewState]
) -> str:
    """One action in words, from its journaled states (for the undo notice)."""
    ids = list(after) or list(before)
    who = ids[0] if len(ids) == 1 else f"{len(ids)} traces"
    first_before = before.get(ids[0], ReviewState()) if ids else ReviewState()
    first_after = after.get(ids[0], ReviewState()) if ids else ReviewState()
    if kind in ("tag", "untag", "bulk_tag"):
        changed = sorted(
            {
                t
                for tid in ids
                for t in set(after.get(tid, ReviewState()).tags)
                ^ set(before.get(tid, ReviewState()).tags)
            }
        )
        return f"{kind.replace('_', ' ')} {', '.join(changed) or '(none)'} on {who}"
    if kind == "verdict":
        return (
            f"verdict {first_after.verdict or 'cleared'} on {who}"
            f" (back to {first_before.verdict or 'none'})"
        )
    if kind == "note":
        previous = f"“{first_before.note}”" if first_before.note else "no note"
        return f"note on {who} (back to {previous})"
    if kind == "seen":
        return f"seen on {who}: it is unreviewed again"
    if kind == "skip":
        return f"skip of {who}: it is back in its place"
    return f"{kind.replace('_', ' ')} on {who}"


class ReviewLog:
    """One reviewer's actions on a store; every method is one committed transaction."""

    def __init__(self, store: Store, reviewer: str, now: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.reviewer = reviewer
        self._now = now
        self.changes = 0
        """Actions journaled through this log so far (a sequence number for `changed_since`)."""
        self._changed_at: dict[str, int] = {}

    @property
    def db(self) -> sqlite_utils.Database:
        """The store's sqlite-utils wrapper (actions use the bare connection: see `Store`)."""
        return self.store.db

    # -- reading ----------------------------------------------------------------------------
    def state(self, trace_id: str) -> ReviewState:
        """The current review state of one trace."""
        row = self.store.execute(
            "select verdict, verdict_source, note, reviewed_at, seconds from reviews"
            " where trace_id = ?",
            [trace_id],
        ).fetchone()
        tag_rows = self.store.execute(
            "select tag, created_at from tags where trace_id = ? order by created_at, tag",
            [trace_id],
        ).fetchall()
        skip = self.store.execute(
            "select skipped_at from queue_skips where trace_id = ? and reviewer = ?",
            [trace_id, self.reviewer],
        ).fetchone()
        verdict, source, note, reviewed_at, seconds = row if row else (None, None, None, None, 0)
        return ReviewState(
            verdict=verdict,
            verdict_source=source if source or verdict is None else "explicit",
            note=note,
            reviewed_at=reviewed_at,
            tags=tuple(r[0] for r in tag_rows),
            tag_times=tuple(r[1] or "" for r in tag_rows),
            skipped_at=skip[0] if skip else None,
            seconds=float(seconds or 0),
        )

    def changed_since(self, trace_id: str, mark: int) -> bool:
        """Whether an action through this log changed the trace after `changes` was `mark`."""
        return self._changed_at.get(trace_id, -1) >= mark

    # -- actions ----------------------------------------------------------------------------
    def toggle_tag(self, trace_id: str, tag: str) -> bool:
        """Add the tag if absent, remove it if present; return whether it is now on."""
        with self._tx():
            before = self.state(trace_id)
            on = tag not in before.tags
            self._apply(
                trace_id, _with_tag(before, tag, on, self._stamp()), "tag" if on else "untag"
            )
        return on

    def add_tag_to_many(self, trace_ids: Iterable[str], tag: str) -> int:
        """Put one tag on several traces as a single undoable action; return how many changed."""
        ids = list(dict.fromkeys(trace_ids))
        stamp = self._stamp()
        with self._tx():
            befores = {tid: self.state(tid) for tid in ids}
            afters = {
                tid: _with_tag(s, tag, True, stamp)
                for tid, s in befores.items()
                if tag not in s.tags
            }
            for tid, after in afters.items():
                self._write(tid, after, befores[tid])
            if afters:
                self._journal("bulk_tag", {t: befores[t] for t in afters}, afters)
        return len(afters)

    def set_verdict(self, trace_id: str, verdict: str | None) -> None:
        """Record the reviewer's own verdict (`pass`, `fail`, or None to clear it)."""
        if verdict is not None and verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}")
        with self._tx():
            before = self.state(trace_id)
            after = _replace(
                before,
                verdict=verdict,
                verdict_source="explicit" if verdict else None,
                reviewed_at=before.reviewed_at or self._stamp(),
            )
            if verdict is None:
                after = _implied(after)
            self._apply(trace_id, after, "verdict", before)

    def set_note(self, trace_id: str, note: str | None) -> None:
        """Set (or with an empty note, clear) the free-text note of open coding."""
        value = (note or "").strip() or None
        with self._tx():
            before = self.state(trace_id)
            after = _replace(before, note=value, reviewed_at=before.reviewed_at or self._stamp())
            self._apply(trace_id, after, "note", before)

    def mark_seen(self, trace_id: str) -> bool:
        """Mark the trace reviewed (moving on saves the review); False if it already was."""
        with self._tx():
            before = self.state(trace_id)
            if before.reviewed:
                return False
            self._apply(trace_id, _replace(before, reviewed_at=self._stamp()), "seen", before)
        return True

    def skip(self, trace_id: str) -> None:
        """Send the trace to the back of this reviewer's queue."""
        with self._tx():
            before = self.state(trace_id)
            self._apply(trace_id, _replace(before, skipped_at=self._stamp()), "skip", before)

    def add_seconds(self, trace_id: str, seconds: float) -> None:
        """Accumulate time the trace was on screen (not journaled: undo never rewinds time)."""
        if seconds <= 0:
            return
        with self._tx():
            self.store.execute(
                "insert into reviews (trace_id, seconds, reviewer) values (?, ?, ?)"
                " on conflict(trace_id) do update set"
                " seconds = coalesce(seconds, 0) + excluded.seconds",
                [trace_id, seconds, self.reviewer],
            )

    def undo(self) -> Undone | None:
        """Revert this reviewer's latest action not yet undone; None when there is nothing left."""
        with self._tx():
            row = self.store.execute(
                "select id, kind, trace_ids, before, after from review_actions a"
                " where reviewer = ? and kind != 'undo'"
                " and not exists (select 1 from review_actions u where u.undoes = a.id)"
                " order by id desc limit 1",
                [self.reviewer],
            ).fetchone()
            if row is None:
                return None
            action_id, kind, ids_json, before_json, after_json = row
            restored = _journaled_states(before_json)
            undone = _journaled_states(after_json)
            current = {tid: self.state(tid) for tid in restored}
            for tid, state in restored.items():
                self._write(tid, state, current[tid])
            self._journal("undo", current, restored, undoes=action_id)
        ids = [str(t) for t in stored.from_json(ids_json, list) or [] if t in restored]
        kind_text = stored.text(kind) or "action"
        return Undone(
            kind=kind_text, trace_ids=ids, description=describe_change(kind_text, restored, undone)
        )

    def transaction(self) -> AbstractContextManager[None]:
        """Group several actions (and bookkeeping) into one commit, e.g. verdict and move on."""
        return self._tx()

    # -- internals --------------------------------------------------------------------------
    def _tx(self) -> AbstractContextManager[None]:
        """One action, one transaction, taking the write lock up front (see `Store.atomic`)."""
        return self.store.atomic(immediate=True)

    def _stamp(self) -> str:
        return to_iso(self._now())

    def _apply(
        self, trace_id: str, after: ReviewState, kind: str, before: ReviewState | None = None
    ) -> None:
        before = before if before is not None else self.state(trace_id)
        self._write(trace_id, after, before)
        self._journal(kind, {trace_id: before}, {trace_id: after})

    def _write(self, trace_id: str, state: ReviewState, before: ReviewState | None = None) -> None:
        """Store `state`; tags and skips are rewritten only when they differ from `before`."""
        self.store.execute(
            "insert into reviews (trace_id, verdict, verdict_source, note, reviewer, reviewed_at,"
            " seconds) values (?, ?, ?, ?, ?, ?, 0) on conflict(trace_id) do update set"
            " verdict = excluded.verdict, verdict_source = excluded.verdict_source,"
            " note = excluded.note, reviewer = excluded.reviewer,"
            " reviewed_at = excluded.reviewed_at",
            [
                trace_id,
                state.verdict,
                state.verdict_source,
                state.note,
                self.reviewer,
                state.reviewed_at,
            ],
        )
        same_tags = before is not None and before.tags == state.tags
        if not same_tags:
            self.store.execute("delete from tags where trace_id = ?", [trace_id])
            for tag, created_at in zip(state.tags, state.tag_times, strict=True):
                self.store.execute(
                    "insert into tags (trace_id, tag, reviewer, created_at) values (?, ?, ?, ?)",
                    [trace_id, tag, self.reviewer, created_at],
                )
        if before is not None and before.skipped_at == state.skipped_at:
            return
        self.store.execute(
            "delete from queue_skips where trace_id = ? and reviewer = ?", [trace_id, self.reviewer]
        )
        if state.skipped_at:
            self.store.execute(
                "insert into queue_skips (trace_id, reviewer, skipped_at) values (?, ?, ?)",
                [trace_id, self.reviewer, state.skipped_at],
            )

    def _journal(
        self,
        kind: str,
        before: dict[str, ReviewState],
        after: dict[str, ReviewState],
        undoes: int | None = None,
    ) -> None:
        for trace_id in after:
            self._changed_at[trace_id] = self.changes
        self.changes += 1
        self.store.execute(
            "insert into review_actions (at, reviewer, kind, trace_ids, before, after, undoes)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            [
                self._stamp(),
                self.reviewer,
                kind,
                json.dumps(list(after)),
                json.dumps({k: v.as_json() for k, v in before.items()}, ensure_ascii=False),
                json.dumps({k: v.as_json() for k, v in after.items()}, ensure_ascii=False),
                undoes,
            ],
        )


def _replace(state: ReviewState, **changes: Any) -> ReviewState:
    return ReviewState(**{**state.__dict__, **changes})


def _implied(state: ReviewState) -> ReviewState:
    """Without an explicit verdict, a failure tag makes the trace bad; none leaves it open."""
    if state.verdict_source == "explicit":
        return state
    if state.tags:
        return _replace(state, verdict="fail", verdict_source="tags")
    return _replace(state, verdict=None, verdict_source=None)


def _with_tag(state: ReviewState, tag: str, on: bool, stamp: str) -> ReviewState:
    pairs = [(t, at) for t, at in zip(state.tags, state.tag_times, strict=True) if t != tag]
    if on:
        pairs.append((tag, stamp))
    changed = _replace(
        state,
        tags=tuple(t for t, _ in pairs),
        tag_times=tuple(at for _, at in pairs),
        reviewed_at=state.reviewed_at or stamp,
    )
    return _implied(changed)


def _journaled_states(states_json: object) -> dict[str, ReviewState]:
    """The states a journal row saved; a row another tool garbled restores nothing (no crash)."""
    states: dict[str, ReviewState] = {}
    for trace_id, data in (stored.from_json(states_json, dict) or {}).items():
        try:
            states[str(trace_id)] = ReviewState.from_json(data)
        except (AttributeError, TypeError, ValueError):
            continue
    return states
