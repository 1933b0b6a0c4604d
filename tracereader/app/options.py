"""How the app is started: queue options plus injectable clocks, so tests and snapshots hold."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from tracereader.review import QueueOptions
from tracereader.timeutil import utcnow

if TYPE_CHECKING:
    from tracereader.demo_feed import FeedState
    from tracereader.store import Store


@dataclass
class AppOptions:
    """Everything `build_app` needs besides the database and the settings."""

    queue: QueueOptions = field(default_factory=QueueOptions)
    """Order, filter and sample of the review queue."""
    now: Callable[[], datetime] = utcnow
    """Wall clock (frozen in snapshot tests)."""
    monotonic: Callable[[], float] = time.monotonic
    """Interval clock for time on a trace and in the app (frozen in snapshot tests)."""
    refresh_seconds: float = 30.0
    """How often traces ingested by another process are looked for; 0 disables it."""
    tick_seconds: float = 1.0
    """How often the session clock is updated; 0 disables it."""
    show_banner: bool = True
    """Show the advisor/pipeline-health banner when it has something to say."""
    lazy_queue: bool = True
    """Show the queue's first page at once and load the rest in a worker (large databases)."""
    cursor_blink: bool = True
    """Blink text cursors (off in snapshot tests)."""
    prewarm_patterns: bool = True
    """Compute the patterns once in the background after the first frame (first p is instant)."""
    keep_theme: bool = True
    """Start with the theme picked last time and remember a new pick (off in snapshot tests)."""
    background: Callable[[Store], FeedState | None] | None = None
    """Work another process does for this database (the demo's feed), polled every tick."""
    quit_note: str | None = None
    """Said in the help and printed on quit, e.g. that the demo database is deleted."""
