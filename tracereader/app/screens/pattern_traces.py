"""A pattern's traces: newest first, with local times, release, first user line and note.

The heading says which pattern and its k/n with the interval; the columns share the width so
the note is never off-screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Static

from tracereader.patterns import Pattern, interval_text
from tracereader.review import QueueRow, queue_rows
from tracereader.sanitize import one_line
from tracereader.stats import percent
from tracereader.store import Store
from tracereader.timeutil import local_text

TIME_WIDTH = 16


def newest_first(store: Store, pattern: Pattern) -> list[QueueRow]:
    """The pattern's traces, the most recent first."""
    rows = queue_rows(store, pattern.trace_ids)
    return sorted(rows, key=lambda r: (r.timestamp or "", r.trace_id), reverse=True)


AUTOMATIC_MARK = "auto · "
"""Before the note of a member only an automatic merge put here (not confirmed yet)."""


def heading_text(pattern: Pattern) -> str:
    """`wrong_tool · 52 of 415 reviewed traces (13%, 95% CI 9.7–16%) · newest first · …`.

    With automatic members it says how many, and how to confirm them.
    """
    automatic = len(pattern.automatic_ids)
    marked = (
        f" · {automatic} marked auto: joined by an automatic merge, not confirmed yet"
        " (g on the patterns list asks)"
        if automatic
        else ""
    )
    return (
        f"{one_line(pattern.label, 60)} · {pattern.count} of {pattern.reviewed} reviewed "
        f"traces ({percent(pattern.rate)}, 95% CI {interval_text(pattern)}){marked}"
        " · newest first · Enter opens a trace, then j/k step "
        "through them one by one · Esc back"
    )


def fill(
    table: DataTable[Text],
    heading: Static,
    pattern: Pattern,
    rows: list[QueueRow],
    width: int,
    zone: str,
) -> None:
    """Fill the drill-down table and its heading for `pattern`."""
    notes = dict(zip(pattern.note_ids, pattern.notes, strict=True))
    automatic = set(pattern.automatic_ids)
    release = max([7, *(len(one_line(r.release or "—", 12)) for r in rows)])
    # time and release first; the first user line and the note share what is left
    room = max(20, width - 2 - TIME_WIDTH - release - 4 * 2)
    said = room if not notes else max(12, room * 3 // 5)
    noted = room - said
    table.clear(columns=True)
    table.add_column(f"time ({zone})", width=TIME_WIDTH)
    table.add_column("release", width=release)
    table.add_column("first user line", width=said)
    if notes:
        table.add_column("note", width=noted)
    for row in rows:
        cells = [
            Text(local_text(row.timestamp, zone)),
            Text(one_line(row.release or "—", 12)),
            Text(one_line(row.first_user_line, said)),
        ]
        if notes:
            mark = AUTOMATIC_MARK if row.trace_id in automatic else ""
            cells.append(
                Text(mark + one_line(notes.get(row.trace_id, ""), max(4, noted - len(mark))))
            )
        table.add_row(*cells, key=row.trace_id)
    heading.update(Text(heading_text(pattern)))
