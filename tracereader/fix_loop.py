"""The fix loop in one place: test a pattern's fix, record the verdict, and say where it stands.

`compare_and_record` is what `tracereader compare` and the patterns screen's `c` both run: the
proportions test, then the result stored on the action item when the comparison is the one
that judges its fix (the release it shipped in against the release before). `fix_line` is
the one sentence every screen shows for a pattern's fix: before → after with the verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracereader import actions
from tracereader.compare import CompareError, Comparison, compare, format_p, known_releases
from tracereader.stats import percent, percent_range, wilson_interval
from tracereader.store import Store

if TYPE_CHECKING:
    from tracereader.config import Settings
    from tracereader.patterns import Pattern, ReleaseRate


def compare_and_record(
    store: Store, settings: Settings, **options: Any
) -> tuple[Comparison, actions.ActionItem | None]:
    """Run `compare.compare(**options)`; record it on the subject's item when it judges a fix."""
    result = compare(store, settings, **options)
    held = actions.item_for(
        actions.states(store), list(result.subject.held_keys or (result.subject.key,))
    )
    item = None
    if result.split.release_after is not None and held is not None:
        item = actions.record_validation(
            store, held.key, result.as_dict(), release_after=result.split.release_after
        )
    return result, item


def check_fix(
    store: Store, settings: Settings, pattern: Pattern
) -> tuple[Comparison, actions.ActionItem | None]:
    """Compare the pattern across its fix's release (recorded), else across its last two releases.

    Without a fix on record the result only informs: nothing is stored.
    """
    item = actions.item_for(actions.states(store), actions.held_keys(pattern))
    releases = known_releases(store)
    if item is not None and item.state != actions.OPEN and item.release:
        if item.release not in releases:
            raise CompareError(
                f"no traces from {item.release} yet: ingest and review some, then press c again"
            )
        return compare_and_record(store, settings, pattern=pattern.key, release_after=item.release)
    named = [r.release for r in pattern.by_release if r.release is not None]
    if len(named) < 2:
        raise CompareError(
            "the reviewed traces come from fewer than two releases: nothing to compare yet"
        )
    return compare_and_record(
        store, settings, pattern=pattern.key, release_before=named[-2], release_after=named[-1]
    )


def _percent(k: int, n: int) -> str:
    """`2.6% (0.9–7.4%, 3/115)`: the rate with its Wilson interval and counts."""
    if not n:
        return "no reviewed traces"
    return f"{percent(k / n)} ({percent_range(*wilson_interval(k, n))}, {k}/{n})"


def _from_rates(rates: list[ReleaseRate], release: str | None) -> str:
    found = next((r for r in rates if r.release == release), None)
    return _percent(found.k, found.n) if found else "no reviewed traces"


def fix_line(pattern: Pattern, item: actions.ActionItem | None) -> str:
    """Where the fix stands, before → after with intervals: `fixed in v1.5: v1.4 18% (12–26%,
    22/121) → v1.5 2.6% (0.9–7.4%, 3/115); validated, p = …`.

    A judged fix shows the counts the test judged; one not tested yet shows today's counts.
    """
    if item is None or item.state == actions.OPEN or not item.release:
        return "open: no fix recorded (f records the release that ships one)"
    compared = item.last_compare or {}
    split = compared.get("split") or {}
    if item.state != actions.FIXED and compared.get("before") and compared.get("after"):
        before_release = split.get("release_before") or "before"
        before = _percent(int(compared["before"]["k"]), int(compared["before"]["n"]))
        after = _percent(int(compared["after"]["k"]), int(compared["after"]["n"]))
    else:
        named = [r.release for r in pattern.by_release if r.release is not None]
        earlier = named[: named.index(item.release)] if item.release in named else named
        before_release = earlier[-1] if earlier else "before"
        before = _from_rates(pattern.by_release, before_release)
        after = _from_rates(pattern.by_release, item.release)
    change = f"{before_release} {before} → {item.release} {after}"
    if item.state == actions.FIXED:
        return f"fixed in {item.release}: {change}; not tested yet (c runs the test)"
    p_value = compared.get("p_value")
    p_text = (
        f", {format_p(float(p_value), float(compared.get('alpha', 0.05)))}"
        if isinstance(p_value, int | float)
        else ""
    )
    judged = "validated" if item.state == actions.VALIDATED else "not validated"
    return f"fixed in {item.release}: {change}; {judged}{p_text}"
