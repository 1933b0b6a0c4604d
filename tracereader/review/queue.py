"""The review queue: which traces to read today, in what order, and where the reviewer left off."""

from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from tracereader import stored
from tracereader.review.daily import day_bounds
from tracereader.store import Store
from tracereader.timeutil import to_iso, utcnow

ORDERS = ("newest", "oldest", "random", "signals")
SEED_KEY = "queue.seed"
_SAMPLE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")


class QueueError(ValueError):
    """A queue option the user gave cannot be used; the message says how to write it."""


@dataclass(frozen=True)
class QueueFilter:
    """Which traces the queue holds; empty fields do not filter."""

    release: str | None = None
    model: str | None = None
    tag: str | None = None
    text: str | None = None
    since: date | None = None
    until: date | None = None
    include_reviewed: bool = False
    text_in_system: bool = False
    """Search the system prompt too (it repeats in every trace, so it is off by default)."""
    text_in_tools: bool = False
    """Search tool calls and tool results too (JSON, off by default)."""
    trace_id: str | None = None
    """Part of a trace id."""
    note: str | None = None
    """Text in the reviewer's note (notes are on reviewed traces, so those are included)."""

    @property
    def with_reviewed(self) -> bool:
        """Whether reviewed traces are in: asked for, or implied by a tag or note search."""
        return self.include_reviewed or bool(self.tag) or bool(self.note)

    def describe(self) -> str:
        """A short human summary, e.g. `release=v2 text~"refund"`."""
        parts = [f"{k}={v}" for k in ("release", "model", "tag") if (v := getattr(self, k))]
        if self.text:
            where = ["user/assistant"]
            where += ["system"] if self.text_in_system else []
            where += ["tools"] if self.text_in_tools else []
            parts.append(f"text~{self.text!r} in {'+'.join(where)}")
        if self.trace_id:
            parts.append(f"id~{self.trace_id!r}")
        if self.note:
            parts.append(f"note~{self.note!r}")
        if self.since:
            parts.append(f"since {self.since.isoformat()}")
        if self.until:
            parts.append(f"until {self.until.isoformat()}")
        if self.with_reviewed:
            parts.append("incl. reviewed")
        return " ".join(parts)


