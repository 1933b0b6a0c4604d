"""Actionable patterns as costed, ranked action items (Markdown, JSON, CSV) a team can act on.

Each item carries its evidence (k of n reviewed traces, the rate with its Wilson interval,
first/last seen, releases), up to five example traces with a short excerpt of the failing
turn, the taxonomy's suggested action and effort, its lifecycle state, and a priority:
expected failing conversations per day (the rate's lower bound x conversations per day) per
hour of effort, so a cheap fix to a frequent failure ranks first. Same database, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracereader import actions, stored
from tracereader.export import traffic as export_traffic
from tracereader.store import Store

if TYPE_CHECKING:
    from tracereader.config import Settings, TagSpec
    from tracereader.patterns import Pattern

FORMATS = ("md", "json", "csv", "jsonl")
EXTENSIONS = {"md": "md", "json": "json", "csv": "csv", "jsonl": "jsonl"}
MAX_EXAMPLES = 5
EXCERPT_CHARS = 160
TO_BE_DECIDED = "to be decided"
SCHEMA = "tracereader.action_items/1"
PRIORITY_FORMULA = (
    "priority = expected failing conversations per day / hours of effort, where expected "
    "failing conversations per day = ci_low (the lower bound of the rate's 95% Wilson "
    "interval) x conversations per day. The lower bound keeps a pattern seen twice from "
    "outranking one seen thirty times; dividing by effort ranks a cheap fix to a frequent "
    "failure first. Items without an effort estimate ('to be decided') have no priority and "
    "rank after every costed item, by ci_low."
)
_ESCAPES_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROLS_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>#|~])")


class ExportError(ValueError):
    """The export cannot be written; one line that says what to change."""


@dataclass(frozen=True)
class Example:
    """One example trace and a short, anonymized excerpt of its failing turn."""

    trace_id: str
    excerpt: str


@dataclass(frozen=True)
class ExportItem:
    """One action item: the pattern, its evidence, its cost, its priority and its state."""

    pattern: Pattern
    title: str
    examples: list[Example]
    action: str
    cost: str | None
    cost_hours: float | None
    expected_failing_per_day: float
    priority: float | None
    state: actions.ActionItem

    def as_dict(self, rank: int) -> dict[str, Any]:
        """The item's stable JSON form (documented in README.md, "Action items out")."""
        p = self.pattern
        return {
            "rank": rank,
            "key": p.key,
            "label": p.label,
            "title": self.title,
            "actionable": p.actionable,
            "status": "actionable" if p.actionable else "candidate",
            "evidence": {
                "k": p.count,
                "confirmed": p.confirmed,
                "automatic": len(p.automatic_ids),
                "n": p.reviewed,
                "rate": p.rate,
                "ci_low": p.ci_low,
                "ci_high": p.ci_high,
                "first_seen": p.first_seen,
                "last_seen": p.last_seen,
                "releases": list(p.releases),
            },
            "tags": list(p.tags),
            "notes": len(p.notes),
            "examples": [{"trace_id": e.trace_id, "excerpt": e.excerpt} for e in self.examples],
            "action": self.action,
            "cost": self.cost,
            "cost_hours": self.cost_hours,
            "expected_failing_per_day": self.expected_failing_per_day,
            "priority": self.priority,
            "state": self.state.as_dict(),
        }


@dataclass(frozen=True)
class Report:
    """Everything an export shows: the items in rank order and the figures behind priority."""

    items: list[ExportItem]
    reviewed: int
    traffic: export_traffic.Traffic
    include_candidates: bool


