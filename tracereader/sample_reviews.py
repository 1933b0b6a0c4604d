"""Load the sample traces' ground-truth reviews into a store, so demos and tests start reviewed.

`sample_traces/reviews.csv` records what a careful reviewer would decide for every native sample
trace with an id. Writing it through this module (instead of clicking through 500 traces) gives
the patterns, export and compare features real data; `fraction` keeps the newest traces
unreviewed so a demo still has a queue for the user.
"""

from __future__ import annotations

import csv
import os
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from tracereader.store import Store
from tracereader.timeutil import parse_iso, to_iso

COLUMNS = ("trace_id", "verdict", "tags", "note", "seconds")
VERDICTS = ("pass", "fail")


class SampleReviewsError(ValueError):
    """The reviews file cannot be used; the message names the file, line and problem."""


@dataclass(frozen=True)
class SampleReview:
    """One row of reviews.csv."""

    trace_id: str
    verdict: str
    tags: tuple[str, ...]
    note: str
    seconds: float


def read_sample_reviews(path: str | os.PathLike[str]) -> list[SampleReview]:
    """Parse reviews.csv (`trace_id,verdict,tags,note,seconds`), checking every row."""
    file = Path(path)
    try:
        handle = file.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise SampleReviewsError(f"{file}: cannot read ({exc.strerror})") from None
    rows: list[SampleReview] = []
    with handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SampleReviewsError(f"{file}:1: expected columns {','.join(COLUMNS)}")
        for row in reader:
            where = f"{file}:{reader.line_num}"
            verdict = (row.get("verdict") or "").strip()
            if not row.get("trace_id") or verdict not in VERDICTS:
                raise SampleReviewsError(f"{where}: needs a trace_id and a verdict pass or fail")
            try:
                seconds = float(row.get("seconds") or 0)
            except ValueError:
                raise SampleReviewsError(f"{where}: seconds must be a number") from None
            tags = tuple(t.strip() for t in (row.get("tags") or "").split(";") if t.strip())
            rows.append(
                SampleReview(row["trace_id"], verdict, tags, row.get("note") or "", seconds)
            )
    return rows


def _review_minutes(trace_id: str) -> int:
    """A stable 'a few minutes after the conversation' offset (2-11 min) per trace."""
    return 2 + zlib.crc32(trace_id.encode("utf-8")) % 10


def apply_sample_reviews(
    store: Store,
    path: str | os.PathLike[str],
    *,
    fraction: float = 1.0,
    reviewer: str = "sample",
    only: Collection[str] | None = None,
) -> int:
    """Write reviews and tags for the oldest `fraction` of the listed traces present in `store`
    (or, with `only`, for those of these ids that are listed and present).

    `reviewed_at` is the trace's timestamp plus a few minutes; tags are replaced for the traces
    written (the CSV is the whole truth for them). Runs in one transaction; returns how many
    traces were reviewed.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    reviews = {r.trace_id: r for r in read_sample_reviews(path)}
    present: list[tuple[str, str]] = []
    ids = list(reviews) if only is None else [tid for tid in only if tid in reviews]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"select id, timestamp from traces where id in ({marks})"
        present.extend((row[0], row[1]) for row in store.db.execute(sql, chunk))
    present.sort(key=lambda item: (item[1], item[0]))
    if only is not None:
        wanted = set(only)
        chosen = [item for item in present if item[0] in wanted]
    else:
        chosen = present[: round(fraction * len(present))]
    review_rows: list[dict[str, object]] = []
    tag_rows: list[dict[str, object]] = []
    # The review app records whether a verdict was chosen or implied by tags (migration m002).
    has_source = "verdict_source" in store.db.table("reviews").columns_dict
    for trace_id, timestamp in chosen:
        review = reviews[trace_id]
        at = to_iso(parse_iso(timestamp) + timedelta(minutes=_review_minutes(trace_id)))
        review_rows.append(
            {
                "trace_id": trace_id,
                "verdict": review.verdict,
                "note": review.note or None,
                "reviewer": reviewer,
                "reviewed_at": at,
                "seconds": review.seconds,
                **({"verdict_source": "explicit"} if has_source else {}),
            }
        )
        tag_rows.extend(
            {"trace_id": trace_id, "tag": tag, "reviewer": reviewer, "created_at": at}
            for tag in review.tags
        )
    with store.db.atomic():
        for start in range(0, len(chosen), 500):
            chunk = [trace_id for trace_id, _ in chosen[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            store.db.execute(f"delete from tags where trace_id in ({marks})", chunk)
        if review_rows:
            store.db.table("reviews").insert_all(review_rows, pk="trace_id", replace=True)
        if tag_rows:
            store.db.table("tags").insert_all(tag_rows, pk=("trace_id", "tag"), replace=True)
    return len(chosen)
