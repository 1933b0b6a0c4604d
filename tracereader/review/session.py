"""A review session: the queue in memory, the reviewer's place in it, and time spent per trace."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime

from tracereader.review.daily import AppClock, local_day, reviewed_on
from tracereader.review.log import ReviewLog, Undone
from tracereader.review.queue import (
    QueueFilter,
    QueueOptions,
    build_queue,
    can_page,
    first_page,
    load_position,
    merge_new,
    save_position,
)
from tracereader.review.walk import Walk
from tracereader.store import Store, StoredTrace
from tracereader.timeutil import utcnow

MAX_VISIT_SECONDS = 600.0
"""A single visit longer than this counts as this much (the reviewer left the screen on)."""
CACHE_SIZE = 16
PAGE_SIZE = 200
"""Traces read up front when the queue is loaded lazily; the rest arrive from a worker."""


class ReviewSession:
    """Moves one reviewer through the queue; every decision goes through `log` and is committed."""

    def __init__(
        self,
        store: Store,
        reviewer: str,
        options: QueueOptions,
        *,
        now: Callable[[], datetime] = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        lazy: bool = False,
        min_read_seconds: float = 3.0,
    ) -> None:
        self.store = store
        self.min_read_seconds = min_read_seconds
        """Moving on counts a trace as reviewed only after this long on screen (see `next`)."""
        self.passed: set[str] = set()
        """Traces moved past too quickly to count as read (still unreviewed, still queued)."""
        self.last_passed: str | None = None
        """The trace the latest move passed unread, for the screen to say so; None if it counted."""
        self.last_refused: str | None = None
        """The trace the latest `pass_and_next` refused to judge (not read yet), else None."""
        self.walk: Walk | None = None
        """Traces stepped through outside the queue (see `start_walk`), None on the queue."""
        self.reviewer = reviewer
        self.options = options
        self.now = now
        self.monotonic = monotonic
        self.log = ReviewLog(store, reviewer, now)
        self.clock = AppClock(store, reviewer, options.timezone)
        self._cache: OrderedDict[str, StoredTrace | None] = OrderedDict()
        saved = load_position(store, reviewer)
        self.complete = True
        """False while only the queue's first page is loaded (see `complete_with`)."""
        if lazy and can_page(options):
            self.ids: list[str] = first_page(store, options, reviewer, PAGE_SIZE, saved)
            self.complete = len(self.ids) < PAGE_SIZE
            self.index = 0
        else:
            self.ids = build_queue(store, options, reviewer, self.today)
            self.index = self.ids.index(saved) if saved in self.ids else 0
        self._shown_at = monotonic()
        self._visit_mark = self.log.changes

    # -- where we are -----------------------------------------------------------------------
    @property
    def today(self) -> date:
        """The reviewer's calendar day."""
        return local_day(self.now(), self.options.timezone)

    @property
    def current(self) -> str | None:
        """The id of the trace on screen (a walk's, while one lasts), None when there is none."""
        if self.walk is not None:
            return self.walk.current
        return self.ids[self.index] if 0 <= self.index < len(self.ids) else None

    def trace(self, trace_id: str) -> StoredTrace | None:
        """A trace from the store, cached so moving back and forth is instant."""
        if trace_id in self._cache:
            self._cache.move_to_end(trace_id)
            return self._cache[trace_id]
        stored = self.store.get_trace(trace_id)
        self._cache[trace_id] = stored
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return stored

    def neighbour(self, step: int = 1) -> str | None:
        """The id `step` places away from the current one, if any (for prefetching)."""
        if self.walk is not None:
            return self.walk.neighbour(step)
        index = self.index + step
        return self.ids[index] if 0 <= index < len(self.ids) else None

    def reviewed_today(self) -> int:
        """Traces this reviewer reviewed today."""
        return reviewed_on(self.store, self.reviewer, self.today, self.options.timezone)

    def seconds_on(self, trace_id: str) -> float:
        """Time the trace has been on screen: earlier visits plus this one if it is current."""
        stored = self.log.state(trace_id).seconds
        if trace_id == self.current:
            stored += min(self.monotonic() - self._shown_at, MAX_VISIT_SECONDS)
        return stored

    def unread_passes(self) -> list[str]:
        """The passed traces nobody has judged or read since (what the header counts)."""
        if not self.passed:
            return []
        ids = sorted(self.passed)
        marks = ",".join("?" * len(ids))
        done = {
            row[0]
            for row in self.store.execute(
                f"select trace_id from reviews where reviewed_at is not null"
                f" and trace_id in ({marks})",
                ids,
            )
        }
        self.passed -= done
        return [t for t in ids if t not in done]

    # -- moving -----------------------------------------------------------------------------
    def next(self) -> bool:
        """Move on; False at the end of the queue.

        The trace counts as reviewed (seen, no verdict) only when it was read: on screen for
        `min_read_seconds` in all. A quicker move passes it: nothing is judged, it stays
        unreviewed and in the queue, and `last_passed` names it so the screen can say so.
        A verdict, tag or note has already made it reviewed either way.
        """
        current = self.current
        if current is None:
            return False
        if self.walk is not None:
            return self._step_walk(1)
        with self.log.transaction():
            self.last_passed = None
            if self.seconds_on(current) >= self.min_read_seconds:
                self.log.mark_seen(current)
                self.passed.discard(current)
            elif not self.log.state(current).reviewed:
                self.last_passed = current
                self.passed.add(current)
            return self._go(self.index + 1)

    def previous(self) -> bool:
        """Go back one trace; False at the start."""
        if self.walk is not None:
            return self._step_walk(-1)
        return self.index > 0 and self._go(self.index - 1)

    # -- walks: traces outside the queue ----------------------------------------------------
    def start_walk(self, walk: Walk) -> None:
        """Show the walk's traces instead of the queue's until `end_walk` (the queue is kept)."""
        with self.log.transaction():
            self._leave()
            self.walk = walk
            self._arrive()

    def end_walk(self) -> Walk | None:
        """Back to the queue where the reviewer left it; returns the walk that ended."""
        walk = self.walk
        if walk is None:
            return None
        with self.log.transaction():
            self._leave()
            self.walk = None
            self._arrive()
        return walk

    def _step_walk(self, step: int) -> bool:
        walk = self.walk
        if walk is None or not walk.can_step(step):
            return False
        with self.log.transaction():
            self._leave()
            walk.index += step
            self._arrive()
        return True

    def skip(self) -> bool:
        """Send the current trace to the back of the queue and show the next one."""
        current = self.current
        if current is None or len(self.ids) < 2 or self.walk is not None:
            return False
        with self.log.transaction():
            self.log.skip(current)
            self._leave()
            self.ids.pop(self.index)
            self.ids.append(current)
            self.index = min(self.index, len(self.ids) - 1)
            self._arrive()
        return True

    def goto(self, trace_id: str) -> None:
        """Show this trace, adding it to the queue after the current one if it is not there."""
        if self.walk is not None and trace_id in self.walk.trace_ids:
            self._step_walk(self.walk.trace_ids.index(trace_id) - self.walk.index)
            return
        self.end_walk()
        if trace_id not in self.ids:
            self.ids.insert(min(self.index + 1, len(self.ids)), trace_id)
        self._go(self.ids.index(trace_id))

    def undo(self) -> Undone | None:
        """Revert the latest action and show the trace it touched."""
        undone = self.log.undo()
        if undone and undone.trace_ids and self.current not in undone.trace_ids:
            target = undone.trace_ids[0]
            if undone.kind == "skip" and target in self.ids:
                self.ids.remove(target)
                self.ids.insert(min(self.index, len(self.ids)), target)
            self.goto(target)
        for trace_id in undone.trace_ids if undone else ():
            self._cache.pop(trace_id, None)
        return undone

    # -- the queue itself -------------------------------------------------------------------
    def set_filter(self, new_filter: QueueFilter) -> None:
        """Rebuild the queue with another filter, staying on the current trace when it matches."""
        self.end_walk()
        current = self.current
        self._leave()
        self.options = self.options.with_filter(new_filter)
        self.ids = build_queue(self.store, self.options, self.reviewer, self.today)
        self.index = self.ids.index(current) if current in self.ids else 0
        self._arrive()

    def fresh_ids(self) -> list[str]:
        """The queue as the store sees it now (safe to call from a worker with its own store)."""
        return build_queue(self.store, self.options, self.reviewer, self.today)

    def complete_with(self, full: list[str]) -> None:
        """Swap the first page for the whole queue, keeping the traces visited so far in front."""
        visited = self.ids[: self.index + 1]
        seen = set(visited)
        self.ids = visited + [tid for tid in full if tid not in seen]
        self.complete = True

    def merge(self, fresh: list[str]) -> int:
        """Append traces that arrived since the queue was built; return how many joined.

        Traces not reached yet that left the queue meanwhile (reviewed by another process, as
        the demo's pre-reviewed samples are) are dropped; the ones already visited stay.
        """
        before = len(self.ids)
        was_empty = self.current is None
        still = set(fresh)
        visited = self.ids[: self.index + 1]
        ahead = [tid for tid in self.ids[self.index + 1 :] if tid in still]
        before -= len(self.ids) - len(visited) - len(ahead)
        self.ids = merge_new(visited + ahead, fresh)
        if was_empty and self.ids:
            self.index = min(self.index, len(self.ids) - 1)
            self._arrive()
        return len(self.ids) - before

    # -- time -------------------------------------------------------------------------------
    def judging_wait(self) -> float:
        """Seconds the current trace still needs on screen before `pass_and_next` judges it.

        The rule moving on follows (`min_read_seconds` in all), so a double press of the
        judging key cannot judge the next trace unread; acting on the trace during this visit
        (a tag, a verdict, a note) shows it was read, and then there is no wait.
        """
        current = self.current
        if current is None or self.log.changed_since(current, self._visit_mark):
            return 0.0
        return max(0.0, self.min_read_seconds - self.seconds_on(current))

    def pass_and_next(self) -> bool:
        """Verdict pass on the current trace and move on, in one commit.

        Too early (see `judging_wait`) nothing is recorded, the trace stays on screen and
        `last_refused` names it; False then, as at the end of the queue.
        """
        current = self.current
        self.last_refused = None
        if current is None:
            return False
        if self.judging_wait() > 0:
            self.last_refused = current
            return False
        with self.log.transaction():
            self.log.set_verdict(current, "pass")
            self.passed.discard(current)
            return self.next()

    def flush_time(self) -> None:
        """Store the seconds spent on the current trace so far and the app clock."""
        self._leave()
        self._shown_at = self.monotonic()
        self.clock.flush()

    def _go(self, index: int) -> bool:
        if not 0 <= index < len(self.ids):
            return False
        with self.log.transaction():  # time on the old trace and the new position: one commit
            self._leave()
            self.index = index
            self._arrive()
        return True

    def _leave(self) -> None:
        current = self.current
        if current is not None:
            spent = min(self.monotonic() - self._shown_at, MAX_VISIT_SECONDS)
            self.log.add_seconds(current, spent)

    def _arrive(self) -> None:
        self._shown_at = self.monotonic()
        self._visit_mark = self.log.changes
        current = self.current
        if current is not None and self.walk is None:  # a walk never moves the queue's place
            save_position(self.store, self.reviewer, current)
