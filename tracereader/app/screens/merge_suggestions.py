"""Suggested merges: automatic members to confirm, then alike patterns, each a yes or a no.

`y` accepts (confirms the member, or merges the smaller pattern into the larger / into the
tag), `Y` confirms every automatic member listed, `n` rejects (the pair is stored and never
proposed again), `u` undoes the last pattern edit, Escape goes back to the patterns, `?`
lists the keys. Every answer is committed at once and then said with the counts it made; the
list is recomputed on a worker with a connection of its own, so answering never waits for it.
The two label columns share the terminal's width, so both show at 80 columns.
Labels are reviewer text: shown as `Text`, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tracereader.app.widgets.row_table import RowTable
from tracereader.config import Settings
from tracereader.patterns import Pattern, find_patterns, merge_proposals, with_promoted
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns.merge_proposals import MergeProposal
from tracereader.sanitize import one_line
from tracereader.store import Store

MAX_LABEL = 36
MIN_LABEL = 12
KIND_WIDTH, ALIKE_WIDTH, ARROW_WIDTH = 9, 5, 1
"""The kind (`automatic`), alike (`0.93`) and arrow columns: fixed, so rows are drawn whole
from their first frame (an auto width is measured only when the table next idles)."""
FIXED_COLUMNS = KIND_WIDTH + ALIKE_WIDTH + ARROW_WIDTH
COUNT_ROOM = 5
"""Room for a label's ` (12)`."""
INTRO = (
    "Suggested merges, most alike first. Automatic members are already counted: y confirms, "
    "n takes them out. For two patterns, y merges them, n keeps them apart for good."
)
HELP_NOTES = (
    "An automatic member is a note the automatic merge put in a",
    "pattern: it counts already, so y keeps it there (confirmed)",
    "and n takes it out. For two alike patterns, y merges the",
    "smaller into the larger (a note pattern into a tag) and n",
    "records them as different failures, never asked again.",
    "Every answer is saved at once and says what it did, with counts.",
)


