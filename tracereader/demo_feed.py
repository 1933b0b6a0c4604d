"""The demo's data, loaded while the app is already on screen: newest first, dated up to today.

The bundled sample traces end on a fixed day; shown as they are, every screen warned that no
trace had arrived for weeks. So every timestamp is moved by one amount (`sample_shift`): the
newest sample trace lands at the current minute. Files are ingested newest first, so the
queue fills with the traces a reviewer would read first; the older 80% of the traces listed in
`reviews.csv` are pre-reviewed right after their file lands, so the patterns screen has data.
Progress is kept in the `meta` table (`demo.feed`) for the app to show; run as
`python -m tracereader.demo_feed --db PATH` it is the demo's background process.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tracereader.config import Settings, load_settings
from tracereader.model import Trace
from tracereader.store import Store
from tracereader.timeutil import parse_iso, utcnow

META_KEY = "demo.feed"
REVIEWED_SHARE = 0.8
"""Share of the listed sample traces that arrive pre-reviewed (the oldest)."""


@dataclass(frozen=True)
class FeedPlan:
    """What the feed does: files in order, the date shift, and the traces to pre-review."""

    files: list[Path]
    shift: timedelta
    reviewed: dict[Path, set[str]]
    """Per file, the ids of its traces that arrive pre-reviewed."""

    @property
    def reviewed_count(self) -> int:
        """How many traces arrive pre-reviewed in all."""
        return sum(len(ids) for ids in self.reviewed.values())


def _stamps(path: Path) -> dict[str, datetime]:
    """Id -> timestamp of a JSONL file's native records (only these two fields are read)."""
    stamps: dict[str, datetime] = {}
    if path.suffix != ".jsonl":
        return stamps
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if (
            isinstance(record, dict)
            and record.get("id")
            and isinstance(record.get("timestamp"), str)
        ):
            try:
                stamps[str(record["id"])] = parse_iso(record["timestamp"])
            except ValueError:
                continue
    return stamps


def sample_shift(stamps: dict[str, datetime], now: datetime) -> timedelta:
    """How far to move every date so the newest sample trace is at `now` (whole minutes)."""
    if not stamps:
        return timedelta(0)
    gap = now - max(stamps.values())
    return timedelta(minutes=int(gap.total_seconds() // 60))


def plan_feed(folder: Path, now: datetime) -> FeedPlan:
    """Files newest first (by the newest trace in each; the rest after), the shift, the reviews."""
    from tracereader.reading import file_kind
    from tracereader.sample_reviews import read_sample_reviews

    files = sorted(p for p in folder.rglob("*") if p.is_file() and file_kind(p))
    per_file = {path: _stamps(path) for path in files}
    newest = {path: max(found.values()) for path, found in per_file.items() if found}
    ordered = sorted(newest, key=lambda p: (newest[p], str(p)), reverse=True)
    ordered += [p for p in files if p not in newest]
    stamps = {tid: at for found in per_file.values() for tid, at in found.items()}
    reviews = folder / "reviews.csv"
    listed = {r.trace_id for r in read_sample_reviews(reviews)} if reviews.exists() else set()
    present = sorted((stamps[t], t) for t in listed if t in stamps)
    chosen = {t for _, t in present[: round(REVIEWED_SHARE * len(present))]}
    reviewed = {path: chosen & set(found) for path, found in per_file.items() if found}
    return FeedPlan(ordered, sample_shift(stamps, now), reviewed)


def shifter(shift: timedelta) -> Callable[[Trace], None]:
    """Move a trace's timestamp and its events' times by `shift` (content is untouched)."""

    def move(trace: Trace) -> None:
        if trace.timestamp is not None:
            trace.timestamp += shift
        for event in trace.events:
            if event.at is not None:
                event.at += shift

    return move


def _progress(store: Store, state: str, files_done: int, files: int, message: str = "") -> None:
    landed = store.count("traces")
    value = {"state": state, "landed": landed, "files_done": files_done, "files": files}
    if message:
        value["message"] = message
    store.set_meta(META_KEY, json.dumps(value))


def feed(store: Store, settings: Settings, folder: Path, now: datetime | None = None) -> int:
    """Ingest the sample traces (dates moved, newest first) and pre-review the older ones."""
    from tracereader.ingest import ingest_paths
    from tracereader.sample_reviews import apply_sample_reviews

    plan = plan_feed(folder, now or utcnow())
    move = shifter(plan.shift)
    reviews = folder / "reviews.csv"
    reviewed = 0
    _progress(store, "running", 0, len(plan.files))
    for done, path in enumerate(plan.files, 1):
        ingest_paths([path], store, settings, adjust=move)
        if plan.reviewed.get(path):
            reviewed += apply_sample_reviews(store, reviews, only=plan.reviewed[path])
        _progress(store, "running", done, len(plan.files))
    _warm_patterns(store, settings)
    _progress(store, "done", len(plan.files), len(plan.files))
    return reviewed


def _warm_patterns(store: Store, settings: Settings) -> None:
    """Cluster the sample notes once here, so the app's first `p` reads the cached clusters."""
    from tracereader.patterns import find_patterns

    find_patterns(store, settings)


@dataclass(frozen=True)
class FeedState:
    """What the app shows while the feed runs: a line of text, whether it is over, how far."""

    text: str | None
    done: bool
    landed: int


def feed_state(store: Store) -> FeedState | None:
    """The feed's progress in words for the app's header, None when no feed ran here."""
    status = feed_status(store)
    if status is None:
        return None
    landed = int(str(status.get("landed") or 0))
    state = status.get("state")
    if state == "done":
        return FeedState(None, True, landed)
    if state == "failed":
        text = f"The sample traces could not all be loaded: {status.get('message', '')}"
        return FeedState(text, True, landed)
    files, done = status.get("files") or 0, status.get("files_done") or 0
    text = (
        f"Loading the sample traces in the background, newest first (each is anonymized "
        f"before it is stored): {landed} so far, file {done} of {files}; they join the queue "
        "as they land"
    )
    return FeedState(text, False, landed)


def feed_status(store: Store) -> dict[str, object] | None:
    """The feed's progress as it last wrote it, None when no demo feed ran on this database."""
    raw = store.get_meta(META_KEY)
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def main(argv: list[str] | None = None) -> int:
    """The demo's background process: feed the sample traces into `--db`."""
    from tracereader.ingest import IngestError

    parser = argparse.ArgumentParser(prog="python -m tracereader.demo_feed")
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", default=None)
    parser.add_argument("--folder", required=True)
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    store = Store.open(args.db, create=False)
    try:
        try:
            feed(store, settings, Path(args.folder))
        except (IngestError, OSError, ValueError) as exc:
            _progress(store, "failed", 0, 0, str(exc))
            return 1
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
