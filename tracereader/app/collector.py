"""When Python's cyclic garbage collector runs: while the reviewer reads, never in a key press.

Left to itself the collector starts whenever enough objects were allocated, which in this app
means in the middle of drawing a trace: a young collection cost 5–7 ms and a full one 30–60 ms
at random key presses (measured with `benchmarks/app.py`). So once the first frame is up the
app collects and freezes what start-up left, turns automatic collection off, collects the young
generations after each trace's frame, and runs a full collection once the reviewer has been idle
for a moment. Closing the app unfreezes everything and turns automatic collection back on.
"""

from __future__ import annotations

import gc

IDLE_SECONDS = 0.5
"""Idle time after a key press before a full collection runs."""


def freeze_startup() -> None:
    """Move the objects made so far (modules, classes) out of the collector's view.

    Called before the app is built: a full collection walking the imports' objects cost 50 ms
    of every launch before the first frame. `IdleCollector.start` collects them once that frame
    is up.
    """
    gc.freeze()


class IdleCollector:
    """Runs collections at moments the reviewer cannot notice."""

    def __init__(self) -> None:
        self._full_done = True
        self._running = False

    def start(self) -> None:
        """After the first frame: collect, freeze the survivors, stop automatic collection."""
        gc.unfreeze()
        self.freeze()
        gc.disable()
        self._running = True

    def stop(self) -> None:
        """When the app closes: nothing frozen, automatic collection on, as Python starts.

        Unfreezing lets a process that runs the app more than once (the tests) free it.
        """
        if self._running:
            gc.unfreeze()
            gc.enable()
            self._running = False

    @staticmethod
    def freeze() -> None:
        """Collect, then freeze what is left (e.g. a 100,000-trace queue just loaded).

        Frozen objects are never walked again, so later collections cost only what is new.
        """
        gc.collect()
        gc.freeze()

    def after_frame(self) -> None:
        """A trace has been drawn: collect the young generations while it is read."""
        if self._running:
            gc.collect(1)

    def activity(self) -> None:
        """A key was pressed: a full collection is due at the next idle moment."""
        self._full_done = False

    def idle(self, idle_seconds: float) -> None:
        """Called by the app's clock: once per idle period, a full collection."""
        if self._running and not self._full_done and idle_seconds >= IDLE_SECONDS:
            gc.collect()
            self._full_done = True
