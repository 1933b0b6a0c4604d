"""Snapshots of the review screen, the help screen and the note modal at 80x24 (fixed data, frozen
clocks, no cursor blink), built through the same factory as the CLI."""

from __future__ import annotations

from pathlib import Path

from app_helpers import frozen_options
from review_traces import fill_store, review_settings

from tracereader.app import build_app
from tracereader.app.app import TraceReaderApp

SIZE = (80, 24)


def snapshot_app(tmp_path: Path) -> TraceReaderApp:
    db = tmp_path / "snap.db"
    fill_store(db, 12)
    return build_app(db, review_settings(), frozen_options(cursor_blink=False))


def test_review_screen(snap_compare, tmp_path: Path) -> None:
    # trace 9 has thumbs-down feedback, a tool call with its result; 7 has implicit signals
    assert snap_compare(snapshot_app(tmp_path), press=["j", "j"], terminal_size=SIZE)


def test_review_screen_with_signals(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), press=["j"] * 4, terminal_size=SIZE)


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), press=["question_mark"], terminal_size=SIZE)


def test_note_modal(snap_compare, tmp_path: Path) -> None:
    press = ["n", *"quoted a refund window"]
    assert snap_compare(snapshot_app(tmp_path), press=press, terminal_size=SIZE)


def patterns_app(tmp_path: Path) -> TraceReaderApp:
    from pattern_data import many_patterns_db

    many_patterns_db(tmp_path / "patterns.db")
    return build_app(
        tmp_path / "patterns.db", review_settings(), frozen_options(cursor_blink=False)
    )


async def _open_patterns(pilot) -> None:  # type: ignore[no-untyped-def]
    from app_helpers import settle_until

    from tracereader.app.screens.patterns import PatternsScreen

    await pilot.press("p")
    await settle_until(  # the patterns load on a worker
        pilot,
        lambda: isinstance(pilot.app.screen, PatternsScreen) and pilot.app.screen.view is not None,
        "the patterns",
    )


def test_patterns_screen_80x24(snap_compare, tmp_path: Path) -> None:
    app = patterns_app(tmp_path)
    assert snap_compare(app, run_before=_open_patterns, terminal_size=SIZE)


def test_patterns_screen_120x40(snap_compare, tmp_path: Path) -> None:
    app = patterns_app(tmp_path)
    assert snap_compare(app, run_before=_open_patterns, terminal_size=(120, 40))


def test_patterns_drill_down(snap_compare, tmp_path: Path) -> None:
    app = patterns_app(tmp_path)
    assert snap_compare(app, run_before=_open_patterns, press=["enter"], terminal_size=SIZE)


def test_patterns_help(snap_compare, tmp_path: Path) -> None:
    app = patterns_app(tmp_path)
    press = ["question_mark"]
    assert snap_compare(app, run_before=_open_patterns, press=press, terminal_size=SIZE)


def test_filter_modal(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), press=["slash", *"refund"], terminal_size=SIZE)
