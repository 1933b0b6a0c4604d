"""Building the app for tests: a filled database, frozen clocks, no background timers."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from review_traces import FROZEN_NOW, fill_store, review_settings

from tracereader.app import AppOptions, build_app
from tracereader.app.app import TraceReaderApp
from tracereader.app.widgets.text_pane import TextPane
from tracereader.review import QueueOptions


def frozen_options(**changes: Any) -> AppOptions:
    """Options with frozen clocks and no timers, so runs are deterministic."""
    values: dict[str, Any] = {
        "queue": QueueOptions(),
        "now": lambda: FROZEN_NOW,
        "monotonic": lambda: 1000.0,
        "refresh_seconds": 0,
        "tick_seconds": 0,
        "show_banner": False,
        "prewarm_patterns": False,
        "keep_theme": False,
    }
    values.update(changes)
    return AppOptions(**values)


def make_app(tmp_path: Path, count: int = 12, **settings: Any) -> TraceReaderApp:
    """A filled database in tmp_path and an app on it."""
    db = tmp_path / "app.db"
    if not db.exists():
        fill_store(db, count)
    return build_app(db, review_settings(**settings), frozen_options())


def screen_text(pane: TextPane) -> str:
    """The text a pane actually renders (all its wrapped lines), as the terminal shows it."""
    return pane.rendered_text()


async def settle(pilot: Any) -> None:
    """Let workers (the patterns screen computes in one) finish, then let the screen redraw."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle_until(
    pilot: Any, ready: Callable[[], bool], what: str, wait: float = 20.0
) -> None:
    """Settle (workers, then a redraw) until `ready()` holds: a worker's result reaches the
    screen by a message, which one settle may not see on a busy machine."""
    deadline = time.monotonic() + wait
    while True:
        await settle(pilot)
        if ready():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready after {wait:.0f} s: {what}")
        await pilot.pause(0.05)
