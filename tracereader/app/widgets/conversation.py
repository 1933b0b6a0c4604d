"""The conversation pane: the whole trace as one Content in a line-by-line scroll view."""

from __future__ import annotations

from tracereader.app.widgets.text_pane import TextPane


class ConversationView(TextPane):
    """Scrollable trace messages; the screen's keys scroll it, so it never needs focus."""
