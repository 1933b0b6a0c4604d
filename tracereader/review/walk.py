"""Stepping through traces outside the queue: a pattern's traces, or one trace opened by id.

Reading a pattern's 52 traces one by one must not touch the queue (no trace inserted, the
reviewer's place kept). A `Walk` is that list and a position in it; the session shows its
current trace instead of the queue's while it lasts, and tags, verdicts and notes still go
through the review log as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Walk:
    """Traces to step through, where we are in them, and what they are (for the header)."""

    title: str
    """What is being walked, e.g. `wrong_tool` or `trace t-0011`."""
    trace_ids: list[str] = field(default_factory=list)
    index: int = 0
    origin: str | None = None
    """Where the walk came from (a pattern key), so leaving it can go back there."""

    @property
    def current(self) -> str | None:
        """The trace on screen, None for an empty walk."""
        return self.trace_ids[self.index] if 0 <= self.index < len(self.trace_ids) else None

    @property
    def position(self) -> str:
        """`3/52`: where we are, for the header."""
        return f"{self.index + 1}/{len(self.trace_ids)}"

    def neighbour(self, step: int) -> str | None:
        """The trace `step` places away, if any (for prefetching)."""
        index = self.index + step
        return self.trace_ids[index] if 0 <= index < len(self.trace_ids) else None

    def can_step(self, step: int) -> bool:
        """Whether there is a trace `step` places away."""
        return 0 <= self.index + step < len(self.trace_ids)
