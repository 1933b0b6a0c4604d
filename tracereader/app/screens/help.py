"""Each screen's help, generated from its live bindings (and the taxonomy), so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tracereader.app.bindings import KeyHelp, key_help, key_rows
from tracereader.app.render import Builder

if TYPE_CHECKING:
    from textual.app import App

    from tracereader.config import Settings

REVIEW_NOTES = (
    "Also: ctrl+p opens the command palette (every action, and themes; the theme is kept).",
    "A failure tag makes a trace bad unless you mark it good (g).",
    "Moving on counts a trace as reviewed only once it was on screen min_read_seconds",
    "(config, default 3 s); a quicker move passes it: it stays unreviewed, in the queue.",
    "g waits as long before it judges (unless you tagged, noted or b'd it this visit).",
    "Implicit signals are evidence to read, never verdicts; the message they name is marked ◀.",
    "The mouse selects text (your terminal copies it; or y copies the trace id).",
    "Rebind any key in your config: keymap: {mark-good: y, copy-id: Y}",
)


def help_content(
    title: str,
    rows: Iterable[KeyHelp],
    *,
    settings: Settings | None = None,
    keymap: dict[str, str] | None = None,
    notes: Iterable[str] = (),
) -> Content:
    """The keys of one screen (as rebound), optionally the taxonomy, then notes; plain text."""
    out = Builder()
    shown = [row for row in rows if not row.binding_id.startswith("tag-")]
    keys_width = max([6, *(len(row.keys) + 2 for row in shown)])
    id_width = max([10, *(len(row.binding_id) + 1 for row in shown)])
    out.add(f"{title.upper()} — KEYS", "bold underline").line("  (binding ids for keymap:)", "dim")
    for row in shown:
        out.add(f"{row.keys:<{keys_width}}", "bold").add(f"{row.binding_id:<{id_width}}", "dim")
        out.line(row.description)
    if settings is not None:
        out.add("\n").line("TAGS (their keys toggle them on the trace)", "bold underline")
        keys = {row.binding_id: row.keys for row in key_help(settings, keymap)}
        for tag in settings.tags:
            key = keys.get(f"tag-{tag.name}", "—")
            out.add(f"{key:<4}", "bold").untrusted(tag.name, "bold")
            out.add(f"  (tag-{tag.name})", "dim")
            if tag.description:
                out.add(" — ").untrusted(tag.description)
            out.add("\n")
    notes = list(notes)
    if notes:
        out.add("\n")
        for note in notes:
            out.line(note)
    return out.build()


def screen_help(
    app: App[object], title: str, bindings: Iterable[BindingType], notes: Iterable[str]
) -> HelpScreen:
    """The help screen for a screen's bindings, with the app's keymap applied."""
    keymap = dict(getattr(app, "_keymap", {}))
    return HelpScreen(help_content(title, key_rows(bindings, keymap), notes=notes))


def review_help(app: App[object]) -> HelpScreen:
    """The review screen's keys and the taxonomy."""
    settings: Settings = app.settings  # type: ignore[attr-defined]
    keymap = dict(getattr(app, "_keymap", {}))
    quit_note = getattr(getattr(app, "options", None), "quit_note", None)
    content = help_content(
        "Review screen",
        key_help(settings, keymap),
        settings=settings,
        keymap=keymap,
        notes=[*REVIEW_NOTES, *([quit_note] if quit_note else [])],
    )
    return HelpScreen(content)


class HelpScreen(ModalScreen[None]):
    """One screen's keys; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
    ]

    def __init__(self, content: Content) -> None:
        super().__init__()
        self._content = content

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self._content, id="help-text", markup=False)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
