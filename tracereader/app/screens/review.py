"""The review screen: one trace at a time, one key per decision, every decision committed."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Footer

from tracereader.app.bindings import REVIEW_BINDINGS, TAG_BINDING_PREFIX, add_tag_bindings
from tracereader.app.render import Rendered, render_conversation
from tracereader.app.render_panel import render_info, tag_legend
from tracereader.app.screens.review_navigation import TraceNavigation
from tracereader.app.widgets.conversation import ConversationView
from tracereader.app.widgets.review_header import HeaderFacts, ReviewHeader
from tracereader.app.widgets.text_pane import Prepared
from tracereader.app.widgets.trace_panel import TracePanel
from tracereader.config import Settings
from tracereader.review import ReviewState
from tracereader.sanitize import one_line

if TYPE_CHECKING:
    pass

RENDER_CACHE = 8
EMPTY_QUEUE = (
    "Nothing to review: the queue is empty.\n\n"
    "New traces join on r (refresh) or by themselves every half minute; "
    "/ changes the filter; p shows the patterns; q quits."
)


class ReviewScreen(TraceNavigation):
    """Shows the current trace of the session and turns keys into review actions."""

    BINDINGS = REVIEW_BINDINGS  # type: ignore[assignment]

    def __init__(self, settings: Settings) -> None:
        super().__init__(id="review")
        add_tag_bindings(self._bindings, settings, "toggle_tag", after="b", show=True)
        self._expanded = False
        self._rendered: OrderedDict[tuple[str, bool, str | None], Rendered] = OrderedDict()
        self._conv_prepared: OrderedDict[tuple[str, bool, str | None, int], Prepared | None]
        self._conv_prepared = OrderedDict()
        self._panel_cache: OrderedDict[
            tuple[str, ReviewState, int], tuple[Content, Prepared | None]
        ]
        self._panel_cache = OrderedDict()
        self._reviewed_today = 0
        self._passed = 0
        self._pass_explained = False
        self.background: str | None = None
        """Work going on meanwhile (the demo's ingest), shown in the header."""

    def compose(self) -> ComposeResult:
        yield ReviewHeader()
        with Horizontal(id="review-body"):
            yield ConversationView(id="conversation")
            with Vertical(id="trace-panel-box"):  # the border lives here, not on the pane
                yield TracePanel(id="trace-panel")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._after_review_change()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._clear_caches())
        self.show_current()

    def on_screen_resume(self) -> None:
        """Back from another screen (patterns may have renamed tags): redraw panel and header."""
        if self.is_mounted:
            self._after_review_change()
            self.refresh_panel()
            self.refresh_header()
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc (back from a walk) exists only while walking, the queue's own keys only without."""
        walking = self.tr_app.session.walk is not None
        if action == "end_walk":
            return walking
        if action in ("filter", "skip", "refresh_queue"):  # the queue's keys: not while walking
            return not walking
        return True

    # -- drawing ----------------------------------------------------------------------------
    @property
    def _highlight(self) -> str | None:
        return self.tr_app.session.options.filter.text

    def _conversation(self, trace_id: str) -> Rendered:
        key = (trace_id, self._expanded, self._highlight)
        cached = self._rendered.get(key)
        if cached is not None:
            return cached
        stored = self.tr_app.session.trace(trace_id)
        rendered = (
            render_conversation(stored.trace, expanded=self._expanded, highlight=self._highlight)
            if stored
            else Rendered(Content("(this trace is no longer in the database)"))
        )
        self._rendered[key] = rendered
        while len(self._rendered) > RENDER_CACHE:
            self._rendered.popitem(last=False)
        return rendered

    def show_current(self) -> None:
        """Draw the current trace, its panel and the header; then prefetch the next one."""
        session = self.tr_app.session
        trace_id = session.current
        conversation = self.query_one(ConversationView)
        panel = self.query_one(TracePanel)
        if trace_id is None:
            waiting = f"{self.background}\n\n{EMPTY_QUEUE}" if self.background else EMPTY_QUEUE
            conversation.show(Content(waiting))
            panel.show(tag_legend(self.tr_app.settings, ()))
        else:
            width = conversation.scrollable_content_region.width
            key = (trace_id, self._expanded, self._highlight, width)
            rendered = self._conversation(trace_id)
            conversation.show(rendered.content, prepared=self._conv_prepared.get(key))
            self.refresh_panel()
            self.call_after_refresh(self._after_frame)
        self.refresh_header()

    def refresh_panel(self) -> None:
        """Redraw the side panel from the store (after a tag, verdict or note)."""
        session = self.tr_app.session
        trace_id = session.current
        if trace_id is None:
            return
        state = session.log.state(trace_id)
        panel = self.query_one(TracePanel)
        content, prepared = self._panel(trace_id, state, panel)
        panel.show(content, keep_scroll=True, prepared=prepared)

    def _panel(
        self, trace_id: str, state: ReviewState, panel: TracePanel
    ) -> tuple[Content, Prepared | None]:
        """The side panel's content and wrapped lines for a trace in a given review state."""
        key = (trace_id, state, panel.scrollable_content_region.width)
        cached = self._panel_cache.get(key)
        if cached is not None:
            return cached
        stored = self.tr_app.session.trace(trace_id)
        settings = self.tr_app.settings
        content = render_info(stored, state, settings) if stored else tag_legend(settings, ())
        result = (content, panel.prepare(content))
        self._panel_cache[key] = result
        while len(self._panel_cache) > RENDER_CACHE:
            self._panel_cache.popitem(last=False)
        return result

    def refresh_header(self) -> None:
        """Redraw the header (also called every second by the app's clock)."""
        app = self.tr_app
        session = app.session
        stored = session.trace(session.current) if session.current else None
        walk = session.walk
        facts = HeaderFacts(
            position=session.index + 1 if session.current else 0,
            total=len(session.ids),
            reviewed_today=self._reviewed_today,
            seconds_today=session.clock.seconds_today(session.now()),
            budget_minutes=app.settings.daily_minutes,
            ner=stored.ner if stored else None,
            filter_text=session.options.filter.describe(),
            banner=app.banner,
            loading=not session.complete,
            walk=f"{walk.title} {walk.position}" if walk is not None else None,
            passed=self._passed,
            panel_scrolls=self.panel_scrolls,
            background=self.background,
        )
        try:
            header = self.query_one(ReviewHeader)
        except NoMatches:  # the clock ticked while the app was taking the screen down
            return
        header.show(facts)

    def _after_frame(self) -> None:
        """While the trace just drawn is read: prefetch the next one, then collect garbage."""
        self._prefetch()
        self.tr_app.collector.after_frame()

    def _prefetch(self) -> None:
        """After the frame: read, render and wrap the next trace, so moving on is one repaint."""
        session = self.tr_app.session
        upcoming = session.neighbour(1)
        if upcoming is None:
            return
        conversation = self.query_one(ConversationView)
        width = conversation.scrollable_content_region.width
        key = (upcoming, self._expanded, self._highlight, width)
        if key not in self._conv_prepared:
            content = self._conversation(upcoming).content
            self._conv_prepared[key] = conversation.prepare(content)
            while len(self._conv_prepared) > RENDER_CACHE:
                self._conv_prepared.popitem(last=False)
        self._panel(upcoming, session.log.state(upcoming), self.query_one(TracePanel))

    def _clear_caches(self) -> None:
        self._rendered.clear()
        self._conv_prepared.clear()
        self._panel_cache.clear()

    def _after_review_change(self) -> None:
        session = self.tr_app.session
        self._reviewed_today = session.reviewed_today()
        self._passed = len(session.unread_passes())

    def rebind_tags(self) -> None:
        """Bind the taxonomy anew after it changed while the app runs (a tag promoted or not)."""
        table = self._bindings.key_to_bindings
        for key in list(table):
            table[key] = [b for b in table[key] if not (b.id or "").startswith(TAG_BINDING_PREFIX)]
            if not table[key]:
                del table[key]
        add_tag_bindings(self._bindings, self.tr_app.settings, "toggle_tag")
        self._clear_caches()
        self.refresh_bindings()

    # -- actions ----------------------------------------------------------------------------
    def action_toggle_tag(self, index: int) -> None:
        """Toggle the taxonomy tag at `index` on the current trace."""
        session = self.tr_app.session
        tags = self.tr_app.settings.tags
        if session.current is None or not 0 <= index < len(tags):
            return
        session.log.toggle_tag(session.current, tags[index].name)
        self._after_review_change()
        self.refresh_panel()  # the panel's ☑/☐ legend and tag list say what changed
        self.refresh_header()

    def action_read_on(self) -> None:
        """Pager-style space: page down while the trace goes on, then the next trace."""
        view = self.query_one(ConversationView)
        if not view.at_bottom:
            view.scroll_relative(y=max(1, view.size.height - 2), animate=False)
            return
        self.action_next()

    def action_next(self) -> None:
        """Move on; the trace counts as reviewed only if it was read (see the session)."""
        session = self.tr_app.session
        moved = session.next()
        self._show_after_move(moved)
        passed = session.last_passed
        if passed is not None and not self._pass_explained:
            self._pass_explained = True  # once: the header keeps the count from then on
            self._say(
                f"Passed {one_line(passed, 30)} without reviewing it (on screen under "
                f"{session.min_read_seconds:g} s): it stays in the queue; k goes back.",
                timeout=4,
            )

    def _show_after_move(self, moved: bool) -> None:
        """Show the trace moved to, or say the queue has ended (the review is saved either way)."""
        self._after_review_change()
        if moved:
            self.panel_scrolls = False
            self.show_current()
            return
        self.refresh_panel()
        self.refresh_header()
        if self.tr_app.session.walk is not None:
            self._say("Last trace of this pattern: Esc goes back to it.")
        else:
            self._say("End of the queue: r looks for new traces.")

    def action_previous(self) -> None:
        """Show the previous trace."""
        if self.tr_app.session.previous():
            self.panel_scrolls = False
            self.show_current()
        else:
            self._say("This is the first trace.", timeout=2)

    def action_mark_good(self) -> None:
        """Verdict pass, then move on: the most common verdict costs one key."""
        session = self.tr_app.session
        if session.current is None:
            return
        moved = session.pass_and_next()
        refused = session.last_refused
        if refused is not None:  # too soon to be read: a double press must not judge it
            key = self.tr_app.settings.keymap.get("mark-good", "g").split(",")[0]
            self._say(
                f"Not judged: {one_line(refused, 30)} has been on screen under "
                f"{session.min_read_seconds:g} s (min_read_seconds). Read it, then {key} again; "
                "b, tags and notes are immediate.",
                timeout=4,
            )
            return
        self._show_after_move(moved)

    def action_mark_bad(self) -> None:
        """Verdict fail, and stay so tags and a note can follow."""
        session = self.tr_app.session
        if session.current is None:
            return
        session.log.set_verdict(session.current, "fail")
        self._after_review_change()
        self.refresh_panel()
        self.refresh_header()

    def action_note(self) -> None:
        """Open the note box for the current trace (with the patterns most like the note)."""
        from tracereader.app.screens.note import NoteAnswer, NoteModal

        session = self.tr_app.session
        trace_id = session.current
        if trace_id is None:
            return

        def save(answer: NoteAnswer | None) -> None:
            if answer is None or session.current != trace_id:
                return
            filed = self.tr_app.save_note(trace_id, answer.text, answer.file_under)
            self._after_review_change()
            self.refresh_panel()
            self.refresh_header()
            on = one_line(trace_id, 30)
            if filed:
                self._say(f"Note on {on} filed under {one_line(filed, 40)}.", timeout=1.5)
            else:
                what = "saved" if answer.text.strip() else "cleared"
                self._say(f"Note on {on} {what}.", timeout=1.5)

        note = session.log.state(trace_id).note or ""
        box = NoteModal(note, trace_id=trace_id, source=self.tr_app.suggestions)
        self.app.push_screen(box, save)

    def action_skip(self) -> None:
        """Send the trace to the back of the queue."""
        session = self.tr_app.session
        skipped = session.current
        if session.skip():
            self.show_current()
            self._say(f"Skipped {one_line(skipped or '', 30)}: it waits at the back (u undoes).")
        else:
            self._say("Nothing to skip to.", timeout=2)

    def action_undo(self) -> None:
        """Undo the latest action (repeatable) and say what it undid."""
        undone = self.tr_app.session.undo()
        if undone is None:
            self._say("Nothing left to undo.", timeout=2)
            return
        self._clear_caches()
        self._after_review_change()
        self.show_current()
        self.refresh_bindings()  # undo may have left a walk for the queue
        self._say(f"Undid {undone.description or undone.kind}.")

    def action_filter(self) -> None:
        """Open the queue filter."""
        from tracereader.app.screens.filter import FilterModal
        from tracereader.review import QueueFilter, check_filter

        app = self.tr_app

        def apply(new_filter: QueueFilter | None) -> None:
            if new_filter is None:
                return
            app.session.set_filter(new_filter)
            self._clear_caches()
            self.show_current()
            count = len(app.session.ids)
            self._say(f"{count} traces match: {new_filter.describe() or 'no filter'}.")

        def check(flt: QueueFilter) -> list[str]:
            return check_filter(app.store, app.settings, flt)

        self.app.push_screen(FilterModal(app.session.options.filter, check), apply)

    def action_queue_list(self) -> None:
        """Open the queue as a list."""
        from tracereader.app.screens.queue_list import QueueListScreen

        def opened(trace_id: str | None) -> None:
            self._clear_caches()
            if trace_id is not None:
                self.tr_app.session.goto(trace_id)
            self._after_review_change()
            self.show_current()

        self.app.push_screen(QueueListScreen(self.tr_app.settings), opened)

    def action_notes_list(self) -> None:
        """The notes this reviewer wrote; Enter reads them one by one (outside the queue)."""
        from tracereader.app.screens.notes_list import NotesScreen

        self.app.push_screen(NotesScreen())

    def action_patterns(self) -> None:
        """Open the patterns screen (grouped tags and notes with rates)."""
        self.tr_app.open_patterns()

    def action_end_walk(self) -> None:
        """Back from a pattern's traces to that pattern (or from a trace by id to the queue)."""
        self.tr_app.end_walk()

    def action_refresh_queue(self) -> None:
        """Look for traces ingested since the queue was built."""
        self.tr_app.refresh_queue(announce=True)

    def action_expand(self) -> None:
        """Expand or fold the system prompt and long tool arguments and results."""
        self._expanded = not self._expanded
        session = self.tr_app.session
        if session.current is not None:
            self.query_one(ConversationView).show(self._conversation(session.current).content)

    def action_help(self) -> None:
        """Show every key and every tag."""
        from tracereader.app.screens.help import review_help

        self.app.push_screen(review_help(self.app))

    def action_quit_app(self) -> None:
        """Save the time spent and quit."""
        self.tr_app.action_quit_app()
