"""Candidate patterns: reviewed tags and notes grouped, counted and given honest intervals.

Tags of the same name form one group; free-text notes are grouped by fuzzy similarity
(`tracereader.grouping`), and a group of notes that closely matches a tag's name or
description joins that tag. The reviewer's merges, renames and splits (`pattern_edits`) are
re-applied on top, so they survive regrouping. Each pattern's rate k/n (k distinct traces
showing it, n reviewed traces) carries a Wilson interval, and patterns are ranked by the
interval's lower bound so that 2 of 3 does not outrank 30 of 100.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from tracereader import grouping, grouping_cache, pattern_edits
from tracereader.config import Settings
from tracereader.release_rates import ReleaseRate, rates_by_release, reviewed_per_release
from tracereader.stats import wilson_interval
from tracereader.store import Store

# A cluster of 2+ notes joins the tag that at least 75% of its traces carry.
CO_TAG_MIN_NOTES = 2
CO_TAG_SHARE = 0.75


@dataclass
class Pattern:
    """One candidate pattern with its evidence and its rate among reviewed traces."""

    label: str
    count: int
    reviewed: int
    rate: float
    ci_low: float
    ci_high: float
    actionable: bool
    trace_ids: list[str]
    tags: list[str]
    notes: list[str]
    first_seen: str | None
    last_seen: str | None
    releases: list[str]
    key: str
    note_ids: list[str] = field(default_factory=list)
    """Trace ids of `notes`, in the same order (a note is identified by its trace)."""
    renamed: bool = False
    """Whether the label was set by the reviewer."""
    threshold: int = 5
    """The actionable threshold the pattern was judged against."""
    by_release: list[ReleaseRate] = field(default_factory=list)
    """k/n with its Wilson interval for each release with reviewed traces (`release_rates`)."""

    @property
    def needed(self) -> int:
        """How many more traces it takes to become actionable (0 when it already is)."""
        return max(0, self.threshold - self.count)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form with every field."""
        return asdict(self)


@dataclass
class _Group:
    key: str
    label: str
    tags: set[str] = field(default_factory=set)
    note_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Reviewed:
    trace_id: str
    timestamp: str | None
    release: str | None
    note: str | None
    reviewed_at: str


def _reviewed(store: Store) -> list[_Reviewed]:
    """Reviewed traces; a note on a trace judged good ("fine", "nice handling") is no failure
    and takes no part in patterns."""
    rows = store.db.execute(
        "select r.trace_id, case when t.timestamp_inferred = 0 then t.timestamp end, t.release,"
        " case when r.verdict = 'pass' then null else r.note end, r.reviewed_at from reviews r"
        " join traces t on t.id = r.trace_id where r.reviewed_at is not null order by r.trace_id"
    ).fetchall()
    return [_Reviewed(*row) for row in rows]


def _tag_rows(store: Store) -> list[tuple[str, str]]:
    return [
        (row[0], row[1])
        for row in store.db.execute(
            "select g.trace_id, g.tag from tags g join reviews r on r.trace_id = g.trace_id"
            " where r.reviewed_at is not null order by g.tag, g.trace_id"
        )
    ]


def reviewed_count(store: Store) -> int:
    """How many traces have been reviewed (the n of every pattern rate)."""
    sql = "select count(*) from reviews where reviewed_at is not null"
    return int(store.db.execute(sql).fetchone()[0])


def _co_tagged(trace_ids: list[str], tags_of: dict[str, set[str]]) -> str | None:
    """The tag the reviewer put on most of a cluster's traces, when nearly all carry it.

    Several notes that say the same thing, on traces the reviewer also tagged X, describe X
    in other words ("refused for no reason" on `needless_refusal` traces). A single note is
    left alone: it may record something the tag does not (open coding).
    """
    if len(trace_ids) < CO_TAG_MIN_NOTES:
        return None
    votes = Counter(t for tid in trace_ids for t in tags_of.get(tid, ()))
    if not votes:
        return None
    tag = min(votes, key=lambda t: (-votes[t], t))
    return tag if votes[tag] >= CO_TAG_SHARE * len(trace_ids) else None


def _base_groups(
    store: Store,
    reviewed: list[_Reviewed],
    tag_rows: list[tuple[str, str]],
    settings: Settings,
    splits: dict[str, str | None],
    params: grouping.GroupingParams | None,
) -> dict[str, _Group]:
    """Groups before the reviewer's edits: one per tag, one per cluster of notes."""
    groups: dict[str, _Group] = {}
    for _, tag in tag_rows:
        groups.setdefault(f"tag:{tag}", _Group(key=f"tag:{tag}", label=tag, tags={tag}))
    with_notes = [r for r in reviewed if r.note and r.note.strip()]
    free = [r for r in with_notes if r.trace_id not in splits]
    texts = [r.note or "" for r in free]
    tag_texts = {t.name: grouping.tag_texts_for(t.name, t.description) for t in settings.tags}
    for _, tag in tag_rows:
        tag_texts.setdefault(tag, grouping.tag_texts_for(tag))
    tags_of: dict[str, set[str]] = {}
    for trace_id, tag in tag_rows:
        tags_of.setdefault(trace_id, set()).add(tag)
    for cluster, matched in grouping_cache.cached_assign(store, texts, tag_texts, params):
        ids = [free[i].trace_id for i in cluster.members]
        joined = matched or _co_tagged(ids, tags_of)
        if joined is not None:
            group = groups.setdefault(
                f"tag:{joined}", _Group(key=f"tag:{joined}", label=joined, tags={joined})
            )
            group.note_ids.extend(ids)
            continue
        first = min((free[i] for i in cluster.members), key=lambda r: (r.reviewed_at, r.trace_id))
        key = f"note:{first.trace_id}"
        label = " ".join((free[cluster.central].note or "").split())
        groups[key] = _Group(key=key, label=label, note_ids=ids)
    for r in with_notes:
        if r.trace_id in splits:
            key = f"note:{r.trace_id}"
            groups[key] = _Group(
                key=key, label=" ".join((r.note or "").split()), note_ids=[r.trace_id]
            )
    return groups


