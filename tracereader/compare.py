"""Before/after comparison of a failure's rate, so a fix is judged by a test and not by a hunch.

Over reviewed traces only (a `reviews` row with `reviewed_at` set), split by release or by a
date, it counts the traces that show the tag or pattern on each side and runs
`stats.two_proportion_test` (Fisher's exact test when any expected count is below 5, else
Pearson's chi-squared). The verdict says in plain words whether the change is evidence and,
when it is not, about how many reviewed traces per side would be needed at 80% power.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tracereader.stats import Proportion, ProportionsTest, needed_per_side, two_proportion_test
from tracereader.store import Store
from tracereader.timeutil import day_bounds

if TYPE_CHECKING:
    from tracereader.config import Settings

POWER = 0.8


class CompareError(ValueError):
    """The comparison cannot be run; one line that says what to change."""


@dataclass(frozen=True)
class Subject:
    """What is being counted: a tag or a pattern, by key and label, and the traces showing it."""

    kind: str  # "tag" or "pattern"
    key: str
    label: str
    trace_ids: frozenset[str]
    held_keys: tuple[str, ...] = ()
    """The keys the pattern holds (its own, its tags', its notes'), for finding its action item."""


@dataclass(frozen=True)
class Split:
    """How reviewed traces are divided into before and after."""

    kind: str  # "release" or "date"
    before: str  # release name, or "before YYYY-MM-DD"
    after: str
    release_before: str | None = None
    release_after: str | None = None
    split_date: str | None = None


@dataclass(frozen=True)
class Comparison:
    """The 2x2 table's test, with the subject and the split it was run on."""

    subject: Subject
    split: Split
    result: ProportionsTest
    needed_per_side: int | None

    @property
    def direction(self) -> str:
        """`fell`, `rose` or `unchanged` (before -> after rate)."""
        before, after = self.result.before.rate or 0.0, self.result.after.rate or 0.0
        return "fell" if after < before else "rose" if after > before else "unchanged"

    def verdict(self) -> str:
        """The plain-words verdict, e.g. `evidence of a change (p = 0.003): rate fell from …`."""
        r = self.result
        p = format_p(r.p_value, r.alpha)
        before, after = describe_rate(r.before), describe_rate(r.after)
        if r.significant:
            return f"evidence of a change ({p}): rate {self.direction} from {before} to {after}"
        if self.needed_per_side is None:
            return (
                f"not evidence yet ({p}): the rate is the same on both sides ({before} and "
                f"{after}); no sample size detects a zero difference"
            )
        return (
            f"not evidence yet ({p}): rate went from {before} to {after}; would need about "
            f"{self.needed_per_side:,} reviewed traces per side to detect a change this size at "
            f"{POWER:.0%} power (you have {r.before.n} and {r.after.n})"
        )

    def as_dict(self) -> dict[str, Any]:
        """The `compare --json` document; a non-finite statistic is null (see docs)."""
        r = self.result
        return {
            "test": r.test,
            "statistic": r.statistic if math.isfinite(r.statistic) else None,
            "p_value": r.p_value,
            "significant": r.significant,
            "alpha": r.alpha,
            "before": r.before.as_dict(),
            "after": r.after.as_dict(),
            "needed_per_side": self.needed_per_side,
            "direction": self.direction,
            "verdict": self.verdict(),
            "subject": {
                "kind": self.subject.kind,
                "key": self.subject.key,
                "label": self.subject.label,
            },
            "split": {
                "kind": self.split.kind,
                "before": self.split.before,
                "after": self.split.after,
                "release_before": self.split.release_before,
                "release_after": self.split.release_after,
                "split_date": self.split.split_date,
            },
        }


def format_p(p_value: float, alpha: float) -> str:
    """`p = 0.003`, `p < 0.001`; two significant digits unless rounding would cross alpha."""
    if p_value < 0.001:
        return "p < 0.001"
    text = f"{p_value:.2g}"
    if (float(text) < alpha) != (p_value < alpha):
        text = f"{p_value:.4g}"
    return f"p = {text}"


def describe_rate(prop: Proportion) -> str:
    """`12.5% (95% CI 6.2–23.2%, 5 of 40)`: a rate never travels without its interval and n."""
    rate = prop.rate if prop.rate is not None else 0.0
    return (
        f"{rate:.1%} (95% CI {prop.ci_low * 100:.1f}–{prop.ci_high * 100:.1f}%, "
        f"{prop.k} of {prop.n})"
    )


# -- inputs ---------------------------------------------------------------------------------
def known_releases(store: Store) -> list[str]:
    """Releases in the database, ordered by the first time each was seen (then by name).

    Only timestamps from the source count: one set to the ingest time says when the trace was
    read, not when the release ran. Releases seen only on such traces come last, by name.
    """
    sql = (
        "select release, min(case when timestamp_inferred = 0 then timestamp end) as first "
        "from traces where release is not null and release != '' "
        "group by release order by first is null, first, release"
    )
    return [row[0] for row in store.db.execute(sql)]


def release_before(store: Store, release: str) -> str:
    """The release first seen just before `release`; the default `before` side."""
    releases = known_releases(store)
    if release not in releases:
        raise CompareError(_unknown_release(release, releases))
    index = releases.index(release)
    if index == 0:
        raise CompareError(
            f"release {release!r} is the first one seen; name the other side with --release-before"
        )
    return releases[index - 1]