@dataclass(frozen=True)
class QueueOptions:
    """How to build the queue: order, filter and an optional daily sample."""

    order: str = "newest"
    filter: QueueFilter = field(default_factory=QueueFilter)
    sample: str | None = None
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise QueueError(f"unknown order {self.order!r}: use one of {', '.join(ORDERS)}")
        if self.sample is not None:
            parse_sample(self.sample)

    def with_filter(self, new_filter: QueueFilter) -> QueueOptions:
        """The same options with another filter."""
        return replace(self, filter=new_filter)


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue list view."""

    trace_id: str
    timestamp: str
    release: str | None
    model: str | None
    feedback_score: float | None
    signals: tuple[str, ...]
    tags: tuple[str, ...]
    first_user_line: str
    reviewed: bool
    verdict: str | None


def parse_sample(text: str) -> tuple[str, float]:
    """Read `20%` as ("fraction", 0.2) and `50` as ("count", 50)."""
    match = _SAMPLE_RE.match(text)
    if not match:
        raise QueueError(f"cannot read sample {text!r}: write a percentage (20%) or a count (50)")
    value = float(match.group(1))
    if match.group(2):
        if not 0 < value <= 100:
            raise QueueError("a sample percentage must be above 0 and at most 100")
        return "fraction", value / 100
    if value < 1 or value != int(value):
        raise QueueError("a sample count must be a whole number of at least 1")
    return "count", value


def queue_sql(options: QueueOptions, only_id: str | None = None) -> tuple[str, list[Any]]:
    """The SQL selecting the queue's trace ids in order (indexed: no full scan of traces).

    With `only_id`, the same query restricted to that trace: is it in the queue?
    """
    flt = options.filter
    where: list[str] = []
    params: list[Any] = []
    if only_id is not None:
        where.append("t.id = ?")
        params.append(only_id)
    if not flt.with_reviewed:
        where.append(
            "not exists (select 1 from reviews r where r.trace_id = t.id"
            " and r.reviewed_at is not null)"
        )
    if flt.release:
        where.append("t.release = ?")
        params.append(flt.release)
    if flt.model:
        where.append("t.model = ?")
        params.append(flt.model)
    if (flt.since or flt.until) and options.order == "newest":
        where.append("t.timestamp_inferred in (0, 1)")  # lets the range walk the newest index
    if flt.since:
        where.append("t.timestamp >= ?")
        params.append(day_bounds(flt.since, options.timezone)[0])
    if flt.until:
        where.append("t.timestamp < ?")
        params.append(day_bounds(flt.until, options.timezone)[1])
    if flt.tag:
        where.append("exists (select 1 from tags g where g.trace_id = t.id and g.tag = ?)")
        params.append(flt.tag)
    if flt.text:
        needle = f"%{_like_escape(flt.text)}%"
        # The user's and assistant's words by default: the system prompt repeats in every
        # trace ("refund" matched 128 of 139) and tool JSON is noise unless asked for.
        scopes = ["(m.role in ('user', 'assistant') and m.content like ? escape '\\')"]
        params.append(needle)
        if flt.text_in_system:
            scopes.append("(m.role = 'system' and m.content like ? escape '\\')")
            params.append(needle)
        if flt.text_in_tools:
            scopes.append(
                "(m.role = 'tool' and m.content like ? escape '\\')"
                " or m.tool_calls like ? escape '\\'"
            )
            params.extend([needle, needle])
        where.append(
            f"exists (select 1 from messages m where m.trace_id = t.id and ({' or '.join(scopes)}))"
        )
    if flt.trace_id:
        where.append("t.id like ? escape '\\'")
        params.append(f"%{_like_escape(flt.trace_id)}%")
    if flt.note:
        where.append(
            "exists (select 1 from reviews n where n.trace_id = t.id and n.note like ? escape '\\')"
        )
        params.append(f"%{_like_escape(flt.note)}%")
    order = {
        # An ingest-time stamp says when a trace was read, not when it ran: dated traces first.
        "newest": "t.timestamp_inferred, t.timestamp desc, t.id",
        "oldest": "t.timestamp asc, t.id",
        "random": "t.timestamp desc, t.id",
        # Thumbs-down as calibration.feedback_direction reads it: below 0, or in (0, 0.5).
        "signals": "case when t.feedback_score < 0 or (t.feedback_score > 0"
        " and t.feedback_score < 0.5) then 0 when t.signal_count > 0 then 1"
        " else 2 end, t.signal_count desc, t.timestamp desc, t.id",
    }[options.order]
    clause = f" where {' and '.join(where)}" if where else ""
    return f"select t.id from traces t{clause} order by {order}", params


def _like_escape(text: str) -> str:
    """`text` for a LIKE pattern, its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def queue_seed(store: Store) -> str:
    """The database's random-order seed, created once so `--order random` is stable."""
    seed = store.get_meta(SEED_KEY)
    if seed is None:
        seed = secrets.token_hex(8)
        store.set_meta(SEED_KEY, seed)
    return seed


def _shuffle_key(seed: str, trace_id: str) -> bytes:
    return hashlib.blake2b(f"{seed}\x00{trace_id}".encode(), digest_size=8).digest()


def build_queue(store: Store, options: QueueOptions, reviewer: str, today: date) -> list[str]:
    """The queue's ordered trace ids: filtered, ordered, sampled, skipped ones last."""
    sql, params = queue_sql(options)
    ids = [row[0] for row in store.execute(sql, params)]
    if options.order == "random":
        seed = queue_seed(store)
        ids.sort(key=lambda tid: _shuffle_key(seed, tid))
    if options.sample:
        chosen = _daily_sample(store, options, ids, today)
        ids = [tid for tid in ids if tid in chosen]
    skipped = dict(
        store.execute(
            "select trace_id, skipped_at from queue_skips where reviewer = ?", [reviewer]
        ).fetchall()
    )
    if skipped:
        kept = [tid for tid in ids if tid not in skipped]
        later = sorted((tid for tid in ids if tid in skipped), key=lambda t: (skipped[t], t))
        ids = kept + later
    return ids


def can_page(options: QueueOptions) -> bool:
    """Whether the queue's head can be read before the whole queue (not for random or samples)."""
    return options.order != "random" and not options.sample


