"""The help screen, generated from the live bindings and the taxonomy so it cannot drift."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tracereader.app.bindings import key_help
from tracereader.app.render import Builder

if TYPE_CHECKING:
    from tracereader.config import Settings


def help_content(settings: Settings, keymap: dict[str, str]) -> Content:
    """Keys (as rebound by the keymap) and the failure taxonomy, as plain styled text."""
    out = Builder()
    out.add("KEYS", "bold underline").line("        binding id", "dim")
    for row in key_help(settings, keymap):
        if row.binding_id.startswith("tag-"):
            continue
        out.add(f"{row.keys:<12}", "bold").add(f"{row.binding_id:<12}", "dim")
        out.line(f" {row.description}")
    out.add("\n").line("TAGS (digits toggle them on the trace)", "bold underline")
    keys = {row.binding_id: row.keys for row in key_help(settings, keymap)}
    for tag in settings.tags:
        key = keys.get(f"tag-{tag.name}", "—")
        out.add(f"{key:<4}", "bold").untrusted(tag.name, "bold").add(f"  (tag-{tag.name})", "dim")
        if tag.description:
            out.add(" — ").untrusted(tag.description)
        out.add("\n")
    out.add("\n").line("Also: ctrl+p opens the command palette (every action, and themes).")
    out.line("A failure tag makes a trace bad unless you mark it good (g).")
    out.line("Implicit signals are evidence to read, never verdicts.")
    out.line("Rebind any key in your config: keymap: {mark-good: y}")
    return out.build()


class HelpScreen(ModalScreen[None]):
    """Every binding and every tag; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
    ]

    def compose(self) -> ComposeResult:
        app = self.app
        settings = app.settings  # type: ignore[attr-defined]
        keymap = dict(getattr(app, "_keymap", {}))
        with VerticalScroll(id="help-box"):
            yield Static(help_content(settings, keymap), id="help-text", markup=False)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
