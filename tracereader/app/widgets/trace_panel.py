"""The side panel: facts, signals with their ambiguity, the review so far, and the tag keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class TracePanel(VerticalScroll, can_focus=False):
    """Metadata and review state of the trace on screen."""

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="trace-info", markup=False)
        yield Static(Content(""), id="tag-legend", markup=False)

    def show(self, info: Content, legend: Content) -> None:
        """Replace both parts."""
        self.query_one("#trace-info", Static).update(info)
        self.query_one("#tag-legend", Static).update(legend)

    @property
    def text(self) -> str:
        """The plain text on display (for tests)."""
        info = self.query_one("#trace-info", Static).content
        legend = self.query_one("#tag-legend", Static).content
        return f"{info}\n{legend}"
