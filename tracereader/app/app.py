"""The Textual app: owns the store, the session and the clocks; screens do the drawing."""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tracereader.app.bindings import REVIEW_BINDINGS
from tracereader.app.collector import IdleCollector
from tracereader.app.options import AppOptions
from tracereader.app.screens.review import ReviewScreen
from tracereader.app.suggestion_source import SuggestionSource
from tracereader.config import Settings
from tracereader.patterns import with_promoted
from tracereader.review import ReviewSession, Walk
from tracereader.sanitize import one_line
from tracereader.store import Store
from tracereader.ui_state import load_theme, save_theme

if TYPE_CHECKING:
    from tracereader.patterns.suggestions import Suggestion

FLUSH_EVERY_TICKS = 10
PREWARM_AFTER_SECONDS = 1.0
"""After the first frame, when the patterns are computed once in the background."""
WARM_AFTER_IDLE_SECONDS = 3.0
"""Idle this long (reading a trace), the app builds the note box's suggestions in a worker."""


class TraceReaderApp(App[None]):
    """Steps one reviewer through the queue of anonymized traces."""

    CSS_PATH = "app.tcss"
    TITLE = "tracereader"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "quit_app", "Quit", show=False, priority=True, id="app-quit"),
    ]

    def __init__(self, store: Store, settings: Settings, options: AppOptions) -> None:
        super().__init__()
        self.store = store
        self.config_settings = settings
        """The settings as the config file gave them."""
        self.settings = with_promoted(settings, store)
        """In effect: the config's tags, then the tags promoted from note patterns."""
        self.options = options
        self.session = ReviewSession(
            store,
            settings.reviewer_name,
            options.queue,
            now=options.now,
            monotonic=options.monotonic,
            lazy=options.lazy_queue and store.path is not None,
            min_read_seconds=settings.min_read_seconds,
        )
        self.banner: str | None = None
        self._review_screen: ReviewScreen | None = None
        self._last_activity = options.monotonic()
        self._last_tick = options.monotonic()
        self._ticks = 0
        self._budget_noticed = False
        self._suggestions_warmed = False
        self.collector = IdleCollector()
        self.suggestions = SuggestionSource(store, lambda: self.settings)
        """The note box's index of patterns, rebuilt on a worker when notes change."""
        self._background_landed = -1
        self._background_over = False
        self.summary: list[str] = []
        """Today's summary, made when the app quits (the CLI prints it after the screen)."""
        self.set_keymap(settings.keymap)
        self._restore_theme()

    def get_default_screen(self) -> Screen:
        """The review screen is the base screen, so the first frame already shows a trace."""
        self._review_screen = ReviewScreen(self.settings)
        return self._review_screen

    def _restore_theme(self) -> None:
        """Use the theme picked last time (ctrl+p → theme); `on_mount` remembers the next pick."""
        saved = load_theme() if self.options.keep_theme else None
        if saved and saved in self.available_themes:
            self.theme = saved

    def on_mount(self) -> None:
        if self.options.keep_theme:
            self.theme_changed_signal.subscribe(self, lambda theme: save_theme(theme.name))
        if self.options.tick_seconds:
            self.set_interval(self.options.tick_seconds, self._tick)
        if self.options.refresh_seconds and self.store.path is not None:
            self.set_interval(self.options.refresh_seconds, self.refresh_queue)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_activity = self.options.monotonic()
            self.collector.activity()
        await super().on_event(event)

    @property
    def review_screen(self) -> ReviewScreen:
        """The review screen (always at the bottom of the stack)."""
        assert self._review_screen is not None
        return self._review_screen

    # -- the clock --------------------------------------------------------------------------
    def _tick(self) -> None:
        now = self.options.monotonic()
        elapsed, self._last_tick = now - self._last_tick, now
        self.session.clock.tick(self.session.now(), elapsed, now - self._last_activity)
        self.collector.idle(now - self._last_activity)
        if not self._suggestions_warmed and now - self._last_activity >= WARM_AFTER_IDLE_SECONDS:
            self._suggestions_warmed = True
            self.refresh_suggestions()
        self._ticks += 1
        if self._ticks % FLUSH_EVERY_TICKS == 0:
            self.session.clock.flush()
        seconds = self.session.clock.seconds_today(self.session.now())
        budget = self.settings.daily_minutes * 60
        if budget and seconds >= budget and not self._budget_noticed:
            self._budget_noticed = True
            self.notify(
                f"Your {self.settings.daily_minutes:g} minutes for today are up. "
                "Keep going if you like; the patterns view (p) shows what you found.",
                title="Daily budget reached",
                timeout=10,
                markup=False,
            )
        self._watch_background()
        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen) and screen.is_mounted:
                screen.refresh_header()

    def _watch_background(self) -> None:
        """Follow another process's work (the demo's feed): show it, pick up what it stored."""
        watch = self.options.background
        if watch is None or self._background_over or not self.review_screen.is_mounted:
            return
        state = watch(self.store)
        if state is None:
            return
        screen = self.review_screen
        if screen.background != state.text:
            screen.background = state.text
            if self.session.current is None:  # the empty queue's page says what is coming
                screen.show_current()
        if state.landed != self._background_landed:
            self._background_landed = state.landed
            self.refresh_queue()
        if state.done:
            self._background_over = True
            self.refresh_queue()
            if self.options.show_banner and self.store.path is not None:
                self._banner_worker()
            if state.text is None:
                self.notify(
                    f"All {state.landed} sample traces are in; the older ones came pre-reviewed, "
                    "so p shows patterns.",
                    timeout=6,
                    markup=False,
                )

    # -- new traces from other processes ----------------------------------------------------
    def refresh_queue(self, announce: bool = False) -> None:
        """Look for newly ingested traces in a worker thread with its own connection."""
        if not self.session.complete:
            return
        if self.store.path is None:
            joined = self.session.merge(self.session.fresh_ids())
            self._merged(joined, announce)
            return
        self._refresh_worker(announce)

    def _read_queue(self) -> list[str]:
        """The whole queue, read on a worker thread through a connection of its own."""
        from tracereader.review import build_queue

        assert self.store.path is not None
        store = Store.open(self.store.path, create=False)
        try:
            session = self.session
            return build_queue(store, session.options, session.reviewer, session.today)
        finally:
            store.close()

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh_worker(self, announce: bool) -> None:
        self.call_from_thread(self._merge_fresh, self._read_queue(), announce)

    @work(thread=True, exclusive=True, group="complete", exit_on_error=False)
    def _complete_worker(self) -> None:
        self.call_from_thread(self._completed, self._read_queue())

    def _completed(self, full: list[str]) -> None:
        self.session.complete_with(full)
        self.review_screen.refresh_header()
        self.collector.freeze()

    def on_ready(self) -> None:
        """After the first frame: load the rest of the queue and the banner in workers."""
        if not self.session.complete:
            self._complete_worker()
        if self.options.show_banner and self.store.path is not None:
            self._banner_worker()
        if self.options.prewarm_patterns and self.store.path is not None:
            self.set_timer(PREWARM_AFTER_SECONDS, self._prewarm_worker)
        self.collector.start()

    @work(thread=True, exclusive=True, group="prewarm", exit_on_error=False)
    def _prewarm_worker(self) -> None:
        """Compute the patterns once in the background (imports, cached note clusters), so the
        first p shows its results at once."""
        from tracereader.patterns import load_view_at

        assert self.store.path is not None
        load_view_at(self.store.path, self.settings)

    def on_unmount(self) -> None:
        self.collector.stop()

    def _merge_fresh(self, fresh: list[str], announce: bool) -> None:
        self._merged(self.session.merge(fresh), announce)

    def _merged(self, joined: int, announce: bool) -> None:
        screen = self.review_screen
        feeding = self.options.background is not None and not self._background_over
        if announce or (joined and not feeding):  # while a feed runs, its header line says it
            message = f"{joined} new trace(s) joined the queue." if joined else "No new traces."
            self.notify(message, timeout=3, markup=False)
        if joined and len(self.session.ids) == joined:
            screen.show_current()
        else:
            screen.refresh_header()

    # -- banner from the volume advisor and pipeline health ---------------------------------
    @work(thread=True, exclusive=True, group="banner", exit_on_error=False)
    def _banner_worker(self) -> None:
        try:
            advisor = importlib.import_module("tracereader.status")
        except ImportError:
            return
        header_banner = getattr(advisor, "header_banner", None)
        if header_banner is None or self.store.path is None:
            return
        store = Store.open(self.store.path, create=False)
        try:
            banner = header_banner(store, self.settings, now=self.session.now())
        finally:
            store.close()
        self.call_from_thread(self._set_banner, banner)

    def _set_banner(self, banner: str | None) -> None:
        self.banner = banner
        self.review_screen.refresh_header()

    # -- notes and the taxonomy that grows from them ---------------------------------------
    def save_note(self, trace_id: str, text: str, file_under: Suggestion | None) -> str | None:
        """Save a note, filed under a pattern in the same transaction; returns that label."""
        from tracereader.patterns import edits as pattern_edits

        log = self.session.log
        filed = file_under if text.strip() else None
        with log.transaction():
            log.set_note(trace_id, text)
            if filed is not None:
                pattern_edits.file_note(self.store, trace_id, filed.key, reviewer=log.reviewer)
        self.refresh_suggestions()
        return filed.label if filed is not None else None

    def refresh_suggestions(self) -> None:
        """Rebuild the note box's index on a worker while the reviewer reads on."""
        if self.suggestions.in_thread:
            self._suggestions_worker()

    @work(thread=True, exclusive=True, group="suggestions", exit_on_error=False)
    def _suggestions_worker(self) -> None:
        self.suggestions.build()

    def taxonomy_changed(self) -> None:
        """A tag was promoted (or the promotion undone): the review screen's tags follow."""
        self.settings = with_promoted(self.config_settings, self.store)
        self.review_screen.rebind_tags()
        self.review_screen.refresh_panel()

    # -- other screens ----------------------------------------------------------------------
    def open_patterns(self, reopen: str | None = None, at_trace: str | None = None) -> None:
        """Push the patterns screen (drilled into pattern `reopen` at `at_trace`, if given)."""
        try:
            module = importlib.import_module("tracereader.app.screens.patterns")
        except ImportError:
            self.notify("The patterns view is not available in this build.", markup=False)
            return
        screen = module.PatternsScreen(self.store, self.settings, reopen=reopen, at_trace=at_trace)
        self.push_screen(screen)

    def open_walk(self, walk: Walk) -> None:
        """Step through `walk`'s traces on the review screen, leaving the queue as it is."""
        self.session.start_walk(walk)
        self.review_screen.show_current()
        self.review_screen.refresh_bindings()

    def end_walk(self) -> None:
        """Back to the queue; a pattern's walk goes back to that pattern's traces."""
        walk = self.session.end_walk()
        screen = self.review_screen
        screen.show_current()
        screen.refresh_bindings()
        if walk is not None and walk.origin is not None:
            self.open_patterns(reopen=walk.origin, at_trace=walk.current)

    def open_trace_by_id(self, text: str) -> None:
        """Show the trace whose id is `text` (or starts with it), outside the queue."""
        from tracereader.review import find_trace_ids

        found = find_trace_ids(self.store, text)
        shown = one_line(text, 30)
        if not found:
            self.notify(f"No trace id is or starts with {shown!r}.", markup=False)
            return
        if len(found) > 1:
            listed = ", ".join(one_line(t, 24) for t in found[:5])
            more = "…" if len(found) > 5 else ""
            count = f"{len(found)}{'+' if len(found) == 10 else ''}"
            message = f"{count} traces start with {shown!r}: {listed}{more}; type more of it."
            self.notify(message, markup=False)
            return
        trace_id = found[0]
        self.open_walk(Walk(f"trace {one_line(trace_id, 30)}", [trace_id], 0, None))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every review action in the command palette, plus Textual's own (themes, keys…)."""
        yield from super().get_system_commands(screen)
        review = self.review_screen
        for binding in REVIEW_BINDINGS:
            if binding.id in {"scroll-down", "scroll-up", "page-down", "page-up", "end-walk"}:
                continue
            action = binding.action

            def run(action: str = action) -> None:
                self.call_later(review.run_action, action)

            yield SystemCommand(binding.description, f"review: {binding.id}", run)
        for index, tag in enumerate(self.settings.tags):

            def toggle(index: int = index) -> None:
                self.call_later(review.run_action, f"toggle_tag({index})")

            yield SystemCommand(f"Tag {tag.name}", tag.description or "toggle this tag", toggle)

    # -- leaving ----------------------------------------------------------------------------
    def action_quit_app(self) -> None:
        """Store time spent on the current trace and in the app, sum up today, then quit."""
        self.session.flush_time()
        from tracereader.review import today_summary

        session = self.session
        try:
            self.summary = today_summary(
                self.store,
                self.settings,
                session.reviewer,
                session.today,
                seconds=session.clock.seconds_today(session.now()),
                passed=len(session.unread_passes()),
            )
        except (sqlite3.Error, ValueError) as exc:  # it must never stand between you and quitting
            self.summary = [f"(no summary of today: {type(exc).__name__})"]
        self.exit()
