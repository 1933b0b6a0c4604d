"""The conversation pane: one Static holding one Content, so switching traces is a single update."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class ConversationView(VerticalScroll, can_focus=False):
    """Scrollable trace messages; keys scroll it from the screen so nothing needs focus."""

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="conversation-body", markup=False)

    def show(self, content: Content) -> None:
        """Replace the conversation and scroll back to its top."""
        self.query_one("#conversation-body", Static).update(content)
        self.scroll_home(animate=False, immediate=True)

    @property
    def text(self) -> str:
        """The plain text on display (for tests)."""
        return str(self.query_one("#conversation-body", Static).content)
