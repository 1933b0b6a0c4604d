"""A short summary of the reviewer's day, printed when the app closes.

What the half hour produced: traces reviewed (and passed without reading), failures by tag,
time in the app against the budget, and the top open patterns (actionable, fix not yet
validated) with their intervals.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from tracereader.config import Settings
from tracereader.sanitize import one_line
from tracereader.store import Store
from tracereader.timeutil import day_bounds

TOP_PATTERNS = 3


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def today_summary(
    store: Store,
    settings: Settings,
    reviewer: str,
    day: date,
    *,
    seconds: float,
    passed: int = 0,
) -> list[str]:
    """Two or three lines: today's reviews, failures and time; then the top patterns."""
    start, end = day_bounds(day, settings.timezone)
    rows = store.execute(
        "select r.trace_id, r.verdict from reviews r"
        " where r.reviewed_at >= ? and r.reviewed_at < ? and r.reviewer = ?",
        [start, end, reviewer],
    ).fetchall()
    failures = [trace_id for trace_id, verdict in rows if verdict == "fail"]
    tags: Counter[str] = Counter()
    if failures:
        marks = ",".join("?" * len(failures))
        for (tag,) in store.execute(
            f"select tag from tags where trace_id in ({marks})", failures
        ).fetchall():
            tags[tag] += 1
    by_tag = ", ".join(
        f"{one_line(t, 30)} {n}" for t, n in sorted(tags.items(), key=lambda x: (-x[1], x[0]))
    )
    budget = _clock(settings.daily_minutes * 60)
    line = (
        f"Today ({day.isoformat()}): reviewed {len(rows)} trace(s) in {_clock(seconds)} "
        f"of your {budget}; {len(failures)} failure(s)" + (f" ({by_tag})" if by_tag else "")
    )
    if passed:
        line += f"; passed {passed} without reviewing (still in the queue)"
    lines = [line + "."]
    from tracereader import actions
    from tracereader.patterns import find_patterns

    items = actions.states(store)  # a validated fix is no longer a top problem
    actionable = [p for p in find_patterns(store, settings) if p.actionable]
    top = [p for p in actionable if not actions.is_validated(items, p)][:TOP_PATTERNS]
    if top:
        lines.append(
            "Top patterns: "
            + " · ".join(
                f"{one_line(p.label, 40)} {100 * p.rate:.1f}% "
                f"(95% CI {100 * p.ci_low:.1f}–{100 * p.ci_high:.1f}%, {p.count}/{p.reviewed})"
                for p in top
            )
        )
    elif actionable:
        lines.append(f"No open actionable pattern: the {len(actionable)} there are were validated.")
    else:
        lines.append(
            f"No actionable pattern yet (a pattern needs {settings.actionable_threshold} traces)."
        )
    return lines
