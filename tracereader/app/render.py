"""Turn a stored trace into styled, markup-free Content: the conversation and its side panel."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from textual.content import Content, Span

from tracereader.config import Settings
from tracereader.model import SIGNAL_AMBIGUITY, Message, ToolCall, Trace
from tracereader.review import ReviewState
from tracereader.sanitize import one_line, sanitize
from tracereader.store import StoredTrace

REDACTION_RE = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")
FOLD_LINES = 12
FOLD_CHARS = 1500
PREVIEW_LINES = 6
ROLE_STYLE = {
    "system": "bold reverse $text-muted",
    "user": "bold reverse $primary",
    "assistant": "bold reverse $success",
    "tool": "bold reverse $warning",
}
REDACTION_STYLE = "bold reverse $secondary"
MUTED = "dim"


class Builder:
    """Accumulates text and style spans, then makes one Content (cheaper than many widgets)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._spans: list[Span] = []
        self._pos = 0

    def add(self, text: str, style: str = "") -> Builder:
        """Append trusted text (labels written by this program)."""
        if style and text:
            self._spans.append(Span(self._pos, self._pos + len(text), style))
        self._parts.append(text)
        self._pos += len(text)
        return self

    def untrusted(self, text: str | None, style: str = "") -> Builder:
        """Append trace text: sanitized, never parsed, with redaction placeholders styled."""
        clean = sanitize(text)
        start = self._pos
        self.add(clean, style)
        for match in REDACTION_RE.finditer(clean):
            self._spans.append(Span(start + match.start(), start + match.end(), REDACTION_STYLE))
        return self

    def line(self, text: str = "", style: str = "") -> Builder:
        """Append trusted text and a newline."""
        return self.add(text, style).add("\n")

    def build(self) -> Content:
        """The finished Content."""
        return Content("".join(self._parts).rstrip("\n"), self._spans)


def _fold(text: str, expanded: bool) -> tuple[str, int]:
    """The text to show and how many lines were folded away."""
    lines = text.split("\n")
    if expanded or (len(lines) <= FOLD_LINES and len(text) <= FOLD_CHARS):
        return text, 0
    shown = "\n".join(lines[:PREVIEW_LINES])
    if len(shown) > FOLD_CHARS:
        shown = shown[:FOLD_CHARS]
    hidden = max(1, len(lines) - min(len(lines), PREVIEW_LINES))
    return shown, hidden


def _message_text(content: Any) -> str:
    if content is None:
        return ""
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


def _pretty(content: Any) -> str:
    """A tool result, indented when it is a JSON object or list (easier to scan)."""
    text = _message_text(content)
    if text[:1] in "{[":
        try:
            return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
        except ValueError:
            return text
    return text


def _arguments(call: ToolCall) -> str:
    args = call.arguments
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except ValueError:
            return args
    return json.dumps(args, ensure_ascii=False, indent=2)


def _role_header(out: Builder, index: int, label: str, role: str, extra: str = "") -> None:
    out.add(f" {label} ", ROLE_STYLE.get(role, "bold reverse"))
    out.add(f" #{index}", MUTED)
    if extra:
        out.add(" ").untrusted(extra, MUTED)
    out.add("\n")


def render_conversation(trace: Trace, *, expanded: bool = False) -> Content:
    """The whole conversation: roles set apart, system prompt collapsed, tools with results."""
    out = Builder()
    results: dict[str, Message] = {
        m.tool_call_id: m for m in trace.messages if m.role == "tool" and m.tool_call_id
    }
    shown_results: set[str] = set()
    for index, message in enumerate(trace.messages):
        text = _message_text(message.content)
        if message.role == "tool" and message.tool_call_id in shown_results:
            continue
        if message.role == "system" and not expanded:
            first = one_line(text.strip().split("\n")[0] if text.strip() else "", 70)
            out.add(" SYSTEM ", ROLE_STYLE["system"]).add(f" #{index} collapsed, ", MUTED)
            out.add(f"{len(text):,} chars (e expands): ", MUTED).untrusted(first, MUTED)
            out.add("\n\n")
            continue
        label = message.role.upper() if message.role else "MESSAGE"
        if message.role == "tool":
            label = "TOOL RESULT"
        _role_header(out, index, label, message.role, message.name or "")
        if text:  # message text is never folded: long content scrolls
            out.untrusted(text).add("\n")
        for call in message.tool_calls:
            out.add("  → tool call ", "bold").untrusted(call.name, "bold underline")
            out.add(f"  [{sanitize(call.id)}]\n" if call.id else "\n", MUTED)
            shown, hidden = _fold(sanitize(_arguments(call)), expanded)
            out.untrusted(_indent(shown, "    ")).add("\n")
            if hidden:
                out.line(f"    … {hidden} more lines folded (press e to expand)", "italic")
            result = results.get(call.id or "")
            if result is not None and call.id:
                shown_results.add(call.id)
                out.add("  ← result", "bold").add(" of ", MUTED).untrusted(call.name, MUTED)
                out.add("\n")
                shown, hidden = _fold(sanitize(_pretty(result.content)), expanded)
                out.untrusted(_indent(shown, "    ")).add("\n")
                if hidden:
                    out.line(f"    … {hidden} more lines folded (press e to expand)", "italic")
            elif call.id:
                out.line("  ← no result recorded for this call", "italic")
        if not text and not message.tool_calls:
            out.line("  (empty)", "italic")
        out.add("\n")
    if not trace.messages:
        out.line("(this trace has no messages)", "italic")
    return out.build()


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


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


def render_info(stored: StoredTrace, state: ReviewState, settings: Settings) -> Content:
    """The side panel: your review, the user's signals with their ambiguity, then the facts."""
    trace = stored.trace
    out = Builder()
    _render_review(out, state, settings)
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
            where = f" (msg #{event.message_index})" if event.message_index is not None else ""
            out.add("• ").untrusted(event.type, "bold").add(where)
            meaning = SIGNAL_AMBIGUITY.get(event.type, "read it in context: not a verdict")
            out.add(" — ").add(meaning, "italic").add("\n")
    else:
        out.line("none", MUTED)
    out.add("\n")
    when = trace.timestamp.strftime("%Y-%m-%d %H:%M") if trace.timestamp else None
    _field(out, "UTC", f"{when} (ingest time)" if stored.timestamp_inferred else when)
    _field(out, "model", trace.model)
    _field(out, "release", trace.release)
    _field(out, "user", short_hash(trace.user_id), trusted=True)
    _field(out, "session", short_hash(trace.session_id), trusted=True)
    latency = f"{trace.latency_ms / 1000:.2f} s" if trace.latency_ms is not None else None
    _field(out, "latency", latency, trusted=True)
    _field(out, "error", trace.error)
    _field(out, "id", trace.id)
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


def tag_legend(settings: Settings, active: Iterable[str]) -> Content:
    """One line per taxonomy tag, marking the ones on this trace with a check (not only colour)."""
    on = set(active)
    out = Builder()
    for tag in settings.tags:
        mark = "☑" if tag.name in on else "☐"
        out.add(f"{mark} {tag.key or ' '} ", "bold" if tag.name in on else "")
        out.untrusted(tag.name, "reverse" if tag.name in on else "").add("\n")
    return out.build()
