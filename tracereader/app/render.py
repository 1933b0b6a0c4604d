"""Turn a stored trace into styled, markup-free Content: the conversation, roles set apart."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from textual.content import Content, Span

from tracereader.model import Message, ToolCall, Trace
from tracereader.sanitize import one_line, sanitize

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
MATCH_STYLE = "bold reverse underline $accent"
SIGNAL_STYLE = "bold reverse $error"
MUTED = "dim"


class Builder:
    """Accumulates text and style spans, then makes one Content (cheaper than many widgets).

    With `highlight`, every case-insensitive occurrence of that text inside untrusted text
    (the trace's own words, never this program's labels) is marked, reversed and underlined
    so it shows without colour too.
    """

    def __init__(self, highlight: str | None = None) -> None:
        self._parts: list[str] = []
        self._spans: list[Span] = []
        self._pos = 0
        self.lines = 0
        """Newlines added so far: the source line the next text starts on."""
        self._highlight = re.compile(re.escape(highlight), re.IGNORECASE) if highlight else None

    def add(self, text: str, style: str = "") -> Builder:
        """Append trusted text (labels written by this program)."""
        if style and text:
            self._spans.append(Span(self._pos, self._pos + len(text), style))
        self._parts.append(text)
        self._pos += len(text)
        self.lines += text.count("\n")
        return self

    def untrusted(self, text: str | None, style: str = "") -> Builder:
        """Append trace text: sanitized, never parsed, with redaction placeholders styled."""
        clean = sanitize(text)
        start = self._pos
        self.add(clean, style)
        for match in REDACTION_RE.finditer(clean):
            self._spans.append(Span(start + match.start(), start + match.end(), REDACTION_STYLE))
        if self._highlight is not None:
            for match in self._highlight.finditer(clean):
                if match.end() > match.start():
                    span = Span(start + match.start(), start + match.end(), MATCH_STYLE)
                    self._spans.append(span)
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


@dataclass(frozen=True)
class Rendered:
    """A conversation's Content and the source line each message starts on (for jumping)."""

    content: Content
    message_lines: dict[int, int] = field(default_factory=dict)
    """Message index -> source line of its header (a tool result shown under its call: the
    call's result line)."""
    last_answer: int | None = None
    """Index of the last assistant message with text (the answer the user saw last)."""


def _signal_mark(out: Builder, kinds: list[str]) -> None:
    """The marker on a message an implicit signal names: `◀ signal: copy`."""
    if kinds:
        out.add(" ").add(f" ◀ signal: {', '.join(kinds)} ", SIGNAL_STYLE)


def _role_header(
    out: Builder, index: int, label: str, role: str, extra: str = "", signals: Iterable[str] = ()
) -> None:
    out.add(f" {label} ", ROLE_STYLE.get(role, "bold reverse"))
    out.add(f" #{index}", MUTED)
    if extra:
        out.add(" ").untrusted(extra, MUTED)
    _signal_mark(out, list(signals))
    out.add("\n")


def _signals_by_message(trace: Trace) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for event in trace.events:
        if event.message_index is not None:
            kinds = found.setdefault(event.message_index, [])
            kind = sanitize(one_line(event.type, 30))
            if kind not in kinds:
                kinds.append(kind)
    return found


def render_conversation(
    trace: Trace, *, expanded: bool = False, highlight: str | None = None
) -> Rendered:
    """The whole conversation: roles set apart, system prompt collapsed, tools with results.

    Messages an implicit signal names are marked `◀ signal: …`; `highlight` marks matches.
    """
    out = Builder(highlight)
    results: dict[str, Message] = {
        m.tool_call_id: m for m in trace.messages if m.role == "tool" and m.tool_call_id
    }
    result_index = {
        m.tool_call_id: i
        for i, m in enumerate(trace.messages)
        if m.role == "tool" and m.tool_call_id
    }
    signals = _signals_by_message(trace)
    lines: dict[int, int] = {}
    last_answer: int | None = None
    shown_results: set[str] = set()
    for index, message in enumerate(trace.messages):
        text = _message_text(message.content)
        if message.role == "tool" and message.tool_call_id in shown_results:
            continue
        lines[index] = out.lines
        if message.role == "system" and not expanded:
            first = one_line(text.strip().split("\n")[0] if text.strip() else "", 70)
            out.add(" SYSTEM ", ROLE_STYLE["system"]).add(f" #{index} collapsed, ", MUTED)
            out.add(f"{len(text):,} chars (e expands): ", MUTED).untrusted(first, MUTED)
            _signal_mark(out, signals.get(index, []))
            out.add("\n\n")
            continue
        label = message.role.upper() if message.role else "MESSAGE"
        if message.role == "tool":
            label = "TOOL RESULT"
        if message.role == "assistant" and text.strip():
            last_answer = index
        _role_header(out, index, label, message.role, message.name or "", signals.get(index, []))
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
                shown_at = result_index[call.id]
                lines[shown_at] = out.lines
                out.add("  ← result", "bold").add(" of ", MUTED).untrusted(call.name, MUTED)
                out.add(f" #{shown_at}", MUTED)
                _signal_mark(out, signals.get(shown_at, []))
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
    return Rendered(out.build(), lines, last_answer)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))