def _apply_edits(
    groups: dict[str, _Group], edits: list[pattern_edits.PatternEdit]
) -> tuple[dict[str, str], dict[str, str]]:
    """Resolve merges, renames and split targets in the order made: (group -> root, labels)."""
    owner: dict[str, str] = {}
    for key, group in groups.items():
        owner.update({f"tag:{t}": key for t in group.tags})
        owner.update({f"note:{tid}": key for tid in group.note_ids})
    parent = {key: key for key in groups}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    labels: dict[str, str] = {}
    for edit in edits:
        source = owner.get(edit.key or "")
        if source is None:
            continue  # the tag or note is gone: the edit no longer applies
        if edit.kind in ("merge", "split") and edit.target:
            target = owner.get(edit.target)
            if target is not None and find(source) != find(target):
                parent[find(source)] = find(target)
        elif edit.kind == "rename":
            if edit.label:
                labels[find(source)] = edit.label
            else:
                labels.pop(find(source), None)
    roots = {key: find(key) for key in groups}
    # A rename made before a merge applies to the group it was made on; only roots keep labels.
    return roots, {k: v for k, v in labels.items() if roots.get(k) == k}


def find_patterns(
    store: Store,
    settings: Settings,
    *,
    params: grouping.GroupingParams | None = None,
) -> list[Pattern]:
    """Every candidate pattern among reviewed traces, ranked by the interval's lower bound."""
    reviewed = _reviewed(store)
    n = len(reviewed)
    by_id = {r.trace_id: r for r in reviewed}
    tag_rows = _tag_rows(store)
    edits = pattern_edits.load(store)
    splits: dict[str, str | None] = {}
    for edit in edits:
        if edit.kind == "split" and edit.trace_id in by_id:
            splits[edit.trace_id] = edit.target
    groups = _base_groups(store, reviewed, tag_rows, settings, splits, params)
    roots, labels = _apply_edits(groups, edits)
    traces_by_tag: dict[str, set[str]] = {}
    for trace_id, tag in tag_rows:
        traces_by_tag.setdefault(tag, set()).add(trace_id)
    merged: dict[str, list[_Group]] = {}
    for key in sorted(groups):
        merged.setdefault(roots[key], []).append(groups[key])
    patterns = [
        _pattern(root, parts, labels.get(root), by_id, traces_by_tag, n, settings)
        for root, parts in merged.items()
    ]
    patterns = [p for p in patterns if p.count > 0]
    patterns.sort(key=lambda p: (-p.ci_low, -p.count, p.label, p.key))
    _add_release_rates(store, patterns, reviewed)
    return patterns


def _add_release_rates(store: Store, patterns: list[Pattern], reviewed: list[_Reviewed]) -> None:
    """Give every pattern its rate per release (releases in the order they were first seen)."""
    from tracereader.compare import known_releases

    release_of = {r.trace_id: r.release or None for r in reviewed}
    per_release = reviewed_per_release(release_of.values())
    order = known_releases(store)
    for pattern in patterns:
        pattern.by_release = rates_by_release(pattern.trace_ids, release_of, per_release, order)


def _pattern(
    root: str,
    parts: list[_Group],
    label: str | None,
    by_id: dict[str, _Reviewed],
    traces_by_tag: dict[str, set[str]],
    n: int,
    settings: Settings,
) -> Pattern:
    """Count, rate, interval and provenance of one (possibly merged) group."""
    head = next(p for p in parts if p.key == root)
    tags = sorted({t for p in parts for t in p.tags})
    note_ids = sorted(
        {tid for p in parts for tid in p.note_ids}, key=lambda t: (by_id[t].reviewed_at, t)
    )
    traces = {tid for t in tags for tid in traces_by_tag.get(t, set())} | set(note_ids)
    trace_ids = sorted(traces)
    k = len(trace_ids)
    low, high = wilson_interval(k, n) if n else (0.0, 1.0)
    stamps = sorted(ts for ts in (by_id[t].timestamp for t in trace_ids) if ts)
    releases = sorted({rel for rel in (by_id[t].release for t in trace_ids) if rel})
    return Pattern(
        label=label or head.label,
        count=k,
        reviewed=n,
        rate=k / n if n else 0.0,
        ci_low=low,
        ci_high=high,
        actionable=k >= settings.actionable_threshold,
        trace_ids=trace_ids,
        tags=tags,
        notes=[by_id[t].note or "" for t in note_ids],
        first_seen=stamps[0] if stamps else None,
        last_seen=stamps[-1] if stamps else None,
        releases=releases,
        key=root,
        note_ids=note_ids,
        renamed=label is not None,
        threshold=settings.actionable_threshold,
    )


def pattern_by_key(patterns: list[Pattern], key: str) -> Pattern | None:
    """The pattern that holds `key` now: its own key, one of its tags, or one of its notes."""
    for pattern in patterns:
        if pattern.key == key:
            return pattern
    kind, _, value = key.partition(":")
    for pattern in patterns:
        if (kind == "tag" and value in pattern.tags) or (
            kind == "note" and value in pattern.note_ids
        ):
            return pattern
    return None
