"""Candidate patterns: reviewed tags and notes grouped, counted and given honest intervals.

Only what the reviewer confirmed is a pattern's evidence: a tag they put on a trace, a note
they wrote (each note is its own open code), a note they filed under a pattern, a merge they
accepted. The one exception is the automatic merge of notes (`grouping.group_notes`) at a
threshold measured to keep pairwise precision at 0.9 or more; a trace that is in a pattern
only that way is listed in `automatic_ids` until the reviewer confirms it. Notes never join a
tag unasked: the note box and the proposed merges suggest it, the reviewer says yes.

The reviewer's edits (`pattern_edits`) are re-applied on top, so they survive regrouping.
Each pattern's rate k/n (k distinct traces showing it, n reviewed traces) carries a Wilson
interval, and patterns are ranked by the interval's lower bound so that 2 of 3 does not
outrank 30 of 100.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import Any

from tracereader.config import Settings
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns import grouping_cache
from tracereader.patterns.release_rates import ReleaseRate, rates_by_release, reviewed_per_release
from tracereader.stats import wilson_interval
from tracereader.store import Store


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
    automatic_ids: list[str] = field(default_factory=list)
    """Traces counted only through an automatic merge of notes, not yet confirmed."""
    confirmed: int = 0
    """Traces the reviewer put here themselves (count minus `automatic_ids`)."""
    automatic: bool = False
    """Whether any trace is here only through an automatic merge (shown until confirmed)."""
    evidence_since: str = ""
    """When the reviewer first put a tag or note here (ISO time): ties rank the older first."""
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
    automatic: set[str] = field(default_factory=set)
    """Trace ids whose note joined this group by an automatic merge."""


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


def _tag_rows(store: Store) -> list[tuple[str, str, str]]:
    """(trace id, tag, when it was put there) for the tags on reviewed traces."""
    return [
        (row[0], row[1], row[2] or "")
        for row in store.db.execute(
            "select g.trace_id, g.tag, coalesce(g.created_at, r.reviewed_at) from tags g"
            " join reviews r on r.trace_id = g.trace_id"
            " where r.reviewed_at is not null order by g.tag, g.trace_id"
        )
    ]


def reviewed_count(store: Store) -> int:
    """How many traces have been reviewed (the n of every pattern rate)."""
    sql = "select count(*) from reviews where reviewed_at is not null"
    return int(store.db.execute(sql).fetchone()[0])


def _rejected_pairs(edits: list[pattern_edits.PatternEdit]) -> set[frozenset[str]]:
    """Pairs of keys the reviewer said are different failures."""
    return {
        frozenset((e.key, e.target)) for e in edits if e.kind == "reject" and e.key and e.target
    }


def _without_rejected(
    members: list[_Reviewed], rejected: set[frozenset[str]]
) -> tuple[list[_Reviewed], list[_Reviewed]]:
    """Keep an automatic cluster free of rejected pairs: the later note of each pair leaves."""
    kept = sorted(members, key=lambda r: (r.reviewed_at, r.trace_id))
    expelled: list[_Reviewed] = []
    changed = True
    while changed:
        changed = False
        keys = {f"note:{r.trace_id}" for r in kept}
        for pair in rejected:
            if len(pair) == 2 and pair <= keys:
                later = max(
                    (r for r in kept if f"note:{r.trace_id}" in pair),
                    key=lambda r: (r.reviewed_at, r.trace_id),
                )
                kept.remove(later)
                expelled.append(later)
                changed = True
                break
    return kept, expelled


def _base_groups(
    store: Store,
    reviewed: list[_Reviewed],
    tag_rows: list[tuple[str, str, str]],
    placed: Collection[str],
    rejected: set[frozenset[str]],
    threshold: float | None,
) -> dict[str, _Group]:
    """Groups before the reviewer's edits: one per tag, one per automatic cluster of notes."""
    groups: dict[str, _Group] = {}
    for _, tag, _ in tag_rows:
        groups.setdefault(f"tag:{tag}", _Group(key=f"tag:{tag}", label=tag, tags={tag}))
    with_notes = [r for r in reviewed if r.note and r.note.strip()]
    free = [r for r in with_notes if r.trace_id not in placed]
    alone = [r for r in with_notes if r.trace_id in placed]
    texts = [r.note or "" for r in free]
    for cluster in grouping_cache.cached_group_notes(store, texts, threshold):
        members, expelled = _without_rejected([free[i] for i in cluster.members], rejected)
        alone.extend(expelled)
        # The earliest-reviewed note names the group and gives its key: a later note joining,
        # or a member confirmed or taken out, never renames it (the most central note would).
        head = members[0]
        key = f"note:{head.trace_id}"
        groups[key] = _Group(
            key=key,
            label=" ".join((head.note or "").split()),
            note_ids=[r.trace_id for r in members],
            automatic={r.trace_id for r in members[1:]},
        )
    for r in alone:
        key = f"note:{r.trace_id}"
        groups[key] = _Group(key=key, label=" ".join((r.note or "").split()), note_ids=[r.trace_id])
    return groups


