"""The side panel's Content: your review and the tag keys first, then signals and facts."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from tracereader.app.render import MUTED, Builder
from tracereader.config import Settings
from tracereader.model import SIGNAL_AMBIGUITY
from tracereader.review import ReviewState
from tracereader.review.trace_facts import latency_ms, metadata_rows
from tracereader.sanitize import one_line
from tracereader.store import StoredTrace
from tracereader.timeutil import zone


def short_hash(value: str | None) -> str:
    """The first characters of a hashed id, enough to tell users apart."""
    return value[:10] if value else "—"


def feedback_label(score: float | None) -> str:
    """Explicit feedback in words (never only a colour)."""
    if score is None:
        return "none"
    if score in (1, -1, 0) and not isinstance(score, bool):
        return {1: "👍 thumbs up", -1: "👎 thumbs down", 0: "neutral"}[int(score)]
    return f"score {score:g}"


def _field(out: Builder, label: str, value: str | None, *, trusted: bool = False) -> None:
    out.add(f"{label:<8}", "bold")
    if trusted:
        out.add(value or "—")
    else:
        out.untrusted(one_line(value, 60) if value else "—")
    out.add("\n")


def local_time(stored: StoredTrace, tz_name: str) -> str:
    """When the trace ran, in the configured zone: `2026-11-30 14:03 (UTC)`, or the ingest time."""
    stamp = stored.trace.timestamp
    if stamp is None:
        return "—"
    shown = f"{stamp.astimezone(zone(tz_name)).strftime('%Y-%m-%d %H:%M')} ({tz_name})"
    return f"{shown}, ingest time: the source had none" if stored.timestamp_inferred else shown


def render_info(stored: StoredTrace, state: ReviewState, settings: Settings) -> Content:
    """The side panel: your review and the tag keys, the user's signals, then the facts.

    The tag keys come second so they stay on screen at 80×24; the rest scrolls (tab).
    """
    trace = stored.trace
    out = Builder()
    _render_review(out, state, settings)
    out.add("\n")
    _legend(out, settings, state.tags)
    out.add("\n").line("FEEDBACK", "bold underline")
    if trace.feedback and (trace.feedback.score is not None or trace.feedback.comment):
        out.line(feedback_label(trace.feedback.score))
        if trace.feedback.comment:
            out.add("“").untrusted(trace.feedback.comment).add("”\n")
    else:
        out.line("none given", MUTED)
    out.line("IMPLICIT SIGNALS", "bold underline")
    if trace.events:
        for event in trace.events:
            where = (
                f" (msg #{event.message_index}, marked ◀)"
                if event.message_index is not None
                else ""
            )
            out.add("• ").untrusted(event.type, "bold").add(where)
            meaning = SIGNAL_AMBIGUITY.get(event.type, "read it in context: not a verdict")
            out.add(" — ").add(meaning, "italic").add("\n")
    else:
        out.line("none", MUTED)
    out.add("\n")
    _field(out, "time", local_time(stored, settings.timezone), trusted=True)
    _field(out, "model", trace.model)
    _field(out, "release", trace.release)
    _field(out, "user", short_hash(trace.user_id), trusted=True)
    _field(out, "session", short_hash(trace.session_id), trusted=True)
    milliseconds, _ = latency_ms(trace)
    latency = f"{milliseconds / 1000:.2f} s" if milliseconds is not None else None
    _field(out, "latency", latency, trusted=True)
    _field(out, "error", trace.error)
    _field(out, "id", trace.id)
    out.line("(y copies the id)", MUTED)
    rows = metadata_rows(trace)
    if rows:
        out.add("\n").line("METADATA", "bold underline")
        for key, value in rows:
            out.untrusted(one_line(key, 24), "bold").add(" ").untrusted(one_line(value, 60))
            out.add("\n")
    return out.build()


def _render_review(out: Builder, state: ReviewState, settings: Settings) -> None:
    out.line("YOUR REVIEW", "bold underline")
    verdict = {"pass": "✓ PASS (good)", "fail": "✗ FAIL (bad)"}.get(state.verdict or "", "—")
    if state.verdict == "fail" and state.verdict_source == "tags":
        verdict += ", by tag"
    out.add("verdict ", "bold").add(verdict, "bold" if state.verdict else MUTED).add("\n")
    out.add("tags    ", "bold")
    if state.tags:
        keys = {t.name: t.key for t in settings.tags}
        labels = [f"{keys[t]}:{t}" if keys.get(t) else t for t in state.tags]
        out.untrusted(", ".join(labels), "reverse").add("\n")
    else:
        out.line("none", MUTED)
    out.add("note    ", "bold")
    if state.note:
        out.untrusted(state.note, "italic").add("\n")
    else:
        out.line("none (n)", MUTED)
    if state.skipped_at:
        out.line("skipped once (s)", MUTED)


def _legend(out: Builder, settings: Settings, active: Iterable[str]) -> None:
    on = set(active)
    out.line("TAG KEYS", "bold underline")
    for tag in settings.tags:
        mark = "☑" if tag.name in on else "☐"
        out.add(f"{mark} {tag.key or ' '} ", "bold" if tag.name in on else "")
        out.untrusted(tag.name, "reverse" if tag.name in on else "").add("\n")


def tag_legend(settings: Settings, active: Iterable[str]) -> Content:
    """One line per taxonomy tag, marking the ones on this trace with a check (not only colour)."""
    out = Builder()
    _legend(out, settings, active)
    return out.build()
