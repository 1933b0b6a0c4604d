"""The demo's feed: dates moved so the newest trace is now, newest files first, older ones
pre-reviewed, progress for the app, and no stale-pipeline alert on the demo's first screen."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracereader.commands.review import _leave_demo
from tracereader.config import Settings
from tracereader.demo_feed import feed, feed_state, plan_feed, sample_shift
from tracereader.status import check_health
from tracereader.store import Store

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 24, 9, 30, 15, tzinfo=UTC)


def _samples(folder: Path) -> Path:
    """Three days of native traces (one undated), another file, and their reviews."""
    (folder / "native").mkdir(parents=True)
    for day in (1, 2, 3):
        lines = [
            {
                "id": f"s-{day}-{i}",
                "timestamp": f"2026-11-0{day}T1{i}:00:00Z",
                "release": "v1",
                "messages": [
                    {"role": "user", "content": "Where is my order?"},
                    {"role": "assistant", "content": "It shipped."},
                ],
                "events": [{"type": "copy", "at": f"2026-11-0{day}T1{i}:00:30Z"}],
            }
            for i in range(3)
        ]
        text = "".join(json.dumps(line) + "\n" for line in lines)
        (folder / "native" / f"2026-11-0{day}.jsonl").write_text(text)
    undated = {"id": "s-undated", "messages": [{"role": "user", "content": "hi"}]}
    (folder / "extra.jsonl").write_text(json.dumps(undated) + "\n")
    rows = [f"s-{d}-{i},pass,,,10" for d in (1, 2, 3) for i in range(3)]
    (folder / "reviews.csv").write_text("trace_id,verdict,tags,note,seconds\n" + "\n".join(rows))
    return folder


def test_plan_moves_the_newest_sample_to_now_and_reads_newest_first() -> None:
    plan = plan_feed(REPO / "sample_traces", NOW)
    assert plan.files[0].name == "2026-11-11.jsonl" and plan.files[1].name == "2026-11-10.jsonl"
    newest = datetime(2026, 11, 11, 23, 8, 41, tzinfo=UTC)  # the bundled sample's last trace
    assert newest + plan.shift <= NOW < newest + plan.shift + timedelta(minutes=1)
    assert plan.reviewed_count == 415  # the older 80% of the 519 listed traces


def test_sample_shift_is_whole_minutes_and_zero_without_data() -> None:
    stamps = {"a": NOW - timedelta(days=3, seconds=90)}
    assert sample_shift(stamps, NOW) == timedelta(days=3, minutes=1)
    assert sample_shift({}, NOW) == timedelta(0)


def test_feed_dates_everything_up_to_now_and_pre_reviews_the_oldest(
    tmp_path: Path, store: Store
) -> None:
    folder = _samples(tmp_path / "samples")
    reviewed = feed(store, Settings(no_ner=True), folder, now=NOW)
    assert reviewed == 7  # 80% of the 9 listed, the oldest
    stamps = dict(store.execute("select id, timestamp from traces where timestamp_inferred = 0"))
    assert max(stamps.values()) == "2026-12-24T09:30:00Z"  # the newest: this minute
    assert stamps["s-1-0"] == "2026-12-22T07:30:00Z"  # every date moved by the same amount
    events = [row[0] for row in store.execute("select at from signals where kind = 'copy'")]
    assert "2026-12-24T09:30:30Z" in events
    unreviewed = store.execute(
        "select t.id from traces t left join reviews r on r.trace_id = t.id"
        " where r.reviewed_at is null order by t.id"
    ).fetchall()
    assert [row[0] for row in unreviewed] == ["s-3-1", "s-3-2", "s-undated"]
    state = feed_state(store)
    assert state is not None and state.done and state.text is None and state.landed == 10
    # The demo's first screen: no "no new traces for 20 days" alert.
    assert check_health(store, Settings(), now=NOW + timedelta(minutes=5)) == []


def test_feed_state_says_how_far_it_got(store: Store) -> None:
    assert feed_state(store) is None
    store.set_meta(
        "demo.feed", json.dumps({"state": "running", "landed": 32, "files_done": 1, "files": 29})
    )
    state = feed_state(store)
    assert state is not None and not state.done
    assert "32 so far, file 1 of 29" in (state.text or "")
    store.set_meta("demo.feed", json.dumps({"state": "failed", "message": "disk full"}))
    failed = feed_state(store)
    assert (
        failed is not None
        and failed.done
        and "could not all be loaded: disk full" in (failed.text or "")
    )


@pytest.mark.parametrize("keep", [True, False])
def test_leaving_the_demo_says_whether_the_database_was_kept_and_where(
    tmp_path: Path, keep: bool
) -> None:
    import click

    workdir = tmp_path / "tracereader-demo-x"
    workdir.mkdir()
    db = workdir / "demo.db"
    db.write_text("")

    @click.command()
    def leave() -> None:
        _leave_demo(db, workdir, keep, made_folder=True)

    output = CliRunner().invoke(leave).output
    if keep:
        assert output.strip() == f"kept the demo database: {db}" and db.exists()
    else:
        assert f"deleted the demo database {db}" in output and "--keep" in output
        assert not workdir.exists()