# -- building -------------------------------------------------------------------------------
def clean_excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """One line of at most `limit` characters, terminal escapes and control characters removed."""
    text = _CONTROLS_RE.sub(" ", _ESCAPES_RE.sub("", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def failing_turn(store: Store, trace_id: str) -> str:
    """The last assistant turn's text, else its last tool call, else the last message at all."""
    rows = store.db.execute(
        "select role, content, tool_calls from messages where trace_id = ? order by idx desc",
        [trace_id],
    ).fetchall()
    for role, content, _ in rows:
        if role == "assistant" and content and content.strip():
            return str(content)
    for role, _, tool_calls in rows:
        if role == "assistant" and tool_calls:
            calls = stored.tool_calls(tool_calls)
            if calls:
                call = calls[-1]
                args = json.dumps(call.get("arguments"), sort_keys=True, ensure_ascii=False)
                return f"[tool call] {call.get('name')}({args})"
    for _, content, _ in rows:
        if content and content.strip():
            return str(content)
    return ""


def examples_for(store: Store, trace_ids: list[str]) -> list[Example]:
    """Up to five of the pattern's traces, most recent first, each with an excerpt."""
    if not trace_ids:
        return []
    marks = ",".join("?" * len(trace_ids))
    rows = store.db.execute(
        f"select id from traces where id in ({marks}) order by timestamp desc, id limit ?",
        [*trace_ids, MAX_EXAMPLES],
    ).fetchall()
    return [Example(row[0], clean_excerpt(failing_turn(store, row[0]))) for row in rows]


def primary_tag(pattern: Pattern, settings: Settings) -> TagSpec | None:
    """The taxonomy entry that costs a pattern: the tag it is keyed by, else its first known tag."""
    if pattern.key.startswith("tag:"):
        spec = settings.tag(pattern.key[4:])
        if spec is not None:
            return spec
    return next((s for s in (settings.tag(t) for t in sorted(pattern.tags)) if s), None)


def build_report(store: Store, settings: Settings, *, include_candidates: bool = False) -> Report:
    """Patterns -> ranked action items, with the traffic figure that priority is based on."""
    from tracereader.patterns import find_patterns, reviewed_count

    traffic = export_traffic.current_traffic(store, settings)
    stored = actions.states(store)
    items: list[ExportItem] = []
    for pattern in find_patterns(store, settings):
        if not pattern.actionable and not include_candidates:
            continue
        spec = primary_tag(pattern, settings)
        cost_hours = spec.cost_hours if spec and spec.cost else None
        expected = pattern.ci_low * traffic.per_day
        title = pattern.label
        if spec is not None and spec.description and spec.name == pattern.label:
            title = f"{pattern.label}: {spec.description}"
        state = actions.item_for(stored, actions.held_keys(pattern)) or actions.ActionItem(
            key=pattern.key, label=pattern.label
        )
        items.append(
            ExportItem(
                pattern=pattern,
                title=title,
                examples=examples_for(store, pattern.trace_ids),
                action=(spec.action if spec and spec.action else TO_BE_DECIDED),
                cost=(spec.cost if spec and spec.cost else None),
                cost_hours=cost_hours,
                expected_failing_per_day=expected,
                priority=(expected / cost_hours if cost_hours else None),
                state=state,
            )
        )
    items.sort(key=_rank_key)
    return Report(items, reviewed_count(store), traffic, include_candidates)


def _rank_key(item: ExportItem) -> tuple[Any, ...]:
    """Work still to do first (validated fixes last); actionable before candidates; costed by
    priority, then uncosted by ci_low; then by key."""
    p = item.pattern
    costed = item.priority is not None
    done = item.state.state == actions.VALIDATED
    return (done, not p.actionable, not costed, -(item.priority or 0.0), -p.ci_low, p.label, p.key)


# -- rendering ------------------------------------------------------------------------------
def render(
    store: Store,
    settings: Settings,
    fmt: str,
    *,
    include_candidates: bool = False,
    platform: str = "langsmith",
) -> str:
    """The export as text in `fmt` (md, json, csv, or jsonl for the reviewed traces)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "jsonl":
        from tracereader.export.dataset import render_jsonl

        return render_jsonl(store, platform)
    report = build_report(store, settings, include_candidates=include_candidates)
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report)
    from tracereader.export.markdown import render_markdown

    return render_markdown(report)


def render_json(report: Report) -> str:
    """One JSON document with sorted keys (documented in README.md, "Action items out")."""
    document = {
        "schema": SCHEMA,
        "reviewed": report.reviewed,
        "include_candidates": report.include_candidates,
        "traffic": report.traffic.as_dict(),
        "priority_formula": PRIORITY_FORMULA,
        "items": [item.as_dict(rank) for rank, item in enumerate(report.items, 1)],
    }
    return (
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    )


CSV_COLUMNS = (
    "rank", "key", "label", "status", "state", "fixed_in", "k", "n", "rate", "ci_low",
    "ci_high", "first_seen", "last_seen", "releases", "action", "cost", "cost_hours",
    "expected_failing_per_day", "priority", "last_p_value", "example_trace_ids",
)  # fmt: skip


def render_csv(report: Report) -> str:
    """One row per item; lists are `;`-separated, empty cells mean none."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rank, item in enumerate(report.items, 1):
        p, s = item.pattern, item.state
        p_value = (s.last_compare or {}).get("p_value")
        writer.writerow(
            [
                rank, _text(p.key), _text(p.label),
                "actionable" if p.actionable else "candidate", s.state, s.release or "",
                p.count, p.reviewed, _num(p.rate), _num(p.ci_low),
                _num(p.ci_high), p.first_seen or "", p.last_seen or "", ";".join(p.releases),
                _text(item.action), item.cost or "", _num(item.cost_hours),
                _num(item.expected_failing_per_day), _num(item.priority), _num(p_value),
                ";".join(e.trace_id for e in item.examples),
            ]
        )  # fmt: skip
    return out.getvalue()


def _text(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP CSV-injection guard)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _num(value: float | None) -> str:
    number = stored.number(value)
    return "" if number is None else repr(number)


def md_escape(text: str) -> str:
    """Escape Markdown syntax so untrusted text renders literally in a tracker."""
    return _MD_SPECIAL_RE.sub(r"\\\1", text)


# -- writing --------------------------------------------------------------------------------
def default_filename(fmt: str) -> str:
    """`tracereader-actions.md` etc.; the reviewed traces go to `tracereader-dataset.jsonl`."""
    if fmt == "jsonl":
        return "tracereader-dataset.jsonl"
    return f"tracereader-actions.{EXTENSIONS[fmt]}"


def write_text(path: Path, text: str, *, force: bool = False) -> Path:
    """Write `text` to `path`, refusing to replace an existing file unless `force`."""
    if path.exists() and not force:
        raise ExportError(f"{path}: already exists; add --force to replace it")
    if path.is_dir():
        raise ExportError(f"{path}: is a folder; name a file")
    if not path.parent.exists():
        raise ExportError(f"{path.parent}: no such folder")
    path.write_text(text, encoding="utf-8", newline="")
    return path


def export_to_file(
    store: Store,
    settings: Settings,
    path: str | Path,
    fmt: str,
    *,
    include_candidates: bool = False,
    force: bool = True,
    platform: str = "langsmith",
) -> Path:
    """Write the export to `path` (a folder gets the default file name) and return the file.

    For the app: an existing export is replaced (the bytes only change when the data did);
    the CLI passes `force` from its flag.
    """
    target = Path(path)
    if target.is_dir():
        target = target / default_filename(fmt)
    text = render(store, settings, fmt, include_candidates=include_candidates, platform=platform)
    return write_text(target, text, force=force).resolve()