def _unknown_release(release: str, releases: list[str]) -> str:
    listed = ", ".join(releases) if releases else "none (traces carry no release)"
    return f"unknown release {release!r}; releases in the database: {listed}"


def tag_subject(store: Store, settings: Settings, tag: str) -> Subject:
    """The traces carrying `tag`; the tag must be in the taxonomy or have been used."""
    used = {row[0] for row in store.db.execute("select distinct tag from tags")}
    if settings.tag(tag) is None and tag not in used:
        names = ", ".join(sorted({t.name for t in settings.tags} | used)) or "none"
        raise CompareError(f"unknown tag {tag!r}; known tags: {names}")
    rows = store.db.execute("select distinct trace_id from tags where tag = ?", [tag])
    key = f"tag:{tag}"
    return Subject("tag", key, tag, frozenset(row[0] for row in rows), (key,))


def pattern_subject(store: Store, settings: Settings, wanted: str) -> Subject:
    """The traces of the pattern whose label (any case) or key is `wanted`."""
    from tracereader.actions import current_patterns, held_keys

    patterns = current_patterns(store, settings)
    folded = wanted.strip().casefold()
    for pattern in patterns:
        if pattern.key == wanted or pattern.label.casefold() == folded:
            return Subject(
                "pattern",
                pattern.key,
                pattern.label,
                frozenset(pattern.trace_ids),
                tuple(held_keys(pattern)),
            )
    raise CompareError(f"unknown pattern {wanted!r}; run `tracereader patterns` to see the labels")


def _date_boundary(split_date: str, settings: Settings) -> str:
    """Midnight starting `split_date` in the configured time zone, as a stored UTC timestamp."""
    try:
        day = date.fromisoformat(split_date)
    except ValueError:
        raise CompareError(f"--split-date {split_date!r}: use YYYY-MM-DD") from None
    return day_bounds(day, settings.timezone)[0]


def _reviewed(store: Store) -> list[tuple[str, str | None, str | None]]:
    sql = (
        # A timestamp set to the ingest time says nothing about which side of a date it is on.
        "select t.id, t.release, case when t.timestamp_inferred = 0 then t.timestamp end "
        "from traces t join reviews r on r.trace_id = t.id "
        "where r.reviewed_at is not null order by t.id"
    )
    return [(row[0], row[1], row[2]) for row in store.db.execute(sql)]


# -- the comparison -------------------------------------------------------------------------
def compare(
    store: Store,
    settings: Settings,
    *,
    tag: str | None = None,
    pattern: str | None = None,
    release_before: str | None = None,
    release_after: str | None = None,
    split_date: str | None = None,
    alpha: float = 0.05,
) -> Comparison:
    """Count the subject before and after the split over reviewed traces, and test the change."""
    if (tag is None) == (pattern is None):
        raise CompareError("name exactly one of --tag or --pattern")
    by_release = release_before is not None or release_after is not None
    if by_release == (split_date is not None):
        raise CompareError("split by release (--release-after [--release-before]) or --split-date")
    if not 0.0 < alpha < 1.0:
        raise CompareError(f"--alpha must be between 0 and 1, got {alpha}")
    reviewed = _reviewed(store)
    if not reviewed:
        raise CompareError("no reviewed traces yet; review some with `tracereader review` first")
    subject = (
        tag_subject(store, settings, tag)
        if tag is not None
        else pattern_subject(store, settings, pattern or "")
    )
    if by_release:
        split = _release_split(store, release_before, release_after)
        before_ids = [tid for tid, rel, _ in reviewed if rel == split.release_before]
        after_ids = [tid for tid, rel, _ in reviewed if rel == split.release_after]
    else:
        assert split_date is not None
        boundary = _date_boundary(split_date, settings)
        split = Split("date", f"before {split_date}", f"from {split_date}", split_date=split_date)
        before_ids = [tid for tid, _, ts in reviewed if ts is not None and ts < boundary]
        after_ids = [tid for tid, _, ts in reviewed if ts is not None and ts >= boundary]
    for side, ids in (("before", before_ids), ("after", after_ids)):
        if not ids:
            name = split.before if side == "before" else split.after
            raise CompareError(
                f"no reviewed traces on the {side} side ({name}); review some there first"
            )
    k1 = sum(1 for tid in before_ids if tid in subject.trace_ids)
    k2 = sum(1 for tid in after_ids if tid in subject.trace_ids)
    result = two_proportion_test(k1, len(before_ids), k2, len(after_ids), alpha=alpha)
    needed = needed_per_side(k1 / len(before_ids), k2 / len(after_ids), alpha=alpha, power=POWER)
    return Comparison(subject=subject, split=split, result=result, needed_per_side=needed)


def _release_split(store: Store, before: str | None, after: str | None) -> Split:
    releases = known_releases(store)
    if after is None:
        raise CompareError("--release-before needs --release-after")
    if after not in releases:
        raise CompareError(_unknown_release(after, releases))
    if before is None:
        before = release_before(store, after)
    elif before not in releases:
        raise CompareError(_unknown_release(before, releases))
    if before == after:
        raise CompareError("--release-before and --release-after name the same release")
    return Split("release", before, after, release_before=before, release_after=after)
