"""Getting around the trace on screen: pages, Home/End, the last answer, the side panel, the id.

The review screen's base: every pane is reachable by keyboard (tab moves the scroll keys to
the side panel, so its tag keys and facts can be read at 80×24), `a` jumps to the answer the
user saw last, `y` copies the trace id, `#` opens a trace by id outside the queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from tracereader.app.render import Rendered
from tracereader.app.widgets.conversation import ConversationView
from tracereader.app.widgets.text_pane import TextPane
from tracereader.app.widgets.trace_panel import TracePanel
from tracereader.sanitize import one_line

if TYPE_CHECKING:
    from tracereader.app.app import TraceReaderApp


class TraceNavigation(Screen[None]):
    """The keys that move around one trace; the review screen adds the decisions."""

    panel_scrolls = False
    """Whether the scroll keys act on the side panel instead of the conversation (tab)."""

    @property
    def tr_app(self) -> TraceReaderApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def _conversation(self, trace_id: str) -> Rendered:
        """The trace's rendered conversation (the review screen caches it)."""
        raise NotImplementedError

    def refresh_header(self) -> None:
        """Redraw the header (the review screen's)."""
        raise NotImplementedError

    def _say(self, message: str, timeout: float = 2.5) -> None:
        self.notify(message, timeout=timeout, markup=False)

    # -- getting around a trace -------------------------------------------------------------
    def _scroll_target(self) -> TextPane:
        return (
            self.query_one(TracePanel) if self.panel_scrolls else self.query_one(ConversationView)
        )

    def action_scroll_conversation(self, lines: int) -> None:
        """Scroll the pane the scroll keys act on by lines."""
        self._scroll_target().scroll_relative(y=lines, animate=False)

    def action_page_conversation(self, pages: int) -> None:
        """Scroll the pane the scroll keys act on by pages."""
        view = self._scroll_target()
        view.scroll_relative(y=pages * max(1, view.size.height - 2), animate=False)

    def action_scroll_home(self) -> None:
        """Top of the pane."""
        self._scroll_target().scroll_to(0, 0, animate=False)

    def action_scroll_end(self) -> None:
        """Bottom of the pane."""
        view = self._scroll_target()
        view.scroll_to(0, view.max_scroll_y, animate=False)

    def action_switch_pane(self) -> None:
        """Let the scroll keys act on the other pane (the side panel scrolls at 80×24 too)."""
        self.panel_scrolls = not self.panel_scrolls
        self.refresh_header()

    def action_last_answer(self) -> None:
        """Scroll the conversation to the last assistant answer."""
        session = self.tr_app.session
        if session.current is None:
            return
        rendered = self._conversation(session.current)
        view = self.query_one(ConversationView)
        if rendered.last_answer is None:
            self._say("This trace has no assistant answer with text.")
            return
        self.panel_scrolls = False
        view.scroll_to_source_line(rendered.message_lines[rendered.last_answer])
        self.refresh_header()

    def action_copy_id(self) -> None:
        """Copy the trace id to the clipboard (the terminal must allow OSC 52)."""
        trace_id = self.tr_app.session.current
        if trace_id is None:
            return
        self.app.copy_to_clipboard(trace_id)
        self._say(f"Copied the trace id {one_line(trace_id, 40)} to the clipboard.")

    def action_goto_id(self) -> None:
        """Go to a trace by its id (or the start of it), outside the queue."""
        from tracereader.app.screens.goto import GotoModal

        def go(text: str | None) -> None:
            if text:
                self.tr_app.open_trace_by_id(text)

        self.app.push_screen(GotoModal(), go)
