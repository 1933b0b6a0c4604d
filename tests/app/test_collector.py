"""The garbage collector runs between key presses, and is Python's default again after the app."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_helpers import frozen_options, make_app
from review_traces import review_settings

from tracereader.app import build_app
from tracereader.app.collector import IDLE_SECONDS, IdleCollector


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection run while the test runs."""
    seen: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            seen.append(info["generation"])

    gc.callbacks.append(record)
    try:
        yield seen
    finally:
        gc.callbacks.remove(record)
        gc.enable()


def test_collections_run_after_frames_and_once_per_idle_period(collections: list[int]) -> None:
    collector = IdleCollector()
    collector.start()
    assert not gc.isenabled()
    collections.clear()

    collector.after_frame()
    assert collections == [1]

    collector.activity()
    collector.idle(IDLE_SECONDS / 2)  # still reading the trace just drawn: nothing yet
    assert collections == [1]
    collector.idle(IDLE_SECONDS)
    collector.idle(IDLE_SECONDS * 4)  # the same idle period: no second full collection
    assert collections == [1, 2]
    collector.activity()
    collector.idle(IDLE_SECONDS)
    assert collections == [1, 2, 2]

    collector.stop()
    assert gc.isenabled()
    collector.after_frame()
    collector.activity()
    collector.idle(IDLE_SECONDS)  # stopped: it no longer collects by itself
    assert collections == [1, 2, 2]


async def test_the_app_collects_between_keys_and_restores_the_collector(
    tmp_path: Path, collections: list[int]
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not gc.isenabled()  # automatic collection is off while the app runs
        collections.clear()
        await pilot.press("j")
        await pilot.pause()
        assert 1 in collections  # the young generations, after the new trace's frame
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # the closed app's objects can be freed


async def test_the_clock_runs_a_full_collection_once_the_reviewer_is_idle(
    tmp_path: Path, collections: list[int]
) -> None:
    clock = [1000.0]
    make_app(tmp_path)  # fills the database
    app = build_app(
        tmp_path / "app.db", review_settings(), frozen_options(monotonic=lambda: clock[0])
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        collections.clear()
        app._tick()  # just pressed: no full collection
        assert 2 not in collections
        clock[0] += IDLE_SECONDS
        app._tick()
        assert collections.count(2) == 1