def first_page(
    store: Store, options: QueueOptions, reviewer: str, limit: int, resume: str | None = None
) -> list[str]:
    """The head of the queue (the resumed trace first), read in milliseconds from the index.

    The whole queue of a large database takes most of a second to read; the app shows this
    page at once and swaps in `build_queue`'s full list from a worker.
    """
    skipped = {
        row[0]
        for row in store.execute("select trace_id from queue_skips where reviewer = ?", [reviewer])
    }
    head: list[str] = []
    if resume:
        sql, params = queue_sql(options, only_id=resume)
        if store.execute(sql, params).fetchone() is not None:
            head.append(resume)
    sql, params = queue_sql(options)
    rows = store.execute(f"{sql} limit ?", [*params, limit + len(skipped)])
    head += [r[0] for r in rows if r[0] not in skipped and r[0] != resume]
    return head


def sample_key(options: QueueOptions, today: date) -> str:
    """Identity of today's sample: the day, the sample size and the filter it was drawn from."""
    flt = {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(options.filter).items()
    }
    return json.dumps([today.isoformat(), options.sample, flt], sort_keys=True)


def _daily_sample(store: Store, options: QueueOptions, ids: list[str], today: date) -> set[str]:
    """Today's seeded sample of `ids`, drawn once and kept so a restart shows the same traces."""
    assert options.sample is not None
    key = sample_key(options, today)
    rows = store.execute("select trace_id from queue_samples where key = ?", [key]).fetchall()
    if rows:
        return {r[0] for r in rows}
    kind, value = parse_sample(options.sample)
    size = round(len(ids) * value) if kind == "fraction" else int(value)
    size = max(0, min(len(ids), size if kind == "count" else max(1, size)))
    rng = random.Random(f"{queue_seed(store)}|{key}")
    chosen = set(rng.sample(sorted(ids), size)) if ids else set()
    now = to_iso(utcnow())
    with store.atomic():
        store.conn.executemany(
            "insert or ignore into queue_samples (key, trace_id, created_at) values (?, ?, ?)",
            [(key, tid, now) for tid in sorted(chosen)],
        )
    return chosen


def position_key(reviewer: str) -> str:
    """Meta key holding the trace this reviewer was reading."""
    return f"queue.position.{reviewer}"


def save_position(store: Store, reviewer: str, trace_id: str) -> None:
    """Remember the trace on screen, so reopening resumes there (one indexed upsert)."""
    with store.atomic():
        store.execute(
            "insert into meta (key, value) values (?, ?)"
            " on conflict(key) do update set value = excluded.value",
            [position_key(reviewer), trace_id],
        )


def load_position(store: Store, reviewer: str) -> str | None:
    """The trace this reviewer was reading when the app last closed."""
    return store.get_meta(position_key(reviewer))


def queue_rows(store: Store, trace_ids: list[str]) -> list[QueueRow]:
    """List-view rows for these traces, in the given order."""
    found: dict[str, QueueRow] = {}
    for start in range(0, len(trace_ids), 500):
        chunk = trace_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        signals: dict[str, list[str]] = {}
        for tid, kind in store.execute(
            f"select trace_id, kind from signals where explicit = 0 and trace_id in ({marks})"
            " order by id",
            chunk,
        ):
            signals.setdefault(tid, []).append(stored.text(kind) or "?")
        tags: dict[str, list[str]] = {}
        for tid, tag in store.execute(
            f"select trace_id, tag from tags where trace_id in ({marks}) order by created_at, tag",
            chunk,
        ):
            tags.setdefault(tid, []).append(stored.text(tag) or "?")
        for row in store.execute(
            "select t.id, t.timestamp, t.release, t.model, t.feedback_score, t.first_user_line,"
            " r.reviewed_at, r.verdict from traces t left join reviews r on r.trace_id = t.id"
            f" where t.id in ({marks})",
            chunk,
        ):
            tid = row[0]
            found[tid] = QueueRow(
                trace_id=tid,
                timestamp=stored.text(row[1]) or "",
                release=stored.text(row[2]),
                model=stored.text(row[3]),
                feedback_score=stored.number(row[4]),
                signals=tuple(signals.get(tid, ())),
                tags=tuple(tags.get(tid, ())),
                first_user_line=stored.text(row[5]) or "",
                reviewed=row[6] is not None,
                verdict=row[7],
            )
    return [found[t] for t in trace_ids if t in found]


def merge_new(current: list[str], fresh: list[str]) -> list[str]:
    """The current queue with traces that appeared since appended (the reviewer's place is kept)."""
    known = set(current)
    return current + [tid for tid in fresh if tid not in known]