def _last_placements(edits: list[pattern_edits.PatternEdit]) -> dict[str, int]:
    """For each trace whose note the reviewer placed (split or filed), the id of the last edit."""
    return {e.trace_id: e.id for e in edits if e.kind == "split" and e.trace_id}


def _apply_edits(
    groups: dict[str, _Group], edits: list[pattern_edits.PatternEdit]
) -> tuple[dict[str, str], dict[str, str]]:
    """Resolve merges, renames and placements in the order made: (group -> root, labels).

    Only the last placement of a note counts (filing it again moves it), and a merge made
    from a note before its last placement no longer drags the note's new pattern along.
    """
    owner: dict[str, str] = {}
    for key, group in groups.items():
        owner.update({f"tag:{t}": key for t in group.tags})
        owner.update({f"note:{tid}": key for tid in group.note_ids})
    parent = {key: key for key in groups}
    last_placed = _last_placements(edits)

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
        if edit.kind == "split" and last_placed.get(edit.trace_id or "") != edit.id:
            continue
        moved_note = (edit.key or "").removeprefix("note:")
        if edit.kind == "merge" and last_placed.get(moved_note, -1) > edit.id:
            continue
        if edit.kind in pattern_edits.JOINING and edit.target:
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
    threshold: float | None = None,
) -> list[Pattern]:
    """Every candidate pattern among reviewed traces, ranked by the interval's lower bound.

    `threshold` overrides the measured automatic-merge threshold (percent; 101 turns
    automatic merges off).
    """
    reviewed = _reviewed(store)
    n = len(reviewed)
    by_id = {r.trace_id: r for r in reviewed}
    tag_rows = _tag_rows(store)
    edits = pattern_edits.load(store)
    placed = {tid for tid in _last_placements(edits) if tid in by_id}
    groups = _base_groups(store, reviewed, tag_rows, placed, _rejected_pairs(edits), threshold)
    roots, labels = _apply_edits(groups, edits)
    traces_by_tag: dict[str, set[str]] = {}
    tagged_since: dict[str, str] = {}
    for trace_id, tag, created_at in tag_rows:
        traces_by_tag.setdefault(tag, set()).add(trace_id)
        tagged_since[tag] = min(tagged_since.get(tag, created_at), created_at)
    merged: dict[str, list[_Group]] = {}
    for key in sorted(groups):
        merged.setdefault(roots[key], []).append(groups[key])
    patterns = [
        _pattern(root, parts, labels.get(root), by_id, traces_by_tag, n, settings)
        for root, parts in merged.items()
    ]
    patterns = [p for p in patterns if p.count > 0]
    for p in patterns:
        since = [tagged_since[t] for t in p.tags if t in tagged_since]
        since += [by_id[t].reviewed_at for t in p.note_ids]
        p.evidence_since = min(since, default="")
    # Ties go to the older pattern, so a new one joins below its equals and the rows above
    # keep their place (ordering ties by label would shuffle them whenever one appears).
    patterns.sort(key=lambda p: (-p.ci_low, -p.count, p.evidence_since, p.label, p.key))
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
    tagged = {tid for t in tags for tid in traces_by_tag.get(t, set())}
    trace_ids = sorted(tagged | set(note_ids))
    automatic_ids = sorted({tid for p in parts for tid in p.automatic} - tagged)
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
        automatic_ids=automatic_ids,
        confirmed=k - len(automatic_ids),
        automatic=bool(automatic_ids),
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
