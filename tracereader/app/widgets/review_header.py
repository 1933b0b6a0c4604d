"""The header: queue position, reviewed today, the daily clock, name detection, and the banner."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget

from tracereader.app.render import Builder
from tracereader.sanitize import one_line


@dataclass(frozen=True)
class HeaderFacts:
    """What the header shows."""

    position: int
    total: int
    reviewed_today: int
    seconds_today: float
    budget_minutes: float
    ner: bool | None
    filter_text: str = ""
    banner: str | None = None
    loading: bool = False
    walk: str | None = None
    """`wrong_tool 3/52` while stepping through traces outside the queue."""
    passed: int = 0
    """Traces moved past too quickly to count as reviewed (still in the queue)."""
    panel_scrolls: bool = False
    """Whether the scroll keys act on the side panel (tab switches)."""
    background: str | None = None
    """Work going on in the background, e.g. the demo's ingest."""


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def header_content(facts: HeaderFacts) -> Content:
    """Two lines at most: status facts, then warnings (never colour alone: words and symbols)."""
    out = Builder()
    if facts.walk:
        out.add(" ").untrusted(one_line(facts.walk, 40), "bold reverse").add(" ", "bold reverse")
        out.add("  Esc: back", "bold")
    elif facts.total:
        more = "+ (loading)" if facts.loading else ""
        out.add(f" {facts.position}/{facts.total}{more} ", "bold reverse")
    else:
        out.add(" queue empty ", "bold reverse")
    out.add(f"  reviewed today {facts.reviewed_today}", "bold")
    if facts.passed:
        out.add(f"  passed {facts.passed}, not reviewed", "bold")
    budget = facts.budget_minutes * 60
    out.add(f"  ⏱ {_clock(facts.seconds_today)} of {_clock(budget)}")
    if budget and facts.seconds_today >= budget:
        out.add(" (budget reached)", "bold")
    if facts.filter_text:
        out.add("  filter: ", "dim").untrusted(one_line(facts.filter_text, 40), "dim")
    if facts.panel_scrolls:
        out.add("  ↕ side panel (tab: back)", "bold")
    warnings: list[str] = []
    if facts.background:
        warnings.append(facts.background)
    if facts.ner is False:
        warnings.append("⚠ NAMES NOT DETECTED at ingest for this trace (no NER model)")
    if facts.banner:
        warnings.append(one_line(facts.banner, 160))
    if warnings:
        out.add("\n")
        out.untrusted("  ·  ".join(warnings), "bold $warning")
    return out.build()


class ReviewHeader(Widget):
    """A plain-text status header (no markup: the filter text comes from the user).

    It repaints itself without a layout pass unless its number of lines changes, so the
    once-a-second clock and every key press cost one line of drawing.
    """

    DEFAULT_CSS = """
    ReviewHeader { height: 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="review-header")
        self._content = Content("")
        self._lines = 1

    def render(self) -> Content:
        return self._content

    def show(self, facts: HeaderFacts) -> None:
        """Redraw from the facts."""
        content = header_content(facts)
        if content.plain == self._content.plain:
            return
        lines = content.plain.count("\n") + 1
        self._content = content
        if lines != self._lines:
            self._lines = lines
            self.styles.height = lines  # a layout pass only when the line count changes
        self.refresh()

    @property
    def text(self) -> str:
        """The plain text on display (for tests)."""
        return str(self._content)
