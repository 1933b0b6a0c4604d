"""Suggested merges: automatic members to confirm, then alike patterns, each a yes or a no.

`y` accepts (confirms the member, or merges the smaller pattern into the larger / into the
tag), `Y` confirms every automatic member listed, `n` rejects (the pair is stored and never
proposed again), `u` undoes the last pattern edit, Escape goes back to the patterns. Every
answer is committed at once; the list is recomputed on a worker with a connection of its
own, so answering never waits for it.
Labels are reviewer text: shown as `Text`, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tracereader.config import Settings
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns import merge_proposals
from tracereader.patterns.merge_proposals import MergeProposal
from tracereader.sanitize import one_line
from tracereader.store import Store

LABEL_WIDTH = 36
INTRO = (
    "Suggested merges, most alike first. Automatic members are already counted: y confirms, "
    "n takes them out. For two patterns, y merges them, n keeps them apart for good."
)


class MergeSuggestionsScreen(Screen[None]):
    """Ranked merge proposals answered with one key each."""

    DEFAULT_CSS = """
    MergeSuggestionsScreen { layout: vertical; }
    MergeSuggestionsScreen #merges-intro { height: auto; padding: 0 1; }
    MergeSuggestionsScreen #merges-table { height: 1fr; }
    MergeSuggestionsScreen #merges-status { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "accept", "Yes, same failure", id="merges-accept"),
        Binding("Y", "accept_automatic", "Yes to every automatic", id="merges-accept-automatic"),
        Binding("n", "reject", "No, different", id="merges-reject"),
        Binding("u", "undo", "Undo", id="merges-undo"),
        Binding("escape", "back", "Back", id="merges-back"),
    ]
    AUTO_FOCUS = "#merges-table"

    def __init__(self, store: Store, settings: Settings) -> None:
        super().__init__(id="merges")
        self.store = store
        self.settings = settings
        self.proposals: list[MergeProposal] = []
        """The questions listed, in table order."""

    def compose(self) -> ComposeResult:
        yield Static(INTRO, id="merges-intro", markup=False)
        yield DataTable(id="merges-table", cursor_type="row", zebra_stripes=True)
        yield Static("Looking for alike patterns…", id="merges-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("kind", "alike", "this", "", "belongs with")
        self.reload()

    # -- data -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Recompute the proposals (on a worker when the database is a file)."""
        if self.store.path is None:
            self._fill(merge_proposals.propose(self.store, self.settings))
            return
        self._load()

    @work(thread=True, exclusive=True, group="merge-proposals", exit_on_error=False)
    def _load(self) -> None:
        assert self.store.path is not None
        store = Store.open(self.store.path, create=False)
        try:
            found = merge_proposals.propose(store, self.settings)
        finally:
            store.close()
        self.app.call_from_thread(self._fill, found)

    def _fill(self, proposals: list[MergeProposal]) -> None:
        if not self.is_mounted:
            return
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.proposals = proposals
        table.clear()
        for number, p in enumerate(proposals):
            table.add_row(*_cells(p), key=str(number))
        if proposals:
            table.move_cursor(row=min(row, len(proposals) - 1))
        automatic = sum(p.automatic for p in proposals)
        members = f"{automatic} automatic member{'s' * (automatic != 1)} to confirm"
        self._status(
            f"{len(proposals)} question{'s' * (len(proposals) != 1)} ({members})."
            if proposals
            else "Nothing to ask: no automatic members and no alike patterns left."
        )

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
        verb = "Merged" if accept else "Kept apart"
        self._status(f"{verb}: {one_line(proposal.source_label, 50)}. Updating the list…")
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
        self._status(f"Confirmed {len(automatic)} automatic members. Updating the list…")
        self.reload()

    def action_reject(self) -> None:
        """No: different failures; never proposed again."""
        self._answer(False)

    def action_undo(self) -> None:
        """Undo the last pattern edit (an answer here, or an edit on the patterns screen)."""
        undone = pattern_edits.undo_last(self.store, reviewer=self.settings.reviewer_name)
        self.notify(f"Undid {undone.kind}." if undone else "No edit to undo.", markup=False)
        self.reload()

    def action_back(self) -> None:
        """Back to the patterns."""
        self.dismiss()


def _cells(p: MergeProposal) -> list[Text]:
    kind = Text("automatic", style="bold") if p.automatic else Text("similar")
    return [
        kind,
        Text(f"{p.score:.2f}"),
        Text(f"{one_line(p.source_label, LABEL_WIDTH)} ({p.source_count})"),
        Text("→"),
        Text(f"{one_line(p.target_label, LABEL_WIDTH)} ({p.target_count})"),
    ]
