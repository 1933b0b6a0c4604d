"""A per-record time budget that can stop pure-Python work (YAML parsing, regexes) mid-way.

A thread cannot be killed, so the budget is an interval timer in the main thread: its signal
is delivered between bytecodes and inside `re` matching, and the handler raises
`DeadlineExceeded` there. It counts the process's CPU time, not the wall clock, so a machine
busy with other work does not make good records late (a loaded build machine once rejected a
large trace that needed a few seconds of CPU), while a runaway regex or parse, which spins, is
still stopped. Outside the main thread (no signals) `within` only measures, and the size limits
in `limits.py` are what bound the work.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

BASE_SECONDS = 5.0
"""Every record's allowance, whatever its size."""
CHARS_PER_SECOND = 10_000
"""The allowance grows by one second per this many characters (NER reads ~40,000 a second)."""
MAX_SECONDS = 120.0
"""No record is allowed more than this, however large."""


class DeadlineExceeded(BaseException):
    """The budget ran out; a BaseException so that library `except Exception` cannot eat it."""


def budget_for(chars: int) -> float:
    """Seconds one record of `chars` characters may take to read or to anonymize."""
    return min(MAX_SECONDS, BASE_SECONDS + chars / CHARS_PER_SECOND)


_state = threading.local()

clock = time.process_time
"""The clock budgets are counted on (CPU seconds of this process)."""
_TIMER, _SIGNAL = signal.ITIMER_PROF, signal.SIGPROF


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if getattr(_state, "armed", False):
        _state.armed = False
        raise DeadlineExceeded


def can_interrupt() -> bool:
    """Whether `within` can stop work here (main thread, a platform with interval timers)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Raise DeadlineExceeded once the block has used `seconds` of CPU (main thread only).

    Nested blocks keep the earlier of the two deadlines; the previous timer is restored.
    """
    if not can_interrupt():
        yield
        return
    outer_armed = getattr(_state, "armed", False)
    outer_end = getattr(_state, "end", None)
    end = clock() + seconds
    if outer_armed and outer_end is not None:
        end = min(end, outer_end)
    previous = signal.signal(_SIGNAL, _on_alarm)
    _state.armed, _state.end = True, end
    signal.setitimer(_TIMER, max(end - clock(), 1e-3))
    try:
        yield
    finally:
        _state.armed = False
        signal.setitimer(_TIMER, 0)
        signal.signal(_SIGNAL, previous)
        _state.end = outer_end
        if outer_armed and outer_end is not None:
            remaining = outer_end - clock()
            _state.armed = True
            if remaining <= 0:
                _state.armed = False
                raise DeadlineExceeded
            signal.setitimer(_TIMER, remaining)
