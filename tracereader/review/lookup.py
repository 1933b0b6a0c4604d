"""What a filter or a go-to can name: trace ids by their start; known tags, releases, models.

A filter on a tag nobody used answered "the queue is empty", which reads as "nothing to do";
`check_filter` says instead which value is unknown and lists the known ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracereader.sanitize import one_line
from tracereader.store import Store

if TYPE_CHECKING:
    from tracereader.config import Settings
    from tracereader.review.queue import QueueFilter

LISTED = 12
"""Known values named in a message before `…`."""


def known_tags(store: Store, settings: Settings) -> list[str]:
    """The taxonomy's tags, then any other tag stored on a trace."""
    used = [row[0] for row in store.execute("select distinct tag from tags order by tag")]
    names = [t.name for t in settings.tags]
    return names + [t for t in used if t not in names]


def known_column(store: Store, column: str) -> list[str]:
    """Distinct non-empty values of `traces.release` or `traces.model`."""
    if column not in ("release", "model"):
        raise ValueError(f"not a filterable column: {column}")
    sql = f"select distinct {column} from traces where {column} is not null and {column} != ''"
    return sorted(row[0] for row in store.execute(sql))


def _listed(values: list[str]) -> str:
    shown = ", ".join(one_line(v, 30) for v in values[:LISTED])
    return (shown + ", …") if len(values) > LISTED else (shown or "none yet")


def check_filter(store: Store, settings: Settings, flt: QueueFilter) -> list[str]:
    """One line per filter value that names nothing in the database, with the known values."""
    problems = []
    if flt.tag and flt.tag not in (tags := known_tags(store, settings)):
        problems.append(f"unknown tag {one_line(flt.tag, 30)!r}; known tags: {_listed(tags)}")
    for column in ("release", "model"):
        value = getattr(flt, column)
        if value and value not in (known := known_column(store, column)):
            name = one_line(value, 30)
            problems.append(f"unknown {column} {name!r}; known {column}s: {_listed(known)}")
    return problems


def find_trace_ids(store: Store, text: str, limit: int = 10) -> list[str]:
    """Trace ids equal to `text`, else starting with it (at most `limit`), exact match first."""
    wanted = text.strip()
    if not wanted:
        return []
    if store.execute("select 1 from traces where id = ?", [wanted]).fetchone():
        return [wanted]
    escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = store.execute(
        "select id from traces where id like ? escape '\\' order by id limit ?",
        [f"{escaped}%", limit],
    )
    return [row[0] for row in rows]
