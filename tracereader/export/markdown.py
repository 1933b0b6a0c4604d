"""The Markdown export: a checklist and one section per action item, to paste into a tracker."""

from __future__ import annotations

import re
import shlex

from tracereader.actions import FIXED, NOT_VALIDATED, OPEN, VALIDATED
from tracereader.compare import describe_rate
from tracereader.export.items import PRIORITY_FORMULA, ExportItem, Report, md_escape
from tracereader.patterns import Pattern
from tracereader.stats import Proportion
from tracereader.status import per_day_text

_PLAIN_RE = re.compile(r"[\w.:-]+")
STATE_WORDS = {
    OPEN: "open",
    FIXED: "fixed (awaiting validation)",
    VALIDATED: "validated",
    NOT_VALIDATED: "not validated",
}


def _code(text: str) -> str:
    """Text for an inline code span, which shows untrusted text literally (no backticks inside)."""
    return text.replace("`", "'").strip() or "(empty)"


def _rate(item: ExportItem) -> str:
    p = item.pattern
    return describe_rate(Proportion(p.count, p.reviewed, p.rate, p.ci_low, p.ci_high))


def _state(item: ExportItem) -> str:
    """`open`, `fixed in v1.5, awaiting validation`, `fixed in v1.5, validated: <verdict>`."""
    s = item.state
    if s.state == OPEN:
        return "open"
    text = f"fixed in {md_escape(s.release or '?')}, "
    if s.state == FIXED:
        return text + "awaiting validation"
    text += STATE_WORDS.get(s.state, s.state)
    if s.last_compare and s.last_compare.get("verdict"):
        text += f": {md_escape(str(s.last_compare['verdict']))}"
    return text


def _priority(item: ExportItem, per_day: float) -> str:
    expected = item.expected_failing_per_day
    base = (
        f"{item.pattern.ci_low:.1%} (lower bound) × {per_day_text(per_day)} = "
        f"{expected:.2f} expected failing conversations/day"
    )
    if item.priority is None or item.cost_hours is None:
        return f"{base}; no effort estimate, so no priority (ranked after costed items)"
    return f"{base} ÷ {item.cost_hours:g} h of effort = **{item.priority:.3f} per hour**"


def _steps(item: ExportItem) -> list[str]:
    """The item's own checklist, ticked as the lifecycle moves."""
    s = item.state.state
    # A plain label reads best; anything else is named by its key (commands accept both).
    plain = _PLAIN_RE.fullmatch(item.pattern.label)
    label = _code(shlex.quote(item.pattern.label if plain else item.pattern.key))
    release = _code(shlex.quote(item.state.release)) if item.state.release else "RELEASE"
    fixed = s != OPEN
    action = md_escape(item.action)
    return [
        f"- [{'x' if fixed else ' '}] Fix: {action}",
        f"- [{'x' if fixed else ' '}] Ship it and record the release: "
        f"`tracereader fixed {label} --release {release}`",
        f"- [{'x' if s == VALIDATED else ' '}] Validate once its traces are reviewed: "
        f"`tracereader compare --pattern {label} --release-after {release}`",
    ]


def _automatic(p: Pattern) -> str:
    """How many of the traces joined by an automatic merge the reviewer has not confirmed."""
    if not p.automatic_ids:
        return ""
    return f" ({len(p.automatic_ids)} joined by automatic merge, not yet confirmed)"


def _section(rank: int, item: ExportItem, per_day: float) -> list[str]:
    p = item.pattern
    status = "actionable" if p.actionable else f"candidate ({p.count} of {p.threshold} needed)"
    seen = f"first seen {p.first_seen or 'unknown'}, last seen {p.last_seen or 'unknown'}"
    releases = ", ".join(md_escape(r) for r in p.releases) or "none recorded"
    effort = (
        f"{item.cost} ({item.cost_hours:g} h)" if item.cost and item.cost_hours else "to be decided"
    )
    lines = [
        f"## {rank}. {md_escape(item.title)}",
        "",
        f"- **Key:** `{_code(p.key)}` · **Status:** {status} · **State:** {_state(item)}",
        f"- **Evidence:** reviewed traces showing it: {_rate(item)}{_automatic(p)}; {seen}; "
        f"releases: {releases}",
        f"- **Suggested action:** {md_escape(item.action)}",
        f"- **Effort:** {effort}",
        f"- **Priority:** {_priority(item, per_day)}",
    ]
    if p.tags or p.notes:
        lines.append(
            f"- **Signals:** tags {', '.join(md_escape(t) for t in p.tags) or 'none'}; "
            f"{len(p.notes)} note(s)"
        )
    lines += ["", "Examples (anonymized, most recent first):", ""]
    lines += [f"- `{_code(e.trace_id)}`: `{_code(e.excerpt)}`" for e in item.examples] or ["- none"]
    lines += ["", "Steps:", "", *_steps(item), ""]
    return lines


def render_markdown(report: Report) -> str:
    """The whole Markdown document."""
    traffic = report.traffic
    counts = {state: 0 for state in STATE_WORDS}
    for item in report.items:
        counts[item.state.state] = counts.get(item.state.state, 0) + 1
    lines = [
        "# Action items from tracereader",
        "",
        f"{len(report.items)} item(s) from {report.reviewed} reviewed traces"
        + (
            " (candidates below the threshold included and marked)"
            if report.include_candidates
            else ""
        )
        + f"; {per_day_text(traffic.per_day)} ({traffic.source}, "
        f"up to {traffic.through or 'no data'}).",
        "",
        "State: " + " · ".join(f"{n} {STATE_WORDS[s]}" for s, n in counts.items()) + ".",
        "",
        f"How priority works: {PRIORITY_FORMULA}",
        "",
    ]
    if not report.items:
        lines += ["No actionable pattern yet: keep reviewing (a pattern needs enough traces).", ""]
        return "\n".join(lines)
    ranked = list(enumerate(report.items, 1))
    open_items = [(rank, item) for rank, item in ranked if item.state.state != VALIDATED]
    validated = [(rank, item) for rank, item in ranked if item.state.state == VALIDATED]
    lines += ["## Checklist", ""]
    for rank, item in open_items:
        p = item.pattern
        if not p.actionable:  # --all: listed for context, never as something to act on
            lines.append(
                f"- {rank}. {md_escape(p.label)}: candidate, not an action item "
                f"({p.count} of {p.threshold} needed)"
            )
            continue
        priority = f"priority {item.priority:.3f}/h" if item.priority is not None else "no priority"
        lines.append(f"- [ ] {rank}. {md_escape(p.label)}: {priority}, {_state(item)}")
    if not open_items:
        lines.append("Nothing left open: every action item's fix is validated.")
    lines.append("")
    for rank, item in open_items:
        lines += _section(rank, item, traffic.per_day)
    if validated:
        lines += [
            "## Validated",
            "",
            "Fixes a proportions test confirmed; kept for the record.",
            "",
        ]
        for rank, item in validated:
            lines.append(f"- [x] {rank}. {md_escape(item.pattern.label)}: {_state(item)}")
        lines.append("")
        for rank, item in validated:
            lines += _section(rank, item, traffic.per_day)
    return "\n".join(lines)
