"""The notes a reviewer wrote, newest first: open coding is only useful if you can reread it."""

from __future__ import annotations

from dataclasses import dataclass

from tracereader.store import Store


@dataclass(frozen=True)
class WrittenNote:
    """One note and where it stands: its trace, when it was written, the verdict and tags."""

    trace_id: str
    reviewed_at: str
    note: str
    verdict: str | None
    tags: tuple[str, ...]
    first_user_line: str


def written_notes(store: Store, reviewer: str) -> list[WrittenNote]:
    """Every non-empty note this reviewer left, most recently reviewed first."""
    rows = store.execute(
        "select r.trace_id, r.reviewed_at, r.note, r.verdict,"
        " (select group_concat(tag, ',') from (select tag from tags g"
        "  where g.trace_id = r.trace_id order by tag)), t.first_user_line"
        " from reviews r join traces t on t.id = r.trace_id"
        " where r.reviewer = ? and r.note is not null and trim(r.note) != ''"
        " order by r.reviewed_at desc, r.trace_id",
        [reviewer],
    ).fetchall()
    return [
        WrittenNote(
            trace_id=row[0],
            reviewed_at=row[1] or "",
            note=row[2],
            verdict=row[3],
            tags=tuple(t for t in (row[4] or "").split(",") if t),
            first_user_line=row[5] or "",
        )
        for row in rows
    ]
