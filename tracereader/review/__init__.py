"""Reviewing: the queue, the reviewer's place and time, and every action committed at once.

The entry points are the queue (`build_queue`, `QueueOptions`, `QueueFilter`), the
`ReviewSession` the app drives, the `ReviewLog` that commits and undoes actions, `Walk`,
the filter look-ups, today's summary and the written notes; counting today's reviews
(`daily`) is private to the package.
"""

from __future__ import annotations

from tracereader.review.log import ReviewLog, ReviewState
from tracereader.review.lookup import check_filter, find_trace_ids
from tracereader.review.queue import (
    QueueError,
    QueueFilter,
    QueueOptions,
    QueueRow,
    build_queue,
    queue_rows,
)
from tracereader.review.session import ReviewSession
from tracereader.review.today_summary import today_summary
from tracereader.review.walk import Walk
from tracereader.review.written_notes import WrittenNote, written_notes

__all__ = [
    "QueueError",
    "QueueFilter",
    "QueueOptions",
    "QueueRow",
    "ReviewLog",
    "ReviewSession",
    "ReviewState",
    "Walk",
    "WrittenNote",
    "build_queue",
    "check_filter",
    "find_trace_ids",
    "queue_rows",
    "today_summary",
    "written_notes",
]
