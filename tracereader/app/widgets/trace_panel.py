"""The side panel: your review, signals with their ambiguity, facts, and the tag keys."""

from __future__ import annotations

from textual.content import Content

from tracereader.app.widgets.text_pane import TextPane


def panel_content(info: Content, legend: Content) -> Content:
    """The trace facts above the taxonomy legend."""
    return Content.assemble(info, "\n\n", legend)


class TracePanel(TextPane):
    """Metadata and review state of the trace on screen."""
