"""The side panel: your review, the tag keys, signals with their ambiguity, and facts."""

from __future__ import annotations

from tracereader.app.widgets.text_pane import TextPane


class TracePanel(TextPane):
    """Metadata and review state of the trace on screen (tab moves the scroll keys here)."""