class MergeSuggestionsScreen(Screen[None]):
    """Ranked merge proposals answered with one key each."""

    DEFAULT_CSS = """
    MergeSuggestionsScreen { layout: vertical; }
    MergeSuggestionsScreen #merges-intro { height: auto; padding: 0 1; }
    MergeSuggestionsScreen #merges-table { height: 1fr; }
    MergeSuggestionsScreen #merges-status { height: auto; max-height: 3; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "accept", "Same", id="merges-accept"),
        Binding("n", "reject", "Different", id="merges-reject"),
        Binding("Y", "accept_automatic", "All automatic", id="merges-accept-automatic"),
        Binding("u", "undo", "Undo", id="merges-undo"),
        Binding("escape", "back", "Back", id="merges-back"),
        Binding("question_mark", "help", "Keys", id="merges-help", key_display="?"),
    ]
    AUTO_FOCUS = "#merges-table"

    def __init__(self, store: Store, settings: Settings) -> None:
        super().__init__(id="merges")
        self.store = store
        self.settings = settings
        self.proposals: list[MergeProposal] = []
        """The questions listed, in table order."""
        self._said: tuple[MergeProposal, bool] | None = None
        """The latest answer, said with its counts once the list is recomputed."""
        self._label_width = MAX_LABEL

    def compose(self) -> ComposeResult:
        yield Static(INTRO, id="merges-intro", markup=False)
        yield RowTable(id="merges-table", cursor_type="row", zebra_stripes=True)
        yield Static("Looking for alike patterns…", id="merges-status", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._columns()
        self.reload()

    def on_resize(self, event: Resize) -> None:
        if self._columns() and self.proposals:
            self._rows()

    def _columns(self) -> bool:
        """Fit the two label columns to the width; True when they changed."""
        room = (self.size.width - 2 - FIXED_COLUMNS - 5 * 2) // 2 - COUNT_ROOM  # 2: scrollbar
        width = max(MIN_LABEL, min(MAX_LABEL, room))
        table = self.query_one(DataTable)
        if table.columns and width + COUNT_ROOM == self._label_width:
            return False
        self._label_width = width + COUNT_ROOM
        table.clear(columns=True)
        table.add_column("kind", width=KIND_WIDTH)
        table.add_column("alike", width=ALIKE_WIDTH)
        table.add_column("this", width=self._label_width)
        table.add_column("", width=ARROW_WIDTH)
        table.add_column("belongs with", width=self._label_width)
        return True

    # -- data -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Recompute the proposals (on a worker when the database is a file)."""
        if self.store.path is None:
            self._fill(*_proposals(self.store, self.settings))
            return
        self._load()

    @work(thread=True, exclusive=True, group="merge-proposals", exit_on_error=False)
    def _load(self) -> None:
        assert self.store.path is not None
        store = Store.open(self.store.path, create=False)
        try:
            found, patterns = _proposals(store, self.settings)
        finally:
            store.close()
        self.app.call_from_thread(self._fill, found, patterns)

    def _fill(self, proposals: list[MergeProposal], patterns: list[Pattern]) -> None:
        if not self.is_mounted:
            return
        self.proposals = proposals
        self._rows()
        automatic = sum(p.automatic for p in proposals)
        members = f"{automatic} automatic member{'s' * (automatic != 1)} to confirm"
        left = (
            f"{len(proposals)} question{'s' * (len(proposals) != 1)} left ({members})."
            if proposals
            else "Nothing to ask: no automatic members and no alike patterns left."
        )
        if self._said is not None:
            proposal, accepted = self._said
            self._said = None
            done = merge_proposals.outcome(proposal, accepted, patterns)
            self.notify(done, timeout=5, markup=False)
            left = f"{done} {left}"
        self._status(left)

    def _rows(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        width = self._label_width - COUNT_ROOM
        for number, p in enumerate(self.proposals):
            table.add_row(*_cells(p, width), key=str(number))
        if self.proposals:
            table.move_cursor(row=min(row, len(self.proposals) - 1))

    def _status(self, text: str) -> None:
        self.query_one("#merges-status", Static).update(text)

    def current(self) -> MergeProposal | None:
        """The proposal under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.proposals[int(str(key))]

    # -- answers (each committed at once) ---------------------------------------------------
    def _answer(self, accept: bool) -> None:
        proposal = self.current()
        if proposal is None:
            return
        who = self.settings.reviewer_name
        try:
            if accept:
                merge_proposals.accept(self.store, proposal, reviewer=who)
            else:
                merge_proposals.reject(self.store, proposal, reviewer=who)
        except pattern_edits.PatternEditError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        table = self.query_one(DataTable)
        table.remove_row(table.coordinate_to_cell_key(table.cursor_coordinate).row_key)
        self._said = (proposal, accept)
        verb = "Merging" if accept else "Keeping apart"
        self._status(f"{verb} {one_line(proposal.source_label, 50)}: counting…")
        self.reload()

    def action_accept(self) -> None:
        """Yes: the two are the same failure."""
        self._answer(True)

    def action_accept_automatic(self) -> None:
        """Yes to every automatic member listed (near-duplicates, usually), in one go."""
        automatic = [p for p in self.proposals if p.automatic]
        if not automatic:
            self.notify("No automatic members to confirm.", timeout=2, markup=False)
            return
        who = self.settings.reviewer_name
        with self.store.atomic(immediate=True):
            for proposal in automatic:
                merge_proposals.accept(self.store, proposal, reviewer=who)
        done = merge_proposals.confirmed_all(automatic)
        self.notify(done, timeout=5, markup=False)
        self._status(f"{done} Updating the list…")
        self.reload()

    def action_reject(self) -> None:
        """No: different failures; never proposed again."""
        self._answer(False)

    def action_undo(self) -> None:
        """Undo the last pattern edit (an answer here, or an edit on the patterns screen)."""
        undone = pattern_edits.undo_last(self.store, reviewer=self.settings.reviewer_name)
        self.notify(f"Undid {undone.kind}." if undone else "No edit to undo.", markup=False)
        self.reload()

    def action_help(self) -> None:
        """This screen's keys."""
        from tracereader.app.screens.help import screen_help

        self.app.push_screen(screen_help(self.app, "Suggested merges", self.BINDINGS, HELP_NOTES))

    def action_back(self) -> None:
        """Back to the patterns."""
        self.dismiss()


def _proposals(store: Store, settings: Settings) -> tuple[list[MergeProposal], list[Pattern]]:
    """The questions, and the patterns they were asked of (for the counts an answer made)."""
    patterns = find_patterns(store, with_promoted(settings, store))
    return merge_proposals.propose(store, settings, patterns=patterns), patterns


def _cells(p: MergeProposal, width: int) -> list[Text]:
    kind = Text("automatic", style="bold") if p.automatic else Text("similar")
    return [
        kind,
        Text(f"{p.score:.2f}"),
        Text(f"{one_line(p.source_label, width)} ({p.source_count})"),
        Text("→"),
        Text(f"{one_line(p.target_label, width)} ({p.target_count})"),
    ]
